package io.firstline.telephony.agi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A FastAGI request as Asterisk sent it: the script name, its query parameters, the caller id and
 * the channel. Built from the {@code agi_*} environment block; nothing in it is trusted.
 */
record AgiRequest(String script, Map<String, String> params, String callerId, String callerName, String channel,
        String uniqueid) {

    static AgiRequest of(Map<String, String> env) {
        String raw = env.getOrDefault("agi_network_script", "");
        int q = raw.indexOf('?');
        String script = (q < 0 ? raw : raw.substring(0, q)).strip();
        Map<String, String> params = new HashMap<>();
        if (q >= 0) {
            for (String pair : raw.substring(q + 1).split("&", 20)) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    try {
                        params.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        // a malformed escape: the parameter is left out
                    }
                }
            }
        }
        return new AgiRequest(script, Map.copyOf(params), env.getOrDefault("agi_callerid", ""),
                env.getOrDefault("agi_calleridname", ""), env.getOrDefault("agi_channel", ""),
                env.getOrDefault("agi_uniqueid", ""));
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name)).map(String::strip).filter(s -> !s.isEmpty());
    }
}
