// A captured AMI connection (.ami.raw + .recv.tsv) split into timed messages; immutable, used by templates, replay and tests on any thread.
package io.firstline.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class AmiTrace {

    /** One message of the trace: its parsed form, its exact bytes' position and the time its first byte arrived. */
    record Entry(AmiMessage message, int offset, int length, double seconds) {

        /** A response to an action of the recording session; an event may have a Response header too (OriginateResponse). */
        boolean isResponse() {
            return message.eventName() == null && message.get("Response") != null;
        }
    }

    private static final String RESOURCE_DIR = "/io/firstline/sim/traces/";

    private final String name;
    private final byte[] raw;
    private final String greeting;
    private final List<Entry> entries;

    private AmiTrace(String name, byte[] raw, List<double[]> chunks) {
        this.name = name;
        this.raw = raw;
        String text = new String(raw, StandardCharsets.UTF_8);
        if (!text.chars().allMatch(c -> c < 128)) {
            throw new IllegalArgumentException(name + ": trace is not ASCII");
        }
        int greetingEnd = text.indexOf("\r\n");
        if (greetingEnd < 0) {
            throw new IllegalArgumentException(name + ": no greeting line");
        }
        this.greeting = text.substring(0, greetingEnd + 2);
        List<Entry> list = new ArrayList<>();
        int pos = greetingEnd + 2;
        while (pos < text.length()) {
            int end = text.indexOf("\r\n\r\n", pos);
            if (end < 0) {
                throw new IllegalArgumentException(name + ": unterminated message at byte " + pos);
            }
            List<String> lines = Arrays.asList(text.substring(pos, end).split("\r\n", -1));
            list.add(new Entry(AmiMessage.parse(lines), pos, end + 4 - pos, timeAt(chunks, pos)));
            pos = end + 4;
        }
        this.entries = List.copyOf(list);
    }

    private static double timeAt(List<double[]> chunks, int offset) {
        for (double[] c : chunks) {
            if (offset >= c[1] && offset < c[1] + c[2]) {
                return c[0];
            }
        }
        return 0;
    }

    /** Loads a trace file; the .recv.tsv next to it (same base name) gives the timings if present. */
    static AmiTrace load(Path amiRaw) {
        try {
            byte[] raw = Files.readAllBytes(amiRaw);
            String file = amiRaw.getFileName().toString();
            Path tsv = amiRaw.resolveSibling(file.replaceFirst("\\.ami\\.raw$", "") + ".recv.tsv");
            List<double[]> chunks = Files.exists(tsv) ? parseTsv(Files.readString(tsv)) : List.of();
            return new AmiTrace(file, raw, chunks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads one of the traces bundled with the simulator, by base name (e.g. "answered-software"). */
    static AmiTrace bundled(String baseName) {
        byte[] raw = readResource(RESOURCE_DIR + baseName + ".ami.raw");
        byte[] tsv = readResource(RESOURCE_DIR + baseName + ".recv.tsv");
        return new AmiTrace(baseName, raw, parseTsv(new String(tsv, StandardCharsets.UTF_8)));
    }

    static List<String> bundledNames() {
        return List.of("abandoned-hardware", "agent-pause-and-membership", "answered-software", "blind-transfer-action",
                "login-failure-and-bad-action", "login-failure-and-bad-action.badlogin",
                "login-failure-and-bad-action.unknownuser", "pjsip-trunk-abandoned", "pjsip-trunk-answered",
                "ring-no-answer-software", "status-snapshot",
                "supervisor-listen", "ticket-status-ivr");
    }

    private static byte[] readResource(String path) {
        try (InputStream in = AmiTrace.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<double[]> parseTsv(String tsv) {
        List<double[]> chunks = new ArrayList<>();
        for (String line : tsv.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\t");
            chunks.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])});
        }
        return chunks;
    }

    String name() {
        return name;
    }

    String greeting() {
        return greeting;
    }

    List<Entry> entries() {
        return entries;
    }

    byte[] raw() {
        return raw.clone();
    }

    /**
     * Index of the first entry after the login part: the login response and the events the login itself
     * produced (FullyBooted, SuccessfulAuth). Everything from there on is what a replay sends.
     */
    int firstEntryAfterLogin() {
        int i = 0;
        if (i < entries.size() && entries.get(i).message().get("Response") != null) {
            i++;
        }
        while (i < entries.size()) {
            String ev = entries.get(i).message().eventName();
            if ("FullyBooted".equals(ev) || "SuccessfulAuth".equals(ev)) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /** The trace's bytes from the first entry after the login part to the end. */
    byte[] bytesAfterLogin() {
        int first = firstEntryAfterLogin();
        int from = first < entries.size() ? entries.get(first).offset() : raw.length;
        return Arrays.copyOfRange(raw, from, raw.length);
    }

    byte[] bytesOf(Entry e) {
        return Arrays.copyOfRange(raw, e.offset(), e.offset() + e.length());
    }
}
