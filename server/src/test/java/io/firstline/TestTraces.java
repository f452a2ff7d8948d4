package io.firstline;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real Asterisk traces: the project's own copies, kept with the simulator's resources. */
public final class TestTraces {

    private TestTraces() {
    }

    public static Path dir() {
        try {
            java.net.URL url = TestTraces.class.getResource("/io/firstline/sim/traces");
            if (url != null && Files.isDirectory(Path.of(url.toURI()))) {
                return Path.of(url.toURI());
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("the traces are not in the simulator's resources (io/firstline/sim/traces)");
    }

    public static Path amiRaw(String name) {
        return dir().resolve(name + ".ami.raw");
    }
}
