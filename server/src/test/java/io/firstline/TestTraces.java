package io.firstline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real Asterisk traces in ../shared/ami-traces, beside the repository. */
public final class TestTraces {

    private TestTraces() {
    }

    public static Path dir() {
        for (Path p : List.of(Path.of("../../shared/ami-traces"), Path.of("../shared/ami-traces"))) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("../shared/ami-traces not found beside the repository");
    }

    public static Path amiRaw(String name) {
        return dir().resolve(name + ".ami.raw");
    }
}
