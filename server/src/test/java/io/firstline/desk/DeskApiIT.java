package io.firstline.desk;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestClock;
import io.firstline.TestServer;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.ReceivedAction;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the agent desktop's API against the AMI simulator on a real socket and a real MariaDB")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeskApiIT {

    private static final String ALICE = "Local/1001@agents/n";
    private static final String DAVE = "Local/1004@agents/n";

    private AmiSimulator pbx;
    private TestServer server;
    private String admin;
    private String alice;
    private String dave;
    private String nobody;
    private long janeId;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of("FIRSTLINE_WRAPUP_PAUSE", "true",
                "FIRSTLINE_DESK_QUEUES", "software,hardware,network,helpdesk"), TestClock.morning(ZoneId.systemDefault()));
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        server.post("/api/agents", admin, new JsonObject().put("username", "dave").put("name", "Dave Agent")
                .put("password", "dave-password").put("interface", DAVE));
        server.post("/api/agents", admin, new JsonObject().put("username", "nobody").put("name", "No Phone")
                .put("password", "nobody-password"));
        alice = server.login("alice", "alice-password");
        dave = server.login("dave", "dave-password");
        nobody = server.login("nobody", "nobody-password");
        janeId = server.post("/api/callers", admin, new JsonObject().put("name", "Jane Doe").put("organisation", "Acme Widgets")
                .put("phones", new JsonArray().add("+1 555 123 4567"))).json().getLong("id");
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

    private ReceivedAction awaitAction(int after, String name, Predicate<ReceivedAction> what) throws Exception {
        return pbx.awaitAction(after, name, what, Duration.ofSeconds(10));
    }

    private List<ReceivedAction> actionsSince(int after, String name) {
        List<ReceivedAction> all = pbx.receivedActions();
        return all.subList(Math.min(after, all.size()), all.size()).stream().filter(a -> a.name().equalsIgnoreCase(name)).toList();
    }

    @Test
    @DisplayName("pause with a reason and resume send QueuePause for the agent's own interface and answer with Asterisk's words")
    void pauseAndResume() throws Exception {
        int before = pbx.receivedActions().size();
        TestServer.Reply paused = server.post("/api/agents/me/pause", alice, new JsonObject().put("reason", "lunch"));
        assertThat(paused.status()).as(String.valueOf(paused.json())).isEqualTo(200);
        assertThat(paused.json().getJsonObject("asterisk").getString("response")).isEqualTo("Success");
        assertThat(paused.json().getJsonObject("asterisk").getString("message")).isEqualTo("Interface paused successfully");
        ReceivedAction p = awaitAction(before, "QueuePause", a -> "true".equalsIgnoreCase(a.get("Paused")));
        assertThat(p.get("Interface")).isEqualTo(ALICE);
        assertThat(p.get("Reason")).isEqualTo("lunch");
        assertThat(p.get("Queue")).isNull();

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonObject status = server.get("/api/agents/me/status", alice).json();
        while (!"lunch".equals(status.getString("pauseReason")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = server.get("/api/agents/me/status", alice).json();
        }
        // Paused, unless another test's call keeps her in a call (which shows first).
        assertThat(status.getString("state")).isIn("paused", "in-call");
        assertThat(status.getString("pauseReason")).isEqualTo("lunch");
        assertThat(status.getJsonArray("pauseReasons")).contains("break", "lunch", "training", "back-office");
        assertThat(status.getJsonArray("availableQueues")).contains("software", "helpdesk");

        int mid = pbx.receivedActions().size();
        TestServer.Reply resumed = server.post("/api/agents/me/unpause", alice, new JsonObject());
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.json().getJsonObject("asterisk").getString("message")).isEqualTo("Interface unpaused successfully");
        ReceivedAction u = awaitAction(mid, "QueuePause", a -> "false".equalsIgnoreCase(a.get("Paused")));
        assertThat(u.get("Interface")).isEqualTo(ALICE);

        int q = pbx.receivedActions().size();
        TestServer.Reply inOne = server.post("/api/agents/me/pause", alice, new JsonObject().put("reason", "break").put("queue", "software"));
        assertThat(inOne.status()).isEqualTo(200);
        assertThat(awaitAction(q, "QueuePause", a -> true).get("Queue")).isEqualTo("software");
        assertThat(server.post("/api/agents/me/unpause", alice, new JsonObject().put("queue", "software")).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a reason outside the list, an unknown queue, unknown fields or no phone are refused before anything reaches Asterisk")
    void badInputSendsNothing() throws Exception {
        int before = pbx.receivedActions().size();
        assertRefused(server.post("/api/agents/me/pause", alice, new JsonObject().put("reason", "nap")), 400, "reason");
        assertRefused(server.post("/api/agents/me/pause", alice, new JsonObject()), 400, "reason");
        assertRefused(server.post("/api/agents/me/pause", alice, new JsonObject().put("reason", "lunch").put("queue", "sales")), 400, "queue");
        assertRefused(server.post("/api/agents/me/join", alice, new JsonObject().put("queue", "x\r\nAction: Originate")), 400, "queue");
        assertRefused(server.post("/api/agents/me/join", alice, new JsonObject()), 400, "queue");
        assertThat(server.post("/api/agents/me/pause", alice, new JsonObject().put("reason", "lunch").put("extra", 1)).status()).isEqualTo(400);
        TestServer.Reply noPhone = server.post("/api/agents/me/pause", nobody, new JsonObject().put("reason", "lunch"));
        assertThat(noPhone.status()).isEqualTo(409);
        assertThat(noPhone.json().getString("detail")).contains("no phone");
        assertThat(server.post("/api/agents/me/pause", null, new JsonObject().put("reason", "lunch")).status()).isEqualTo(401);
        Thread.sleep(200);
        assertThat(actionsSince(before, "QueuePause")).isEmpty();
        assertThat(actionsSince(before, "QueueAdd")).isEmpty();
    }

    @Test
    @DisplayName("join and leave send QueueAdd (with the phone's StateInterface) and QueueRemove; Asterisk's errors come back as 409 with its message")
    void membershipAndAsteriskErrors() throws Exception {
        TestServer.Reply notFound = server.post("/api/agents/me/pause", dave, new JsonObject().put("reason", "break"));
        assertThat(notFound.status()).isEqualTo(409);
        assertThat(notFound.json().getString("error")).isEqualTo("pbx-refused");
        assertThat(notFound.json().getString("detail")).isEqualTo("Asterisk refused: Interface not found");
        assertThat(notFound.json().getJsonObject("asterisk").getString("response")).isEqualTo("Error");

        int before = pbx.receivedActions().size();
        TestServer.Reply joined = server.post("/api/agents/me/join", dave, new JsonObject().put("queue", "software"));
        assertThat(joined.status()).as(String.valueOf(joined.json())).isEqualTo(200);
        assertThat(joined.json().getJsonObject("asterisk").getString("message")).isEqualTo("Added interface to queue");
        ReceivedAction add = awaitAction(before, "QueueAdd", a -> true);
        assertThat(add.get("Queue")).isEqualTo("software");
        assertThat(add.get("Interface")).isEqualTo(DAVE);
        assertThat(add.get("MemberName")).isEqualTo("Dave Agent");
        // the phone that [agents] dials, so that ringinuse=no sees Dave busy on a direct call too
        assertThat(add.get("StateInterface")).isEqualTo("PJSIP/1004");

        TestServer.Reply again = server.post("/api/agents/me/join", dave, new JsonObject().put("queue", "software"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().getString("detail")).isEqualTo("Asterisk refused: Unable to add interface: Already there");

        TestServer.Reply noQueue = server.post("/api/agents/me/join", dave, new JsonObject().put("queue", "helpdesk"));
        assertThat(noQueue.status()).isEqualTo(409);
        assertThat(noQueue.json().getString("detail")).contains("No such queue");

        assertThat(server.post("/api/agents/me/pause", dave, new JsonObject().put("reason", "training")).status()).isEqualTo(200);
        assertThat(server.post("/api/agents/me/unpause", dave, new JsonObject()).status()).isEqualTo(200);

        int mid = pbx.receivedActions().size();
        TestServer.Reply left = server.post("/api/agents/me/leave", dave, new JsonObject().put("queue", "software"));
        assertThat(left.status()).isEqualTo(200);
        assertThat(left.json().getJsonObject("asterisk").getString("message")).isEqualTo("Removed interface from queue");
        assertThat(awaitAction(mid, "QueueRemove", a -> true).get("Interface")).isEqualTo(DAVE);
        TestServer.Reply notThere = server.post("/api/agents/me/leave", dave, new JsonObject().put("queue", "software"));
        assertThat(notThere.status()).isEqualTo(409);
        assertThat(notThere.json().getString("detail")).isEqualTo("Asterisk refused: Unable to remove interface: Not there");
    }

    @Test
    @DisplayName("with the PBX down, desk actions answer 503 and say so")
    void pbxDown() {
        try (TestServer down = TestServer.start(Map.of("FIRSTLINE_AMI_HOST", "127.0.0.1", "FIRSTLINE_AMI_PORT", "1",
                "FIRSTLINE_AMI_USER", "firstline", "FIRSTLINE_AMI_SECRET", "x"))) {
            String a = down.loginAdmin();
            down.createTraceAgents(a);
            String token = down.login("alice", "alice-password");
            TestServer.Reply r = down.post("/api/agents/me/pause", token, new JsonObject().put("reason", "lunch"));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().getString("error")).isEqualTo("pbx-unavailable");
            assertThat(r.json().getString("detail")).contains("PBX");
            assertThat(down.post("/api/agents/me/join", token, new JsonObject().put("queue", "software")).status()).isEqualTo(503);
        }
    }

    @Test
    @DisplayName("a live call: transfer sends BlindTransfer of the agent's leg; wrap-up pauses, ready resumes and records the time; figures count it")
    void transferWrapupAndFigures() throws Exception {
        Map<String, String> tokens = Map.of("alice", alice, "bob", server.login("bob", "bob-password"),
                "carol", server.login("carol", "carol-password"));
        pbx.traffic().start(TrafficConfig.builder().callsPerSecond(5).maxCalls(1).seed(7).outcomes(1, 0, 0)
                .menuChoice("2", "software", "main/software", 1).caller("+15551234567", "Jane Doe")
                .waitTime(Duration.ZERO, Duration.ofMillis(500)).talkTime(Duration.ofSeconds(60), Duration.ofSeconds(60)).build());
        String who = null;
        JsonObject call = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (who == null && System.nanoTime() < deadline) {
            for (var e : tokens.entrySet()) {
                JsonObject s = server.get("/api/agents/me/status", e.getValue()).json();
                if (s.getJsonObject("call") != null && "call.connected".equals(s.getJsonObject("call").getString("type"))) {
                    who = e.getKey();
                    call = s.getJsonObject("call");
                }
            }
            Thread.sleep(100);
        }
        assertThat(who).as("an agent answered the generated call").isNotNull();
        String token = tokens.get(who);
        assertThat(call.getJsonObject("caller").getLong("id")).isEqualTo(janeId);
        String linkedid = call.getJsonObject("call").getString("linkedid");

        assertRefused(server.post("/api/agents/me/transfer", token, new JsonObject()), 400, null);
        assertRefused(server.post("/api/agents/me/transfer", token, new JsonObject().put("queue", "nowhere")), 400, "queue");
        TestServer.Reply notOnCall = server.post("/api/agents/me/transfer", dave, new JsonObject().put("queue", "hardware"));
        assertThat(notOnCall.status()).isEqualTo(409);

        int before = pbx.receivedActions().size();
        TestServer.Reply moved = server.post("/api/agents/me/transfer", token, new JsonObject().put("queue", "hardware"));
        assertThat(moved.status()).as(String.valueOf(moved.json())).isEqualTo(200);
        assertThat(moved.json().getJsonObject("asterisk").getString("message")).isEqualTo("Transfer succeeded");
        ReceivedAction bt = awaitAction(before, "BlindTransfer", a -> true);
        assertThat(bt.get("Context")).isEqualTo("firstline-transfer");
        assertThat(bt.get("Exten")).isEqualTo("hardware");
        String ext = who.equals("alice") ? "1001" : who.equals("bob") ? "1002" : "1003";
        assertThat(bt.get("Channel")).startsWith("Local/" + ext + "@agents-").endsWith(";1");

        // The member's part is over: the server pauses them for wrap-up.
        ReceivedAction wrap = awaitAction(before, "QueuePause", a -> "wrap-up".equals(a.get("Reason")));
        assertThat(wrap.get("Interface")).isEqualTo("Local/" + ext + "@agents/n");
        assertThat(wrap.get("Paused")).isEqualToIgnoringCase("true");

        long callId = awaitCallId(linkedid);
        TestServer.Reply outcome = server.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/calls/" + callId + "/outcome"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("disposition", "resolved")
                        .put("notes", "Cleared the cached password").put("wrapupSeconds", 999).encode())).build());
        assertThat(outcome.status()).as(String.valueOf(outcome.json())).isEqualTo(201);
        Thread.sleep(1100);

        int beforeReady = pbx.receivedActions().size();
        TestServer.Reply ready = server.post("/api/agents/me/ready", token, new JsonObject());
        assertThat(ready.status()).as(String.valueOf(ready.json())).isEqualTo(200);
        assertThat(ready.json().getBoolean("resumed")).isTrue();
        assertThat(ready.json().getInteger("wrapupSeconds")).isGreaterThanOrEqualTo(1);
        assertThat(ready.json().getInteger("outcomesUpdated")).isEqualTo(1);
        ReceivedAction resume = awaitAction(beforeReady, "QueuePause", a -> "false".equalsIgnoreCase(a.get("Paused")));
        assertThat(resume.get("Interface")).isEqualTo("Local/" + ext + "@agents/n");
        int wrapup = ready.json().getInteger("wrapupSeconds");
        assertThat(wrapup).isLessThan(999);
        assertThat(server.get("/api/calls/" + callId, admin).json().getJsonArray("outcomes").getJsonObject(0)
                .getInteger("wrapupSeconds")).as("the server's measure, not the one the client sent").isEqualTo(wrapup);

        TestServer.Reply twice = server.post("/api/agents/me/ready", token, new JsonObject());
        assertThat(twice.json().getBoolean("resumed")).isFalse();

        JsonObject figures = server.get("/api/agents/me/figures", token).json();
        assertThat(figures.getInteger("answered")).isEqualTo(1);
        assertThat(figures.getInteger("firstCallResolutionPercent")).isEqualTo(100);
        int talk = server.get("/api/calls/" + callId, admin).json().getInteger("talkSeconds");
        assertThat(figures.getInteger("averageHandleSeconds")).isEqualTo(talk + wrapup);
        JsonObject none = server.get("/api/agents/me/figures", dave).json();
        assertThat(none.getInteger("answered")).isZero();
        assertThat(none.getValue("averageHandleSeconds")).isNull();
        assertThat(none.getValue("firstCallResolutionPercent")).isNull();
    }

    private long awaitCallId(String linkedid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (Object o : server.get("/api/calls?limit=50", admin).json().getJsonArray("items")) {
                JsonObject c = (JsonObject) o;
                if (linkedid.equals(c.getString("linkedid")) && c.getJsonObject("agent") != null) {
                    return c.getLong("id");
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("call " + linkedid + " was not recorded");
    }

    private long insertCallback(String phone, Long callerId, String reason, Instant createdAt) throws Exception {
        try (Connection c = server.db().connect(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO callback_requests (caller_id, phone, queue, menu_path, reason, status, created_at) "
                        + "VALUES (?, ?, 'software', 'main/software', ?, 'open', ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
            if (callerId == null) {
                st.setNull(1, java.sql.Types.BIGINT);
            } else {
                st.setLong(1, callerId);
            }
            st.setString(2, phone);
            st.setString(3, reason);
            st.setTimestamp(4, Timestamp.valueOf(LocalDateTime.ofInstant(createdAt, ZoneOffset.UTC)));
            st.executeUpdate();
            try (var keys = st.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    @Test
    @DisplayName("callbacks are listed oldest first; one click sends Originate from the agent's phone to the caller's number; the result is kept")
    void callbacks() throws Exception {
        Instant now = Instant.now();
        long newer = insertCallback("+15551234567", janeId, "requested", now.minusSeconds(60));
        long older = insertCallback("+15557770001", null, "abandoned", now.minusSeconds(600));
        long odd = insertCallback("call me maybe", null, "requested", now.minusSeconds(30));
        JsonArray items = server.get("/api/callbacks", alice).json().getJsonArray("items");
        List<Long> ids = items.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
        assertThat(ids).containsSubsequence(older, newer, odd);
        JsonObject first = items.getJsonObject(ids.indexOf(newer));
        assertThat(first.getJsonObject("caller").getString("name")).isEqualTo("Jane Doe");
        assertThat(first.getString("reason")).isEqualTo("requested");

        int before = pbx.receivedActions().size();
        TestServer.Reply called = server.post("/api/callbacks/" + newer + "/call", alice, new JsonObject());
        assertThat(called.status()).as(String.valueOf(called.json())).isEqualTo(200);
        assertThat(called.json().getJsonObject("asterisk").getString("message")).isEqualTo("Originate successfully queued");
        assertThat(called.json().getJsonObject("callback").getString("status")).isEqualTo("in-progress");
        assertThat(called.json().getJsonObject("callback").getString("result")).isEqualTo("originated");
        ReceivedAction o = awaitAction(before, "Originate", a -> "firstline-callback".equals(a.get("Context")));
        assertThat(o.get("Channel")).isEqualTo(ALICE);
        assertThat(o.get("Exten")).isEqualTo("+15551234567");
        assertThat(o.get("Priority")).isEqualTo("1");

        TestServer.Reply busy = server.post("/api/callbacks/" + newer + "/call", dave, new JsonObject());
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.json().getString("detail")).contains("Alice Agent");
        TestServer.Reply notHis = server.post("/api/callbacks/" + newer + "/result", dave, new JsonObject().put("result", "reached"));
        assertThat(notHis.status()).as("another agent cannot say how Alice's call back went").isEqualTo(409);
        assertThat(server.queryLong("SELECT COUNT(*) FROM callback_requests WHERE id = " + newer
                + " AND status = 'in-progress' AND result = 'originated'")).isEqualTo(1);

        assertRefused(server.post("/api/callbacks/" + newer + "/result", alice, new JsonObject().put("result", "maybe")), 400, "result");
        TestServer.Reply done = server.post("/api/callbacks/" + newer + "/result", alice, new JsonObject().put("result", "reached"));
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().getString("status")).isEqualTo("done");
        assertThat(done.json().getJsonObject("handledBy").getString("name")).isEqualTo("Alice Agent");
        assertThat(server.queryLong("SELECT COUNT(*) FROM callback_requests WHERE id = " + newer
                + " AND status = 'done' AND result = 'reached' AND handled_by IS NOT NULL")).isEqualTo(1);
        assertThat(server.get("/api/callbacks", alice).json().getJsonArray("items").stream()
                .map(x -> ((JsonObject) x).getLong("id"))).doesNotContain(newer);
        assertThat(server.post("/api/callbacks/" + newer + "/call", alice, new JsonObject()).status()).isEqualTo(409);

        int beforeOdd = pbx.receivedActions().size();
        TestServer.Reply bad = server.post("/api/callbacks/" + odd + "/call", alice, new JsonObject());
        assertThat(bad.status()).isEqualTo(409);
        assertThat(bad.json().getString("detail")).contains("not a number");
        assertThat(actionsSince(beforeOdd, "Originate")).isEmpty();
        assertThat(server.post("/api/callbacks/999999/call", alice, new JsonObject()).status()).isEqualTo(404);
        TestServer.Reply noAnswer = server.post("/api/callbacks/" + older + "/result", alice, new JsonObject().put("result", "no-answer"));
        assertThat(noAnswer.json().getString("status")).isEqualTo("open");
    }

    /** The same POST sent by several clients at the same moment; the replies in any order. */
    private List<TestServer.Reply> atOnce(String path, List<String> tokens) throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(tokens.size());
        try {
            var go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<TestServer.Reply>> replies = new java.util.ArrayList<>();
            for (String token : tokens) {
                replies.add(pool.submit(() -> {
                    go.await();
                    return server.post(path, token, new JsonObject());
                }));
            }
            go.countDown();
            List<TestServer.Reply> out = new java.util.ArrayList<>();
            for (var r : replies) {
                out.add(r.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Originates for this number the PBX received since {@code after}. */
    private long originatesTo(int after, String number) {
        return actionsSince(after, "Originate").stream().filter(a -> number.equals(a.get("Exten"))).count();
    }

    @Test
    @DisplayName("five clicks at once on 'call back' send one Originate: by one agent or by two, the others get 409 naming who has it")
    void oneClickOneCall() throws Exception {
        long solo = insertCallback("+15557770101", null, "abandoned", Instant.now().minusSeconds(120));
        int before = pbx.receivedActions().size();
        List<TestServer.Reply> replies = atOnce("/api/callbacks/" + solo + "/call", List.of(alice, alice, alice, alice, alice));
        // Every reply is in: an Originate is sent before its click is answered, so none can come later.
        assertThat(replies).extracting(TestServer.Reply::status).containsExactlyInAnyOrder(200, 409, 409, 409, 409);
        assertThat(originatesTo(before, "+15557770101")).isEqualTo(1);
        assertThat(replies.stream().filter(r -> r.status() == 409).map(r -> r.json().getString("detail")))
                .allSatisfy(d -> assertThat(d).contains("Alice Agent (you) is calling this caller back already"));

        long shared = insertCallback("+15557770102", null, "abandoned", Instant.now().minusSeconds(120));
        int mid = pbx.receivedActions().size();
        List<TestServer.Reply> two = atOnce("/api/callbacks/" + shared + "/call", List.of(alice, dave, alice, dave, dave));
        assertThat(two).extracting(TestServer.Reply::status).containsExactlyInAnyOrder(200, 409, 409, 409, 409);
        assertThat(originatesTo(mid, "+15557770102")).isEqualTo(1);
        String winner = two.stream().filter(r -> r.status() == 200).findFirst().orElseThrow().json()
                .getJsonObject("callback").getJsonObject("handledBy").getString("name");
        assertThat(two.stream().filter(r -> r.status() == 409).map(r -> r.json().getString("detail")))
                .allSatisfy(d -> assertThat(d).startsWith(winner));
        String winnerToken = winner.equals("Alice Agent") ? alice : dave;
        String otherToken = winner.equals("Alice Agent") ? dave : alice;

        // The claim ends when its result is recorded: then the next click calls again, once.
        assertThat(server.post("/api/callbacks/" + shared + "/result", winnerToken, new JsonObject().put("result", "no-answer"))
                .status()).isEqualTo(200);
        int again = pbx.receivedActions().size();
        assertThat(server.post("/api/callbacks/" + shared + "/call", otherToken, new JsonObject()).status()).isEqualTo(200);
        assertThat(originatesTo(again, "+15557770102")).isEqualTo(1);

        // ... or when it lapses (FIRSTLINE_CALLBACK_CLAIM_MINUTES, 10 by default) without a result.
        assertThat(server.post("/api/callbacks/" + shared + "/call", winnerToken, new JsonObject()).status()).isEqualTo(409);
        try (Connection c = server.db().connect(); PreparedStatement st = c.prepareStatement(
                "UPDATE callback_requests SET handled_at = handled_at - INTERVAL 11 MINUTE WHERE id = ?")) {
            st.setLong(1, shared);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        int lapsed = pbx.receivedActions().size();
        assertThat(server.post("/api/callbacks/" + shared + "/call", winnerToken, new JsonObject()).status()).isEqualTo(200);
        assertThat(originatesTo(lapsed, "+15557770102")).isEqualTo(1);
    }

    @Test
    @DisplayName("a number from an unknown caller's pop is attached to an existing caller; a bad number is refused")
    void attachNumber() {
        long id = server.post("/api/callers", admin, new JsonObject().put("name", "Omar Okafor")).json().getLong("id");
        TestServer.Reply r = server.post("/api/callers/" + id + "/phones", alice, new JsonObject().put("phone", "555-010-9999"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getJsonArray("phones")).contains("+15550109999");
        assertThat(server.get("/api/callers?phone=%2B15550109999", alice).json().getJsonArray("items").getJsonObject(0)
                .getLong("id")).isEqualTo(id);
        assertRefused(server.post("/api/callers/" + id + "/phones", alice, new JsonObject().put("phone", "call me")), 400, "phone");
        assertRefused(server.post("/api/callers/" + id + "/phones", alice, new JsonObject()), 400, "phone");
        assertThat(server.post("/api/callers/99999/phones", alice, new JsonObject().put("phone", "555-010-9998")).status()).isEqualTo(404);
    }
}
