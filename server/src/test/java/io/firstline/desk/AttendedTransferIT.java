package io.firstline.desk;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.firstline.TestTraces;
import io.firstline.sim.AmiSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("an attended transfer made on the agent's phone (REFER with Replaces, recorded on a real PBX), replayed on a real AMI socket: the colleague gets the pop and the record")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttendedTransferIT {

    private static final String CUSTOMER = "1796481488.11";
    private static final String CONSULTATION = "1796481504.15";

    private AmiSimulator pbx;
    private TestServer server;
    private Vertx client;
    private String admin;
    private Path file;
    private final Map<String, List<JsonObject>> received = Map.of("alice", new CopyOnWriteArrayList<>(),
            "carol", new CopyOnWriteArrayList<>());

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of());
        client = Vertx.vertx();
        WebSocketClient ws = client.createWebSocketClient();
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        server.post("/api/callers", admin, new JsonObject().put("name", "Jane Doe")
                .put("phones", new JsonArray().add("+15551234567")));
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
        for (String agent : received.keySet()) {
            List<JsonObject> inbox = received.get(agent);
            TestSockets.open(ws, server.port(), server.login(agent, agent + "-password"), t -> inbox.add(new JsonObject(t)));
        }
        file = TestTraces.eventsOnly("pjsip-attended-transfer", 10);
        pbx.replay(file, true).get(120, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (callOf(CUSTOMER) == null || !"answered".equals(callOf(CUSTOMER).getString("status"))
                || callOf(CONSULTATION) == null || !"internal".equals(callOf(CONSULTATION).getString("status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the two calls were not recorded as ended: " + callOf(CUSTOMER) + " " + callOf(CONSULTATION));
            }
            Thread.sleep(200);
        }
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

    private JsonObject callOf(String linkedid) {
        for (Object o : server.get("/api/calls?limit=50", admin).json().getJsonArray("items")) {
            JsonObject c = (JsonObject) o;
            if (linkedid.equals(c.getString("linkedid"))) {
                return server.get("/api/calls/" + c.getLong("id"), admin).json();
            }
        }
        return null;
    }

    private List<JsonObject> messages(String agent, String type, String linkedid) {
        return received.get(agent).stream().filter(m -> type.equals(m.getString("type")) && m.getJsonObject("call") != null
                && linkedid.equals(m.getJsonObject("call").getString("linkedid"))).toList();
    }

    @Test
    @DisplayName("Carol's desk pops the caller (Jane Doe) when the transfer completes; the consultation with Alice pops nobody")
    void carolGetsTheCaller() {
        assertThat(messages("carol", "call.connected", CUSTOMER)).singleElement().satisfies(m -> {
            assertThat(m.getJsonObject("call").getString("callerNumber")).isEqualTo("+15551234567");
            assertThat(m.getJsonObject("caller").getString("name")).isEqualTo("Jane Doe");
        });
        assertThat(messages("carol", "call.ringing", CONSULTATION)).isEmpty();
        assertThat(messages("carol", "call.connected", CONSULTATION)).isEmpty();
        assertThat(messages("alice", "call.connected", CUSTOMER)).hasSize(1);
    }

    @Test
    @DisplayName("the caller's record ends with Carol and lists Alice (up to the transfer) and Carol; the consultation is an internal call, not an offered one")
    void recordFollowsTheTransfer() {
        JsonObject call = callOf(CUSTOMER);
        assertThat(call.getJsonObject("agent").getString("username")).isEqualTo("carol");
        assertThat(call.getJsonArray("agents").stream().map(o -> ((JsonObject) o).getJsonObject("agent").getString("username")))
                .containsExactly("alice", "carol");
        assertThat(call.getJsonArray("timeline").stream().map(o -> ((JsonObject) o).getString("type")))
                .contains("transferred");
        JsonObject consultation = callOf(CONSULTATION);
        assertThat(consultation.getString("status")).isEqualTo("internal");
        assertThat(consultation.getString("queue")).isNull();
        assertThat(consultation.getJsonArray("agents")).isEmpty();
    }
}
