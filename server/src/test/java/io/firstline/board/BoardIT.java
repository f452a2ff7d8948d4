package io.firstline.board;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.AmiConsole;
import io.firstline.TestClock;
import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.firstline.TestTraces;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.ReceivedAction;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

@DisplayName("the supervisors' live board, stepping in and the audit log, over a real AMI socket and /ws")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BoardIT {

    private AmiSimulator pbx;
    private TestServer server;
    private Vertx client;
    /** Held for the whole class: Vert.x closes a client nobody references. */
    private WebSocketClient wsClient;
    private String admin;
    private String sam;
    private String alice;
    private long samId;
    private long aliceId;
    private long bobId;
    private long carolId;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of("FIRSTLINE_QUEUE_SOFTWARE_WAITING", "1,2",
                "FIRSTLINE_QUEUE_SOFTWARE_SERVICE_LEVEL_SECONDS", "30"), TestClock.morning(ZoneId.systemDefault()));
        client = Vertx.vertx();
        wsClient = client.createWebSocketClient();
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        samId = server.post("/api/agents", admin, new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor").put("interface", "Local/9000@supervisor"))
                .json().getLong("id");
        sam = server.login("sam", "sam-password");
        alice = server.login("alice", "alice-password");
        JsonArray agents = server.get("/api/agents", admin).json().getJsonArray("items");
        for (int i = 0; i < agents.size(); i++) {
            JsonObject a = agents.getJsonObject(i);
            switch (a.getString("username")) {
                case "alice" -> aliceId = a.getLong("id");
                case "bob" -> bobId = a.getLong("id");
                case "carol" -> carolId = a.getLong("id");
                default -> { }
            }
        }
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (pbx != null) {
            pbx.close();
        }
    }

    /** A board's WebSocket as a client other than a browser opens it. */
    private final class Board implements AutoCloseable {
        final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        final BoardReplica replica = new BoardReplica();
        final WebSocket ws;
        /** The close code the server closed this socket with. */
        final CompletableFuture<Short> closed = new CompletableFuture<>();

        Board(WebSocketConnectOptions options) throws Exception {
            ws = TestSockets.open(wsClient, options.setHost("127.0.0.1").setPort(server.port()).setURI("/ws"),
                    t -> received.add(new JsonObject(t)), closed::complete).get(10, TimeUnit.SECONDS);
        }

        JsonObject next(Predicate<JsonObject> what, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            JsonObject last = null;
            while (System.nanoTime() < deadline) {
                JsonObject m = received.poll(50, TimeUnit.MILLISECONDS);
                JsonObject board = m == null ? null : replica.take(m);
                if (board != null) {
                    last = board;
                    if (what.test(board)) {
                        return board.copy();
                    }
                }
            }
            throw new AssertionError("no such board within " + within + "; the last was " + last);
        }

        @Override
        public void close() {
            ws.close();
        }
    }

    private Board supervisorBoard() throws Exception {
        Board b = new Board(new WebSocketConnectOptions().addHeader("Authorization", "Bearer " + sam));
        b.ws.writeTextMessage(new JsonObject().put("type", "board.follow").encode());
        return b;
    }

    private static JsonObject queue(JsonObject board, String name) {
        JsonArray qs = board.getJsonArray("queues");
        for (int i = 0; i < qs.size(); i++) {
            if (name.equals(qs.getJsonObject(i).getString("name"))) {
                return qs.getJsonObject(i);
            }
        }
        return null;
    }

    private static JsonObject item(JsonArray items, String key, Object value) {
        for (int i = 0; i < items.size(); i++) {
            if (value.equals(items.getJsonObject(i).getValue(key))) {
                return items.getJsonObject(i);
            }
        }
        return null;
    }

    /** Supervisors' steps in written to the audit log (administrators' changes to accounts are there too). */
    private long auditCount() {
        return server.queryLong("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'spy.%' OR action IN ('agent.pause',"
                + " 'agent.resume', 'agent.join', 'agent.leave', 'agent.sign-out')");
    }

    /** The newest entries of the audit log that are steps in, newest first. */
    private List<JsonObject> stepsIn(String query) {
        JsonArray items = server.get("/api/audit?limit=50" + query, sam).json().getJsonArray("items");
        return items.stream().map(o -> (JsonObject) o)
                .filter(e -> e.getString("action").startsWith("spy.") || List.of("agent.pause", "agent.resume",
                        "agent.join", "agent.leave", "agent.sign-out").contains(e.getString("action")))
                .toList();
    }

    @Test
    @Order(1)
    @DisplayName("an agent gets 403 and a stranger 401 on the board's data, stepping in and the audit log")
    void rolesAreChecked() {
        for (String path : List.of("/api/live/queues", "/api/live/agents", "/api/live/waiting", "/api/live/board",
                "/api/audit", "/api/kiosks")) {
            assertRefused(server.get(path, alice), 403, null);
            assertRefused(server.get(path, null), 401, null);
        }
        for (String action : List.of("spy", "pause", "resume", "join", "leave", "sign-out")) {
            assertRefused(server.post("/api/agents/" + bobId + "/" + action, alice,
                    new JsonObject().put("mode", "listen").put("reason", "lunch")), 403, null);
        }
        assertThat(auditCount()).isZero();
    }

    @Test
    @Order(1)
    @DisplayName("an agent's /ws that asks for the board gets an error and no board")
    void agentSocketGetsNoBoard() throws Exception {
        try (Board b = new Board(new WebSocketConnectOptions().addHeader("Authorization", "Bearer " + alice))) {
            b.ws.writeTextMessage(new JsonObject().put("type", "board.follow").encode());
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            JsonObject error = null;
            while (System.nanoTime() < deadline) {
                JsonObject m = b.received.poll(50, TimeUnit.MILLISECONDS);
                assertThat(m == null ? null : m.getString("type")).isNotIn("board.update", "board.delta");
                if (m != null && "error".equals(m.getString("type"))) {
                    error = m;
                }
            }
            assertThat(error).isNotNull();
            assertThat(error.getString("detail")).contains("supervisor");
        }
    }

    @Test
    @Order(2)
    @DisplayName("a recorded call shows as waiting, then answered by Alice, on the supervisor's /ws and in /api/live")
    void callWaitingThenAnswered() throws Exception {
        try (Board board = supervisorBoard()) {
            JsonObject first = board.next(b -> queue(b, "software") != null, Duration.ofSeconds(10));
            assertThat(first.getString("serviceLevelDefinition")).contains("answered within");
            assertThat(queue(first, "software").getInteger("serviceLevelSeconds")).isEqualTo(30);
            pbx.replay(TestTraces.amiRaw("answered-software"), true);
            JsonObject waiting = board.next(b -> queue(b, "software").getInteger("waiting") == 1, Duration.ofSeconds(15));
            JsonObject tile = queue(waiting, "software");
            assertThat(tile.getString("level")).isEqualTo("amber");
            assertThat(tile.getJsonObject("levels").getString("waiting")).isEqualTo("amber");
            JsonObject caller = waiting.getJsonArray("waiting").getJsonObject(0);
            assertThat(caller.getString("queue")).isEqualTo("software");
            assertThat(caller.getInteger("position")).isEqualTo(1);
            assertThat(caller.getString("callerNumber")).isEqualTo("+15551234567");
            assertThat(caller.getString("menuPath")).isEqualTo("main/software");
            assertThat(caller.getInteger("waitSeconds")).isNotNull();

            JsonObject answered = board.next(b -> queue(b, "software").getInteger("answered") == 1
                    && queue(b, "software").getInteger("waiting") == 0, Duration.ofSeconds(20));
            JsonObject sw = queue(answered, "software");
            assertThat(sw.getInteger("offered")).isEqualTo(1);
            assertThat(sw.getInteger("abandoned")).isZero();
            assertThat(sw.getDouble("serviceLevelPercent")).isEqualTo(100.0);
            assertThat(sw.getString("figuresAsOf")).isNotNull();
            assertThat(sw.getString("asOf")).isNotNull();

            // The live part (no call now) is immediate; today's figures follow within about a second,
            // once the ended call is written: its handle time is known only then.
            board.next(b -> item(b.getJsonArray("agents"), "username", "alice").getInteger("handledToday") == 1
                    && item(b.getJsonArray("agents"), "username", "alice").getValue("call") == null
                    && queue(b, "software").getValue("averageHandleSeconds") != null, Duration.ofSeconds(20));
        }
        JsonObject queues = server.get("/api/live/queues", sam).json();
        JsonObject sw = item(queues.getJsonArray("items"), "name", "software");
        assertThat(sw.getInteger("offered")).isEqualTo(1);
        assertThat(sw.getInteger("answered")).isEqualTo(1);
        assertThat(sw.getInteger("abandoned")).isZero();
        assertThat(sw.getDouble("abandonedPercent")).isZero();
        assertThat(sw.getDouble("averageWaitSeconds")).isNotNull();
        assertThat(sw.getDouble("averageHandleSeconds")).isNotNull();
        assertThat(sw.getJsonObject("agents").fieldNames()).containsExactlyInAnyOrder("available", "onCall", "ringing",
                "busy", "paused", "signedOut");
        assertThat(sw.getJsonObject("agents").getInteger("available")).isEqualTo(3);
        assertThat(sw.getString("level")).isEqualTo("ok");
        JsonObject agents = server.get("/api/live/agents", sam).json();
        JsonObject a = item(agents.getJsonArray("items"), "username", "alice");
        assertThat(a.getString("state")).isEqualTo("available");
        assertThat(a.getInteger("handledToday")).isEqualTo(1);
        assertThat(a.getInteger("missedToday")).isZero();
        assertThat(agents.getInteger("total")).isEqualTo(3);
        assertThat(server.get("/api/live/waiting", sam).json().getJsonArray("items")).isEmpty();

        // An outcome with its wrap-up time counts in the handle time at once, not at the next slow refresh (15 s).
        double handle = sw.getDouble("averageHandleSeconds");
        long callId = server.get("/api/calls?queue=software", sam).json().getJsonArray("items").getJsonObject(0).getLong("id");
        assertThat(server.post("/api/calls/" + callId + "/outcome", sam, new JsonObject().put("disposition", "resolved")
                .put("wrapupSeconds", 100)).status()).isEqualTo(201);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        double now = handle;
        while (System.nanoTime() < deadline && now != handle + 100) {
            Thread.sleep(100);
            now = item(server.get("/api/live/queues", sam).json().getJsonArray("items"), "name", "software")
                    .getDouble("averageHandleSeconds");
        }
        assertThat(now).isEqualTo(handle + 100);
    }

    @Test
    @Order(3)
    @DisplayName("whisper rings the supervisor's own phone and runs ChanSpy on Bob's phone channel (PJSIP/1002-), not his Local member; it says who hears whom and is audited")
    void whisperSendsTheRightOriginate() throws Exception {
        pbx.receivedActions();
        int before = pbx.receivedActions().size();
        TestServer.Reply r = server.post("/api/agents/" + bobId + "/spy", sam, new JsonObject().put("mode", "whisper"));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        ReceivedAction originate = awaitNew("Originate", before);
        assertThat(originate.get("Channel")).isEqualTo("Local/9000@supervisor");
        assertThat(originate.get("Application")).isEqualTo("ChanSpy");
        // Local/1002@agents/n rings PJSIP/1002 ([agents]); a whisper into the Local half would reach the caller
        assertThat(originate.get("Data")).isEqualTo("PJSIP/1002-,bqwES");
        assertThat(originate.get("Async")).isEqualToIgnoringCase("true");
        assertThat(originate.get("CallerID")).isEqualTo("\"Whisper: Bob Agent\" <bob>");
        JsonObject entry = r.json();
        assertThat(entry.getString("action")).isEqualTo("spy.whisper");
        assertThat(entry.getJsonObject("actor").getString("username")).isEqualTo("sam");
        assertThat(entry.getJsonObject("target").getString("username")).isEqualTo("bob");
        assertThat(entry.getBoolean("success")).isTrue();
        assertThat(entry.getString("pbxResponse")).isEqualTo("Originate successfully queued");
        assertThat(entry.getString("detail")).isEqualTo("Local/9000@supervisor → PJSIP/1002- (ChanSpy bqwES)");
        assertThat(entry.getString("confirmation")).isEqualTo("Whisper: your phone (Local/9000@supervisor) rings;"
                + " once you answer you hear Bob Agent and the caller, and Bob Agent hears you; the caller does not."
                + " It ends when Bob Agent's call ends, or at once if Bob Agent is on no call.");

        for (String[] m : new String[][] {{"listen", "bqES", "neither Bob Agent nor the caller hears you"},
                {"barge", "bqBES", "Bob Agent and the caller both hear you"}}) {
            int n = pbx.receivedActions().size();
            TestServer.Reply spied = server.post("/api/agents/" + bobId + "/spy", sam, new JsonObject().put("mode", m[0]));
            assertThat(spied.status()).isEqualTo(200);
            assertThat(spied.json().getString("confirmation")).contains(m[2]);
            assertThat(awaitNew("Originate", n).get("Data")).isEqualTo("PJSIP/1002-," + m[1]);
        }
        List<JsonObject> log = stepsIn("&agentId=" + bobId);
        assertThat(log).hasSize(3);
        assertThat(log.get(0).getString("action")).isEqualTo("spy.barge");
        assertThat(log.get(2).getString("action")).isEqualTo("spy.whisper");

        // A state interface set on the agent wins over the one derived from the member interface.
        assertThat(server.patch("/api/agents/" + bobId, admin, new JsonObject().put("stateInterface", "PJSIP/bob-desk"))
                .status()).isEqualTo(200);
        int n = pbx.receivedActions().size();
        assertThat(server.post("/api/agents/" + bobId + "/spy", sam, new JsonObject().put("mode", "listen")).status()).isEqualTo(200);
        assertThat(awaitNew("Originate", n).get("Data")).isEqualTo("PJSIP/bob-desk-,bqES");
        JsonObject cleared = server.patch("/api/agents/" + bobId, admin, new JsonObject().putNull("stateInterface")).json();
        assertThat(cleared.getString("stateInterface")).isNull();
        assertThat(cleared.getString("phone")).isEqualTo("PJSIP/1002");
    }

    @Test
    @Order(4)
    @DisplayName("bad stepping-in requests are refused naming the field, and nothing is sent or written")
    void badRequestsChangeNothing() {
        long audited = auditCount();
        long sent = stepsInSent();
        assertRefused(server.post("/api/agents/" + bobId + "/spy", sam, new JsonObject().put("mode", "shout")), 400, "mode");
        assertRefused(server.post("/api/agents/" + bobId + "/spy", sam, new JsonObject()), 400, "mode");
        assertRefused(server.post("/api/agents/" + bobId + "/spy", sam, new JsonObject().put("mode", 3)), 400, "mode");
        assertRefused(server.post("/api/agents/" + bobId + "/spy", sam, new JsonObject().put("mode", "listen").put("x", 1)),
                400, "x");
        assertRefused(server.send("POST", "/api/agents/" + bobId + "/spy", sam, "not json"), 400, null);
        assertRefused(server.post("/api/agents/99999/spy", sam, new JsonObject().put("mode", "listen")), 404, null);
        assertRefused(server.post("/api/agents/" + bobId + "/pause", sam, new JsonObject().put("reason", "nap")), 400, "reason");
        assertRefused(server.post("/api/agents/" + bobId + "/pause", sam, new JsonObject()), 400, "reason");
        assertRefused(server.post("/api/agents/" + bobId + "/sign-out", sam, new JsonObject().put("queue", "x")), 400, "queue");
        assertRefused(server.post("/api/agents/" + bobId + "/resume", sam, new JsonObject().put("reason", "x")), 400, "reason");
        assertRefused(server.post("/api/agents/" + bobId + "/join", sam, new JsonObject().put("queue", "nowhere")), 400, "queue");
        assertRefused(server.post("/api/agents/" + bobId + "/join", sam, new JsonObject()), 400, "queue");
        assertRefused(server.post("/api/agents/" + bobId + "/leave", sam, new JsonObject().put("queue", 7)), 400, "queue");
        // Bob is in software already, and in no helpdesk queue (both are queues agents may be put in)
        assertRefused(server.post("/api/agents/" + bobId + "/join", sam, new JsonObject().put("queue", "software")), 409, "queue");
        assertRefused(server.post("/api/agents/" + bobId + "/leave", sam, new JsonObject().put("queue", "helpdesk")), 409, "queue");
        assertRefused(server.post("/api/agents/99999/join", sam, new JsonObject().put("queue", "software")), 404, null);
        // The admin has no interface of their own to listen from.
        TestServer.Reply noPhone = server.post("/api/agents/" + bobId + "/spy", admin, new JsonObject().put("mode", "listen"));
        assertThat(noPhone.status()).isEqualTo(409);
        assertThat(noPhone.json().getString("field")).isEqualTo("interface");
        // A member ringing through FreePBX's from-queue may follow-me anywhere: its phone is not guessed.
        // (A supervisor, so that the board's agent rows stay as they are.)
        long erin = server.post("/api/agents", admin, new JsonObject().put("username", "erin").put("name", "Erin Else")
                .put("password", "erin-password").put("role", "supervisor").put("interface", "Local/1005@from-queue/n"))
                .json().getLong("id");
        TestServer.Reply unknownPhone = server.post("/api/agents/" + erin + "/spy", sam, new JsonObject().put("mode", "whisper"));
        assertThat(unknownPhone.status()).isEqualTo(409);
        assertThat(unknownPhone.json().getString("field")).isEqualTo("stateInterface");
        assertRefused(server.patch("/api/agents/" + erin, admin, new JsonObject().put("stateInterface", "PJSIP/1005,evil")),
                400, "stateInterface");
        assertRefused(server.get("/api/audit?from=yesterday", sam), 400, "from");
        assertRefused(server.get("/api/live/queues?limit=0", sam), 400, "limit");
        assertThat(auditCount()).isEqualTo(audited);
        assertThat(stepsInSent()).isEqualTo(sent);
    }

    @Test
    @Order(5)
    @DisplayName("a supervisor pauses Bob with a reason and signs Carol out of her queues; the board shows both; audited")
    void pauseAndSignOut() throws Exception {
        try (Board board = supervisorBoard()) {
            int n = pbx.receivedActions().size();
            TestServer.Reply paused = server.post("/api/agents/" + bobId + "/pause", sam, new JsonObject().put("reason", "lunch"));
            assertThat(paused.status()).as(String.valueOf(paused.json())).isEqualTo(200);
            ReceivedAction pause = awaitNew("QueuePause", n);
            assertThat(pause.get("Interface")).isEqualTo("Local/1002@agents/n");
            assertThat(pause.get("Paused")).isEqualToIgnoringCase("true");
            assertThat(pause.get("Reason")).isEqualTo("lunch");
            assertThat(paused.json().getString("action")).isEqualTo("agent.pause");
            assertThat(paused.json().getString("detail")).isEqualTo("reason: lunch");
            board.next(b -> {
                JsonObject bob = item(b.getJsonArray("agents"), "username", "bob");
                return "paused".equals(bob.getString("state")) && "lunch".equals(bob.getString("pauseReason"));
            }, Duration.ofSeconds(10));

            // Bob is a static member (queues.conf): Asterisk refuses to remove him, and that is audited too.
            TestServer.Reply refused = server.post("/api/agents/" + bobId + "/sign-out", sam, new JsonObject());
            assertThat(refused.status()).isEqualTo(502);
            assertThat(refused.json().getString("detail")).contains("Member not dynamic");

            // Carol on a phone that joined two queues dynamically, as a desktop's queue login does.
            assertThat(server.patch("/api/agents/" + carolId, admin, new JsonObject().put("interface", "Local/1004@agents/n"))
                    .status()).isEqualTo(200);
            AmiConsole.send(pbx.port(), "Action: QueueAdd\r\nQueue: software\r\nInterface: Local/1004@agents/n\r\nMemberName: Carol Agent\r\n",
                    "Action: QueueAdd\r\nQueue: hardware\r\nInterface: Local/1004@agents/n\r\nMemberName: Carol Agent\r\n");
            board.next(b -> item(b.getJsonArray("agents"), "username", "carol").getJsonArray("queues").size() == 2,
                    Duration.ofSeconds(10));
            int n2 = pbx.receivedActions().size();
            TestServer.Reply out = server.post("/api/agents/" + carolId + "/sign-out", sam, new JsonObject());
            assertThat(out.status()).as(String.valueOf(out.json())).isEqualTo(200);
            Thread.sleep(300);
            List<ReceivedAction> removes = pbx.receivedActions().subList(n2, pbx.receivedActions().size()).stream()
                    .filter(a -> a.name().equalsIgnoreCase("QueueRemove")).toList();
            assertThat(removes).extracting(a -> a.get("Queue")).containsExactlyInAnyOrder("hardware", "software");
            assertThat(removes).allMatch(a -> a.get("Interface").equals("Local/1004@agents/n"));
            JsonObject after = board.next(b -> "signed-out".equals(item(b.getJsonArray("agents"), "username", "carol")
                    .getString("state")), Duration.ofSeconds(10));
            assertThat(queue(after, "software").getJsonObject("agents").getInteger("signedOut")).isEqualTo(1);
            assertThat(queue(after, "software").getJsonObject("agents").getInteger("paused")).isEqualTo(1);
        }
        TestServer.Reply again = server.post("/api/agents/" + carolId + "/sign-out", sam, new JsonObject());
        assertThat(again.status()).isEqualTo(409);
        List<JsonObject> log = stepsIn("");
        assertThat(log.get(0).getString("action")).isEqualTo("agent.sign-out");
        assertThat(log.get(0).getString("detail")).isEqualTo("queues: hardware, software");
        assertThat(log.get(0).getBoolean("success")).isTrue();
        assertThat(log.get(1).getString("action")).isEqualTo("agent.sign-out");
        assertThat(log.get(1).getBoolean("success")).isFalse();
        assertThat(log.get(1).getString("pbxResponse")).contains("Member not dynamic");
    }

    @Test
    @Order(6)
    @DisplayName("a burst of calls is coalesced: a board gets at most a few updates a second")
    void burstIsCoalesced() throws Exception {
        try (Board board = supervisorBoard()) {
            board.next(b -> true, Duration.ofSeconds(5));
            board.received.clear();
            pbx.traffic().start(TrafficConfig.builder().seed(5).callsPerSecond(20).maxCalls(20)
                    .talkTime(Duration.ofSeconds(1), Duration.ofSeconds(2)).waitTime(Duration.ofSeconds(0), Duration.ofSeconds(1))
                    .build());
            long start = System.nanoTime();
            Thread.sleep(3000);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<JsonObject> got = new ArrayList<>();
            board.received.drainTo(got);
            long updates = got.stream().filter(m -> board.replica.take(m) != null).count();
            assertThat(updates).isGreaterThan(2);
            assertThat(updates / seconds).isLessThanOrEqualTo(1000.0 / LiveBoard.PUBLISH_MS + 0.5);
            pbx.traffic().stop();
            pbx.traffic().awaitFinished(pbx.traffic().callsGenerated(), Duration.ofSeconds(60));
        }
    }

    @Test
    @Order(7)
    @DisplayName("/metrics shows calls by outcome, pops and their latency, the PBX link, AMI events, the database, its pool, call records waiting, Vert.x, the event loops' delay, WebSockets and the board's followers")
    void metrics() throws Exception {
        try (Board board = supervisorBoard()) {
            board.next(b -> true, Duration.ofSeconds(5));
            TestServer.Reply r = server.get("/metrics", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain");
            String text = r.raw().body();
            assertThat(text).contains("firstline_calls_total{outcome=\"answered\"}");
            assertThat(text).containsPattern("firstline_pops_total\\{caller_data=\"(loaded|pending)\",type=\"call.connected\"}");
            assertThat(text).contains("firstline_pop_latency_seconds_bucket{type=\"call.connected\"");
            assertThat(text).contains("firstline_pbx_link_up{pbx=\"pbx\"} 1.0");
            assertThat(text).contains("firstline_pbx_link_state{pbx=\"pbx\",state=\"connected\"} 1.0");
            assertThat(text).contains("firstline_pbx_reconnects_total{pbx=\"pbx\"}");
            assertThat(text).as("every recorded event was readable").contains("firstline_ami_events_unreadable_total{pbx=\"pbx\"} 0.0");
            assertThat(text).contains("firstline_ami_events_total{pbx=\"pbx\",type=\"MemberConnected\"}");
            assertThat(text).contains("hikaricp_connections_max{pool=\"firstline-db\"} 4.0");
            assertThat(text).contains("hikaricp_connections_active{pool=\"firstline-db\"}");
            assertThat(text).contains("firstline_db_up 1.0");
            assertThat(text).contains("firstline_call_records_waiting");
            assertThat(text).contains("firstline_call_records_oldest_waiting_seconds");
            assertThat(text).contains("firstline_call_records_writes_total");
            assertThat(text).contains("firstline_pops_late_total{type=\"call.connected\"}");
            assertThat(text).contains("vertx_http_server_requests_total");
            assertThat(text).contains("vertx_pool_queue_time_seconds_bucket{pool_name=\"firstline-db\",pool_type=\"worker\",le=");
            assertThat(text).contains("firstline_event_loop_delay_seconds_bucket{le=");
            assertThat(text).containsPattern("firstline_websocket_sessions [1-9]");
            assertThat(text).containsPattern("firstline_board_followers\\{form=\"board\"} [1-9]");
            assertThat(text).contains("firstline_board_followers{form=\"wall-screen\"}");
            assertThat(text).containsPattern("firstline_board_updates_total [1-9]");
        }
        try (TestServer off = TestServer.start(Map.of("FIRSTLINE_METRICS_ENABLED", "false"))) {
            assertThat(off.get("/metrics", null).status()).isEqualTo(404);
        }
    }

    @Test
    @Order(8)
    @DisplayName("kiosk mode: a wall screen's link gives a cookie that reads the board and nothing else, until revoked, "
            + "which closes its socket at once")
    void kioskMode() throws Exception {
        TestServer.Reply made = server.post("/api/kiosks", sam, new JsonObject().put("name", "Wall by the coffee machine"));
        assertThat(made.status()).isEqualTo(201);
        assertRefused(server.post("/api/kiosks", sam, new JsonObject()), 400, "name");
        assertRefused(server.post("/api/kiosks", alice, new JsonObject().put("name", "x")), 403, null);
        String link = made.json().getString("link");
        TestServer.Reply opened = server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + link))
                .GET().build());
        assertThat(opened.status()).isEqualTo(303);
        assertThat(opened.header("Location")).isEqualTo("/board?kiosk=1");
        String setCookie = opened.header("Set-Cookie");
        assertThat(setCookie).startsWith("firstline_kiosk=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        assertThat(withCookie("/api/live/queues", cookie).status()).isEqualTo(200);
        TestServer.Reply wallAgents = withCookie("/api/live/agents", cookie);
        assertThat(wallAgents.status()).isEqualTo(200);
        // A wall screen is read by anyone in the room: no phone interfaces, no callers' names or numbers.
        assertThat(wallAgents.json().getJsonArray("items")).isNotEmpty()
                .allSatisfy(a -> assertThat(((JsonObject) a).containsKey("interface")).isFalse());
        assertThat(server.get("/api/live/agents", sam).json().getJsonArray("items"))
                .allSatisfy(a -> assertThat(((JsonObject) a).containsKey("interface")).isTrue());
        for (String path : List.of("/api/agents", "/api/audit", "/api/calls", "/api/callers?q=a", "/api/kiosks")) {
            assertThat(withCookie(path, cookie).status()).as(path).isEqualTo(401);
        }
        try (Board wall = new Board(new WebSocketConnectOptions().addHeader("Cookie", cookie))) {
            JsonObject shown = wall.next(b -> queue(b, "software") != null, Duration.ofSeconds(10));
            assertThat(shown.getJsonArray("agents")).allSatisfy(a -> assertThat(((JsonObject) a).containsKey("interface")).isFalse());
            // The updates that follow (the board publishes at least every 5 s) are the wall screen's too.
            JsonObject update = wall.next(b -> true, Duration.ofSeconds(10));
            assertThat(update.getJsonArray("agents")).isNotEmpty()
                    .allSatisfy(a -> assertThat(((JsonObject) a).containsKey("interface")).isFalse());

            assertThat(server.send("DELETE", "/api/kiosks/" + made.json().getLong("id"), sam, null).status()).isEqualTo(204);
            // By the notice every node hears, not at the socket's next check of its link, a minute later.
            assertThat(wall.closed.get(5, TimeUnit.SECONDS)).isEqualTo((short) 4401);
        }
        assertThat(withCookie("/api/live/queues", cookie).status()).isEqualTo(401);
        assertThat(server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + link)).GET().build())
                .status()).isEqualTo(404);
        JsonArray log = server.get("/api/audit?limit=2", sam).json().getJsonArray("items");
        assertThat(log.getJsonObject(0).getString("action")).isEqualTo("kiosk.revoke");
        assertThat(log.getJsonObject(1).getString("action")).isEqualTo("kiosk.create");
    }

    @Test
    @Order(9)
    @DisplayName("a ring Alice lets go unanswered counts as her missed ring today; Bob, who answered it, has none")
    void missedRings() throws Exception {
        int aliceBefore = item(server.get("/api/live/agents", sam).json().getJsonArray("items"), "username", "alice")
                .getInteger("missedToday");
        pbx.replay(TestTraces.amiRaw("ring-no-answer-software"), true);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonArray agents = server.get("/api/live/agents", sam).json().getJsonArray("items");
        while (System.nanoTime() < deadline && item(agents, "username", "alice").getInteger("missedToday") == aliceBefore) {
            Thread.sleep(100);
            agents = server.get("/api/live/agents", sam).json().getJsonArray("items");
        }
        assertThat(item(agents, "username", "alice").getInteger("missedToday")).isEqualTo(aliceBefore + 1);
        assertThat(item(agents, "username", "bob").getInteger("missedToday")).isZero();
    }

    @Test
    @Order(10)
    @DisplayName("with the PBX gone, spying answers 503, is audited as failed, and the board says the link is down")
    void pbxDown() throws Exception {
        try (Board board = supervisorBoard()) {
            pbx.setResponsive(false);
            pbx.dropAllClients();
            server.awaitPbx(s -> !s.equals("connected"), Duration.ofSeconds(10));
            TestServer.Reply r = server.post("/api/agents/" + bobId + "/spy", sam, new JsonObject().put("mode", "listen"));
            assertThat(r.status()).isEqualTo(503);
            JsonObject last = server.get("/api/audit?limit=1", sam).json().getJsonArray("items").getJsonObject(0);
            assertThat(last.getString("action")).isEqualTo("spy.listen");
            assertThat(last.getBoolean("success")).isFalse();
            assertThat(last.getString("pbxResponse")).isNotBlank();
            board.next(b -> !"connected".equals(b.getJsonArray("pbx").getJsonObject(0).getString("status")),
                    Duration.ofSeconds(3));
        } finally {
            pbx.setResponsive(true);
        }
    }

    /** Actions a supervisor's stepping in sends (the link's own pings and status queries aside). */
    private long stepsInSent() {
        return pbx.receivedActions().stream()
                .filter(a -> List.of("originate", "queuepause", "queueadd", "queueremove").contains(a.name().toLowerCase(java.util.Locale.ROOT)))
                .count();
    }

    private TestServer.Reply withCookie(String path, String cookie) {
        return server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Cookie", cookie).GET().build());
    }

    private ReceivedAction awaitNew(String name, int after) throws Exception {
        return pbx.awaitAction(after, name, a -> true, Duration.ofSeconds(10));
    }
}
