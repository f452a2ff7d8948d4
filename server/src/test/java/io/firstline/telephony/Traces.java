package io.firstline.telephony;

import io.firstline.TestTraces;
import io.firstline.calls.PbxEvent;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.asteriskjava.manager.event.ManagerEvent;

/**
 * The real Asterisk 22 traces in the repository's traces/ folder ({@link TestTraces}), read the way Asterisk-Java reads a socket
 * (its own event builder) and translated by {@link AmiEvents}. Test helper.
 */
public final class Traces {

    private Traces() {
    }

    /** The trace's events as Asterisk-Java builds them, in order (responses and the greeting left out). */
    static List<ManagerEvent> managerEvents(String name) throws IOException {
        String text = Files.readString(TestTraces.amiRaw(name), StandardCharsets.UTF_8);
        EventBuilder builder = new EventBuilder();
        List<ManagerEvent> out = new ArrayList<>();
        for (String block : text.split("\r\n\r\n")) {
            Map<String, Object> fields = new HashMap<>();
            for (String line : block.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String key = line.substring(0, colon).toLowerCase(Locale.ROOT).trim();
                    String value = line.substring(colon + 1).trim();
                    if (!fields.containsKey(key)) {
                        fields.put(key, value);
                    }
                }
            }
            if (fields.containsKey("event")) {
                ManagerEvent e = builder.build(fields);
                if (e != null) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Asterisk-Java's own (package-private) event builder, the one its socket reader uses. */
    private static final class EventBuilder {
        private final Object impl;
        private final Method build;

        EventBuilder() {
            try {
                Class<?> c = Class.forName("org.asteriskjava.manager.internal.EventBuilderImpl");
                var ctor = c.getDeclaredConstructor();
                ctor.setAccessible(true);
                impl = ctor.newInstance();
                build = c.getMethod("buildEvent", Object.class, Map.class);
                build.setAccessible(true);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        ManagerEvent build(Map<String, Object> fields) {
            try {
                return (ManagerEvent) build.invoke(impl, Traces.class, fields);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The trace as our own events, one second apart from a fixed start so that durations are readable. */
    public static List<PbxEvent> pbxEvents(String name) throws IOException {
        List<PbxEvent> out = new ArrayList<>();
        Instant t = Instant.parse("2026-11-24T09:00:00Z");
        for (ManagerEvent e : managerEvents(name)) {
            t = t.plusMillis(100);
            AmiEvents.translate("pbx", e, t, (event, why) -> {
                throw new AssertionError("a recorded " + event.getClass().getSimpleName() + " could not be read", why);
            }).ifPresent(out::add);
        }
        return out;
    }
}
