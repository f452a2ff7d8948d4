package io.firstline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Firstline killed the hard way and started again on the same data directory, each run in its own
 * JVM with the embedded MariaDB. The tests share one data directory: each starts on whatever the
 * one before left, which is what a restart after a crash meets.
 */
@DisplayName("after a crash, Firstline with its embedded MariaDB starts again by itself")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRestartIT {

    private static final Duration BOUND = Duration.ofMinutes(5);

    private Path dataDir;
    private final List<FirstlineProcess> apps = new ArrayList<>();
    /** Processes a test made outside its Firstline (a leftover mariadbd, a stand-in program), ended after it. */
    private final List<ProcessHandle> strays = new ArrayList<>();

    @BeforeAll
    void makeDataDir() throws IOException {
        Path base = Files.createDirectories(Path.of("target", "crash-restart-it").toAbsolutePath());
        dataDir = Files.createTempDirectory(base, "run").resolve("data");
    }

    @AfterEach
    void stopEverything() {
        apps.forEach(FirstlineProcess::close);
        apps.clear();
        for (ProcessHandle p : strays) {
            if (p.isAlive()) {
                p.destroyForcibly();
                FirstlineProcess.awaitEnd(p.pid(), Duration.ofSeconds(30));
            }
        }
        strays.clear();
    }

    @AfterAll
    void removeDataDir() throws IOException {
        // The logs beside it stay for reading.
        if (Files.exists(dataDir)) {
            try (var walk = Files.walk(dataDir)) {
                walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private FirstlineProcess start() {
        FirstlineProcess app = FirstlineProcess.start(dataDir, Map.of());
        apps.add(app);
        return app;
    }

    private static long createAgent(FirstlineProcess app, String token, String username) {
        TestServer.Reply r = app.post("/api/agents", token, new JsonObject().put("username", username)
                .put("name", "Agent " + username).put("password", username + "-password"));
        assertThat(r.status()).as("creating %s: %s", username, r.json()).isEqualTo(201);
        return r.json().getLong("id");
    }

    private static void assertAgent(FirstlineProcess app, long id, String username) {
        TestServer.Reply r = app.get("/api/agents/" + id, app.loginAdmin());
        assertThat(r.status()).as("agent %d after the restart", id).isEqualTo(200);
        assertThat(r.json().getString("username")).isEqualTo(username);
    }

    @Test
    @DisplayName("a Firstline killed with SIGKILL takes its database down within moments; the next start is healthy with all data")
    void watchdogEndsTheDatabaseWithTheJvm() {
        FirstlineProcess first = start();
        long agent = createAgent(first, first.loginAdmin(), "crash-watchdog");
        long mariadb = first.mariadbPid().orElseThrow(() -> new AssertionError("no mariadbd among Firstline's children"));
        ProcessHandle.of(mariadb).ifPresent(strays::add);
        assertThat(first.watchdog()).as("the watchdog among Firstline's children").isPresent();

        first.kill();
        long killed = System.nanoTime();
        assertThat(FirstlineProcess.awaitEnd(mariadb, Duration.ofSeconds(60)))
                .as("mariadbd (pid %d) ended after its Firstline was killed", mariadb).isTrue();
        System.out.printf("CrashRestartIT: mariadbd outlived the killed JVM by %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));

        FirstlineProcess second = start();
        assertThat(second.log()).doesNotContain("Found mariadbd");
        assertAgent(second, agent, "crash-watchdog");
    }

    @Test
    @DisplayName("a mariadbd left running by a killed Firstline (its watchdog killed too) is stopped by the next start, which is healthy with all data")
    void nextStartStopsALeftoverDatabase() {
        FirstlineProcess first = start();
        long agent = createAgent(first, first.loginAdmin(), "crash-orphan");
        long mariadb = first.mariadbPid().orElseThrow(() -> new AssertionError("no mariadbd among Firstline's children"));
        ProcessHandle.of(mariadb).ifPresent(strays::add);
        // As when the watchdog is killed with it, or cannot run: the database outlives Firstline.
        first.watchdog().ifPresent(watchdog -> {
            watchdog.destroyForcibly();
            assertThat(FirstlineProcess.awaitEnd(watchdog.pid(), Duration.ofSeconds(30))).isTrue();
        });
        first.kill();
        assertThat(FirstlineProcess.isMariaDbOf(mariadb, dataDir)).as("the orphaned mariadbd still runs").isTrue();

        FirstlineProcess second = start();
        assertThat(FirstlineProcess.isMariaDbOf(mariadb, dataDir)).as("the orphan still runs").isFalse();
        assertThat(second.log()).contains("Found mariadbd (pid " + mariadb + ") still running on");
        assertThat(second.mariadbPid()).isPresent().get().isNotEqualTo(mariadb);
        assertAgent(second, agent, "crash-orphan");
    }

    @Test
    @DisplayName("stale pid files are removed, and a program that now has that pid is left alone")
    void stalePidFilesAreRemoved() throws Exception {
        Process standIn = new ProcessBuilder("sleep", "600").start();
        strays.add(standIn.toHandle());
        Process ended = new ProcessBuilder("true").start();
        assertThat(ended.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path root = Files.createDirectories(dataDir.resolve("mariadb").resolve("data")).getParent();
        Files.writeString(root.resolve("mariadbd.pid"), standIn.pid() + "\n");
        // Where mariadbd put its pid file before Firstline named one.
        Path legacy = root.resolve("data").resolve("old-host.pid");
        Files.writeString(legacy, ended.pid() + "\n");

        FirstlineProcess app = start();
        assertThat(standIn.isAlive()).as("the program holding the stale pid").isTrue();
        assertThat(app.log())
                .contains("Removing the stale pid file " + root.resolve("mariadbd.pid") + ": pid " + standIn.pid()
                        + " is another program")
                .contains("Removing the stale pid file " + legacy + ": pid " + ended.pid() + " is no longer running");
        assertThat(legacy).doesNotExist();
        long mariadb = app.mariadbPid().orElseThrow(() -> new AssertionError("no mariadbd among Firstline's children"));
        assertThat(Files.readString(root.resolve("mariadbd.pid")).strip()).as("the pid file names the new mariadbd")
                .isEqualTo(Long.toString(mariadb));
        createAgent(app, app.loginAdmin(), "after-stale-pid");
    }

    @Test
    @DisplayName("a mariadbd killed under a running Firstline (as by the OOM killer) is started again, and Firstline carries on")
    void databaseKilledUnderFirstlineIsStartedAgain() throws Exception {
        FirstlineProcess app = start();
        String token = app.loginAdmin();
        long before = app.mariadbPid().orElseThrow(() -> new AssertionError("no mariadbd among Firstline's children"));
        ProcessHandle.of(before).orElseThrow().destroyForcibly();
        assertThat(FirstlineProcess.awaitEnd(before, Duration.ofSeconds(30))).isTrue();

        long deadline = System.nanoTime() + BOUND.toNanos();
        Optional<Long> after = Optional.empty();
        while (System.nanoTime() < deadline && (after = app.mariadbPid()).filter(p -> p != before).isEmpty()) {
            assertThat(app.isAlive()).as("Firstline still runs").isTrue();
            Thread.sleep(200);
        }
        assertThat(after).as("a new mariadbd; Firstline's log:\n%s", app.logTail(40)).isPresent().get().isNotEqualTo(before);
        app.awaitHealthy(BOUND);
        // /health tells the last database check (every 2 s), which may predate the kill: requests in
        // the moment before Firstline noticed may fail; what matters is that they work again by themselves.
        while (app.get("/api/agents", token).status() != 200) {
            assertThat(System.nanoTime()).as("the API answers again; Firstline's log:\n%s", app.logTail(40)).isLessThan(deadline);
            Thread.sleep(200);
        }
        long agent = createAgent(app, token, "after-oom");
        assertAgent(app, agent, "after-oom");
        assertThat(app.log()).contains("The embedded MariaDB (pid " + before + ") ended unexpectedly");
        long restarted = after.get();
        assertThat(app.watchdog()).as("a watchdog on the new mariadbd")
                .hasValueSatisfying(w -> assertThat(FirstlineProcess.commandLine(w.pid())).contains(Long.toString(restarted)));
    }

    @Test
    @DisplayName("--demo stopped with SIGTERM while calls are on: what it holds is written before its MariaDB stops; it exits, and the next start has every call it had recorded")
    void sigtermWritesEverythingBeforeTheDatabaseStops() throws Exception {
        Path demoDir = dataDir.resolveSibling("term-data");
        FirstlineProcess first = FirstlineProcess.start(demoDir, Map.of(), "--demo");
        apps.add(first);
        String token = first.loginAdmin();
        Map<Long, String> ended = new java.util.HashMap<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (ended.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            ended.clear();
            first.get("/api/calls?limit=200", token).json().getJsonArray("items").stream().map(o -> (JsonObject) o)
                    .filter(c -> !c.getString("status").equals("in-progress"))
                    .forEach(c -> ended.put(c.getLong("id"), c.getString("status")));
        }
        assertThat(ended).as("calls the demo recorded as ended before the TERM").hasSizeGreaterThanOrEqualTo(2);
        long mariadb = first.mariadbPid().orElseThrow();

        int exit = first.terminate(Duration.ofMinutes(2));
        assertThat(exit).as("the JVM's exit code after SIGTERM (128 + 15)").isEqualTo(143);
        assertThat(FirstlineProcess.awaitEnd(mariadb, Duration.ofSeconds(30))).as("its MariaDB stopped too").isTrue();
        String log = first.log();
        int written = log.indexOf("Stopping: the changes of");
        int stopped = log.indexOf("Firstline stopped");
        assertThat(written).as("the held call records were written:\n%s", first.logTail(30)).isNotNegative();
        assertThat(stopped).as("Firstline's shutdown ran to its end:\n%s", first.logTail(30)).isGreaterThan(written);
        assertThat(log.indexOf("[firstline-shutdown] i.f.d.EmbeddedMariaDb - Embedded MariaDB stopped"))
                .as("MariaDB stopped by Firstline's one shutdown path, after the writes:\n%s", first.logTail(30))
                .isGreaterThan(written);
        assertThat(log).as("no second hook stopped MariaDB").doesNotContain("[firstline-mariadb-stop]");
        assertThat(log).as("MariaDB was not stopped before Firstline's own shutdown had written and closed")
                .doesNotContain("did not stop the embedded MariaDB");

        FirstlineProcess second = FirstlineProcess.start(demoDir, Map.of(), "--demo");
        apps.add(second);
        String again = second.loginAdmin();
        for (Map.Entry<Long, String> call : ended.entrySet()) {
            JsonObject after = second.get("/api/calls/" + call.getKey(), again).json();
            assertThat(after.getString("status")).as("call %d after the restart: %s", call.getKey(), after)
                    .isEqualTo(call.getValue());
            assertThat(after.getBoolean("endedAtEstimated")).as("call %d: %s", call.getKey(), after).isFalse();
        }
    }

    @Test
    @DisplayName("--demo killed with SIGKILL while calls are on: after the restart and the PBX's resync none of them is left in progress, each ended as estimated")
    void noCallLeftInProgressAfterAKill() throws Exception {
        Path demoDir = dataDir.resolveSibling("demo-data");
        FirstlineProcess first = FirstlineProcess.start(demoDir, Map.of(), "--demo");
        apps.add(first);
        String token = first.loginAdmin();
        List<Long> inFlight = List.of();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (inFlight.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            inFlight = first.get("/api/calls?status=in-progress&limit=200", token).json().getJsonArray("items").stream()
                    .map(o -> ((JsonObject) o).getLong("id")).toList();
        }
        assertThat(inFlight).as("calls in progress in the demo before the kill").isNotEmpty();
        first.mariadbPid().flatMap(ProcessHandle::of).ifPresent(strays::add);
        first.kill();

        FirstlineProcess second = FirstlineProcess.start(demoDir, Map.of(), "--demo");
        apps.add(second);
        String again = second.loginAdmin();
        for (long id : inFlight) {
            JsonObject call = second.get("/api/calls/" + id, again).json();
            while (call.getString("status").equals("in-progress") && System.nanoTime() < deadline + BOUND.toNanos()) {
                Thread.sleep(500);
                call = second.get("/api/calls/" + id, again).json();
            }
            assertThat(call.getString("status")).as("call %d after the restart: %s", id, call).isNotEqualTo("in-progress");
            assertThat(call.getBoolean("endedAtEstimated")).as("call %d: %s", id, call).isTrue();
            assertThat(call.getString("endReason")).as("call %d: %s", id, call).isEqualTo("ended-while-firstline-was-down");
        }
    }
}
