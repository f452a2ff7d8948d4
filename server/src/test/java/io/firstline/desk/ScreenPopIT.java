package io.firstline.desk;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.firstline.TestTraces;
import io.firstline.sim.AmiSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("screen pops over /ws from real Asterisk traces on a real AMI socket")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScreenPopIT {

    private AmiSimulator pbx;
    private TestServer server;
    private Vertx client;
    /** Held for the whole class: Vert.x closes a client nobody references, even in mid-handshake. */
    private io.vertx.core.http.WebSocketClient wsClient;

    private io.vertx.core.http.WebSocketClient ws() {
        return wsClient;
    }
    private String admin;
    private long janeId;
    private long ticketId;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of());
        client = Vertx.vertx();
        wsClient = client.createWebSocketClient();
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        janeId = server.post("/api/callers", admin, new JsonObject().put("name", "Jane Doe").put("organisation", "Acme Widgets")
                .put("phones", new JsonArray().add("+1 555 123 4567"))).json().getLong("id");
        ticketId = server.post("/api/tickets", admin, new JsonObject().put("callerId", janeId)
                .put("subject", "Outlook keeps asking for the password").put("category", "software")).json().getLong("id");
        server.post("/api/kb", admin, new JsonObject().put("title", "Outlook keeps asking for the password after a password change")
                .put("problem", "Outlook prompts again and again").put("solution", "1. Remove cached credentials.")
                .put("category", "software"));
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

    /** A desktop's WebSocket, as a client other than a browser opens it. */
    private final class Desk implements AutoCloseable {
        final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        final WebSocket ws;

        Desk(String username) throws Exception {
            String token = server.login(username, username + "-password");
            ws = TestSockets.open(ws(), server.port(), token, t -> received.add(new JsonObject(t)));
            JsonObject hello = next(m -> m.getString("type").equals("hello"), Duration.ofSeconds(5));
            assertThat(hello.getJsonObject("agent").getString("username")).isEqualTo(username);
        }

        JsonObject next(Predicate<JsonObject> what, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            List<JsonObject> skipped = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                JsonObject m = received.poll(50, TimeUnit.MILLISECONDS);
                if (m != null) {
                    if (what.test(m)) {
                        return m;
                    }
                    skipped.add(m);
                }
            }
            throw new AssertionError("no such message within " + within + "; got " + skipped);
        }

        List<JsonObject> drain() {
            List<JsonObject> all = new ArrayList<>();
            received.drainTo(all);
            return all;
        }

        @Override
        public void close() {
            ws.close();
        }
    }

    private static Predicate<JsonObject> type(String t) {
        return m -> t.equals(m.getString("type"));
    }

    @Test
    @DisplayName("a caller with an open ticket rings Alice's phone and is popped to Alice when she answers; Bob sees nothing")
    void answeredCallIsPopped() throws Exception {
        try (Desk alice = new Desk("alice"); Desk bob = new Desk("bob")) {
            // At the recorded pace: a pop is not sent once its call has ended, and replayed at once it would have.
            pbx.replay(TestTraces.amiRaw("answered-software"), true);
            JsonObject ringing = alice.next(type("call.ringing"), Duration.ofSeconds(20));
            assertThat(ringing.getJsonObject("call").getString("linkedid")).isEqualTo("1795483013.0");
            assertThat(ringing.getString("callerData")).isIn("loaded", "pending");
            if ("loaded".equals(ringing.getString("callerData"))) {
                assertThat(ringing.getJsonObject("caller").getString("name")).isEqualTo("Jane Doe");
            }

            JsonObject connected = alice.next(type("call.connected"), Duration.ofSeconds(10));
            // The pop carries the caller's data when it was loaded in time (while the phone rang), else it follows.
            JsonObject pop = "loaded".equals(connected.getString("callerData")) ? connected
                    : alice.next(m -> type("call.updated").test(m) && "loaded".equals(m.getString("callerData")), Duration.ofSeconds(10));
            JsonObject call = pop.getJsonObject("call");
            assertThat(call.getString("queue")).isEqualTo("software");
            assertThat(call.getString("menuPath")).isEqualTo("main/software");
            assertThat(call.getString("callerNumber")).isEqualTo("+15551234567");
            assertThat(call.getInteger("waitSeconds")).isNotNull();
            JsonObject caller = pop.getJsonObject("caller");
            assertThat(caller.getLong("id")).isEqualTo(janeId);
            assertThat(caller.getString("organisation")).isEqualTo("Acme Widgets");
            assertThat(caller.getBoolean("vip")).isFalse();
            assertThat(caller.getJsonArray("phones")).contains("+15551234567");
            assertThat(pop.getJsonArray("openTickets")).hasSize(1);
            assertThat(pop.getJsonArray("openTickets").getJsonObject(0).getLong("id")).isEqualTo(ticketId);
            assertThat(pop.getJsonArray("openTickets").getJsonObject(0).getString("subject")).startsWith("Outlook");
            assertThat(pop.getJsonArray("suggestions")).isNotEmpty();
            assertThat(pop.getJsonArray("suggestions").getJsonObject(0).getString("title")).contains("Outlook");
            assertThat(pop.getJsonArray("history")).isNotNull();
            // One view per record: the pop's caller and open tickets are exactly what the API gives for them.
            JsonObject profile = server.get("/api/callers/" + janeId, admin).json();
            assertThat(pop.getJsonArray("openTickets")).isEqualTo(profile.getJsonArray("openTickets"));
            profile.remove("history");
            profile.remove("openTickets");
            assertThat(caller).isEqualTo(profile);

            alice.next(type("call.ended"), Duration.ofSeconds(10));
            Thread.sleep(300);
            assertThat(bob.drain()).noneMatch(m -> m.getString("type").startsWith("call.")
                    && "1795483013.0".equals(m.getJsonObject("call").getString("linkedid")));
        }
    }

    @Test
    @DisplayName("an unknown caller's pop offers likely callers: the owners of a shared number, else those the caller-ID name finds")
    void unknownCallerLikelyMatches() throws Exception {
        long zoe = server.post("/api/callers", admin, new JsonObject().put("name", "Zoe Zimmer")
                .put("phones", new JsonArray().add("+1 555 777 0002"))).json().getLong("id");
        long adam = server.post("/api/callers", admin, new JsonObject().put("name", "Adam Ames")
                .put("phones", new JsonArray().add("+1 555 777 0002"))).json().getLong("id");
        long sam = server.post("/api/callers", admin, new JsonObject().put("name", "Sam Smith")
                .put("phones", new JsonArray().add("+1 555 000 1111"))).json().getLong("id");
        Predicate<JsonObject> loaded = m -> m.getString("type").startsWith("call.") && "loaded".equals(m.getString("callerData"));
        try (Desk bob = new Desk("bob")) {
            // Both ring Bob at once. Sam Smith calls from a number Zoe and Adam share, and from one nobody owns.
            pbx.replay(TestTraces.amiRaw("supervisor-listen"), true);
            pbx.replay(TestTraces.amiRaw("ring-no-answer-software"), true);
            Map<String, JsonObject> unknown = new HashMap<>();
            while (unknown.size() < 2) {
                JsonObject m = bob.next(loaded, Duration.ofSeconds(30));
                assertThat(m.getValue("caller")).isNull();
                unknown.put(m.getJsonObject("unknownCaller").getString("number"), m.getJsonObject("unknownCaller"));
            }
            // A shared number names nobody: the pop offers its owners, by name.
            assertThat(unknown.get("+15557770002").getJsonArray("likelyMatches").stream()
                    .map(c -> ((JsonObject) c).getLong("id"))).containsExactly(adam, zoe);
            // A number nobody owns: the pop offers the callers the caller-ID name finds.
            assertThat(unknown.get("+15557770001").getJsonArray("likelyMatches").stream()
                    .map(c -> ((JsonObject) c).getLong("id"))).containsExactly(sam);
        }
    }

    @Test
    @DisplayName("a desktop that reconnects during a call gets the call again")
    void reconnectGetsCurrentCall() throws Exception {
        try (Desk first = new Desk("bob")) {
            pbx.replay(TestTraces.amiRaw("ring-no-answer-software"), true);
            first.next(type("call.connected"), Duration.ofSeconds(30));
        }
        try (Desk again = new Desk("bob")) {
            JsonObject m = again.next(m2 -> m2.getString("type").startsWith("call."), Duration.ofSeconds(5));
            assertThat(m.getString("type")).isIn("call.connected", "call.ended");
            assertThat(m.getJsonObject("call").getString("linkedid")).isNotBlank();
        }
    }

    @Test
    @DisplayName("when nobody answers and the caller hangs up, every ringing phone's agent is told the call is withdrawn")
    void abandonedIsWithdrawn() throws Exception {
        try (Desk alice = new Desk("alice"); Desk bob = new Desk("bob"); Desk carol = new Desk("carol")) {
            pbx.replay(TestTraces.amiRaw("abandoned-hardware"), true);
            for (Desk d : List.of(alice, bob, carol)) {
                d.next(type("call.ringing"), Duration.ofSeconds(20));
                JsonObject w = d.next(type("call.withdrawn"), Duration.ofSeconds(10));
                assertThat(w.getJsonObject("call").getString("queue")).isEqualTo("hardware");
            }
        }
    }

    @Test
    @DisplayName("ring-all: one call rings Alice, Bob and Carol; Alice answers, and Bob's and Carol's screens are told it is withdrawn")
    void ringAllAnsweredIsWithdrawnFromTheOthers() throws Exception {
        try (Desk alice = new Desk("alice"); Desk bob = new Desk("bob"); Desk carol = new Desk("carol")) {
            pbx.replay(ringAllAnsweredByAlice(), true);
            String linkedid = "1795489030.4";
            for (Desk d : List.of(alice, bob, carol)) {
                JsonObject ringing = d.next(type("call.ringing"), Duration.ofSeconds(10));
                assertThat(ringing.getJsonObject("call").getString("linkedid")).isEqualTo(linkedid);
            }
            JsonObject pop = alice.next(type("call.connected"), Duration.ofSeconds(10));
            assertThat(pop.getJsonObject("call").getString("queue")).isEqualTo("hardware");
            for (Desk d : List.of(bob, carol)) {
                JsonObject w = d.next(type("call.withdrawn"), Duration.ofSeconds(10));
                assertThat(w.getJsonObject("call").getString("linkedid")).isEqualTo(linkedid);
            }
            alice.next(type("call.ended"), Duration.ofSeconds(10));
            Thread.sleep(300);
            for (Desk d : List.of(bob, carol)) {
                assertThat(d.drain()).noneMatch(m -> m.getString("type").equals("call.connected"));
            }
        }
    }

    /**
     * The real ring-all call of the abandoned-hardware trace (hardware was a ringall queue then: AgentCalled for
     * Carol, Bob and Alice), answered by Alice instead of abandoned, as app_queue reports an answer:
     * QueueCallerLeave, then AgentConnect with AgentCalled's fields plus HoldTime and RingTime (as in
     * answered-software), then the hang-ups. Ids are shifted so that it is a call of its own.
     */
    private static java.nio.file.Path ringAllAnsweredByAlice() throws java.io.IOException {
        String raw = java.nio.file.Files.readString(TestTraces.amiRaw("abandoned-hardware"), java.nio.charset.StandardCharsets.US_ASCII)
                .replace("17954830", "17954890").replace("-0000000", "-0000009");
        int greeting = raw.indexOf("\r\n") + 2;
        List<String> blocks = new ArrayList<>(List.of(raw.substring(greeting).split("(?<=\r\n\r\n)")));
        String abandon = blocks.stream().filter(b -> b.startsWith("Event: QueueCallerAbandon\r\n")).findFirst().orElseThrow();
        String leave = blocks.stream().filter(b -> b.startsWith("Event: QueueCallerLeave\r\n")).findFirst().orElseThrow();
        String calledAlice = blocks.stream().filter(b -> b.startsWith("Event: AgentCalled\r\n")
                && b.contains("Interface: Local/1001@agents/n\r\n")).findFirst().orElseThrow();
        String connect = calledAlice.replace("Event: AgentCalled\r\n", "Event: AgentConnect\r\n")
                .replace("\r\n\r\n", "\r\nHoldTime: 4\r\nRingTime: 3\r\n\r\n");
        int at = blocks.indexOf(abandon);
        blocks.remove(leave);
        blocks.remove(abandon);
        blocks.addAll(at, List.of(leave, connect));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ringall-answered");
        dir.toFile().deleteOnExit();
        java.nio.file.Path file = dir.resolve("ringall-answered.ami.raw");
        file.toFile().deleteOnExit();
        java.nio.file.Files.writeString(file, raw.substring(0, greeting) + String.join("", blocks),
                java.nio.charset.StandardCharsets.US_ASCII);
        // Paced like a real call (as the other replays here): the phones ring, Alice answers 1.5 s later,
        // the call goes on for 1.5 s more; a call replayed all at once is over before a pop may go.
        StringBuilder tsv = new StringBuilder("# t_seconds_since_connect\tbyte_offset\tlength\n");
        tsv.append("0.0001\t0\t").append(greeting).append('\n');
        int offset = greeting;
        double pause = 0;
        for (int i = 0; i < blocks.size(); i++) {
            String b = blocks.get(i);
            if (b == connect || (i > 0 && blocks.get(i - 1) == connect)) {
                pause += 1.5;
            }
            tsv.append(String.format(java.util.Locale.ROOT, "%.4f\t%d\t%d%n", 0.001 * (i + 1) + pause, offset, b.length()));
            offset += b.length();
        }
        java.nio.file.Path timing = dir.resolve("ringall-answered.recv.tsv");
        timing.toFile().deleteOnExit();
        java.nio.file.Files.writeString(timing, tsv);
        return file;
    }

    @Test
    @DisplayName("/ws refuses a missing or wrong token and a foreign Origin")
    void refusesStrangers() throws Exception {
        var refused = ws().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(server.port()).setURI("/ws")).toCompletionStage().toCompletableFuture();
        assertThat(refused).failsWithin(Duration.ofSeconds(5));
        // A token that is not a live session: the socket is closed with 4401 before anything is sent.
        var closedWith = new java.util.concurrent.CompletableFuture<Short>();
        var sent = new LinkedBlockingQueue<String>();
        TestSockets.open(ws(), TestSockets.desk(server.port(), "not-a-real-token-at-all-123"), sent::add, closedWith::complete);
        assertThat(closedWith.get(5, TimeUnit.SECONDS)).isEqualTo((short) 4401);
        assertThat(sent).isEmpty();
        String token = server.login("carol", "carol-password");
        var foreign = ws().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(server.port()).setURI("/ws").addHeader("Authorization", "Bearer " + token)
                .addHeader("Origin", "http://evil.example")).toCompletionStage().toCompletableFuture();
        assertThat(foreign).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("garbage on the WebSocket gets an error message and the connection stays up")
    void garbageFrames() throws Exception {
        try (Desk carol = new Desk("carol")) {
            carol.ws.writeTextMessage("this is not json");
            assertThat(carol.next(type("error"), Duration.ofSeconds(5)).getString("detail")).contains("JSON");
            carol.ws.writeTextMessage("{\"type\":\"ping\"}");
            carol.next(type("pong"), Duration.ofSeconds(5));
        }
    }

    @Test
    @DisplayName("signing out closes that session's open desktops at once (4401) and the token stops working")
    void signOutClosesSockets() throws Exception {
        String token = server.login("carol", "carol-password");
        var closedWith = new java.util.concurrent.CompletableFuture<Short>();
        var hello = new java.util.concurrent.CompletableFuture<String>();
        WebSocket socket = TestSockets.open(ws(), TestSockets.desk(server.port(), token), hello::complete, closedWith::complete)
                .get(10, TimeUnit.SECONDS);
        assertThat(hello.get(5, TimeUnit.SECONDS)).contains("hello");
        assertThat(server.send("POST", "/api/logout", token, null).status()).isEqualTo(204);
        assertThat(closedWith.get(5, TimeUnit.SECONDS)).as("closed well before the periodic re-check").isEqualTo((short) 4401);
        assertThat(socket.isClosed()).isTrue();
        assertThat(server.get("/api/agents/me", token).status()).isEqualTo(401);
    }
}
