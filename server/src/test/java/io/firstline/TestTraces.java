package io.firstline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real Asterisk 22 recordings in the repository's {@code traces/} folder, the one copy that the tests and the
 * simulator share. Tests run with the server module as the working directory (an IDE may use the repository's root).
 */
public final class TestTraces {

    private static final Path DIR = locate();

    private TestTraces() {
    }

    private static Path locate() {
        for (Path p : List.of(Path.of("..", "traces"), Path.of("traces"))) {
            if (Files.isRegularFile(p.resolve("README.md"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("the repository's traces/ folder was not found from "
                + Path.of("").toAbsolutePath() + " (run the tests from the repository or its server module)");
    }

    public static Path dir() {
        return DIR;
    }

    public static Path amiRaw(String name) {
        return DIR.resolve(name + ".ami.raw");
    }

    /** The actions the capture client sent ({@code NAME.sent.txt}). */
    public static Path sent(String name) {
        return DIR.resolve(name + ".sent.txt");
    }

    /**
     * An observer's recording as Firstline's own AMI session would have received it, in a temporary
     * folder ({@code NAME.ami.raw} and its timings, for {@code AmiSimulator.replay}): the greeting and
     * login, then every event, without the observer's own responses and action-bound lists, which
     * Asterisk sends only to the session that asked. Paced as recorded, {@code faster} times faster:
     * a call is still on while its pop goes, as on a real PBX, where replayed all at once it would be
     * over first. The caller deletes the folder.
     */
    public static Path eventsOnly(String name, int faster) throws java.io.IOException {
        String raw = Files.readString(amiRaw(name), StandardCharsets.US_ASCII);
        List<double[]> chunks = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(DIR.resolve(name + ".recv.tsv"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] f = line.trim().split("\t");
                chunks.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
            }
        }
        int greeting = raw.indexOf("\r\n") + 2;
        StringBuilder out = new StringBuilder(raw.substring(0, greeting));
        StringBuilder tsv = new StringBuilder("# t_seconds_since_connect\tbyte_offset\tlength\n")
                .append("0.0001\t0\t").append(greeting).append('\n');
        boolean loggedIn = false;
        int at = greeting;
        int chunk = 0;
        for (String block : raw.substring(greeting).split("\r\n\r\n")) {
            while (chunk + 1 < chunks.size() && chunks.get(chunk + 1)[1] <= at) {
                chunk++;
            }
            boolean login = !loggedIn && block.startsWith("Response: ");
            boolean broadcast = block.startsWith("Event: ") && !block.contains("\r\nActionID: ");
            if (login || broadcast) {
                tsv.append(String.format(java.util.Locale.ROOT, "%.4f\t%d\t%d%n", chunks.get(chunk)[0] / faster,
                        out.length(), block.length() + 4));
                out.append(block).append("\r\n\r\n");
                loggedIn = true;
            }
            at += block.length() + 4;
        }
        Path dir = Files.createTempDirectory("pjsip-events");
        Path file = dir.resolve("pjsip-events.ami.raw");
        Files.writeString(file, out, StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("pjsip-events.recv.tsv"), tsv);
        return file;
    }

    /** Deletes what {@link #eventsOnly} made (the recording, its timings and their folder); null does nothing. */
    public static void deleteEventsOnly(Path file) throws java.io.IOException {
        if (file != null) {
            Files.deleteIfExists(file.resolveSibling("pjsip-events.recv.tsv"));
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        }
    }
}
