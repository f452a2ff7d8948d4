package io.firstline.settings;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestClock;
import io.firstline.TestDatabase;
import io.firstline.TestServer;
import io.firstline.TestServer.Reply;
import io.firstline.sim.AmiSimulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the run-time settings: kept in the database, changed by administrators over the API, in force at once, audited")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettingsApiIT {

    private static final String DAVE = "Local/1004@agents/n";

    private AmiSimulator pbx;
    private TestServer server;
    private String admin;
    private String supervisor;
    private String alice;
    private String dave;
    private long daveId;
    /** What GET /api/settings said before any test changed anything. */
    private JsonObject seeded;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of("FIRSTLINE_PAUSE_REASONS", "break,lunch,coaching",
                "FIRSTLINE_DESK_QUEUES", "software,hardware,network",
                "FIRSTLINE_BOARD_WAITING", "2,5",
                "FIRSTLINE_QUEUE_SOFTWARE_WAITING", "1,2"), TestClock.morning(ZoneId.systemDefault()));
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        daveId = server.post("/api/agents", admin, new JsonObject().put("username", "dave").put("name", "Dave Agent")
                .put("password", "dave-password").put("interface", DAVE)).json().getLong("id");
        server.post("/api/agents", admin, new JsonObject().put("username", "sue").put("name", "Sue Supervisor")
                .put("password", "sue-password").put("role", "supervisor"));
        alice = server.login("alice", "alice-password");
        dave = server.login("dave", "dave-password");
        supervisor = server.login("sue", "sue-password");
        seeded = settings();
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (pbx != null) {
            pbx.close();
        }
    }

    private JsonObject settings() {
        Reply r = server.get("/api/settings", admin);
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        return r.json();
    }

    private Reply put(String path, String token, JsonObject body) {
        return server.send("PUT", path, token, body.encode());
    }

    private static JsonObject thresholds(int sl, int waitingAmber, int waitingRed) {
        return new JsonObject().put("serviceLevelSeconds", sl)
                .put("waiting", new JsonObject().put("amber", waitingAmber).put("red", waitingRed))
                .put("longestWaitSeconds", new JsonObject().put("amber", 60).put("red", 120))
                .put("serviceLevelPercent", new JsonObject().put("amber", 80).put("red", 60));
    }

    private JsonObject tile(String queue) {
        Reply board = server.get("/api/live/board", admin);
        assertThat(board.status()).isEqualTo(200);
        return board.json().getJsonArray("queues").stream().map(JsonObject.class::cast)
                .filter(q -> q.getString("name").equals(queue)).findFirst()
                .orElseThrow(() -> new AssertionError("no tile " + queue + " in " + board.json().getJsonArray("queues")));
    }

    /** The newest audit entries' actions and details, newest first. */
    private List<JsonObject> audit(int n) {
        Reply r = server.get("/api/audit?limit=" + n, admin);
        assertThat(r.status()).isEqualTo(200);
        return r.json().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
    }

    private long auditTotal() {
        return server.get("/api/audit?limit=1", admin).json().getLong("total");
    }

    @Test
    @DisplayName("on the first start the database takes the environment's values; the start-only settings are shown without secrets")
    void seededFromTheEnvironment() {
        assertThat(seeded.getJsonArray("pauseReasons")).containsExactly("break", "lunch", "coaching");
        assertThat(seeded.getJsonArray("queues")).containsExactly("software", "hardware", "network");
        JsonObject defaults = seeded.getJsonObject("thresholds").getJsonObject("defaults");
        assertThat(defaults.getJsonObject("waiting")).isEqualTo(new JsonObject().put("amber", 2).put("red", 5));
        JsonObject software = seeded.getJsonObject("thresholds").getJsonArray("queues").getJsonObject(0);
        assertThat(software.getString("queue")).isEqualTo("software");
        assertThat(software.getJsonObject("waiting")).isEqualTo(new JsonObject().put("amber", 1).put("red", 2));
        assertThat(server.queryLong("SELECT COUNT(*) FROM pause_reasons")).isEqualTo(3);

        JsonArray startOnly = seeded.getJsonArray("startOnly");
        assertThat(startOnly.stream().map(o -> ((JsonObject) o).getString("name")))
                .contains("Web server address", "Database", "PBX pbx", "Time zone", "Pause for wrap-up", "Wall screen links last");
        String text = seeded.encode();
        assertThat(text).doesNotContain("firstline-secret").doesNotContain(TestServer.ADMIN_PASSWORD);
        String dbPassword = server.db().password();
        if (dbPassword != null && !dbPassword.isEmpty()) {
            assertThat(text).doesNotContain(dbPassword);
        }
    }

    @Test
    @DisplayName("new pause reasons are in force at once: a new one is accepted, a removed one refused; the session says them")
    void pauseReasons() {
        Reply changed = put("/api/settings/pause-reasons", admin, new JsonObject()
                .put("pauseReasons", new JsonArray().add("break").add(" lunch ").add("team meeting").add("break")));
        assertThat(changed.status()).as(String.valueOf(changed.json())).isEqualTo(200);
        assertThat(changed.json().getJsonArray("pauseReasons")).containsExactly("break", "lunch", "team meeting");

        Reply paused = server.post("/api/agents/me/pause", alice, new JsonObject().put("reason", "team meeting"));
        assertThat(paused.status()).as(String.valueOf(paused.json())).isEqualTo(200);
        assertRefused(server.post("/api/agents/me/pause", alice, new JsonObject().put("reason", "coaching")), 400, "reason");
        assertThat(server.post("/api/agents/me/unpause", alice, new JsonObject()).status()).isEqualTo(200);
        assertThat(server.get("/api/session", alice).json().getJsonArray("pauseReasons"))
                .containsExactly("break", "lunch", "team meeting");
        assertThat(server.get("/api/agents/me/status", alice).json().getJsonArray("pauseReasons"))
                .containsExactly("break", "lunch", "team meeting");

        JsonObject entry = audit(1).get(0);
        assertThat(entry.getString("action")).isEqualTo("settings.pause-reasons");
        assertThat(entry.getJsonObject("actor").getString("username")).isEqualTo("admin");
        assertThat(entry.getString("detail")).contains("before: ").contains("after: break, lunch, team meeting");
    }

    @Test
    @DisplayName("new thresholds colour the board's tiles at once, per queue and by default")
    void thresholds() {
        Reply changed = put("/api/settings/thresholds", admin, new JsonObject().put("defaults", thresholds(25, 4, 9))
                .put("queues", new JsonArray().add(thresholds(40, 7, 8).put("queue", "Sales_Team"))));
        assertThat(changed.status()).as(String.valueOf(changed.json())).isEqualTo(200);
        assertThat(changed.json().getJsonObject("thresholds").getJsonArray("queues").getJsonObject(0).getString("queue"))
                .isEqualTo("sales-team");

        JsonObject sales = tile("sales-team");
        assertThat(sales.getJsonObject("thresholds").getJsonObject("waiting")).isEqualTo(new JsonObject().put("amber", 7).put("red", 8));
        assertThat(sales.getInteger("serviceLevelSeconds")).isEqualTo(40);
        // software lost its own thresholds: it has the defaults now
        assertThat(tile("software").getJsonObject("thresholds").getJsonObject("waiting"))
                .isEqualTo(new JsonObject().put("amber", 4).put("red", 9));

        JsonObject entry = audit(1).get(0);
        assertThat(entry.getString("action")).isEqualTo("settings.thresholds");
        assertThat(entry.getString("detail")).contains("sales-team: defaults -> SL 40s, waiting 7/8")
                .contains("software: ").contains("-> defaults").contains("defaults: ");
    }

    @Test
    @DisplayName("an agent may join only the queues an administrator allows; the session and the desk list only those")
    void perAgentQueues() throws Exception {
        assertThat(put("/api/settings/queues", admin, new JsonObject().put("queues",
                new JsonArray().add("software").add("hardware").add("network"))).status()).isEqualTo(200);
        Reply limited = server.patch("/api/agents/" + daveId, admin, new JsonObject().put("mayJoin", new JsonArray().add("software")));
        assertThat(limited.status()).as(String.valueOf(limited.json())).isEqualTo(200);
        assertThat(limited.json().getJsonArray("mayJoin")).containsExactly("software");
        JsonObject entry = audit(1).get(0);
        assertThat(entry.getString("action")).isEqualTo("agent.change");
        assertThat(entry.getString("detail")).isEqualTo("may join software (was every desk queue)");

        assertThat(server.get("/api/session", dave).json().getJsonArray("queues")).containsExactly("software");
        assertThat(server.get("/api/session", dave).json().getJsonArray("deskQueues")).containsExactly("software", "hardware", "network");
        assertThat(server.get("/api/agents/me/status", dave).json().getJsonArray("availableQueues")).containsExactly("software");
        // transfers still go to every desk queue
        assertThat(server.get("/api/agents/me/transfer-targets", dave).json().getJsonArray("queues"))
                .containsExactly("software", "hardware", "network");
        assertRefused(server.post("/api/agents/me/join", dave, new JsonObject().put("queue", "hardware")), 400, "queue");
        Reply joined = server.post("/api/agents/me/join", dave, new JsonObject().put("queue", "software"));
        assertThat(joined.status()).as(String.valueOf(joined.json())).isEqualTo(200);
        assertThat(server.post("/api/agents/me/leave", dave, new JsonObject().put("queue", "software")).status()).isEqualTo(200);
        // a supervisor may not put them elsewhere either
        assertRefused(server.post("/api/agents/" + daveId + "/join", supervisor, new JsonObject().put("queue", "network")), 400, "queue");

        assertRefused(server.patch("/api/agents/" + daveId, admin, new JsonObject().put("mayJoin", new JsonArray().add("sales"))),
                400, "mayJoin[0]");
        assertRefused(server.patch("/api/agents/" + daveId, admin, new JsonObject().put("mayJoin", "software")), 400, "mayJoin");

        Reply all = server.patch("/api/agents/" + daveId, admin, new JsonObject().putNull("mayJoin"));
        assertThat(all.json().getValue("mayJoin")).isNull();
        assertThat(server.get("/api/session", dave).json().getJsonArray("queues")).containsExactly("software", "hardware", "network");
    }

    @Test
    @DisplayName("a queue taken off the desk cannot be joined from the desk any more")
    void deskQueues() {
        Reply changed = put("/api/settings/queues", admin, new JsonObject().put("queues", new JsonArray().add("software").add("hardware")));
        assertThat(changed.status()).as(String.valueOf(changed.json())).isEqualTo(200);
        assertThat(audit(1).get(0).getString("action")).isEqualTo("settings.queues");
        assertThat(audit(1).get(0).getString("detail")).endsWith("after: software, hardware");
        assertRefused(server.post("/api/agents/me/join", alice, new JsonObject().put("queue", "network")), 400, "queue");
        assertThat(server.get("/api/agents/me/transfer-targets", alice).json().getJsonArray("queues")).containsExactly("software", "hardware");
        assertThat(put("/api/settings/queues", admin, new JsonObject().put("queues",
                new JsonArray().add("software").add("hardware").add("network"))).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("bad settings are refused with the field named, and change nothing")
    void badInput() {
        JsonObject before = settings();
        long audited = auditTotal();
        assertRefused(put("/api/settings/pause-reasons", admin, new JsonObject().put("pauseReasons", new JsonArray())), 400, "pauseReasons");
        assertRefused(put("/api/settings/pause-reasons", admin, new JsonObject().put("pauseReasons", new JsonArray().add("Lunch!"))),
                400, "pauseReasons");
        assertRefused(put("/api/settings/pause-reasons", admin, new JsonObject().put("pauseReasons", new JsonArray().add(3))),
                400, "pauseReasons[0]");
        assertRefused(put("/api/settings/pause-reasons", admin, new JsonObject().put("reasons", new JsonArray().add("x"))), 400, "reasons");
        assertRefused(put("/api/settings/queues", admin, new JsonObject().put("queues", new JsonArray().add("sales;drop"))), 400, "queues");
        assertRefused(put("/api/settings/queues", admin, new JsonObject()), 400, "queues");
        assertRefused(put("/api/settings/thresholds", admin, new JsonObject().put("defaults", thresholds(20, 6, 3))),
                400, "defaults.waiting");
        assertRefused(put("/api/settings/thresholds", admin, new JsonObject().put("defaults", thresholds(0, 3, 6))),
                400, "defaults.serviceLevelSeconds");
        assertRefused(put("/api/settings/thresholds", admin, new JsonObject().put("defaults", thresholds(20, 3, 6)
                .put("serviceLevelPercent", new JsonObject().put("amber", 50).put("red", 70)))), 400, "defaults.serviceLevelPercent");
        assertRefused(put("/api/settings/thresholds", admin, new JsonObject().put("defaults", thresholds(20, 3, 6)
                .put("waiting", new JsonObject().put("amber", 3)))), 400, "defaults.waiting.red");
        assertRefused(put("/api/settings/thresholds", admin, new JsonObject().put("defaults", thresholds(20, 3, 6))
                .put("queues", new JsonArray().add(thresholds(20, 1, 2).put("queue", "sales"))
                        .add(thresholds(20, 1, 2).put("queue", "SALES")))), 400, "queues[1].queue");
        assertRefused(put("/api/settings/thresholds", admin, new JsonObject().put("defaults", thresholds(20, 3, 6))
                .put("queues", new JsonArray().add(thresholds(20, 9, 2).put("queue", "sales")))), 400, "queues[0].waiting");
        assertRefused(put("/api/settings/thresholds", admin, new JsonObject()), 400, "defaults");
        assertThat(settings()).isEqualTo(before);
        assertThat(auditTotal()).isEqualTo(audited);
    }

    @Test
    @DisplayName("agents may not read the settings; supervisors read them but change nothing")
    void roles() {
        JsonObject before = settings();
        assertThat(server.get("/api/settings", alice).status()).isEqualTo(403);
        assertThat(server.get("/api/settings", null).status()).isEqualTo(401);
        assertThat(server.get("/api/settings", supervisor).status()).isEqualTo(200);
        JsonObject reasons = new JsonObject().put("pauseReasons", new JsonArray().add("nap"));
        assertThat(put("/api/settings/pause-reasons", supervisor, reasons).status()).isEqualTo(403);
        assertThat(put("/api/settings/pause-reasons", alice, reasons).status()).isEqualTo(403);
        assertThat(put("/api/settings/queues", supervisor, new JsonObject().put("queues", new JsonArray().add("x"))).status())
                .isEqualTo(403);
        assertThat(put("/api/settings/thresholds", supervisor, new JsonObject().put("defaults", thresholds(20, 3, 6))).status())
                .isEqualTo(403);
        assertThat(server.patch("/api/agents/" + daveId, supervisor, new JsonObject().putNull("mayJoin")).status()).isEqualTo(403);
        assertThat(settings()).isEqualTo(before);
    }

    @Test
    @DisplayName("after a restart the database's settings stay in force, whatever the environment says now")
    void restart() {
        try (TestDatabase.Fresh db = TestDatabase.fresh()) {
            try (TestServer first = TestServer.withPbxOn(db, pbx, Map.of("FIRSTLINE_PAUSE_REASONS", "break"))) {
                String token = first.loginAdmin();
                assertThat(first.send("PUT", "/api/settings/pause-reasons", token,
                        new JsonObject().put("pauseReasons", new JsonArray().add("lunch").add("break")).encode()).status())
                        .isEqualTo(200);
            }
            try (TestServer second = TestServer.withPbxOn(db, pbx, Map.of("FIRSTLINE_PAUSE_REASONS", "break,training"))) {
                assertThat(second.get("/api/settings", second.loginAdmin()).json().getJsonArray("pauseReasons"))
                        .containsExactly("lunch", "break");
            }
        }
    }
}
