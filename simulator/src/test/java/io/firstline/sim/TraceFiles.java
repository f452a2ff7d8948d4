// Test helpers around the traces: field layouts per event name (bundled ones), the actions a capture sent; used by test threads.
package io.firstline.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

final class TraceFiles {

    private static final Path DIR = locate();

    private TraceFiles() {
    }

    /** The repository's traces/ folder (the tests run with this module as the working directory; an IDE may use the root). */
    static Path dir() {
        return DIR;
    }

    static Path sent(String name) {
        return DIR.resolve(name + ".sent.txt");
    }

    private static Path locate() {
        for (Path p : List.of(Path.of("..", "traces"), Path.of("traces"))) {
            if (Files.isRegularFile(p.resolve("README.md"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("the repository's traces/ folder was not found from " + Path.of("").toAbsolutePath());
    }

    /** For every event name in all the traces, the distinct header-name lists it appears with. */
    static Map<String, Set<List<String>>> eventLayouts() {
        Map<String, Set<List<String>>> layouts = new LinkedHashMap<>();
        for (String name : AmiTrace.bundledNames()) {
            for (AmiTrace.Entry e : AmiTrace.bundled(name).entries()) {
                String ev = e.message().eventName();
                if (ev != null) {
                    layouts.computeIfAbsent(ev, k -> new LinkedHashSet<>()).add(e.message().names());
                }
            }
        }
        return layouts;
    }

    /** The actions of a capture's .sent.txt, each as its lines (without the terminating empty line). */
    static List<List<String>> sentActions(String name) throws IOException {
        String text = Files.readString(sent(name), StandardCharsets.UTF_8);
        List<List<String>> actions = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : text.replace("\r", "").split("\n", -1)) {
            if (line.startsWith("# t=")) {
                continue;
            }
            if (line.isEmpty()) {
                if (!current.isEmpty()) {
                    actions.add(current);
                    current = new ArrayList<>();
                }
            } else {
                current.add(line);
            }
        }
        return actions;
    }
}
