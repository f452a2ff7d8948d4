package io.firstline.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM a load run started (Firstline, a floor), on this JVM's class path, its output in a log file that stays after the
 * run. It is stopped by its pid, with whatever it started (the embedded MariaDB), at the end, on failure and on Ctrl-C
 * ({@link #stopAll()} from the run's shutdown hook).
 */
final class ChildJvm {

    private static final List<ChildJvm> RUNNING = new CopyOnWriteArrayList<>();

    final String name;
    final Process process;
    final Path log;
    final long startNanos;

    private ChildJvm(String name, Process process, Path log, long startNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
    }

    /** Starts {@code mainClass}; the child sees none of this JVM's {@code FIRSTLINE_*} variables, only {@code env}. */
    static ChildJvm start(String name, List<String> jvmOptions, String mainClass, List<String> args, Map<String, String> env,
            Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().keySet().removeIf(k -> k.startsWith("FIRSTLINE_"));
        b.environment().putAll(env);
        ChildJvm child = new ChildJvm(name, b.start(), log, System.nanoTime());
        RUNNING.add(child);
        System.out.printf("started %s: pid %d, JVM options %s, log %s%n", name, child.pid(),
                jvmOptions.isEmpty() ? "none" : String.join(" ", jvmOptions), log);
        return child;
    }

    long pid() {
        return process.pid();
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** CPU time its JVM has used so far. */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** CPU time of what it started (the embedded MariaDB) so far. */
    Duration descendantsCpu() {
        return process.descendants().map(d -> d.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** Waits for a line of its log that matches, and returns the first group. */
    String await(Pattern line, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
            if (m.find()) {
                return m.group(1);
            }
            failIfEnded();
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " (pid " + pid() + ") was not ready within " + timeout + "; see " + log);
    }

    /** Throws, with the end of its log, when it has exited. */
    void failIfEnded() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " (pid " + pid() + ") ended (exit " + process.exitValue()
                    + ") before it was ready; see " + log + ":\n" + tail());
        }
    }

    /**
     * Asks it to stop (SIGTERM: Firstline writes what it holds and stops its embedded MariaDB), kills it after 60 s,
     * then kills what it started and left running.
     */
    synchronized void stop() {
        RUNNING.remove(this);
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                System.err.printf("%s (pid %d) did not stop within 60 s: killed%n", name, pid());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle d : descendants) {
            if (d.isAlive()) {
                System.err.printf("%s left pid %d running: killed%n", name, d.pid());
                d.destroyForcibly();
            }
        }
    }

    /** Stops every child still running. */
    static void stopAll() {
        RUNNING.forEach(ChildJvm::stop);
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Deletes a folder and what is in it (a run's embedded MariaDB files); a missing folder is fine. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
