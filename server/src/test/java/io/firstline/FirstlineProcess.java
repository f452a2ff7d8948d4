package io.firstline;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Firstline run as its own JVM ({@code java -cp <test classpath> io.firstline.Firstline}) on a data
 * directory with the embedded MariaDB, for tests that kill it the hard way; with the {@code /proc}
 * look-ups those tests need to find its {@code mariadbd} and watchdog.
 */
public final class FirstlineProcess implements AutoCloseable {

    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final Duration START_BOUND = Duration.ofMinutes(5);

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private FirstlineProcess(Process process, Path dataDir, Path log, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts Firstline on {@code dataDir} (its log next to it) and waits until {@code /health} says
     * the database is up; stops it again and fails, with the log, if it does not get there.
     */
    public static FirstlineProcess start(Path dataDir, Map<String, String> extraEnv, String... args) {
        // The port is free when chosen, but another socket (the demo's simulator binds a free port too)
        // may take it before the child binds it: such a start is tried again on another port.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dataDir, extraEnv, args);
            } catch (PortTaken e) {
                if (attempt == 3) {
                    throw new AssertionError(e.getMessage());
                }
            }
        }
    }

    /** A start that failed because its HTTP port was taken meanwhile. */
    private static final class PortTaken extends RuntimeException {
        PortTaken(String message) {
            super(message);
        }
    }

    private static FirstlineProcess startOnce(Path dataDir, Map<String, String> extraEnv, String... args) {
        int port = freePort();
        Path log = dataDir.resolveSibling("firstline-" + STARTS.incrementAndGet() + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", classpath(), Firstline.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("FIRSTLINE_"));
        env.putAll(Map.of("FIRSTLINE_DATA_DIR", dataDir.toString(),
                "FIRSTLINE_HTTP_HOST", "127.0.0.1",
                "FIRSTLINE_HTTP_PORT", Integer.toString(port),
                "FIRSTLINE_AGI_PORT", "0",
                "FIRSTLINE_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD,
                "FIRSTLINE_DB_POOL_SIZE", "4",
                "FIRSTLINE_LOG_LEVEL", "INFO"));
        env.putAll(extraEnv);
        FirstlineProcess app;
        try {
            Files.createDirectories(dataDir);
            app = new FirstlineProcess(pb.start(), dataDir, log, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        try {
            app.awaitHealthy(START_BOUND);
        } catch (RuntimeException | Error e) {
            app.close();
            if (!app.isAlive() && app.log().contains("BindException: Address already in use")) {
                throw new PortTaken(e.getMessage());
            }
            throw e;
        }
        return app;
    }

    /** The test JVM's own classpath (Surefire's real one when it runs from a manifest-only jar). */
    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code /health} until the database is up; fails with the log's end if the JVM dies or time runs out. */
    public void awaitHealthy(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Firstline ended with exit code " + process.exitValue() + " before it was healthy;"
                        + " its log:\n" + logTail(60));
            }
            try {
                TestServer.Reply r = get("/health", null);
                last = r.status() + " " + r.json();
                if (r.status() == 200 && r.json() != null
                        && "up".equals(r.json().getJsonObject("database").getString("status"))) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                last = notYet.getMessage();
            }
            sleep(250);
        }
        throw new AssertionError("Firstline was not healthy within " + within.toSeconds() + " s (last /health: " + last
                + "); its log:\n" + logTail(60));
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything it has logged so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    public String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The embedded mariadbd it runs now: its child with our data directory on the command line. */
    public Optional<Long> mariadbPid() {
        return process.toHandle().children().map(ProcessHandle::pid).filter(pid -> isMariaDbOf(pid, dataDir)).findFirst();
    }

    /** Whether {@code pid} runs {@code mariadbd} on {@code dataDir}'s database files. */
    public static boolean isMariaDbOf(long pid, Path dataDir) {
        List<String> cmd = commandLine(pid);
        String datadir;
        try {
            datadir = "--datadir=" + dataDir.resolve("mariadb").resolve("data").toFile().getCanonicalPath();
        } catch (IOException e) {
            return false;
        }
        return running(pid) && !cmd.isEmpty() && cmd.get(0).endsWith("/mariadbd") && cmd.contains(datadir);
    }

    /** Its watchdog process, found among its children by the name it runs under. */
    public Optional<ProcessHandle> watchdog() {
        return process.toHandle().children()
                .filter(c -> commandLine(c.pid()).contains("firstline-mariadb-watchdog"))
                .findFirst();
    }

    /** Whether {@code pid} is a live process (a zombie is not). */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 1).strip().split(" ")[0];
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code pid} has ended; whether it did within {@code bound}. */
    public static boolean awaitEnd(long pid, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (running(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    public static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return raw.length == 0 ? List.of() : List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Sends SIGTERM, as a service manager stops it, and returns its exit code. */
    public int terminate(Duration within) {
        process.destroy();
        try {
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Firstline (pid " + pid() + ") still runs " + within.toSeconds()
                        + " s after SIGTERM:\n" + logTail(40));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL, as the OOM killer or {@code kill -9} does: no shutdown hook runs. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("Firstline (pid " + pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGSTOP: the JVM stands still, its sockets open, as a machine that hangs or is cut off does; {@link #resume} ends it. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public TestServer.Reply get(String path, String token) {
        return send("GET", path, token, null);
    }

    public TestServer.Reply post(String path, String token, JsonObject body) {
        return send("POST", path, token, body.encode());
    }

    public String loginAdmin() {
        TestServer.Reply r = post("/api/login", null, new JsonObject().put("username", "admin")
                .put("password", TestServer.ADMIN_PASSWORD));
        if (r.status() != 200) {
            throw new AssertionError("admin login failed: " + r.status() + " " + r.json());
        }
        return r.json().getString("token");
    }

    private TestServer.Reply send(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            JsonObject json = text == null || !text.stripLeading().startsWith("{") ? null : new JsonObject(text);
            return new TestServer.Reply(r.statusCode(), json, r);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops it cleanly (SIGTERM: its shutdown hook stops mariadbd) if it still runs, then kills
     * whatever it started that is still there, so that a failed test leaves no process behind.
     */
    @Override
    public void close() {
        List<ProcessHandle> started = process.toHandle().descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        for (ProcessHandle p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
                awaitEnd(p.pid(), Duration.ofSeconds(30));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
