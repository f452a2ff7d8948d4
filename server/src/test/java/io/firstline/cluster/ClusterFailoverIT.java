package io.firstline.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestDatabase;
import io.firstline.TestServer;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("cluster mode: two nodes on one database and one event bus (TLS both ways), each following one of two PBXs"
        + " and serving the other's people, one taking the other's link over")
class ClusterFailoverIT {

    private static final Map<String, String> ENV = Map.of("FIRSTLINE_AMI_NAME", "north", "FIRSTLINE_TIMEZONE", "UTC");
    /** Production's proportions, shorter. */
    private static final LinkLease.Timing FAST = new LinkLease.Timing(Duration.ofMillis(1500), Duration.ofMillis(250),
            Duration.ofMillis(1000));

    private TestDatabase.Fresh db;
    private AmiSimulator pbx;
    /** The second PBX, with one agent of its own (Dave). */
    private AmiSimulator south;
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        servers.forEach(TestServer::close);
        if (pbx != null) {
            pbx.close();
        }
        if (south != null) {
            south.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private final int portA = TestServer.freePort();
    private final int portB = TestServer.freePort();
    private io.vertx.core.Vertx client;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;
    private io.firstline.TestCertificate busCertificate;
    private final int busPortB = TestServer.freePort();

    /** A node whose event bus speaks TLS both ways, with one certificate for both nodes. */
    private TestServer node(String id, LinkLease.Timing leases) throws Exception {
        if (busCertificate == null) {
            busCertificate = io.firstline.TestCertificate.make(dir);
        }
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("FIRSTLINE_CLUSTER_TLS_CERT_FILE", busCertificate.certFile().toString());
        env.put("FIRSTLINE_CLUSTER_TLS_KEY_FILE", busCertificate.keyFile().toString());
        if (id.equals("node-b")) {
            env.put("FIRSTLINE_CLUSTER_BUS_PORT", Integer.toString(busPortB));
        }
        java.nio.file.Path file = dir.resolve(id + ".properties");
        java.nio.file.Files.writeString(file, "PBX.south.HOST=127.0.0.1\nPBX.south.PORT=" + south.port()
                + "\nPBX.south.USER=firstline\nPBX.south.SECRET=firstline-secret\n");
        TestServer s = TestServer.clusterNode(db, pbx, env, id, leases, id.equals("node-a") ? portA : portB,
                List.of(portA, portB), java.util.Optional.of(file));
        servers.add(s);
        return s;
    }

    private static JsonObject health(TestServer s) {
        return s.get("/health", null).json();
    }

    private static JsonObject north(TestServer s) {
        return health(s).getJsonArray("pbx").getJsonObject(0);
    }

    private static JsonObject south(TestServer s) {
        JsonObject h = health(s).getJsonArray("pbx").getJsonObject(1);
        assertThat(h.getString("name")).isEqualTo("south");
        return h;
    }

    private static boolean follows(JsonObject pbx) {
        return pbx.getBoolean("owned", false) && "connected".equals(pbx.getString("status"));
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

    private void execute(String sql) throws java.sql.SQLException {
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private static double metric(TestServer s, String name) {
        String text = s.get("/metrics", null).raw().body();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(2)) : -1;
    }

    @Test
    @DisplayName("alone, the first node follows both PBXs; once the second joins, each follows one and pops, acts and"
            + " shows the board for the other's; when the first stops, the second follows both and every call is recorded once")
    void linksSpreadAndFailOver() throws Exception {
        db = TestDatabase.fresh();
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).timeScale(8).build();
        south = AmiSimulator.builder().host("127.0.0.1").port(0).timeScale(8).agent("Local/2001@agents/n", "Dave Agent").build();
        // node-a's lease would last a minute: node-b can follow the PBX within the test's deadline only by its release.
        TestServer a = node("node-a", new LinkLease.Timing(Duration.ofSeconds(60), Duration.ofMillis(250), Duration.ofSeconds(1)));
        await("node-a follows the PBX", Duration.ofSeconds(30),
                () -> north(a).getBoolean("owned", false) && "connected".equals(north(a).getString("status")));
        assertThat(north(a).getString("owner")).isEqualTo("node-a");
        await("node-a, alone, follows the second PBX too", Duration.ofSeconds(30), () -> follows(south(a)));
        TestServer b = node("node-b", FAST);
        // Two members, two PBXs: a share of one each. node-a gives back the last configured, node-b takes it.
        await("node-b follows the second PBX, node-a the first", Duration.ofSeconds(30),
                () -> follows(south(b)) && "node-a".equals(north(b).getString("owner")));
        long spread = System.nanoTime();
        assertThat(north(b).getString("status")).isEqualTo("standby");
        assertThat(north(b).getBoolean("owned")).isFalse();
        await("node-a sees node-b follow the second PBX", Duration.ofSeconds(10),
                () -> "node-b".equals(south(a).getString("owner")) && !south(a).getBoolean("owned"));
        System.out.printf("node-a saw node-b follow south %d ms after node-b did%n", (System.nanoTime() - spread) / 1_000_000);
        assertThat(health(b).getString("status")).isEqualTo("ok");
        assertThat(health(a).getString("status")).isEqualTo("ok");
        assertThat(metric(b, "firstline_cluster_links_owned")).isEqualTo(1);
        assertThat(metric(a, "firstline_cluster_links_owned")).isEqualTo(1);

        String admin = a.loginAdmin();
        a.createTraceAgents(admin);
        a.createUser(admin, "sam", "Sam Supervisor", "supervisor", null);
        a.createUser(admin, "dave", "Dave Agent", "agent", "Local/2001@agents/n");
        assertThat(health(b).getJsonObject("cluster").getJsonArray("members")).as("members seen by node-b").hasSize(2);
        assertThat(metric(a, "firstline_cluster_members")).isEqualTo(2);

        // The agents' desktops and a supervisor's board on node-b, which does not follow the PBX.
        client = io.vertx.core.Vertx.vertx();
        io.vertx.core.http.WebSocketClient ws = client.createWebSocketClient();
        List<JsonObject> pops = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String agent : List.of("alice", "bob", "carol")) {
            io.firstline.TestSockets.open(ws, b.port(), b.login(agent, agent + "-password"), text -> {
                JsonObject m = new JsonObject(text);
                if ("call.connected".equals(m.getString("type"))) {
                    pops.add(m.put("to", agent));
                }
            });
        }
        // Dave's desktop on node-a, which does not follow his PBX: his state and pops come from node-b.
        List<JsonObject> dave = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.firstline.TestSockets.open(ws, a.port(), a.login("dave", "dave-password"), text -> dave.add(new JsonObject(text)));
        await("Dave's state, known only to node-b, reaches his desktop on node-a", Duration.ofSeconds(10),
                () -> dave.stream().anyMatch(m -> "agent.state".equals(m.getString("type")) && "south".equals(m.getString("pbx"))));
        List<JsonObject> boards = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.vertx.core.http.WebSocket board = io.firstline.TestSockets.open(ws, b.port(), b.login("sam", "sam-password"),
                text -> boards.add(new JsonObject(text)));
        board.writeTextMessage(new JsonObject().put("type", "board.follow").encode());

        pbx.traffic().start(TrafficConfig.builder().seed(7).callsPerSecond(2).maxCalls(6).outcomes(1, 0, 0)
                .talkTime(Duration.ofSeconds(16), Duration.ofSeconds(24)).maxQueueWait(Duration.ofSeconds(80)).build());
        south.traffic().start(TrafficConfig.builder().seed(9).callsPerSecond(1).maxCalls(3).outcomes(1, 0, 0)
                .talkTime(Duration.ofSeconds(16), Duration.ofSeconds(24)).maxQueueWait(Duration.ofSeconds(80)).build());
        await("calls are recorded in progress by node-a", Duration.ofSeconds(60),
                () -> a.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NULL") >= 2);
        await("calls answered pop on node-b's desktops", Duration.ofSeconds(60), () -> !pops.isEmpty());
        await("node-b's supervisor follows node-a's board: whole, then its deltas", Duration.ofSeconds(10),
                () -> boards.stream().anyMatch(m -> "board.update".equals(m.getString("type")))
                        && boards.stream().anyMatch(m -> "board.delta".equals(m.getString("type"))));
        await("a call of the second PBX, followed by node-b, pops on Dave's desktop on node-a", Duration.ofSeconds(60),
                () -> dave.stream().anyMatch(m -> "call.connected".equals(m.getString("type"))
                        && "south".equals(m.getJsonObject("call").getString("pbx"))));
        JsonObject boardOfB = b.get("/api/live/board", b.login("sam", "sam-password")).json();
        assertThat(boardOfB.getJsonArray("pbx").getJsonObject(0).getMap())
                .as("node-b's board is the board of node-a, which follows the first PBX")
                .containsEntry("name", "north").containsEntry("status", "connected");
        assertThat(boardOfB.getJsonArray("pbx").getJsonObject(1).getMap())
                .as("the board shows the second PBX, which node-a watches").containsEntry("name", "south").containsEntry("status", "connected");
        JsonObject boardOfA = a.get("/api/live/board", a.login("sam", "sam-password")).json();
        assertThat(boardOfA.getJsonArray("pbx")).as("the board on each node").isEqualTo(boardOfB.getJsonArray("pbx"));
        assertThat(boardOfA.getJsonArray("agents").stream().map(r -> ((JsonObject) r).getString("username")).toList())
                .isEqualTo(boardOfB.getJsonArray("agents").stream().map(r -> ((JsonObject) r).getString("username")).toList());
        assertThat(boardOfB.getJsonArray("agents").stream().map(JsonObject.class::cast)
                .filter(r -> "dave".equals(r.getString("username"))).findFirst().orElseThrow().getJsonArray("queues"))
                .as("Dave, a member only of the second PBX, on node-a's board").isNotEmpty();
        // Dave pauses on node-a: the action goes to his PBX, through node-b, once.
        int southSent = south.receivedActions().size();
        String daveToken = a.login("dave", "dave-password");
        TestServer.Reply davePaused = a.post("/api/agents/me/pause", daveToken, new JsonObject().put("reason", "lunch"));
        assertThat(davePaused.status()).as(String.valueOf(davePaused.json())).isEqualTo(200);
        assertThat(south.receivedActions().subList(southSent, south.receivedActions().size()).stream()
                .filter(act -> "QueuePause".equals(act.name()))).hasSize(1)
                .allMatch(act -> "Local/2001@agents/n".equals(act.get("Interface")));
        assertThat(a.post("/api/agents/me/unpause", daveToken, new JsonObject()).status()).isEqualTo(200);
        // A desk action on node-b is sent to the PBX by node-a, the node that follows it.
        int sent = pbx.receivedActions().size();
        String carol = b.login("carol", "carol-password");
        TestServer.Reply paused = b.post("/api/agents/me/pause", carol, new JsonObject().put("reason", "lunch"));
        assertThat(paused.status()).as(String.valueOf(paused.json())).isEqualTo(200);
        assertThat(pbx.receivedActions().subList(sent, pbx.receivedActions().size()))
                .anyMatch(act -> "QueuePause".equals(act.name()) && "Local/1003@agents/n".equals(act.get("Interface")));
        assertThat(b.post("/api/agents/me/unpause", carol, new JsonObject()).status()).isEqualTo(200);
        // All that crossed the event bus over TLS: a peer with the cluster's certificate completes a handshake, one
        // without any is refused.
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) busCertificate.showingIt().getSocketFactory()
                .createSocket("127.0.0.1", busPortB)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(busCertificate.certificate());
        }
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) busCertificate.trustingIt().getSocketFactory()
                .createSocket("127.0.0.1", busPortB)) {
            s.setSoTimeout(10_000);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                s.startHandshake();
                s.getOutputStream().write(new byte[] {0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0});
                s.getOutputStream().flush();
                s.getInputStream().read();
            }).as("a TLS client that shows no certificate").isInstanceOf(javax.net.ssl.SSLException.class);
        }

        long stopped = System.nanoTime();
        servers.remove(a);
        a.close(); // a clean stop gives the lease back
        await("node-b follows the PBX", Duration.ofSeconds(10),
                () -> north(b).getBoolean("owned", false) && "connected".equals(north(b).getString("status")));
        System.out.printf("node-b followed the PBX %d ms after node-a began to stop%n", (System.nanoTime() - stopped) / 1_000_000);
        assertThat(b.queryLong("SELECT epoch FROM pbx_owners WHERE pbx = 'north' AND node = 'node-b'")).isEqualTo(2);
        assertThat(metric(b, "firstline_cluster_takeovers_total")).as("south, given back by node-a, then north").isEqualTo(2);
        assertThat(metric(b, "firstline_cluster_links_owned")).isEqualTo(2);

        int popsBefore = pops.size();
        long generated = pbx.traffic().callsGenerated();
        assertThat(pbx.traffic().awaitFinished(generated, Duration.ofSeconds(120))).as("the PBX ended every call").isTrue();
        await("node-b recorded every call ended", Duration.ofSeconds(60),
                () -> b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NOT NULL") == generated);
        assertThat(b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north'")).as("each call once").isEqualTo(generated);
        assertThat(b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND answered_at IS NOT NULL"))
                .as("the calls answered while node-a followed the PBX stay answered").isGreaterThanOrEqualTo(2);

        // node-b loses the lease while calls are up (as if it had been cut off and node-x had taken over): it stops
        // following the PBX and writes nothing more of its calls; once the lease is free again it follows it anew.
        pbx.traffic().start(TrafficConfig.builder().seed(8).callsPerSecond(2).maxCalls(2).outcomes(1, 0, 0)
                .talkTime(Duration.ofSeconds(24), Duration.ofSeconds(32)).maxQueueWait(Duration.ofSeconds(80)).build());
        await("node-b records the new calls in progress", Duration.ofSeconds(60),
                () -> b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND answered_at IS NOT NULL AND ended_at IS NULL") == 2);
        await("the desktops on node-b, never dropped, get the pops node-b makes now", Duration.ofSeconds(10),
                () -> pops.size() >= popsBefore + 2);
        execute("UPDATE pbx_owners SET node = 'node-x', epoch = epoch + 1, lease_until = NOW(3) + INTERVAL 1 MINUTE"
                + " WHERE pbx = 'north'");
        await("node-b gives the link up", Duration.ofSeconds(10),
                () -> "standby".equals(north(b).getString("status")) && "node-x".equals(north(b).getString("owner")));
        assertThat(health(b).getString("status")).isEqualTo("ok");
        assertThat(metric(b, "firstline_cluster_links_owned")).as("south still").isEqualTo(1);
        assertThat(b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NULL"))
                .as("node-b ended none of the calls it dropped").isEqualTo(2);

        execute("UPDATE pbx_owners SET lease_until = NOW(3) - INTERVAL 1 SECOND WHERE pbx = 'north'");
        await("node-b follows the PBX again", Duration.ofSeconds(10),
                () -> north(b).getBoolean("owned", false) && "connected".equals(north(b).getString("status")));
        assertThat(b.queryLong("SELECT epoch FROM pbx_owners WHERE pbx = 'north' AND node = 'node-b'")).isEqualTo(4);
        assertThat(metric(b, "firstline_cluster_takeovers_total")).isEqualTo(3);
        long all = pbx.traffic().callsGenerated();
        assertThat(pbx.traffic().awaitFinished(all, Duration.ofSeconds(120))).isTrue();
        await("node-b recorded the calls it took up again ended", Duration.ofSeconds(60),
                () -> b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NOT NULL") == all);
        assertThat(b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north'")).as("each call once").isEqualTo(all);
        assertThat(b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at_estimated"))
                .as("the calls still up at the resync were followed to their end").isZero();
        long southCalls = south.traffic().callsGenerated();
        assertThat(south.traffic().awaitFinished(southCalls, Duration.ofSeconds(60))).isTrue();
        await("every call of the second PBX recorded ended", Duration.ofSeconds(30),
                () -> b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'south' AND ended_at IS NOT NULL") == southCalls);
        assertThat(b.queryLong("SELECT COUNT(*) FROM calls WHERE pbx = 'south'")).as("each call once").isEqualTo(southCalls);
    }
}
