package io.firstline.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.firstline.TestTraces;
import io.firstline.sim.AmiSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("every recorded Asterisk trace, replayed over a real AMI socket into the running server")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceReplayIT {

    private AmiSimulator pbx;
    private TestServer server;
    private String admin;
    private Vertx client;
    /** Held for the whole class: Vert.x closes a client nobody references, even in mid-handshake. */
    private io.vertx.core.http.WebSocketClient wsClient;

    private io.vertx.core.http.WebSocketClient ws() {
        return wsClient;
    }

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of());
        client = Vertx.vertx();
        wsClient = client.createWebSocketClient();
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        server.post("/api/callers", admin, new JsonObject().put("name", "Jane Doe").put("phones", new JsonArray().add("+15551234567")));
        server.awaitPbx("connected"::equals, java.time.Duration.ofSeconds(20));
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

    /** Replays a trace, waits until every change is written, and returns the call recorded for the Linkedid. */
    private JsonObject replay(String trace, String linkedid) throws Exception {
        pbx.replay(TestTraces.amiRaw(trace), false).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            server.app().recorder().flushed().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            JsonArray items = server.get("/api/calls?limit=500", admin).json().getJsonArray("items");
            for (Object o : items) {
                JsonObject c = (JsonObject) o;
                if (linkedid.equals(c.getString("linkedid")) && c.getString("endedAt") != null) {
                    return server.get("/api/calls/" + c.getLong("id"), admin).json();
                }
            }
            assertThat(System.nanoTime()).as("call " + linkedid + " recorded and ended").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static List<String> types(JsonObject call) {
        List<String> t = new ArrayList<>();
        call.getJsonArray("timeline").forEach(e -> t.add(((JsonObject) e).getString("type")));
        return t;
    }

    @Test
    @DisplayName("answered-software: recorded as answered by Alice from the software queue, with its timeline, once")
    void answered() throws Exception {
        JsonObject call = replay("answered-software", "1795483013.0");
        assertThat(call.getString("status")).isEqualTo("answered");
        assertThat(call.getString("queue")).isEqualTo("software");
        assertThat(call.getString("menuPath")).isEqualTo("main/software");
        assertThat(call.getString("callerNumber")).isEqualTo("+15551234567");
        assertThat(call.getJsonObject("agent").getString("username")).isEqualTo("alice");
        assertThat(call.getLong("callerId")).isNotNull();
        assertThat(types(call)).containsSubsequence("entered", "menu", "queued", "ring", "answered", "completed", "ended");
        replay("answered-software", "1795483013.0");
        assertThat(server.get("/api/calls?limit=500", admin).json().getJsonArray("items").stream()
                .filter(o -> "1795483013.0".equals(((JsonObject) o).getString("linkedid"))).count()).isEqualTo(1);
    }

    @Test
    @DisplayName("abandoned-hardware: recorded as abandoned after three phones rang, with a callback request")
    void abandoned() throws Exception {
        JsonObject call = replay("abandoned-hardware", "1795483030.4");
        assertThat(call.getString("status")).isEqualTo("abandoned");
        assertThat(call.getString("queue")).isEqualTo("hardware");
        assertThat(types(call).stream().filter("ring"::equals).count()).isEqualTo(3);
        assertThat(types(call)).contains("abandoned", "withdrawn", "ended");
    }

    @Test
    @DisplayName("ring-no-answer-software: Alice's unanswered ring and Bob's answer are both on the timeline")
    void ringNoAnswer() throws Exception {
        JsonObject call = replay("ring-no-answer-software", "1795484450.92");
        assertThat(call.getString("status")).isEqualTo("answered");
        assertThat(call.getJsonObject("agent").getString("username")).isEqualTo("bob");
        assertThat(types(call)).containsSubsequence("ring", "ring-no-answer", "ring", "answered");
    }

    @Test
    @DisplayName("ticket-status-ivr: the ticket typed is recorded, and the call never reached a queue")
    void ticketStatus() throws Exception {
        String linkedid = firstLinkedid("ticket-status-ivr");
        JsonObject call = replay("ticket-status-ivr", linkedid);
        assertThat(call.getString("status")).isEqualTo("menu-only");
        assertThat(call.getString("ticketTyped")).isEqualTo("1234");
        assertThat(types(call)).contains("ticket-typed");
    }

    @Test
    @DisplayName("blind-transfer-action: the call is recorded with its transfer")
    void blindTransfer() throws Exception {
        pbx.replay(TestTraces.amiRaw("blind-transfer-action"), false).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            server.app().recorder().flushed().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            for (Object o : server.get("/api/calls?limit=500", admin).json().getJsonArray("items")) {
                JsonObject call = server.get("/api/calls/" + ((JsonObject) o).getLong("id"), admin).json();
                if (types(call).contains("transferred")) {
                    assertThat(call.getString("linkedid")).isEqualTo(firstLinkedid("blind-transfer-action"));
                    return;
                }
            }
            assertThat(System.nanoTime()).as("a call with its transfer recorded").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    @DisplayName("agent-pause-and-membership: Bob's desktop is told he is paused for lunch, then available again")
    void pauses() throws Exception {
        BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        String token = server.login("bob", "bob-password");
        var ws = TestSockets.open(ws(), server.port(), token, t -> received.add(new JsonObject(t)));
        try {
            // The desktop listens once it has said hello; only then does the PBX start talking.
            JsonObject hello = received.poll(10, TimeUnit.SECONDS);
            assertThat(hello).isNotNull();
            assertThat(hello.getString("type")).isEqualTo("hello");
            pbx.replay(TestTraces.amiRaw("agent-pause-and-membership"), false).get(30, TimeUnit.SECONDS);
            List<JsonObject> states = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                JsonObject m = received.poll(100, TimeUnit.MILLISECONDS);
                if (m != null && "agent.state".equals(m.getString("type"))) {
                    states.add(m);
                    if (states.stream().anyMatch(s -> "paused".equals(s.getString("state")))
                            && "available".equals(m.getString("state"))) {
                        break;
                    }
                }
            }
            assertThat(states).anySatisfy(s -> {
                assertThat(s.getString("state")).isEqualTo("paused");
                assertThat(s.getString("pauseReason")).isEqualTo("Lunch break");
            });
            assertThat(states.get(states.size() - 1).getString("state")).isEqualTo("available");
        } finally {
            ws.close();
        }
    }

    private static String firstLinkedid(String trace) throws Exception {
        String raw = java.nio.file.Files.readString(TestTraces.amiRaw(trace));
        int i = raw.indexOf("\r\nLinkedid: ");
        return raw.substring(i + 12, raw.indexOf("\r\n", i + 12));
    }
}
