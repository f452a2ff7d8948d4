package io.firstline.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TcpProxy;
import io.firstline.TestDatabase;
import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two nodes whose cluster traffic (membership and event bus) passes through TCP proxies, which the test cuts: each node
 * still reaches the database and the PBX, and each goes on as a cluster of one.
 */
@DisplayName("cluster mode: a network split between the nodes (the database and the PBX still reachable) never makes two"
        + " owners; healed, the nodes are one cluster again")
class ClusterSplitIT {

    private static final LinkLease.Timing FAST = new LinkLease.Timing(Duration.ofMillis(1500), Duration.ofMillis(250),
            Duration.ofMillis(1000));

    private TestDatabase.Fresh db;
    private AmiSimulator pbx;
    private io.vertx.core.Vertx client;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (pbx != null) {
            pbx.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** A node whose membership and event bus the others reach only through the proxies in front of them. */
    private TestServer node(String id, TcpProxy membership, TcpProxy bus, List<TcpProxy> members) {
        Map<String, String> env = new HashMap<>(Map.of("FIRSTLINE_AMI_NAME", "north", "FIRSTLINE_TIMEZONE", "UTC",
                "FIRSTLINE_CLUSTER_BUS_PORT", Integer.toString(bus.targetPort()),
                "FIRSTLINE_CLUSTER_PUBLIC_PORT", Integer.toString(membership.port()),
                "FIRSTLINE_CLUSTER_PUBLIC_BUS_PORT", Integer.toString(bus.port())));
        TestServer s = TestServer.clusterNode(db, pbx, env, id, FAST, membership.targetPort(),
                members.stream().map(TcpProxy::port).toList());
        open.add(s);
        return s;
    }

    private TcpProxy proxy() throws java.io.IOException {
        TcpProxy p = new TcpProxy("127.0.0.1", TestServer.freePort());
        open.add(p);
        return p;
    }

    private static JsonObject north(TestServer s) {
        return s.get("/health", null).json().getJsonArray("pbx").getJsonObject(0);
    }

    private static int members(TestServer s) {
        return s.get("/health", null).json().getJsonObject("cluster").getJsonArray("members").size();
    }

    private static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private long pausesOf(String iface, int from) {
        var all = pbx.receivedActions();
        return all.subList(from, all.size()).stream()
                .filter(a -> "QueuePause".equals(a.name()) && iface.equals(a.get("Interface"))).count();
    }

    @Test
    @DisplayName("cut apart, the owner goes on following the PBX and popping its desktops; the other never follows it,"
            + " and its desk actions fail clearly (nothing sent); healed, they are one cluster and every call is recorded once")
    void splitKeepsOneOwner() throws Exception {
        db = TestDatabase.fresh();
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).timeScale(8).build();
        TcpProxy membershipA = proxy();
        TcpProxy busA = proxy();
        TcpProxy membershipB = proxy();
        TcpProxy busB = proxy();
        List<TcpProxy> all = List.of(membershipA, busA, membershipB, busB);
        List<TcpProxy> memberships = List.of(membershipA, membershipB);
        TestServer a = node("node-a", membershipA, busA, memberships);
        await("node-a follows the PBX", Duration.ofSeconds(30),
                () -> north(a).getBoolean("owned", false) && "connected".equals(north(a).getString("status")));
        TestServer b = node("node-b", membershipB, busB, memberships);
        await("node-b joins and sees node-a own the link", Duration.ofSeconds(30),
                () -> members(b) == 2 && "node-a".equals(north(b).getString("owner")));
        assertThat(membershipA.accepted() + membershipB.accepted()).as("the membership passes through the proxies").isPositive();

        String admin = a.loginAdmin();
        a.createTraceAgents(admin);
        // Each agent's desktop open on both nodes: the pops each node's sockets get, counted apart.
        client = io.vertx.core.Vertx.vertx();
        io.vertx.core.http.WebSocketClient ws = client.createWebSocketClient();
        Map<TestServer, List<String>> pops = Map.of(a, new CopyOnWriteArrayList<>(), b, new CopyOnWriteArrayList<>());
        Map<TestServer, List<String>> hellos = Map.of(a, new CopyOnWriteArrayList<>(), b, new CopyOnWriteArrayList<>());
        for (TestServer node : List.of(a, b)) {
            for (String agent : List.of("alice", "bob", "carol")) {
                TestSockets.open(ws, node.port(), node.login(agent, agent + "-password"), text -> {
                    JsonObject m = new JsonObject(text);
                    if ("call.connected".equals(m.getString("type"))) {
                        pops.get(node).add(agent);
                    } else if ("hello".equals(m.getString("type"))) {
                        hellos.get(node).add(agent);
                    }
                });
            }
        }
        String carolOnB = b.login("carol", "carol-password");
        String aliceOnA = a.login("alice", "alice-password");
        int sent = pbx.receivedActions().size();
        assertThat(b.post("/api/agents/me/pause", carolOnB, new JsonObject().put("reason", "lunch")).status()).isEqualTo(200);
        assertThat(pausesOf("Local/1003@agents/n", sent)).as("node-b's action, sent by node-a").isEqualTo(1);
        assertThat(b.post("/api/agents/me/unpause", carolOnB, new JsonObject()).status()).isEqualTo(200);

        all.forEach(TcpProxy::cut);
        long cut = System.nanoTime();
        pbx.traffic().start(TrafficConfig.builder().seed(11).callsPerSecond(1).maxCalls(8).outcomes(1, 0, 0)
                .talkTime(Duration.ofSeconds(16), Duration.ofSeconds(24)).maxQueueWait(Duration.ofSeconds(80)).build());
        await("each node sees itself alone", Duration.ofSeconds(40), () -> members(a) == 1 && members(b) == 1);
        System.out.printf("the nodes saw the split %d ms after the cut%n", (System.nanoTime() - cut) / 1_000_000);
        int popsOfA = pops.get(a).size();
        int popsOfB = pops.get(b).size();
        long generated = 8;
        // While apart: node-a keeps its lease (it renews it in the database), node-b never follows the PBX.
        long watchUntil = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < watchUntil || pbx.traffic().callsGenerated() < generated) {
            assertThat(north(b).getBoolean("owned")).as("node-b never owns the link while apart").isFalse();
            assertThat(north(a).getBoolean("owned")).as("node-a keeps the link").isTrue();
            assertThat(a.queryLong("SELECT COUNT(*) FROM pbx_owners WHERE pbx = 'north' AND node = 'node-a' AND epoch = 1"))
                    .isEqualTo(1);
            Thread.sleep(250);
        }
        sent = pbx.receivedActions().size();
        TestServer.Reply refused = b.post("/api/agents/me/pause", carolOnB, new JsonObject().put("reason", "lunch"));
        assertThat(refused.status()).as(String.valueOf(refused.json())).isEqualTo(503);
        assertThat(refused.json().getString("detail")).contains("no node of the cluster follows the PBX 'north' now");
        assertThat(a.post("/api/agents/me/pause", aliceOnA, new JsonObject().put("reason", "lunch")).status()).isEqualTo(200);
        assertThat(pausesOf("Local/1003@agents/n", sent)).as("nothing of node-b reached the PBX").isZero();
        assertThat(pausesOf("Local/1001@agents/n", sent)).as("node-a's action reached it once").isEqualTo(1);
        assertThat(a.post("/api/agents/me/unpause", aliceOnA, new JsonObject()).status()).isEqualTo(200);
        assertThat(pbx.traffic().awaitFinished(generated, Duration.ofSeconds(120))).as("the PBX ended every call").isTrue();
        await("node-a recorded every call ended", Duration.ofSeconds(30),
                () -> a.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NOT NULL") == generated);
        assertThat(pops.get(a).size()).as("node-a's desktops got pops while apart").isGreaterThan(popsOfA);
        assertThat(pops.get(b).size()).as("node-b's desktops, out of reach of node-a, got none").isEqualTo(popsOfB);

        await("every desktop greeted", Duration.ofSeconds(10), () -> hellos.get(a).size() == 3 && hellos.get(b).size() == 3);
        all.forEach(TcpProxy::resume);
        long healed = System.nanoTime();
        await("the nodes are one cluster again", Duration.ofSeconds(60), () -> members(a) == 2 && members(b) == 2);
        System.out.printf("the nodes were one cluster again %d ms after the network healed%n",
                (System.nanoTime() - healed) / 1_000_000);
        // What the bus carried while apart is lost: each node greets its desktops again, with their state and current
        // call (the desktop drops a call it shows that does not come again).
        // Within the 15 s a node keeps asking for a desktop's snapshot (the leader's answer may take seconds to be
        // reachable after a merge on a busy machine), with some margin.
        long merged = System.nanoTime();
        try {
            await("every desktop on both nodes greeted again", Duration.ofSeconds(20),
                    () -> hellos.get(a).size() == 6 && hellos.get(b).size() == 6);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (greeted: " + hellos.get(a) + " on node-a, " + hellos.get(b) + " on node-b)");
        }
        System.out.printf("every desktop greeted again %d ms after the merge%n", (System.nanoTime() - merged) / 1_000_000);
        assertThat(hellos.get(b)).containsExactlyInAnyOrder("alice", "bob", "carol", "alice", "bob", "carol");
        sent = pbx.receivedActions().size();
        TestServer.Reply paused = b.post("/api/agents/me/pause", carolOnB, new JsonObject().put("reason", "lunch"));
        assertThat(paused.status()).as(String.valueOf(paused.json())).isEqualTo(200);
        assertThat(pausesOf("Local/1003@agents/n", sent)).as("node-b's action, sent once by node-a again").isEqualTo(1);
        assertThat(b.post("/api/agents/me/unpause", carolOnB, new JsonObject()).status()).isEqualTo(200);
        int popsAfter = pops.get(b).size();
        pbx.traffic().start(TrafficConfig.builder().seed(12).callsPerSecond(2).maxCalls(4).outcomes(1, 0, 0)
                .talkTime(Duration.ofSeconds(16), Duration.ofSeconds(24)).maxQueueWait(Duration.ofSeconds(80)).build());
        await("node-b's desktops get pops again", Duration.ofSeconds(60), () -> pops.get(b).size() > popsAfter);
        long total = pbx.traffic().callsGenerated();
        assertThat(pbx.traffic().awaitFinished(total, Duration.ofSeconds(120))).isTrue();
        await("every call recorded ended", Duration.ofSeconds(30),
                () -> a.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NOT NULL") == total);
        assertThat(a.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north'")).as("each call once").isEqualTo(total);
        assertThat(a.queryLong("SELECT epoch FROM pbx_owners WHERE pbx = 'north' AND node = 'node-a'"))
                .as("node-a owned the link throughout, never taken over").isEqualTo(1);
    }
}
