package io.firstline.db;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny {@code sh} process that sends SIGTERM to the embedded {@code mariadbd} the moment this JVM
 * dies without stopping it (SIGKILL, out-of-memory kill, crash), so that no database outlives
 * Firstline. It waits on a pipe from this JVM, which the kernel closes when the JVM dies; a clean
 * stop writes {@code stop} into the pipe instead. Started and stopped by {@link EmbeddedMariaDb}.
 */
final class MariaDbWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MariaDbWatchdog.class);

    /** The name the watchdog runs under ({@code $0}), so that {@code ps} tells what it is. */
    static final String NAME = "firstline-mariadb-watchdog";

    // $1 is mariadbd's pid, $2 its start time: the signal goes to that very process, never to a
    // later one that got the same pid. Field 22 of /proc/PID/stat is the start time.
    private static final String SCRIPT = """
            read -r order
            [ "$order" = stop ] && exit 0
            read -r _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ started _ < "/proc/$1/stat" || exit 0
            [ "$started" = "$2" ] && kill -TERM "$1"
            """;

    private final Process process;
    private final long mariadbPid;

    private MariaDbWatchdog(Process process, long mariadbPid) {
        this.process = process;
        this.mariadbPid = mariadbPid;
    }

    /** Starts a watchdog for {@code server}; empty (and a warning) if {@code sh} cannot be run. */
    static Optional<MariaDbWatchdog> start(MariaDbProcess server) {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", SCRIPT, NAME, Long.toString(server.pid()), server.startTime())
                // Never a pipe to this JVM: writing to it after the JVM's death would end the watchdog.
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            log.debug("MariaDB watchdog (pid {}) watches mariadbd (pid {})", p.pid(), server.pid());
            return Optional.of(new MariaDbWatchdog(p, server.pid()));
        } catch (IOException e) {
            log.warn("Cannot start the MariaDB watchdog ({}): should Firstline be killed, mariadbd (pid {}) keeps"
                    + " running until the next start stops it", e.getMessage(), server.pid());
            return Optional.empty();
        }
    }

    long pid() {
        return process.pid();
    }

    /** Ends the watchdog without touching mariadbd. */
    @Override
    public void close() {
        try (OutputStream in = process.getOutputStream()) {
            in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            log.debug("MariaDB watchdog of pid {} already gone", mariadbPid, e);
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
