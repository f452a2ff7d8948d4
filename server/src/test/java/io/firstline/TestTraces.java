package io.firstline;

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
}
