package io.firstline.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.ManagerUser;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The simulator's PJSIP-shaped calls (a trunk caller; each queue leg dials the agent's PJSIP phone, as recorded in
 * traces/pjsip-trunk-*) go through the real call path: Firstline records them and pops them as it does on the real
 * PBX, with the caller's number, never an agent's extension.
 */
@DisplayName("generated PJSIP trunk calls (caller over a trunk, agents' PJSIP phones), seen through the shipped AMI user's classes and filters, are recorded and popped like the real PBX's")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedPjsipCallsIT {

    private static final List<String> CALLERS = List.of("+15551230001", "+15551230002", "+15551230003");
    private static final int CALLS = 16;

    private AmiSimulator pbx;
    private TestServer server;
    private Vertx client;
    private String admin;
    private final Map<String, List<JsonObject>> received = Map.of("alice", new CopyOnWriteArrayList<>(),
            "bob", new CopyOnWriteArrayList<>(), "carol", new CopyOnWriteArrayList<>());
    private final List<JsonObject> calls = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        // Firstline's AMI user as the shipped manager_firstline.conf makes it: read classes and event filters
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).timeScale(20).managerUser(ManagerUser.FIRSTLINE).build();
        server = TestServer.withPbx(pbx, Map.of());
        client = Vertx.vertx();
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
        for (String agent : received.keySet()) {
            List<JsonObject> inbox = received.get(agent);
            TestSockets.open(client.createWebSocketClient(), server.port(), server.login(agent, agent + "-password"),
                    t -> inbox.add(new JsonObject(t)));
        }
        TrafficConfig.Builder traffic = TrafficConfig.builder().seed(23).callsPerSecond(0.2).maxCalls(CALLS)
                .outcomes(2, 1, 0).pjsipShare(1).menuChoice("1", "hardware", "main/hardware", 1)
                .menuChoice("2", "software", "main/software", 1)
                .talkTime(Duration.ofSeconds(20), Duration.ofSeconds(60)).waitTime(Duration.ofSeconds(5), Duration.ofSeconds(30));
        CALLERS.forEach(n -> traffic.caller(n, "Caller " + n.substring(n.length() - 1)));
        pbx.traffic().start(traffic.build());
        assertThat(pbx.traffic().awaitFinished(CALLS, Duration.ofSeconds(120))).isTrue();
        Thread.sleep(1000);
        server.app().recorder().flushed().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (Object o : server.get("/api/calls?limit=100", admin).json().getJsonArray("items")) {
            calls.add(server.get("/api/calls/" + ((JsonObject) o).getLong("id"), admin).json());
        }
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

    @Test
    @DisplayName("every generated call is recorded once, ended, with the caller's number from the trunk")
    void everyCallIsRecordedWithTheCallersNumber() {
        assertThat(calls).extracting(c -> c.getString("linkedid"))
                .containsExactlyInAnyOrderElementsOf(pbx.traffic().linkedids());
        assertThat(calls).hasSize(CALLS);
        assertThat(calls).allSatisfy(c -> {
            assertThat(c.getString("callerNumber")).isIn(CALLERS);
            assertThat(c.getString("status")).isIn("answered", "abandoned");
            // the menu's variables came through the shipped event filters
            assertThat(c.getString("menuPath")).isIn("main/hardware", "main/software");
        });
        assertThat(calls).extracting(c -> c.getString("status")).contains("answered", "abandoned");
    }

    @Test
    @DisplayName("an answered call lists the one agent who talked, with her talk time; an abandoned one none, and gets one callback")
    void agentsAndCallbacks() {
        for (JsonObject c : calls) {
            JsonArray agents = c.getJsonArray("agents");
            if (c.getString("status").equals("answered")) {
                assertThat(agents).as(c.encode()).hasSize(1);
                assertThat(agents.getJsonObject(0).getJsonObject("agent").getString("username")).isIn(received.keySet());
                assertThat(agents.getJsonObject(0).getInteger("talkSeconds")).isBetween(19, 61);
            } else {
                assertThat(agents).as(c.encode()).isEmpty();
            }
        }
        long abandoned = calls.stream().filter(c -> c.getString("status").equals("abandoned")).count();
        assertThat(server.queryLong("SELECT COUNT(*) FROM callback_requests WHERE reason = 'abandoned'")).isEqualTo(abandoned);
        assertThat(server.queryLong("SELECT COUNT(DISTINCT call_id) FROM callback_requests")).isEqualTo(abandoned);
    }

    @Test
    @DisplayName("the agent who answers gets one pop with the caller's number; her phone's extension never appears as a caller")
    void popsCarryTheCaller() {
        for (JsonObject c : calls) {
            if (!c.getString("status").equals("answered")) {
                continue;
            }
            String agent = c.getJsonArray("agents").getJsonObject(0).getJsonObject("agent").getString("username");
            assertThat(received.get(agent).stream().filter(m -> "call.connected".equals(m.getString("type"))
                    && c.getString("linkedid").equals(m.getJsonObject("call").getString("linkedid"))))
                    .as("%s's pop of %s", agent, c.getString("linkedid")).singleElement()
                    .satisfies(m -> assertThat(m.getJsonObject("call").getString("callerNumber")).isEqualTo(c.getString("callerNumber")));
        }
        for (List<JsonObject> inbox : received.values()) {
            assertThat(inbox).filteredOn(m -> m.getJsonObject("call") != null)
                    .allSatisfy(m -> assertThat(m.getJsonObject("call").getString("callerNumber")).isIn(CALLERS));
        }
    }
}
