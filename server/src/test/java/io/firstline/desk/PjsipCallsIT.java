package io.firstline.desk;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.firstline.TestTraces;
import io.firstline.sim.AmiSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the real PJSIP recording replayed on a real AMI socket: pops, records and callbacks name the caller, and every agent who takes a call")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PjsipCallsIT {

    private static final String ANSWERED = "e2e-pbx-1796415571.0";
    private static final String ABANDONED = "e2e-pbx-1796415615.5";
    private static final String TO_A_QUEUE = "e2e-pbx-1796416049.37";
    private static final String TO_A_COLLEAGUE = "e2e-pbx-1796416148.54";
    /** A caller who pressed 1 while waiting in software: the menu's FastAGI ran on her channel .33. */
    private static final String KEY_ONE = "e2e-pbx-1796415981.32";
    private static final String KEY_ONE_CHANNEL = "e2e-pbx-1796415981.33";
    /** Alice's one-click callback of request 521 (Firstline's Originate of Local/1001@agents). */
    private static final String CALLBACK = "e2e-pbx-1796416226.60";

    private AmiSimulator pbx;
    private TestServer server;
    private Vertx client;
    private WebSocketClient ws;
    private String admin;
    private final Map<String, List<JsonObject>> received = Map.of("alice", new CopyOnWriteArrayList<>(),
            "bob", new CopyOnWriteArrayList<>(), "carol", new CopyOnWriteArrayList<>());

    private Path file;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of());
        client = Vertx.vertx();
        ws = client.createWebSocketClient();
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        server.post("/api/callers", admin, new JsonObject().put("name", "Jane Doe").put("organisation", "Acme Widgets")
                .put("phones", new JsonArray().add("+15551234567")));
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
        for (String agent : received.keySet()) {
            String token = server.login(agent, agent + "-password");
            List<JsonObject> inbox = received.get(agent);
            WebSocket socket = TestSockets.open(ws, server.port(), token, t -> inbox.add(new JsonObject(t)));
            assertThat(socket.isClosed()).isFalse();
        }
        // What the PBX's side had done before the recording: the callback request Alice's one-click call
        // answers exists, and the key-1 request is asked over FastAGI as the dialplan did on that channel.
        try (java.sql.Connection c = server.db().connect(); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO callback_requests (id, phone, reason, status, created_at)"
                    + " VALUES (521, '+15557650001', 'abandoned', 'in-progress', NOW(3))");
        }
        assertThat(agi("callback-request?from=queue&queue=software&position=1", "+15557650001", KEY_ONE_CHANNEL))
                .containsExactly("GET VARIABLE FIRSTLINE_MENU_PATH", "SET VARIABLE FIRSTLINE_CALLBACK_STATUS \"ok\"");
        file = TestTraces.eventsOnly("pjsip-e2e-scenarios", 20);
        pbx.replay(file, true).get(180, TimeUnit.SECONDS);
        // The last scenario's calls have ended once Carol's transferred call is over and recorded.
        await(() -> callOf(TO_A_COLLEAGUE) != null && "answered".equals(callOf(TO_A_COLLEAGUE).getString("status")),
                Duration.ofSeconds(240));
    }

    /** One FastAGI session as Asterisk opens it on the caller's channel; every command is answered with success. */
    private List<String> agi(String script, String callerId, String uniqueid) throws Exception {
        List<String> commands = new java.util.ArrayList<>();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.app().agiPort())) {
            s.setSoTimeout(10_000);
            var out = s.getOutputStream();
            out.write(("agi_network: yes\nagi_network_script: " + script + "\nagi_request: agi://127.0.0.1:4573/" + script
                    + "\nagi_channel: Local/s@firstline-helpdesk-0000000e;2\nagi_uniqueid: " + uniqueid
                    + "\nagi_callerid: " + callerId + "\nagi_calleridname: Unknown Caller\nagi_context: firstline-queue-exit"
                    + "\nagi_extension: 1\nagi_priority: 2\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                out.write((line.startsWith("GET VARIABLE FIRSTLINE_MENU_PATH") ? "200 result=1 (main/software)\n"
                        : "200 result=1\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
        return commands;
    }

    @AfterAll
    void stop() throws Exception {
        TestTraces.deleteEventsOnly(file);
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

    private static void await(java.util.function.BooleanSupplier done, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within);
            }
            Thread.sleep(200);
        }
    }

    /** The recorded call with this Linkedid, in full, or null. */
    private JsonObject callOf(String linkedid) {
        JsonArray items = server.get("/api/calls?limit=200", admin).json().getJsonArray("items");
        for (Object o : items) {
            JsonObject c = (JsonObject) o;
            if (linkedid.equals(c.getString("linkedid"))) {
                return server.get("/api/calls/" + c.getLong("id"), admin).json();
            }
        }
        return null;
    }

    private List<JsonObject> messages(String agent, String type, String linkedid) {
        Predicate<JsonObject> about = m -> type.equals(m.getString("type")) && m.getJsonObject("call") != null
                && linkedid.equals(m.getJsonObject("call").getString("linkedid"));
        return received.get(agent).stream().filter(about).toList();
    }

    @Test
    @DisplayName("Alice's pop for the known caller names the caller (+15551234567, Jane Doe), not Alice's own 1001; no pop ever names an agent's extension")
    void popNamesTheCaller() throws Exception {
        List<JsonObject> pops = messages("alice", "call.connected", ANSWERED);
        assertThat(pops).hasSize(1);
        assertThat(pops.get(0).getJsonObject("call").getString("callerNumber")).isEqualTo("+15551234567");
        assertThat(pops.get(0).getJsonObject("caller").getString("name")).isEqualTo("Jane Doe");
        for (List<JsonObject> inbox : received.values()) {
            assertThat(inbox).filteredOn(m -> m.getString("type").startsWith("call.") && m.getJsonObject("call") != null)
                    .allSatisfy(m -> assertThat(m.getJsonObject("call").getString("callerNumber"))
                            .isNotIn("1001", "1002", "1003", "9000"));
        }
    }

    @Test
    @DisplayName("on a direct call, Carol's desk is told she is busy (the PBX's in-use state), and available once her phone is free")
    void directCallShowsBusy() {
        List<String> states = received.get("carol").stream().filter(m -> "agent.state".equals(m.getString("type")))
                .map(m -> m.getString("state")).toList();
        assertThat(states).contains("busy");
        assertThat(states.subList(states.indexOf("busy"), states.size())).contains("available");
    }

    @Test
    @DisplayName("the call abandoned while Bob's phone rang is recorded with the caller's number and opens exactly one callback request for it")
    void abandonedCallOpensOneCallback() throws Exception {
        JsonObject call = callOf(ABANDONED);
        assertThat(call.getString("status")).isEqualTo("abandoned");
        assertThat(call.getString("callerNumber")).isEqualTo("+15552502194");
        assertThat(call.getString("callerName")).isEqualTo("Abigail Smith");
        JsonArray callbacks = server.get("/api/callbacks?limit=200", admin).json().getJsonArray("items");
        assertThat(callbacks.stream().map(o -> (JsonObject) o).filter(c -> "+15552502194".equals(c.getString("phone"))))
                .hasSize(1);
        assertThat(callbacks.stream().map(o -> (JsonObject) o).map(c -> c.getString("phone")))
                .doesNotContain("1001", "1002", "1003", "9000");
    }

    @Test
    @DisplayName("sent blind to a queue, the call rings Bob and pops to him; its record lists Alice and Bob with their talk times")
    void transferToAQueue() throws Exception {
        assertThat(messages("bob", "call.ringing", TO_A_QUEUE)).isNotEmpty();
        assertThat(messages("bob", "call.connected", TO_A_QUEUE)).singleElement()
                .satisfies(m -> assertThat(m.getJsonObject("call").getString("callerNumber")).isEqualTo("+15551234567"));
        JsonObject call = callOf(TO_A_QUEUE);
        assertThat(call.getJsonObject("agent").getString("username")).isEqualTo("bob");
        assertThat(call.getJsonArray("agents").stream().map(o -> (JsonObject) o)
                .map(a -> a.getJsonObject("agent").getString("username") + " " + a.getInteger("talkSeconds")))
                .containsExactly("alice 28", "bob 34");
        assertThat(call.getInteger("talkSeconds")).isEqualTo(62);
    }

    @Test
    @DisplayName("transferred to a colleague, the call rings Carol and pops to her; the record moves to Carol and keeps Alice's part")
    void transferToAColleague() throws Exception {
        assertThat(messages("carol", "call.ringing", TO_A_COLLEAGUE)).isNotEmpty().allSatisfy(m ->
                assertThat(m.getJsonObject("call").getString("status")).isEqualTo("ringing"));
        assertThat(messages("carol", "call.connected", TO_A_COLLEAGUE)).singleElement()
                .satisfies(m -> assertThat(m.getJsonObject("call").getString("callerNumber")).isEqualTo("+15551234567"));
        assertThat(messages("carol", "call.ended", TO_A_COLLEAGUE)).isNotEmpty();
        JsonObject call = callOf(TO_A_COLLEAGUE);
        assertThat(call.getJsonObject("agent").getString("username")).isEqualTo("carol");
        assertThat(call.getJsonArray("agents").stream().map(o -> ((JsonObject) o).getJsonObject("agent").getString("username")))
                .containsExactly("alice", "carol");
    }

    @Test
    @DisplayName("the supervisor's spy legs are recorded as internal and the one-click callback as a callback, none as menu-only")
    void internalLegs() throws Exception {
        for (String spy : List.of("e2e-pbx-1796416058.42", "e2e-pbx-1796416067.45", "e2e-pbx-1796416077.48")) {
            assertThat(callOf(spy).getString("status")).as(spy).isEqualTo("internal");
        }
        JsonObject callback = callOf(CALLBACK);
        assertThat(callback.getString("status")).isEqualTo("callback");
        assertThat(callback.getString("callerNumber")).isEqualTo("+15557650001");
    }

    @Test
    @DisplayName("a one-click callback rings Alice's phone and pops to her with the customer; its record is hers, linked to request 521, and not named 'Callback …'")
    void callbackCallIsTheAgents() throws Exception {
        assertThat(messages("alice", "call.ringing", CALLBACK)).isNotEmpty();
        assertThat(messages("alice", "call.connected", CALLBACK)).singleElement()
                .satisfies(m -> assertThat(m.getJsonObject("call").getString("callerNumber")).isEqualTo("+15557650001"));
        JsonObject call = callOf(CALLBACK);
        assertThat(call.getLong("callbackId")).isEqualTo(521L);
        assertThat(call.getString("callerName")).isNull();
        assertThat(call.getJsonObject("agent").getString("username")).isEqualTo("alice");
        assertThat(call.getJsonArray("agents").stream().map(o -> ((JsonObject) o).getJsonObject("agent").getString("username")))
                .containsExactly("alice");
        assertThat(call.getInteger("talkSeconds")).isNotNull(); // 16 s recorded, replayed twenty times faster
    }

    @Test
    @DisplayName("a callback request left with key 1 while waiting belongs to the caller's call (call_id), which shows it on its timeline")
    void keyOneRequestBelongsToItsCall() throws Exception {
        JsonObject call = callOf(KEY_ONE);
        assertThat(server.queryLong("SELECT call_id FROM callback_requests WHERE channel_uniqueid = '" + KEY_ONE_CHANNEL + "'"))
                .isEqualTo(call.getLong("id"));
        assertThat(call.getJsonArray("timeline").stream().map(o -> ((JsonObject) o).getString("type")))
                .contains("callback-requested");
    }
}
