package io.firstline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.sim.AmiSimulator;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

@DisplayName("a database outage under simulated traffic: pops keep coming, every call is recorded once after, the metrics see it")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseOutageIT {

    private static final String JANE = "+15551234567";
    /** The linkedid of the abandoned-hardware trace. */
    private static final String REPLAYED = "1795483030.4";

    private AmiSimulator pbx;
    private TcpProxy proxy;
    private TestServer server;
    private Vertx client;
    private WebSocketClient ws;
    private final List<Desk> desks = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of(), url -> {
            // jdbc:mariadb://HOST:PORT/NAME → the same database through a proxy we can break
            Matcher m = Pattern.compile("jdbc:mariadb://([^:/]+):(\\d+)/(.*)").matcher(url);
            if (!m.matches()) {
                throw new IllegalStateException("unexpected test database URL " + url);
            }
            try {
                proxy = new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/" + m.group(3);
        });
        String admin = server.loginAdmin();
        server.createTraceAgents(admin);
        long jane = server.post("/api/callers", admin, new JsonObject().put("name", "Jane Doe").put("organisation", "Acme Widgets")
                .put("phones", new JsonArray().add(JANE))).json().getLong("id");
        server.post("/api/tickets", admin, new JsonObject().put("callerId", jane)
                .put("subject", "Outlook keeps asking for the password").put("category", "software"));
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
        client = Vertx.vertx();
        ws = client.createWebSocketClient();
        for (String name : List.of("alice", "bob", "carol")) {
            desks.add(new Desk(name));
        }
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.resume();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (pbx != null) {
            pbx.close();
        }
    }

    /** Every message the desktops got, in the order they came, each with the proxy's mode when it came. */
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** One agent's desktop socket. */
    private final class Desk {
        final String username;
        final WebSocket socket;

        Desk(String username) throws Exception {
            this.username = username;
            String token = server.login(username, username + "-password");
            socket = TestSockets.open(ws, server.port(), token,
                    t -> received.add(new Received(username, new JsonObject(t), proxy.mode())));
        }
    }

    private record Received(String desk, JsonObject msg, TcpProxy.Mode during) {
        String type() {
            return msg.getString("type");
        }

        String linkedid() {
            return msg.getJsonObject("call") == null ? null : msg.getJsonObject("call").getString("linkedid");
        }
    }

    private List<Received> all() {
        return List.copyOf(received);
    }

    /**
     * The number of messages received once everything the server sent to the desktops before now has
     * come: each desktop pings, and its pong comes after what was on its way.
     */
    private int barrier() throws InterruptedException {
        int from = received.size();
        for (Desk d : desks) {
            d.socket.writeTextMessage("{\"type\":\"ping\"}");
        }
        await("every desktop's pong", Duration.ofSeconds(20), () -> desks.stream().allMatch(d -> all().subList(from, all().size())
                .stream().anyMatch(r -> r.desk().equals(d.username) && r.type().equals("pong"))));
        return received.size();
    }

    private static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(200);
        }
    }

    /** The value of one sample in /metrics, e.g. {@code firstline_db_up} or {@code firstline_pops_total{caller_data="loaded",type="call.connected"}}; -1 if absent. */
    private double metric(String sample) {
        String text = server.get("/metrics", null).raw().body();
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).strip());
            }
        }
        return -1;
    }

    /** The sum of every sample of a metric whatever its labels, e.g. all {@code firstline_pops_total}. */
    private double sum(String name) {
        return sum(name, "");
    }

    /** The sum of the samples of a metric whose labels contain {@code label}, e.g. {@code type="call.updated"}. */
    private double sum(String name, String label) {
        String text = server.get("/metrics", null).raw().body();
        double total = 0;
        for (String line : text.split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** The upper bound of the latency bucket that holds the 99th percentile of all pops (for the report). */
    private String p99Bucket() {
        String text = server.get("/metrics", null).raw().body();
        Map<String, Double> byLe = new java.util.TreeMap<>(java.util.Comparator.comparingDouble(
                (String le) -> le.equals("+Inf") ? Double.MAX_VALUE : Double.parseDouble(le)));
        Matcher m = Pattern.compile("firstline_pop_latency_seconds_bucket\\{type=\"[^\"]+\",le=\"([^\"]+)\"} (\\S+)").matcher(text);
        while (m.find()) {
            byLe.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        }
        double total = byLe.getOrDefault("+Inf", 0.0);
        return byLe.entrySet().stream().filter(e -> e.getValue() >= 0.99 * total).map(Map.Entry::getKey).findFirst().orElse("?");
    }

    private Set<String> recordedLinkedids() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = server.db().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT linkedid FROM calls WHERE pbx = 'pbx'")) {
            while (rs.next()) {
                assertThat(ids.add(rs.getString(1))).as("recorded twice: " + rs.getString(1)).isTrue();
            }
        }
        return ids;
    }

    @Test
    @Order(1)
    @DisplayName("the database hangs as a phone starts ringing: the pre-pop goes without the caller, whose data follows as call.updated")
    void slowLookup() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> target = new java.util.concurrent.atomic.AtomicReference<>();
        // Told before the event leaves the simulated PBX: the server's lookup for this call meets a database that hangs.
        pbx.watchEvents((event, linkedid, iface, at) -> {
            if ("AgentCalled".equals(event) && target.compareAndSet(null, linkedid)) {
                proxy.blackHole();
            }
        });
        try {
            pbx.traffic().start(TrafficConfig.builder().seed(7).maxCalls(1).callsPerSecond(5).outcomes(1, 0, 0)
                    .menuChoice("2", "software", "main/software", 1).caller(JANE, "Jane Doe")
                    .ringTime(Duration.ofSeconds(20)).talkTime(Duration.ofSeconds(1), Duration.ofSeconds(2)).build());
            await("the pre-pop", Duration.ofSeconds(30), () -> all().stream()
                    .anyMatch(r -> r.type().equals("call.ringing") && r.linkedid().equals(target.get())));
            Received ringing = all().stream()
                    .filter(r -> r.type().equals("call.ringing") && r.linkedid().equals(target.get())).findFirst().orElseThrow();
            assertThat(ringing.during()).isEqualTo(TcpProxy.Mode.BLACK_HOLE);
            assertThat(ringing.msg().getString("callerData")).isIn("pending", "unavailable");
            assertThat(ringing.msg().getJsonArray("history")).isEmpty();
            assertThat(ringing.msg().getJsonObject("call").getString("callerNumber")).isEqualTo(JANE);
            assertThat(ringing.msg().getJsonObject("call").getString("queue")).isEqualTo("software");
            proxy.resume();
            await("the caller's data as call.updated", Duration.ofSeconds(30), () -> all().stream()
                    .anyMatch(r -> r.type().equals("call.updated") && r.linkedid().equals(target.get())
                            && "loaded".equals(r.msg().getString("callerData"))));
            JsonObject update = all().stream().filter(r -> r.type().equals("call.updated") && r.linkedid().equals(target.get())
                    && "loaded".equals(r.msg().getString("callerData"))).findFirst().orElseThrow().msg();
            assertThat(update.getJsonObject("caller").getString("name")).isEqualTo("Jane Doe");
            assertThat(update.getJsonArray("openTickets")).hasSize(1);
            assertThat(update.getJsonObject("call").getString("menuPath")).isEqualTo("main/software");
            // The pop itself, once answered, carries everything.
            await("the pop", Duration.ofSeconds(60), () -> all().stream()
                    .anyMatch(r -> r.type().equals("call.connected") && r.linkedid().equals(target.get())));
            assertThat(all().stream().filter(r -> r.type().equals("call.connected") && r.linkedid().equals(target.get()))
                    .findFirst().orElseThrow().msg().getString("callerData")).isEqualTo("loaded");
            assertThat(pbx.traffic().awaitFinished(1, Duration.ofSeconds(60))).isTrue();
        } finally {
            pbx.watchEvents(null);
            proxy.resume();
        }
    }

    @Test
    @Order(2)
    @DisplayName("a pre-pop still waiting for the caller's data when its caller hangs up is not sent; the phones are told the call is withdrawn")
    void staleNotSent() throws Exception {
        await("firstline_db_up 1", Duration.ofSeconds(30), () -> metric("firstline_db_up") == 1.0);
        double droppedBefore = sum("firstline_pops_dropped_total");
        int from = received.size();
        // The database hangs (not yet known down: that takes two seconds) and a whole abandoned call
        // arrives at once: its lookups wait, and the caller has hung up before the pops could go.
        proxy.blackHole();
        try {
            pbx.replay(TestTraces.amiRaw("abandoned-hardware"), false).get(30, TimeUnit.SECONDS);
            await("every phone's call.withdrawn", Duration.ofSeconds(20), () -> desks.stream().allMatch(d -> all().subList(from,
                    all().size()).stream().anyMatch(r -> r.desk().equals(d.username) && r.type().equals("call.withdrawn"))));
        } finally {
            proxy.resume();
        }
        barrier();
        assertThat(all().subList(from, all().size())).filteredOn(r -> REPLAYED.equals(r.linkedid()))
                .extracting(Received::type).containsOnly("call.withdrawn");
        assertThat(sum("firstline_pops_dropped_total") - droppedBefore).isEqualTo(3);
    }

    @Test
    @Order(3)
    @DisplayName("black hole, then cut, then back: pops say the history is unavailable while it lasts, nothing is lost or sent stale")
    void outage() throws Exception {
        TrafficConfig.Builder traffic = TrafficConfig.builder().seed(11).callsPerSecond(0.6).outcomes(0.8, 0.1, 0.1)
                .ringTime(Duration.ofSeconds(1)).talkTime(Duration.ofSeconds(1), Duration.ofSeconds(3))
                .waitTime(Duration.ofSeconds(1), Duration.ofSeconds(3)).caller(JANE, "Jane Doe");
        for (int i = 0; i < 5; i++) {
            traffic.caller("+1555987000" + i, "Caller " + i);
        }
        await("firstline_db_up 1", Duration.ofSeconds(30), () -> metric("firstline_db_up") == 1.0);
        long before = pbx.traffic().callsGenerated();
        pbx.traffic().start(traffic.build());

        // Before: pops carry the caller's data from the database.
        await("a pop with the caller's data", Duration.ofSeconds(60), () -> all().stream()
                .anyMatch(r -> r.type().equals("call.connected") && "loaded".equals(r.msg().getString("callerData"))));
        assertThat(metric("firstline_db_up")).isEqualTo(1.0);

        // The database stops answering: sockets stay open, nothing comes back.
        proxy.blackHole();
        await("firstline_db_up 0", Duration.ofSeconds(30), () -> metric("firstline_db_up") == 0.0);
        int mark = barrier();
        await("call records waiting", Duration.ofSeconds(30), () -> metric("firstline_call_records_waiting") > 0);
        double oldest = metric("firstline_call_records_oldest_waiting_seconds");
        assertThat(oldest).isGreaterThan(0);
        await("the oldest waiting record older still", Duration.ofSeconds(30),
                () -> metric("firstline_call_records_oldest_waiting_seconds") > oldest);
        // A call answered during the outage is popped while the outage lasts, saying the history is unavailable.
        await("a pop during the black hole", Duration.ofSeconds(60), () -> all().subList(mark, all().size()).stream()
                .anyMatch(r -> r.type().equals("call.connected") && r.during() == TcpProxy.Mode.BLACK_HOLE
                        && "unavailable".equals(r.msg().getString("callerData"))));
        // Longer than Connector/J's socket timeout (30 s), so that hung queries fail and are retried.
        Thread.sleep(32_000);
        assertThat(metric("firstline_db_up")).isEqualTo(0.0);
        assertThat(metric("firstline_call_records_waiting")).isGreaterThan(0);

        // Then it refuses outright for a while.
        int beforeCut = all().size();
        proxy.cut();
        await("a pop while the database refuses", Duration.ofSeconds(60), () -> all().subList(beforeCut, all().size()).stream()
                .anyMatch(r -> r.type().equals("call.connected") && r.during() == TcpProxy.Mode.CUT
                        && "unavailable".equals(r.msg().getString("callerData"))));
        assertThat(metric("firstline_db_up")).isEqualTo(0.0);

        // Back: the database is up again, and everything waiting is written.
        proxy.resume();
        await("firstline_db_up 1", Duration.ofSeconds(30), () -> metric("firstline_db_up") == 1.0);
        pbx.traffic().stop();
        long generated = pbx.traffic().callsGenerated();
        assertThat(pbx.traffic().awaitFinished(generated, Duration.ofSeconds(120))).isTrue();
        Thread.sleep(1500); // the last events reach the server
        server.app().recorder().flushed().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        await("no call record waiting", Duration.ofSeconds(60), () -> metric("firstline_call_records_waiting") == 0.0);
        assertThat(metric("firstline_call_records_oldest_waiting_seconds")).isEqualTo(0.0);

        assertThat(generated - before).isGreaterThan(10);
        Set<String> recorded = recordedLinkedids();
        recorded.remove(REPLAYED); // the trace replayed above, not generated
        assertThat(recorded).containsExactlyInAnyOrderElementsOf(pbx.traffic().linkedids());
        assertThat(server.queryLong("SELECT COUNT(*) FROM calls WHERE ended_at IS NULL")).as("calls still open").isZero();

        List<Received> got = all();
        // While the database was known down, no pop promised data still to come.
        assertThat(got.subList(mark, got.size())).filteredOn(r -> r.during() != TcpProxy.Mode.FORWARD)
                .filteredOn(r -> r.type().equals("call.connected") || r.type().equals("call.ringing"))
                .allSatisfy(r -> assertThat(r.msg().getString("callerData")).isIn("loaded", "unavailable"));
        // No pop after its call ended, for any agent: nothing stale arrives when the database is back.
        for (Desk d : desks) {
            Set<String> ended = new HashSet<>();
            for (Received r : got.stream().filter(r -> r.desk().equals(d.username)).toList()) {
                if (r.type().equals("call.ended") || r.type().equals("call.withdrawn")) {
                    ended.add(r.linkedid());
                } else if (r.type().equals("call.connected") || r.type().equals("call.ringing") || r.type().equals("call.updated")) {
                    assertThat(ended).as("a %s for a call already over", r.type()).doesNotContain(r.linkedid());
                }
            }
        }
        // Every pop was measured, and the pops counted include those of the outage.
        double pops = metric("firstline_pops_total{caller_data=\"unavailable\",type=\"call.connected\"}");
        assertThat(pops).isGreaterThanOrEqualTo(2);
        assertThat(sum("firstline_pop_latency_seconds_count"))
                .isEqualTo(sum("firstline_pops_total") - sum("firstline_pops_total", "type=\"call.updated\""));
        assertThat(server.get("/metrics", null).raw().body()).contains("hikaricp_connections_max{pool=\"firstline-db\"} 4.0")
                .contains("firstline_pops_late_total").contains("vertx_pool_queue_pending");
        System.out.printf("outage: %d calls, %.0f pops (%.0f without the caller's data), latency mean %.1f ms, p99 at most %s s,"
                + " max %.3f s, late %.0f%n", generated - before, sum("firstline_pops_total"), pops,
                1000 * sum("firstline_pop_latency_seconds_sum") / sum("firstline_pop_latency_seconds_count"), p99Bucket(),
                sum("firstline_pop_latency_seconds_max"), sum("firstline_pops_late_total"));
    }
}
