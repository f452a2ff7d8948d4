package org.asteriskjava.manager.internal;

import io.firstline.TestTraces;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.util.ReflectionUtil;

/**
 * Every event of every recording in traces/ as the attributes Asterisk-Java's reader hands its event builder (keys in
 * lower case, repeated keys as a list), and an event's properties as its getters read them. Test helper.
 */
final class RecordedEvents {

    private RecordedEvents() {
    }

    /** Each event's attributes, in the order of the recordings (a fresh map each, as the builder may change it). */
    static List<Map<String, Object>> all() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(TestTraces.dir())) {
            for (Path raw : files.filter(p -> p.toString().endsWith(".raw")).sorted().toList()) {
                out.addAll(of(Files.readString(raw, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** The events of one recording, read line by line as ManagerReaderImpl.run reads its socket. */
    static List<Map<String, Object>> of(String text) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> buffer = new HashMap<>();
        for (String line : text.split("\r\n", -1)) {
            if (line.startsWith("Asterisk Call Manager/")) {
                continue;
            }
            if ("Follows".equals(buffer.get("response")) && line.endsWith("--END COMMAND--")) {
                buffer.put("__result__", line);
                continue;
            }
            String[] parts = line.split(":", 2);
            if (!line.isEmpty() && parts.length == 2) {
                String key = parts[0].toLowerCase(Locale.ENGLISH).trim();
                if (!key.isEmpty()) {
                    add(buffer, key, parts[1].trim());
                }
            }
            if (line.isEmpty()) {
                if (buffer.containsKey("event")) {
                    out.add(new HashMap<>(buffer));
                }
                buffer.clear();
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> buffer, String key, String value) {
        Object current = buffer.get(key);
        if (current == null) {
            buffer.put(key, value);
        } else if (current instanceof List) {
            ((List<String>) current).add(value);
        } else {
            List<String> list = new ArrayList<>();
            list.add(current.toString());
            list.add(value);
            buffer.put(key, list);
        }
    }

    /** Every property of an event as its getters return it, events within it (a Peers event's) read the same way. */
    static Object properties(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(RecordedEvents::properties).toList();
        }
        if (!(value instanceof ManagerEvent event)) {
            return value;
        }
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, Method> getter : ReflectionUtil.getGetters(event.getClass()).entrySet()) {
            Object v;
            try {
                v = properties(getter.getValue().invoke(event));
            } catch (InvocationTargetException e) {
                v = "throws " + e.getCause();
            } catch (IllegalAccessException e) {
                v = "not readable";
            }
            out.put(getter.getKey(), v);
        }
        return out;
    }
}
