package io.firstline.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.FirstlineProcess;
import io.firstline.TestDatabase;
import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.ReceivedAction;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firstline JVMs of one cluster on loopback, one MariaDB, the AMI simulator, with the production lease timing (6 s
 * leases renewed every 2 s): of two, the owner of the PBX link killed with SIGKILL under traffic; then of three, the
 * new owner frozen with SIGSTOP (as a machine that hangs or is cut off) and thawed again.
 */
@DisplayName("cluster mode, two then three JVMs: kill -9 of the node that follows the PBX, then a frozen node")
class ClusterProcessesIT {

    private static final Duration TAKEOVER = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestDatabase.Fresh db;
    private AmiSimulator pbx;
    private Vertx client;
    private final List<FirstlineProcess> nodes = new ArrayList<>();
    private final int portA = TestServer.freePort();
    private final int portB = TestServer.freePort();
    private final int portC = TestServer.freePort();

    @AfterEach
    void stop() {
        for (FirstlineProcess n : nodes) {
            if (n.isAlive()) {
                n.resume(); // a frozen JVM would not act on SIGTERM
            }
            n.close();
        }
        if (client != null) {
            client.close();
        }
        if (pbx != null) {
            pbx.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private io.firstline.TestCertificate busCertificate;

    /** A Firstline JVM of the cluster, its event bus over TLS (one certificate for all nodes, as docs/cluster.md shows). */
    private FirstlineProcess node(String id) throws Exception {
        if (busCertificate == null) {
            java.nio.file.Files.createDirectories(dir.resolve("tls"));
            busCertificate = io.firstline.TestCertificate.make(dir.resolve("tls"));
        }
        Map<String, String> env = new HashMap<>(TestServer.pbxEnv(pbx, Map.of("FIRSTLINE_AMI_NAME", "north",
                "FIRSTLINE_TIMEZONE", "UTC")));
        env.putAll(db.env());
        int port = switch (id) {
            case "node-a" -> portA;
            case "node-b" -> portB;
            default -> portC;
        };
        env.putAll(TestServer.clusterEnv(id, port, List.of(portA, portB, portC)));
        env.put("FIRSTLINE_CLUSTER_TLS_CERT_FILE", busCertificate.certFile().toString());
        env.put("FIRSTLINE_CLUSTER_TLS_KEY_FILE", busCertificate.keyFile().toString());
        FirstlineProcess n = FirstlineProcess.start(dir.resolve(id), env);
        nodes.add(n);
        return n;
    }

    private static JsonObject north(FirstlineProcess n) {
        return n.get("/health", null).json().getJsonArray("pbx").getJsonObject(0);
    }

    private static boolean follows(FirstlineProcess n) {
        JsonObject h = north(n);
        return h.getBoolean("owned", false) && "connected".equals(h.getString("status"));
    }

    private static long await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - start > within.toNanos()) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            Thread.sleep(100);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static String login(FirstlineProcess n, String user, String password) {
        TestServer.Reply r = n.post("/api/login", null, new JsonObject().put("username", user).put("password", password));
        assertThat(r.status()).as("login of " + user).isEqualTo(200);
        return r.json().getString("token");
    }

    /** The desktops of alice, bob and carol on the node; their pops go to {@code pops}, their closes to {@code closed}. */
    private void desktops(FirstlineProcess n, List<JsonObject> pops, List<String> closed) throws Exception {
        WebSocketClient ws = client.createWebSocketClient();
        for (String agent : List.of("alice", "bob", "carol")) {
            TestSockets.open(ws, TestSockets.desk(n.port(), login(n, agent, agent + "-password")), text -> {
                JsonObject m = new JsonObject(text);
                if ("call.connected".equals(m.getString("type"))) {
                    pops.add(m);
                }
            }, code -> closed.add(agent + " " + code)).get(10, TimeUnit.SECONDS);
        }
    }

    private long ownersInDatabase() {
        return db.count("SELECT COUNT(*) FROM pbx_owners WHERE pbx = 'north' AND lease_until > NOW(3)");
    }

    @Test
    @DisplayName("the owner killed under traffic: the other node follows the PBX within 10 s, its desktops stay open and"
            + " get the pops again, every call recorded once; a frozen owner thawed sends nothing and gives the link up")
    void killAndFreeze() throws Exception {
        db = TestDatabase.fresh();
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).timeScale(8).build();
        client = Vertx.vertx();
        FirstlineProcess a = node("node-a");
        await("node-a follows the PBX", Duration.ofSeconds(30), () -> follows(a));
        FirstlineProcess b = node("node-b");
        await("node-b stands by", Duration.ofSeconds(30), () -> "standby".equals(north(b).getString("status")));
        assertThat(b.get("/health", null).json().getJsonObject("cluster").getJsonArray("members")).hasSize(2);

        String admin = a.loginAdmin();
        for (String[] u : new String[][] {{"alice", "Local/1001@agents/n"}, {"bob", "Local/1002@agents/n"},
                {"carol", "Local/1003@agents/n"}}) {
            assertThat(a.post("/api/agents", admin, new JsonObject().put("username", u[0]).put("name", u[0])
                    .put("password", u[0] + "-password").put("role", "agent").put("interface", u[1])).status()).isEqualTo(201);
        }
        List<JsonObject> pops = new CopyOnWriteArrayList<>();
        List<String> closed = new CopyOnWriteArrayList<>();
        desktops(b, pops, closed);

        pbx.traffic().start(TrafficConfig.builder().seed(11).callsPerSecond(1).maxCalls(16).outcomes(1, 0, 0)
                .talkTime(Duration.ofSeconds(16), Duration.ofSeconds(24)).maxQueueWait(Duration.ofSeconds(120)).build());
        await("calls answered pop on node-b's desktops", Duration.ofSeconds(60), () -> pops.size() >= 2);

        // kill -9 of the owner in the middle of the traffic.
        a.kill();
        int popsAtKill = pops.size();
        long takeover = await("node-b follows the PBX", TAKEOVER, () -> follows(b));
        System.out.printf("node-b followed the PBX %d ms after node-a was killed%n", takeover);
        await("the desktops on node-b get node-b's pops", Duration.ofSeconds(60), () -> pops.size() > popsAtKill);
        long generated = 16;
        assertThat(pbx.traffic().awaitFinished(generated, Duration.ofSeconds(120))).as("the PBX ended every call").isTrue();
        await("node-b recorded every call ended", Duration.ofSeconds(60),
                () -> db.count("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NOT NULL") == generated);
        assertThat(db.count("SELECT COUNT(*) FROM calls WHERE pbx = 'north'")).as("each call once").isEqualTo(generated);
        assertThat(db.count("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at_estimated"))
                .as("calls that ended while no node could write them: their real end, as node-b witnessed it").isZero();
        assertThat(closed).as("desktops on the surviving node closed").isEmpty();

        // node-a again and node-c, as standbys (three nodes); then node-b, the owner, freezes: one of the two takes
        // over, the other stands by; node-b, thawed, sends nothing.
        FirstlineProcess a2 = node("node-a");
        FirstlineProcess c = node("node-c");
        await("node-a and node-c stand by", Duration.ofSeconds(30), () -> "standby".equals(north(a2).getString("status"))
                && "standby".equals(north(c).getString("status")));
        assertThat(c.get("/health", null).json().getJsonObject("cluster").getJsonArray("members")).hasSize(3);
        b.pause();
        long frozenTakeover = await("node-a or node-c follows the PBX while node-b is frozen", TAKEOVER,
                () -> follows(a2) || follows(c));
        FirstlineProcess owner = follows(a2) ? a2 : c;
        FirstlineProcess other = owner == a2 ? c : a2;
        System.out.printf("%s followed the PBX %d ms after node-b froze%n", owner == a2 ? "node-a" : "node-c", frozenTakeover);
        assertThat(ownersInDatabase()).isEqualTo(1);
        assertThat(north(other).getString("status")).isEqualTo("standby");
        int actions = pbx.receivedActions().size();
        b.resume();
        // At once, before node-b has had a chance to renew anything: it must not act as the owner.
        String carol = login(b, "carol", "carol-password");
        TestServer.Reply paused = b.post("/api/agents/me/pause", carol, new JsonObject().put("reason", "lunch"));
        assertThat(north(b).getBoolean("owned")).as("node-b, thawed, knows it does not own the link").isFalse();
        assertThat(paused.status()).as(String.valueOf(paused.json())).isEqualTo(200);
        await("node-b stands by", TAKEOVER, () -> "standby".equals(north(b).getString("status")));
        List<ReceivedAction> since = pbx.receivedActions().subList(actions, pbx.receivedActions().size());
        assertThat(since.stream().filter(x -> x.name().equals("QueuePause")).count()).as("the pause, sent once").isEqualTo(1);
        assertThat(follows(owner)).isTrue();
        assertThat(north(other).getString("status")).isEqualTo("standby");
        assertThat(ownersInDatabase()).isEqualTo(1);
    }
}
