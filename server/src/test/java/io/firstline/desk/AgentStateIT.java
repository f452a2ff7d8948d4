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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the desk's first agent.state is the member's state as Asterisk and the API give it")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentStateIT {

    private static final Set<String> ALL_FOUR = Set.of("hardware", "helpdesk", "network", "software");

    private AmiSimulator pbx;
    private TestServer server;
    private Vertx client;
    private WebSocketClient ws;

    @BeforeAll
    void start() throws Exception {
        // The simulator's own snapshot has Alice, Bob and Carol in software, hardware and network.
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of());
        client = Vertx.vertx();
        ws = client.createWebSocketClient();
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

    /**
     * The start of the PJSIP recording: Asterisk lists each static member's four queues one event
     * at a time (QueueMemberPause for software, hardware, network, helpdesk), before any call.
     */
    private static Path startOfPjsipRecording(Path dir) throws Exception {
        String raw = Files.readString(TestTraces.amiRaw("pjsip-e2e-scenarios"), StandardCharsets.US_ASCII);
        int firstCall = raw.indexOf("Event: Newchannel\r\n");
        int cut = raw.lastIndexOf("\r\n\r\n", firstCall) + 4;
        Path slice = dir.resolve("pjsip-start.ami.raw");
        Files.writeString(slice, raw.substring(0, cut), StandardCharsets.US_ASCII);
        return slice;
    }

    private static Set<String> queues(JsonArray a) {
        Set<String> out = new HashSet<>();
        a.forEach(q -> out.add((String) q));
        return out;
    }

    /** The first agent.state a newly opened desktop of this agent gets, or null within two seconds. */
    private JsonObject firstState(String token) throws Exception {
        BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        WebSocket socket = TestSockets.open(ws, server.port(), token, t -> received.add(new JsonObject(t)));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                JsonObject m = received.poll(50, TimeUnit.MILLISECONDS);
                if (m != null && "agent.state".equals(m.getString("type"))) {
                    return m;
                }
            }
            return null;
        } finally {
            socket.close();
        }
    }

    @Test
    @DisplayName("pjsip: members listed queue by queue before the agents had interfaces: Alice's first agent.state lists all four queues, as /api/agents/me/status does")
    void firstStateListsAllQueues(@TempDir Path dir) throws Exception {
        pbx.replay(startOfPjsipRecording(dir), false).get(20, TimeUnit.SECONDS);
        String admin = server.loginAdmin();
        server.createTraceAgents(admin);
        String alice = server.login("alice", "alice-password");

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonObject status = null;
        while (System.nanoTime() < deadline) {
            status = server.get("/api/agents/me/status", alice).json();
            if (queues(status.getJsonArray("queues")).equals(ALL_FOUR)) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(queues(status.getJsonArray("queues"))).as("Asterisk's four static queues, as the API gives them")
                .isEqualTo(ALL_FOUR);

        JsonObject first = null;
        while (first == null && System.nanoTime() < deadline) {
            first = firstState(alice);
        }
        assertThat(first).as("an agent.state when the desktop opens").isNotNull();
        assertThat(queues(first.getJsonArray("queues"))).isEqualTo(queues(status.getJsonArray("queues")));
        assertThat(first.getString("state")).isEqualTo(status.getString("state"));
        assertThat(first.getString("interface")).isEqualTo("Local/1001@agents/n");
    }
}
