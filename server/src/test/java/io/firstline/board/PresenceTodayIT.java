package io.firstline.board;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.AmiConsole;
import io.firstline.TestClock;
import io.firstline.TestDatabase;
import io.firstline.TestServer;
import io.firstline.sim.AmiSimulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An agent's day on the board: signed in, paused (the reason changed), unpaused, signed out, signed in again, then
 * Firstline restarted while the PBX took the agent out, then the same with the AMI link down. The test moves the clock from hour to hour instead of waiting;
 * since it also ticks at the real pace, the figures are checked to the minute.
 */
@DisplayName("each agent's time signed in and paused today, on the board and in /api/live/agents, across a restart")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceTodayIT {

    private static final ZoneId ZONE = ZoneId.of("Asia/Kathmandu");
    private static final LocalDate DAY = TestClock.DAY;
    private static final String DAVE = "Local/1004@agents/n";

    private final TestClock.Adjustable clock = TestClock.adjustable(DAY.atTime(8, 0), ZONE);
    private final Map<String, String> env = Map.of("FIRSTLINE_TIMEZONE", ZONE.getId(), "FIRSTLINE_AMI_NAME", "north");
    private TestDatabase.Fresh db;
    private AmiSimulator pbx;
    private final List<TestServer> servers = new ArrayList<>();
    private TestServer server;
    private String sam;
    private long daveId;

    @BeforeAll
    void start() throws Exception {
        db = TestDatabase.fresh();
        at(8, 0);
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0)
                .agent("Local/1001@agents/n", "Alice Agent")
                .dynamicAgent(DAVE, "Dave Agent", "PJSIP/1004").build();
        server = startServer();
        String admin = server.loginAdmin();
        server.createTraceAgents(admin);
        daveId = server.post("/api/agents", admin, new JsonObject().put("username", "dave").put("name", "Dave Agent")
                .put("password", "dave-password").put("interface", DAVE)).json().getLong("id");
        assertThat(server.post("/api/agents", admin, new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor")).status()).isEqualTo(201);
        sam = server.login("sam", "sam-password");
        // Dave's phone starts in every queue (persistentmembers); his day begins signed out.
        assertThat(server.post("/api/agents/" + daveId + "/sign-out", sam, new JsonObject()).status()).isEqualTo(200);
        awaitAgent("dave", a -> "signed-out".equals(a.getString("state")));
    }

    @AfterAll
    void stop() throws Exception {
        servers.forEach(TestServer::close);
        if (pbx != null) {
            pbx.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private TestServer startServer() throws InterruptedException {
        TestServer s = TestServer.withPbxOn(db, pbx, env, clock);
        servers.add(s);
        s.awaitPbx("connected"::equals, Duration.ofSeconds(30));
        return s;
    }

    private void at(int hour, int minute) {
        clock.jumpTo(DAY.atTime(hour, minute).atZone(ZONE).toInstant());
    }

    private JsonObject awaitAgent(String username, Predicate<JsonObject> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            JsonArray items = server.get("/api/live/agents", sam).json().getJsonArray("items");
            for (int i = 0; i < items.size(); i++) {
                if (username.equals(items.getJsonObject(i).getString("username"))) {
                    last = items.getJsonObject(i);
                }
            }
            if (last != null && wanted.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(username + " never as wanted on the board; last: " + last);
    }

    /** Within a minute and a half: the clock also ticks at the real pace while the server starts and the test steps. */
    private static Predicate<JsonObject> about(String field, long seconds) {
        return a -> a.getValue(field) instanceof Number n && Math.abs(n.longValue() - seconds) <= 90;
    }

    private static long pausedFor(JsonObject agent, String reason) {
        JsonArray byReason = agent.getJsonArray("pausedTodayByReason");
        for (int i = 0; i < byReason.size(); i++) {
            if (reason.equals(byReason.getJsonObject(i).getString("reason"))) {
                return byReason.getJsonObject(i).getLong("seconds");
            }
        }
        return 0;
    }

    private void post(String action, JsonObject body) {
        TestServer.Reply r = server.post("/api/agents/" + daveId + "/" + action, sam, body);
        assertThat(r.status()).as(action + ": " + r.json()).isEqualTo(200);
    }

    @Test
    @Order(1)
    @DisplayName("signed in at 9, paused for lunch at 10, a break from 10:30, back at 10:40, signed out at 11")
    void aMorning() throws Exception {
        at(9, 0);
        post("join", new JsonObject().put("queue", "software"));
        awaitAgent("dave", a -> a.getJsonArray("queues").contains("software"));

        at(10, 0);
        post("pause", new JsonObject().put("reason", "lunch"));
        awaitAgent("dave", a -> "lunch".equals(a.getString("pauseReason")));
        at(10, 15);
        // Open intervals count up to now.
        JsonObject dave = awaitAgent("dave", about("signedInTodaySeconds", 75 * 60).and(about("pausedTodaySeconds", 15 * 60)));
        assertThat(pausedFor(dave, "lunch")).isBetween(15 * 60L - 90, 15 * 60L + 90);

        at(10, 30);
        post("pause", new JsonObject().put("reason", "break"));
        awaitAgent("dave", a -> "break".equals(a.getString("pauseReason")));
        at(10, 40);
        post("resume", new JsonObject());
        awaitAgent("dave", a -> !a.getBoolean("paused"));
        at(11, 0);
        post("sign-out", new JsonObject());
        awaitAgent("dave", a -> "signed-out".equals(a.getString("state")));

        at(12, 0);
        dave = awaitAgent("dave", about("signedInTodaySeconds", 2 * 3600).and(about("pausedTodaySeconds", 40 * 60)));
        assertThat(pausedFor(dave, "lunch")).isBetween(30 * 60L - 90, 30 * 60L + 90);
        assertThat(pausedFor(dave, "break")).isBetween(10 * 60L - 90, 10 * 60L + 90);
        assertThat(dave.getJsonArray("pausedTodayByReason").getJsonObject(0).getString("reason")).isEqualTo("lunch");
        // Alice, a static member of the queues, has been signed in since Firstline started, at 8.
        awaitAgent("alice", about("signedInTodaySeconds", 4 * 3600).and(about("pausedTodaySeconds", 0)));
        // Hours on the clock are no silence on the AMI link: it stayed up all morning.
        assertThat(server.get("/metrics", null).raw().body()).contains("firstline_pbx_reconnects_total{pbx=\"north\"} 0.0");
    }

    @Test
    @Order(2)
    @DisplayName("across a restart: Alice's interval goes on; Dave, taken out while Firstline was stopped, ends at the stop")
    void restart() throws Exception {
        post("join", new JsonObject().put("queue", "software"));
        awaitAgent("dave", a -> a.getJsonArray("queues").contains("software"));
        at(12, 30);
        TestServer first = server;
        servers.remove(first);
        first.close();

        // While Firstline is stopped, Dave's phone leaves the queue.
        AmiConsole.send(pbx.port(), "Action: QueueRemove\r\nQueue: software\r\nInterface: " + DAVE + "\r\n");

        at(13, 0);
        server = startServer();
        sam = server.login("sam", "sam-password");
        awaitAgent("dave", about("signedInTodaySeconds", 2 * 3600 + 30 * 60).and(a -> "signed-out".equals(a.getString("state"))));
        awaitAgent("alice", about("signedInTodaySeconds", 5 * 3600));
        assertThat(server.queryLong("SELECT COUNT(*) FROM agent_presence WHERE interface = 'Local/1001@agents/n'")).isEqualTo(1);
        assertThat(server.queryLong("SELECT COUNT(*) FROM agent_presence WHERE ended_at IS NULL AND interface = '" + DAVE + "'"))
                .isZero();
    }

    @Test
    @Order(3)
    @DisplayName("Dave, taken out of his queue while the AMI link was down, is signed out at the resync; his stretch ends at the loss")
    void removedWhileTheLinkWasDown() throws Exception {
        at(14, 0);
        post("join", new JsonObject().put("queue", "software"));
        awaitAgent("dave", a -> a.getJsonArray("queues").contains("software"));

        at(14, 30);
        // Nothing answers Firstline while Dave leaves the queue: it can only learn of it from the resync's QueueStatus.
        pbx.setResponsive(false);
        pbx.dropAllClients();
        server.awaitPbx(s -> !s.equals("connected"), Duration.ofSeconds(10));
        pbx.removeMember("software", DAVE);
        at(15, 0);
        pbx.setResponsive(true);
        server.awaitPbx("connected"::equals, Duration.ofSeconds(30));

        // His stretch since 14:00 ends when the link was lost, the last moment Firstline knew it held.
        awaitAgent("dave", about("signedInTodaySeconds", 3 * 3600).and(a -> "signed-out".equals(a.getString("state"))));
        JsonArray board = server.get("/api/live/board", sam).json().getJsonArray("agents");
        JsonObject dave = board.stream().map(JsonObject.class::cast).filter(a -> "dave".equals(a.getString("username")))
                .findFirst().orElseThrow();
        assertThat(dave.getString("state")).isEqualTo("signed-out");
        assertThat(dave.getJsonArray("queues")).isEmpty();
        assertThat(server.queryLong("SELECT COUNT(*) FROM agent_presence WHERE ended_at IS NULL AND interface = '" + DAVE + "'"))
                .isZero();
        // Alice, listed in her queues by the same QueueStatus, stays signed in.
        awaitAgent("alice", a -> !"signed-out".equals(a.getString("state")) && !a.getJsonArray("queues").isEmpty());
        assertThat(server.get("/metrics", null).raw().body()).contains("firstline_pbx_reconnects_total{pbx=\"north\"} 1.0");
    }

}
