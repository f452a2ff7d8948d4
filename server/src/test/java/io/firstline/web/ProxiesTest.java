package io.firstline.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("X-Forwarded-* believed only from trusted proxies, and the WebSocket's origin check")
class ProxiesTest {

    private static MultiMap headers(String... pairs) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            m.add(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    @DisplayName("addresses and CIDR ranges, IPv4 and IPv6, are matched; nothing else is trusted")
    void trusted() {
        Proxies p = new Proxies(List.of("10.0.0.5", "192.168.8.0/22", "fd00::/8"));
        assertThat(p.trusted("10.0.0.5")).isTrue();
        assertThat(p.trusted("10.0.0.6")).isFalse();
        assertThat(p.trusted("192.168.11.200")).isTrue();
        assertThat(p.trusted("192.168.12.1")).isFalse();
        assertThat(p.trusted("fd12:3456::1")).isTrue();
        assertThat(p.trusted("fe80::1")).isFalse();
        assertThat(p.trusted("not-an-address")).isFalse();
        assertThat(new Proxies(List.of()).trusted("10.0.0.5")).isFalse();
    }

    @Test
    @DisplayName("a trusted proxy's scheme, host and client address are believed (its own, last, value); anyone else's are not")
    void forwarded() {
        Proxies p = new Proxies(List.of("10.0.0.5"));
        MultiMap h = headers("Host", "10.0.0.9:8080", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "desk.example.org",
                "X-Forwarded-For", "203.0.113.9, 198.51.100.7");
        assertThat(p.https("10.0.0.5", false, h)).isTrue();
        assertThat(p.host("10.0.0.5", h)).isEqualTo("desk.example.org");
        assertThat(p.client("10.0.0.5", h)).isEqualTo("198.51.100.7");
        assertThat(p.https("10.0.0.66", false, h)).as("not a trusted proxy").isFalse();
        assertThat(p.host("10.0.0.66", h)).isEqualTo("10.0.0.9:8080");
        assertThat(p.client("10.0.0.66", h)).isEqualTo("10.0.0.66");
        assertThat(p.https("10.0.0.66", true, headers())).as("TLS here").isTrue();
        assertThat(p.client("10.0.0.5", headers("X-Forwarded-For", "evil.example"))).isEqualTo("10.0.0.5");
        assertThat(p.https("10.0.0.5", false, headers("X-Forwarded-Proto", "https, http"))).isFalse();
    }

    @Test
    @DisplayName("the Origin must be this server as the client reached it: scheme, host and port")
    void origin() {
        assertThat(WsHub.sameOrigin(null, false, "x")).as("no Origin: not a browser").isTrue();
        assertThat(WsHub.sameOrigin("http://127.0.0.1:8080", false, "127.0.0.1:8080")).isTrue();
        assertThat(WsHub.sameOrigin("https://desk.example.org", true, "desk.example.org")).isTrue();
        assertThat(WsHub.sameOrigin("https://desk.example.org", true, "desk.example.org:443")).isTrue();
        assertThat(WsHub.sameOrigin("https://desk.example.org:8443", true, "desk.example.org:8443")).isTrue();
        assertThat(WsHub.sameOrigin("https://desk.example.org", false, "desk.example.org")).as("http here").isFalse();
        assertThat(WsHub.sameOrigin("http://desk.example.org", true, "desk.example.org")).isFalse();
        assertThat(WsHub.sameOrigin("http://evil.example", false, "desk.example.org")).isFalse();
        assertThat(WsHub.sameOrigin("http://desk.example.org:8081", false, "desk.example.org:8080")).isFalse();
        assertThat(WsHub.sameOrigin("null", false, "desk.example.org")).isFalse();
        assertThat(WsHub.sameOrigin("http://desk.example.org", false, null)).isFalse();
    }
}
