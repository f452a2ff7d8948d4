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
        for (List<String> lines : allLines()) {
            out.add(attributes(lines));
        }
        return out;
    }

    /** Each event's lines as Asterisk sent them, in the order of the recordings (responses left out). */
    static List<List<String>> allLines() throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(TestTraces.dir())) {
            for (Path raw : files.filter(p -> p.toString().endsWith(".raw")).sorted().toList()) {
                for (String block : Files.readString(raw, StandardCharsets.UTF_8).split("\r\n\r\n")) {
                    List<String> lines = List.of(block.split("\r\n"));
                    if (attributes(lines).containsKey("event")) {
                        out.add(lines);
                    }
                }
            }
        }
        return out;
    }

    /** An event's attributes as ManagerReaderImpl.run reads them from its socket into the map it hands the builder. */
    static Map<String, Object> attributes(List<String> lines) {
        Map<String, Object> buffer = new HashMap<>();
        read(lines, buffer);
        return buffer;
    }

    /** As ManagerReaderImpl.run: the name in lower case, both trimmed, a repeated name's values in a list. */
    static void read(List<String> lines, Map<String, Object> buffer) {
        for (String line : lines) {
            if (line.startsWith("Asterisk Call Manager/")) {
                continue;
            }
            String[] parts = line.split(":", 2);
            if (parts.length == 2) {
                String key = parts[0].toLowerCase(Locale.ENGLISH).trim();
                if (!key.isEmpty()) {
                    add(buffer, key, parts[1].trim());
                }
            }
        }
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
