package io.firstline.load;

import io.firstline.Firstline;
import io.firstline.config.SettingsLoader;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.ManagerUser;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load run: Firstline (embedded MariaDB in a fresh folder) + the AMI simulator + N agents'
 * WebSocket clients, at R calls/s for T seconds. Prints calls generated and recorded, pops
 * delivered to the right agent, pop latency percentiles (event handed to the AMI socket → frame
 * received by the agent), AMI events/s, CPU and heap. A benchmark, not a test:
 * {@code java -cp server/target/firstline.jar io.firstline.load.LoadRun --rate 50 --agents 300 --seconds 60}; {@code --pjsip}
 * is the share of answered and abandoned calls played from the PJSIP trunk recordings (0.5 unless given); {@code --ami-user all}
 * sends Firstline every event instead of what the shipped manager_firstline.conf lets through.
 */
public final class LoadRun {

    private LoadRun() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        double rate = Double.parseDouble(opts.getOrDefault("rate", "50"));
        int agents = Integer.parseInt(opts.getOrDefault("agents", "300"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        double pjsip = Double.parseDouble(opts.getOrDefault("pjsip", "0.5"));
        String amiUser = opts.getOrDefault("ami-user", "firstline");
        if (!amiUser.equals("firstline") && !amiUser.equals("all")) {
            throw new IllegalArgumentException("--ami-user firstline (the shipped read classes and event filters) or all (every event)");
        }
        if (rate <= 0 || agents < 1 || agents > 5000 || seconds < 1 || pjsip < 0 || pjsip > 1) {
            throw new IllegalArgumentException("--rate > 0, --agents 1..5000, --seconds >= 1, --pjsip 0..1");
        }
        System.setProperty("org.jooq.no-logo", "true");
        Path data = Files.createTempDirectory("firstline-load");
        System.out.printf(Locale.ROOT, "load run: %.1f calls/s, %d agents, %d s, %.0f %% of answered and abandoned calls over a"
                + " PJSIP trunk to PJSIP phones, AMI user %s (data in %s)%n", rate, agents, seconds, pjsip * 100, amiUser, data);

        // Firstline's AMI user as dialplans/manager_firstline.conf makes it (the events of its read classes, less its
        // filters), or with --ami-user all every event, as an AMI user with read = all and no filter gets them
        AmiSimulator.Builder simBuilder = AmiSimulator.builder().host("127.0.0.1").port(0)
                .managerUser(amiUser.equals("all") ? ManagerUser.ALL : ManagerUser.FIRSTLINE)
                .queue("software", "rrmemory").queue("hardware", "rrmemory").queue("network", "rrmemory");
        for (int i = 0; i < agents; i++) {
            simBuilder.agent("Local/" + (2000 + i) + "@agents/n", "Load Agent " + i);
        }
        Map<String, Long> connectSent = new ConcurrentHashMap<>();
        Map<String, String> connectMember = new ConcurrentHashMap<>();
        AtomicLong amiEvents = new AtomicLong();
        try (AmiSimulator sim = simBuilder.build()) {
            sim.watchEvents((event, linkedid, member, nanos) -> {
                amiEvents.incrementAndGet();
                if ("AgentConnect".equals(event) && linkedid != null) {
                    connectSent.put(linkedid, nanos);
                    connectMember.put(linkedid, member);
                }
            });
            Map<String, String> env = new HashMap<>();
            env.put("FIRSTLINE_DATA_DIR", data.toString());
            env.put("FIRSTLINE_HTTP_HOST", "127.0.0.1");
            env.put("FIRSTLINE_HTTP_PORT", "0");
            env.put("FIRSTLINE_AGI_PORT", "0");
            env.put("FIRSTLINE_ADMIN_PASSWORD", "load-run-admin");
            // every desktop of the run connects from 127.0.0.1, beyond the default cap of one address's connections
            env.put("FIRSTLINE_HTTP_MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(agents + 64));
            env.put("FIRSTLINE_AMI_NAME", "load");
            env.put("FIRSTLINE_AMI_HOST", "127.0.0.1");
            env.put("FIRSTLINE_AMI_PORT", String.valueOf(sim.port()));
            env.put("FIRSTLINE_AMI_USER", "firstline");
            env.put("FIRSTLINE_AMI_SECRET", "firstline-secret");
            try (Firstline app = Firstline.start(SettingsLoader.load(env, Optional.empty()), false)) {
                run(app, sim, rate, pjsip, agents, seconds, connectSent, connectMember, amiEvents);
            }
        } finally {
            deleteTree(data);
        }
        System.exit(0);
    }

    private static void run(Firstline app, AmiSimulator sim, double rate, double pjsip, int agents, int seconds,
            Map<String, Long> connectSent, Map<String, String> connectMember, AtomicLong amiEvents) throws Exception {
        Api api = new Api(app.httpPort());
        String admin = api.login("admin", "load-run-admin");
        System.out.printf("creating and signing in %d agents…%n", agents);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            api.post("/api/agents", admin, new JsonObject().put("username", "load" + i).put("name", "Load Agent " + i)
                    .put("password", "load-password").put("interface", "Local/" + (2000 + i) + "@agents/n"));
        }
        for (int i = 0; i < agents; i++) {
            tokens.add(api.login("load" + i, "load-password"));
        }

        Vertx vertx = Vertx.vertx();
        WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(agents + 10));
        List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
        AtomicLong popsRight = new AtomicLong();
        AtomicLong popsWrong = new AtomicLong();
        List<Future<WebSocket>> sockets = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            String iface = "Local/" + (2000 + i) + "@agents/n";
            sockets.add(wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.httpPort())
                    .setURI("/ws").addHeader("Authorization", "Bearer " + tokens.get(i))).onSuccess(ws -> ws.textMessageHandler(t -> {
                        long now = System.nanoTime();
                        if (!t.contains("\"call.connected\"")) {
                            return;
                        }
                        JsonObject m = new JsonObject(t);
                        String linkedid = m.getJsonObject("call").getString("linkedid");
                        Long sent = connectSent.get(linkedid);
                        if (sent != null) {
                            latenciesMicros.add((now - sent) / 1000);
                        }
                        if (iface.equals(connectMember.get(linkedid))) {
                            popsRight.incrementAndGet();
                        } else {
                            popsWrong.incrementAndGet();
                            System.out.printf("  pop of %s went to %s, but Asterisk connected %s%n", linkedid, iface,
                                    connectMember.get(linkedid));
                        }
                    })));
        }
        Future.all(sockets).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.printf("%d desktops connected; calls start%n", agents);

        CpuHeap meter = new CpuHeap();
        long eventsBefore = amiEvents.get();
        long deliveredBefore = sim.eventsDelivered();
        long t0 = System.nanoTime();
        sim.traffic().start(TrafficConfig.builder().callsPerSecond(rate).seed(7).outcomes(0.8, 0.1, 0.1)
                .ringTime(Duration.ofMillis(500)).talkTime(Duration.ofSeconds(1), Duration.ofSeconds(4))
                .waitTime(Duration.ofMillis(200), Duration.ofSeconds(1)).memberTimeout(Duration.ofSeconds(3))
                .retry(Duration.ofMillis(300)).maxQueueWait(Duration.ofSeconds(20)).pjsipShare(pjsip).build());
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            meter.sample();
            if (s % 10 == 0 || s == seconds) {
                System.out.printf(Locale.ROOT, "  %3d s: %d calls generated, %d pops%n", s, sim.traffic().callsGenerated(),
                        popsRight.get() + popsWrong.get());
            }
        }
        sim.traffic().stop();
        long elapsed = System.nanoTime() - t0;
        long generated = sim.traffic().callsGenerated();
        System.out.println("waiting for the calls in progress to end…");
        sim.traffic().awaitFinished(generated, Duration.ofSeconds(90));
        long events = amiEvents.get() - eventsBefore;
        long delivered = sim.eventsDelivered() - deliveredBefore;
        Thread.sleep(2000);
        app.recorder().flushed().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        long recorded = api.get("/api/calls?limit=1", admin).getLong("total");
        long answered = api.get("/api/calls?limit=1&status=answered", admin).getLong("total");

        List<Long> lat = new ArrayList<>(latenciesMicros);
        Collections.sort(lat);
        System.out.println();
        System.out.println("== results");
        System.out.printf(Locale.ROOT, "calls generated        %d (%.1f/s)%n", generated, generated / (elapsed / 1e9));
        System.out.printf("calls recorded         %d %s%n", recorded, recorded == generated ? "(all, once each)" : "(MISMATCH)");
        System.out.printf("answered (recorded)    %d%n", answered);
        System.out.printf("pops to the right agent %d, to a wrong agent %d, answered calls without a pop %d%n",
                popsRight.get(), popsWrong.get(), Math.max(0, answered - popsRight.get()));
        System.out.printf(Locale.ROOT, "pop latency            p50 %s  p99 %s  p99.9 %s  max %s  (n=%d)%n", pct(lat, 50),
                pct(lat, 99), pct(lat, 99.9), pct(lat, 100), lat.size());
        System.out.printf(Locale.ROOT, "AMI events             %d made by the PBX (%.0f/s), %d sent to Firstline (%.0f/s) after"
                + " its user's read classes and event filters%n", events, events / (elapsed / 1e9), delivered, delivered / (elapsed / 1e9));
        System.out.printf(Locale.ROOT, "CPU (process)          avg %.0f%%  max %.0f%% of %d cores%n", meter.avgCpu(), meter.maxCpu(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "heap used              avg %d MiB  max %d MiB%n", meter.avgHeapMiB(), meter.maxHeapMiB());
        vertx.close();
    }

    private static String pct(List<Long> sortedMicros, double p) {
        if (sortedMicros.isEmpty()) {
            return "-";
        }
        int i = (int) Math.min(sortedMicros.size() - 1, Math.ceil(p / 100.0 * sortedMicros.size()) - 1);
        return String.format(Locale.ROOT, "%.2f ms", sortedMicros.get(Math.max(0, i)) / 1000.0);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (!a.startsWith("--") || rest.isEmpty()) {
                throw new IllegalArgumentException("usage: LoadRun [--rate R] [--agents N] [--seconds T] [--pjsip SHARE]"
                        + " [--ami-user firstline|all]");
            }
            m.put(a.substring(2), rest.remove(0));
        }
        return m;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Samples process CPU and heap once a second. */
    private static final class CpuHeap {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final List<Double> cpu = new ArrayList<>();
        private final List<Long> heap = new ArrayList<>();

        void sample() {
            double load = os.getProcessCpuLoad();
            if (load >= 0) {
                cpu.add(load * 100 * Runtime.getRuntime().availableProcessors());
            }
            heap.add(memory.getHeapMemoryUsage().getUsed() / (1024 * 1024));
        }

        double avgCpu() {
            return cpuSamples().getAverage() / Runtime.getRuntime().availableProcessors();
        }

        double maxCpu() {
            return cpu.isEmpty() ? 0 : cpuSamples().getMax() / Runtime.getRuntime().availableProcessors();
        }

        private java.util.DoubleSummaryStatistics cpuSamples() {
            java.util.DoubleSummaryStatistics samples = new java.util.DoubleSummaryStatistics();
            cpu.forEach(samples::accept);
            return samples;
        }

        long avgHeapMiB() {
            return (long) heap.stream().mapToLong(l -> l).average().orElse(0);
        }

        long maxHeapMiB() {
            return heap.stream().mapToLong(l -> l).max().orElse(0);
        }
    }

    /** A tiny JSON-over-HTTP client for the run's setup and counts. */
    private static final class Api {
        private final HttpClient http = HttpClient.newHttpClient();
        private final int port;

        Api(int port) {
            this.port = port;
        }

        String login(String user, String password) throws IOException, InterruptedException {
            return post("/api/login", null, new JsonObject().put("username", user).put("password", password)).getString("token");
        }

        JsonObject post(String path, String token, JsonObject body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body.encode())).header("Content-Type", "application/json");
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return send(b.build());
        }

        JsonObject get(String path, String token) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + token).GET().build());
        }

        private JsonObject send(HttpRequest r) throws IOException, InterruptedException {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() >= 300) {
                throw new IllegalStateException(r.method() + " " + r.uri().getPath() + " → " + resp.statusCode() + " " + resp.body());
            }
            return new JsonObject(resp.body());
        }
    }
}
