package io.firstline.load;

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
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load run: the AMI simulator and N agents' WebSocket clients in this process, and what they
 * load each in its own JVM, at R calls/s for T seconds. Two phases with the same traffic (same seed):
 * first Firstline (a fresh embedded MariaDB in a temporary folder), then {@link RelayFloor}, the
 * simplest relay of the same AMI bytes to the same WebSockets, which is the floor. Each phase
 * prints calls generated, pops delivered to the right agent and pop latency (the simulator hands
 * {@code AgentConnect} to the AMI socket → the agent's client receives the frame), and the AMI
 * socket's backlog (how long bytes waited for the socket and how many were queued, in the simulator;
 * how many had arrived and were not yet read, in the kernel); the Firstline
 * phase also calls recorded and the server's own figures (CPU per call of its JVM and of MariaDB,
 * allocation rate, GC pauses, heap after a full GC, event-loop and worker-pool delays); then the
 * ratio of Firstline's pop latency to the floor's. A benchmark, not a test:
 * {@code java -cp server/target/firstline.jar io.firstline.load.LoadRun --rate 50 --agents 300 --seconds 60}.
 * {@code --pjsip} is the share of answered and abandoned calls played from the PJSIP trunk
 * recordings (0.5 unless given); {@code --ami-user all} sends every event instead of what the
 * shipped manager_firstline.conf lets through; {@code --server-jvm "-Xmx2g -XX:+UseG1GC"} are the
 * JVM options of the server (and of the relay), {@code -Xms1g -Xmx1g} (the production unit's) unless given; {@code --floor false} skips the relay phase. {@code --nodes 2
 * --db-url jdbc:mariadb://127.0.0.1:3306/} runs Firstline as two nodes of a cluster on a database it makes on that
 * server (and drops after), the desktops and supervisors spread over the nodes in turn; {@code --db-url} alone runs one
 * node on that server, for a comparison on the same database. The nodes' event bus speaks TLS when the load run is
 * started with {@code FIRSTLINE_CLUSTER_TLS_CERT_FILE} and {@code _KEY_FILE} (and {@code _CA_FILE}) set.
 */
public final class LoadRun {

    private static final String USAGE = "usage: LoadRun [--rate R] [--agents N] [--seconds T] [--pjsip SHARE]"
            + " [--ami-user firstline|all] [--server-jvm \"OPTIONS\"] [--floor true|false] [--supervisors N]"
            + " [--nodes 1..3 --db-url jdbc:mariadb://HOST:PORT/ [--db-user U] [--db-password P]]";
    private static final String DEFAULT_SERVER_JVM = "-Xms1g -Xmx1g";
    private static final Pattern FIRSTLINE_READY = Pattern.compile("Firstline is ready on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern RELAY_READY = Pattern.compile("relay ready on port (\\d+)");
    private static final Pattern GC_PAUSE = Pattern.compile("Pause .*\\s(\\d+(?:\\.\\d+)?)ms$");

    private LoadRun() {
    }

    /** A MariaDB server the run makes its database on (and drops it after). */
    private record ExternalDb(String url, String user, String password) {
    }

    /** What one phase measured. */
    private record Phase(long generated, double seconds, List<Long> latencyMicros, long popsRight, long popsWrong,
            long popsWithoutData, long events, long delivered, Samples writeWaitMicros, Samples queuedBytes, Samples unreadBytes) {
    }

    /** How a phase starts its server and signs in the desktops, and what it measures of the server. */
    private interface Server {
        /** Starts the server's JVM, connected to the simulator on {@code amiPort}, and returns once it is healthy. */
        void start(int amiPort) throws Exception;

        /** Creates the agents where needed and returns how each desktop connects. */
        List<WebSocketConnectOptions> desktops(List<String> interfaces) throws Exception;

        /** Creates {@code n} supervisors and returns how each follows the wallboard; none when the server has no board. */
        List<WebSocketConnectOptions> boardFollowers(int n) throws Exception;

        void runStarts() throws Exception;

        /** After the calls ended: waits for what the server still does with them, prints its figures. */
        void runEnded(Phase phase, double seconds) throws Exception;

        void stop();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args, USAGE);
        double rate = Double.parseDouble(opts.getOrDefault("rate", "50"));
        int agents = Integer.parseInt(opts.getOrDefault("agents", "300"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        double pjsip = Double.parseDouble(opts.getOrDefault("pjsip", "0.5"));
        String amiUser = opts.getOrDefault("ami-user", "firstline");
        // The production unit's heap (docs/operations.md) unless told otherwise, so that the server collects its garbage as a
        // deployed one does (the JVM's default heap here is a quarter of the machine's 24 GiB).
        List<String> jvm = Arrays.stream(opts.getOrDefault("server-jvm", DEFAULT_SERVER_JVM).trim().split("\\s+"))
                .filter(s -> !s.isEmpty()).toList();
        String floorOpt = opts.getOrDefault("floor", "true");
        int supervisors = Integer.parseInt(opts.getOrDefault("supervisors", "0"));
        int nodes = Integer.parseInt(opts.getOrDefault("nodes", "1"));
        Optional<ExternalDb> db = Optional.ofNullable(opts.get("db-url")).map(url -> new ExternalDb(url,
                opts.getOrDefault("db-user", "root"), opts.getOrDefault("db-password", "")));
        if (nodes < 1 || nodes > 3 || nodes > 1 && db.isEmpty()) {
            throw new IllegalArgumentException("--nodes 1..3; more than one needs --db-url (the nodes share one MariaDB server)");
        }
        if (db.isPresent() && !db.get().url().matches("jdbc:mariadb://[^/]+/")) {
            throw new IllegalArgumentException("--db-url is the server's URL without a database, e.g. jdbc:mariadb://127.0.0.1:3306/");
        }
        if (!amiUser.equals("firstline") && !amiUser.equals("all")) {
            throw new IllegalArgumentException("--ami-user firstline (the shipped read classes and event filters) or all (every event)");
        }
        if (!floorOpt.equals("true") && !floorOpt.equals("false")) {
            throw new IllegalArgumentException("--floor true or false");
        }
        if (rate <= 0 || agents < 1 || agents > 5000 || seconds < 1 || pjsip < 0 || pjsip > 1 || supervisors < 0
                || supervisors > 500) {
            throw new IllegalArgumentException("--rate > 0, --agents 1..5000, --seconds >= 1, --pjsip 0..1, --supervisors 0..500");
        }
        Path data = Files.createTempDirectory("firstline-load");
        // the logs stay after the run (the data folder goes), to be read when a phase went wrong
        Path logs = Files.createTempDirectory("firstline-load-logs");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ChildJvm.stopAll();
            ChildJvm.deleteTree(data);
        }, "load-run-stop-children"));
        System.out.printf(Locale.ROOT, "load run: %.1f calls/s, %d agents, %d s, %.0f %% of answered and abandoned calls over a"
                + " PJSIP trunk to PJSIP phones, AMI user %s, server JVM options %s, %s (data in %s, logs kept in %s)%n", rate,
                agents, seconds, pjsip * 100, amiUser, jvm.isEmpty() ? "none" : String.join(" ", jvm),
                (nodes == 1 ? "one node" : nodes + " nodes of a cluster, the desktops spread over them")
                        + db.map(d -> " on the MariaDB server " + d.url()).orElse(" on an embedded MariaDB"), data, logs);
        List<String> interfaces = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            interfaces.add("Local/" + (2000 + i) + "@agents/n");
        }
        Vertx vertx = Vertx.vertx();
        try {
            System.out.println();
            System.out.println("== phase 1: Firstline");
            Phase firstline = phase(vertx, new FirstlineServer(data, logs, jvm, agents + supervisors, nodes, db), interfaces,
                    supervisors, rate, pjsip, amiUser, seconds);
            Phase floor = null;
            if (floorOpt.equals("true")) {
                System.gc();
                System.out.println();
                System.out.println("== phase 2: the relay floor (same traffic, seed and desktops)");
                floor = phase(vertx, new RelayServer(logs, jvm), interfaces, supervisors, rate, pjsip, amiUser, seconds);
            }
            System.out.println();
            System.out.println("== pop latency, AgentConnect handed to the AMI socket → frame received");
            System.out.printf("%-22s %10s %10s %10s %10s %8s%n", "", "p50", "p99", "p99.9", "max", "n");
            latencyRow("Firstline", firstline.latencyMicros());
            if (floor != null) {
                latencyRow("relay floor", floor.latencyMicros());
                List<Long> a = firstline.latencyMicros();
                List<Long> b = floor.latencyMicros();
                System.out.printf("%-22s %10s %10s %10s %10s%n", "Firstline / floor", ratio(a, b, 50), ratio(a, b, 99),
                        ratio(a, b, 99.9), ratio(a, b, 100));
            }
        } finally {
            vertx.close();
            ChildJvm.stopAll();
            ChildJvm.deleteTree(data);
        }
        System.exit(0);
    }

    private static Phase phase(Vertx vertx, Server server, List<String> interfaces, int supervisors, double rate, double pjsip,
            String amiUser, int seconds) throws Exception {
        // Firstline's AMI user as dialplans/manager_firstline.conf makes it (the events of its read classes, less its
        // filters), or with --ami-user all every event, as an AMI user with read = all and no filter gets them
        AmiSimulator.Builder simBuilder = AmiSimulator.builder().host("127.0.0.1").port(0)
                .managerUser(amiUser.equals("all") ? ManagerUser.ALL : ManagerUser.FIRSTLINE)
                .queue("software", "rrmemory").queue("hardware", "rrmemory").queue("network", "rrmemory");
        for (int i = 0; i < interfaces.size(); i++) {
            simBuilder.agent(interfaces.get(i), "Load Agent " + i);
        }
        Map<String, Long> connectSent = new ConcurrentHashMap<>();
        Map<String, String> connectMember = new ConcurrentHashMap<>();
        AtomicLong amiEvents = new AtomicLong();
        Samples writeWait = new Samples();
        Samples queued = new Samples();
        AtomicBoolean measuring = new AtomicBoolean();
        try (AmiSimulator sim = simBuilder.build()) {
            sim.watchEvents((event, linkedid, member, nanos) -> {
                amiEvents.incrementAndGet();
                if ("AgentConnect".equals(event) && linkedid != null) {
                    connectSent.put(linkedid, nanos);
                    connectMember.put(linkedid, member);
                }
            });
            sim.watchWrites((bytes, waitedNanos, queuedBytes) -> {
                if (measuring.get()) {
                    writeWait.add(waitedNanos / 1000);
                    queued.add(queuedBytes);
                }
            });
            try {
                server.start(sim.port());
                List<WebSocketConnectOptions> desktops = server.desktops(interfaces);
                // A board of 2,000 agents is about 870 KB: far over the client's default limit of 256 KB a message,
                // which a browser does not have.
                WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions()
                        .setMaxConnections(interfaces.size() + supervisors + 10).setMaxMessageSize(64 * 1024 * 1024));
                List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
                AtomicLong popsRight = new AtomicLong();
                AtomicLong popsWrong = new AtomicLong();
                AtomicLong popsWithoutData = new AtomicLong();
                List<Future<WebSocket>> sockets = new ArrayList<>();
                for (int i = 0; i < interfaces.size(); i++) {
                    String iface = interfaces.get(i);
                    sockets.add(wsClient.connect(desktops.get(i)).onSuccess(ws -> ws.textMessageHandler(t -> {
                        long now = System.nanoTime();
                        if (!t.contains("\"call.connected\"")) {
                            return;
                        }
                        JsonObject pop = new JsonObject(t);
                        String linkedid = pop.getJsonObject("call").getString("linkedid");
                        String data = pop.getString("callerData");
                        if ("pending".equals(data) || "unavailable".equals(data)) {
                            popsWithoutData.incrementAndGet(); // it went at its deadline, before the caller's data
                        }
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
                BoardFollowers board = new BoardFollowers(wsClient, server.boardFollowers(supervisors), measuring);
                System.out.printf("%d desktops connected%s; calls start%n", interfaces.size(), board.size() == 0 ? ""
                        : ", " + board.size() + " supervisors follow the wallboard");

                server.runStarts();
                long eventsBefore = amiEvents.get();
                long deliveredBefore = sim.eventsDelivered();
                measuring.set(true);
                UnreadSampler unread = new UnreadSampler(sim.port());
                long ownCpu0 = AgiLoad.cpuTicks(ProcessHandle.current().pid());
                long[] machine0 = AgiLoad.machineTicks();
                long t0 = System.nanoTime();
                sim.traffic().start(TrafficConfig.builder().callsPerSecond(rate).seed(7).outcomes(0.8, 0.1, 0.1)
                        .ringTime(Duration.ofMillis(500)).talkTime(Duration.ofSeconds(1), Duration.ofSeconds(4))
                        .waitTime(Duration.ofMillis(200), Duration.ofSeconds(1)).memberTimeout(Duration.ofSeconds(3))
                        .retry(Duration.ofMillis(300)).maxQueueWait(Duration.ofSeconds(20)).pjsipShare(pjsip).build());
                for (int s = 1; s <= seconds; s++) {
                    Thread.sleep(1000);
                    if (s % 10 == 0 || s == seconds) {
                        System.out.printf(Locale.ROOT, "  %3d s: %d calls generated, %d pops%n", s, sim.traffic().callsGenerated(),
                                popsRight.get() + popsWrong.get());
                    }
                }
                sim.traffic().stop();
                double elapsed = (System.nanoTime() - t0) / 1e9;
                System.out.println("waiting for the calls in progress to end…");
                // A call that arrived just before the stop may send its first event after it, and only then counts as
                // generated: wait until every call counted so far has ended and no new one was counted meanwhile.
                long generated;
                do {
                    generated = sim.traffic().callsGenerated();
                } while (sim.traffic().awaitFinished(generated, Duration.ofSeconds(90))
                        && sim.traffic().callsGenerated() != generated);
                Thread.sleep(2000);
                measuring.set(false);
                unread.close();
                double window = (System.nanoTime() - t0) / 1e9;
                long ownCpu = AgiLoad.cpuTicks(ProcessHandle.current().pid()) - ownCpu0;
                long[] machine1 = AgiLoad.machineTicks();
                if (sim.connectedClients() == 0) {
                    System.out.println("WARNING: the AMI client was no longer connected at the end of the phase: its figures"
                            + " cover only part of it; see its log");
                }
                long events = amiEvents.get() - eventsBefore;
                long delivered = sim.eventsDelivered() - deliveredBefore;
                List<Long> lat = new ArrayList<>(latenciesMicros);
                Collections.sort(lat);
                Phase p = new Phase(generated, elapsed, lat, popsRight.get(),
                        popsWrong.get(), popsWithoutData.get(), events, delivered, writeWait, queued, unread.samples);
                printPhase(p, window);
                // What else used the machine's cores meanwhile: the figures of a busy machine are its as much as the server's.
                System.out.printf(Locale.ROOT, "load run's JVM         %.1f ms per call (%.0f %% of a core): the simulated PBX and the"
                        + " desktops, on the same machine%n", ownCpu * 10.0 / Math.max(1, generated), ownCpu / window);
                if (machine0 != null && machine1 != null) {
                    System.out.printf(Locale.ROOT, "machine                %.0f %% busy (all %d cores, every process)%n",
                            100.0 * (machine1[0] - machine0[0]) / Math.max(1, machine1[1] - machine0[1]),
                            Runtime.getRuntime().availableProcessors());
                }
                board.print(window);
                server.runEnded(p, window);
                wsClient.close();
                return p;
            } finally {
                server.stop();
            }
        }
    }

    private static void printPhase(Phase p, double window) {
        System.out.printf(Locale.ROOT, "calls generated        %d (%.1f/s)%n", p.generated(), p.generated() / p.seconds());
        System.out.printf("pops to the right agent %d, to a wrong agent %d; %d went without the caller's data (pending or"
                + " unavailable)%n", p.popsRight(), p.popsWrong(), p.popsWithoutData());
        List<Long> lat = p.latencyMicros();
        System.out.printf(Locale.ROOT, "pop latency            p50 %s  p99 %s  p99.9 %s  max %s  (n=%d)%n", ms(pct(lat, 50)),
                ms(pct(lat, 99)), ms(pct(lat, 99.9)), ms(pct(lat, 100)), lat.size());
        System.out.printf(Locale.ROOT, "AMI events             %d made by the PBX (%.0f/s), %d sent to the AMI client (%.0f/s)"
                + " after its user's read classes and event filters%n", p.events(), p.events() / p.seconds(), p.delivered(),
                p.delivered() / p.seconds());
        List<Long> waits = p.writeWaitMicros().sorted();
        List<Long> queued = p.queuedBytes().sorted();
        System.out.printf(Locale.ROOT, "AMI socket backlog     bytes waited for the socket p99 %s max %s; bytes queued p99 %s max %s"
                + "  (%d writes in %.0f s)%n", ms(pct(waits, 99)), ms(pct(waits, 100)), kib(pct(queued, 99)),
                kib(pct(queued, 100)), waits.size(), window);
        List<Long> unread = p.unreadBytes().sorted();
        System.out.printf(Locale.ROOT, "AMI bytes unread       arrived on the client's socket, not yet read by it: p99 %s max %s"
                + "  (%d samples, about 4 a second)%n", kib(pct(unread, 99)), kib(pct(unread, 100)), unread.size());
    }

    private static void latencyRow(String name, List<Long> lat) {
        System.out.printf("%-22s %10s %10s %10s %10s %8d%n", name, ms(pct(lat, 50)), ms(pct(lat, 99)), ms(pct(lat, 99.9)),
                ms(pct(lat, 100)), lat.size());
    }

    private static String ratio(List<Long> a, List<Long> b, double p) {
        long x = pct(a, p);
        long y = pct(b, p);
        return x < 0 || y <= 0 ? "-" : String.format(Locale.ROOT, "%.1f×", (double) x / y);
    }

    /** The p-th percentile (nearest rank) of sorted values, or -1 when there are none. */
    private static long pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, i));
    }

    private static String ms(long micros) {
        return micros < 0 ? "-" : String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
    }

    private static String kib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    static Map<String, String> options(String[] args, String usage) {
        Map<String, String> m = new HashMap<>();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (!a.startsWith("--") || rest.isEmpty()) {
                throw new IllegalArgumentException(usage);
            }
            m.put(a.substring(2), rest.remove(0));
        }
        return m;
    }


    /**
     * Firstline in its own JVM, on a fresh embedded MariaDB; or several nodes of a cluster, each in its own JVM, on a
     * fresh database of a MariaDB server (the first node started follows the PBX).
     */
    private static final class FirstlineServer implements Server {
        private final Path data;
        private final Path logs;
        private final List<String> jvm;
        private final int agents;
        private final int nodes;
        private final Optional<ExternalDb> db;
        private final Path gcLog;
        private final List<ChildJvm> children = new ArrayList<>();
        private final List<Api> apis = new ArrayList<>();
        private ChildJvm child;
        private Api api;
        private String database;
        private String admin;
        private Scrape before;
        private long gcLogBefore;
        private Duration jvmCpuBefore;
        private Duration dbCpuBefore;

        FirstlineServer(Path data, Path logs, List<String> jvm, int agents, int nodes, Optional<ExternalDb> db) {
            this.data = data;
            this.logs = logs;
            this.jvm = jvm;
            this.agents = agents;
            this.nodes = nodes;
            this.db = db;
            this.gcLog = logs.resolve("firstline-gc.log");
        }

        @Override
        public void start(int amiPort) throws Exception {
            Map<String, String> env = new HashMap<>();
            env.put("FIRSTLINE_HTTP_HOST", "127.0.0.1");
            env.put("FIRSTLINE_HTTP_PORT", "0");
            env.put("FIRSTLINE_AGI_PORT", "0");
            env.put("FIRSTLINE_ADMIN_PASSWORD", "load-run-admin");
            // every desktop of the run connects from 127.0.0.1, beyond the default cap of one address's connections
            env.put("FIRSTLINE_HTTP_MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(agents + 64));
            env.put("FIRSTLINE_METRICS_ENABLED", "true");
            env.put("FIRSTLINE_AMI_NAME", "load");
            env.put("FIRSTLINE_AMI_HOST", "127.0.0.1");
            env.put("FIRSTLINE_AMI_PORT", String.valueOf(amiPort));
            env.put("FIRSTLINE_AMI_USER", "firstline");
            env.put("FIRSTLINE_AMI_SECRET", "firstline-secret");
            if (db.isPresent()) {
                database = "firstline_load_" + Long.toHexString(System.nanoTime() & 0xffff_ffffL);
                io.firstline.db.ServerDatabases.create(db.get().url(), db.get().user(), db.get().password(), database);
                env.put("FIRSTLINE_DB_URL", db.get().url() + database);
                env.put("FIRSTLINE_DB_USER", db.get().user());
                env.put("FIRSTLINE_DB_PASSWORD", db.get().password());
            }
            List<String> members = new ArrayList<>();
            List<Integer> clusterPorts = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                clusterPorts.add(ChildJvm.freePort());
                members.add("127.0.0.1:" + clusterPorts.get(n));
            }
            for (int n = 0; n < nodes; n++) {
                Map<String, String> nodeEnv = new HashMap<>(env);
                nodeEnv.put("FIRSTLINE_DATA_DIR", data.resolve("firstline-" + n).toString());
                if (nodes > 1) {
                    nodeEnv.putAll(Map.of("FIRSTLINE_CLUSTER", "true", "FIRSTLINE_NODE_ID", "load-" + n,
                            "FIRSTLINE_CLUSTER_HOST", "127.0.0.1", "FIRSTLINE_CLUSTER_PORT", String.valueOf(clusterPorts.get(n)),
                            "FIRSTLINE_CLUSTER_BUS_PORT", "0", "FIRSTLINE_CLUSTER_MEMBERS", String.join(",", members),
                            "FIRSTLINE_CLUSTER_SECRET", "the load run's cluster secret"));
                    // The event bus over TLS when the load run itself is given the files (docs/benchmarks.md).
                    System.getenv().forEach((k, v) -> {
                        if (k.startsWith("FIRSTLINE_CLUSTER_TLS_")) {
                            nodeEnv.put(k, v);
                        }
                    });
                }
                List<String> options = new ArrayList<>(jvm);
                options.add("-Xlog:gc:file=" + (n == 0 ? gcLog : logs.resolve("firstline-" + n + "-gc.log")));
                String name = nodes == 1 ? "firstline" : "firstline-" + n;
                ChildJvm c = ChildJvm.start(name, options, "io.firstline.Firstline", List.of(), nodeEnv,
                        logs.resolve(name + ".log"));
                children.add(c);
                int port = Integer.parseInt(c.await(FIRSTLINE_READY, Duration.ofMinutes(3)));
                Api a = new Api(port);
                apis.add(a);
                // The first node healthy follows the PBX; the others are healthy as its standbys.
                awaitHealthy(a, c);
                System.out.printf(Locale.ROOT, "%s (pid %d) healthy %.1f s after its JVM started, on port %d; its log: %s%n",
                        name, c.pid(), c.secondsSinceStart(), port, c.log);
            }
            child = children.get(0);
            api = apis.get(0);
        }

        private static void awaitHealthy(Api a, ChildJvm c) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (true) {
                try {
                    if ("ok".equals(a.get("/health", null).getString("status"))) {
                        return;
                    }
                } catch (IOException | IllegalStateException notYet) {
                    // degraded (503) until the AMI link is up
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Firstline is not healthy a minute after it started; see " + c.log);
                }
                Thread.sleep(100);
            }
        }

        /** The node desktop or supervisor {@code i} connects to: spread over the nodes in turn. */
        private int portFor(int i) {
            return apis.get(i % nodes).port;
        }

        private Duration jvmsCpu() {
            Duration sum = Duration.ZERO;
            for (ChildJvm c : children) {
                sum = sum.plus(c.cpu());
            }
            return sum;
        }

        /** The embedded MariaDB's CPU (the first node's child); or the MariaDB server's, found by its command. */
        private Duration databaseCpu() {
            if (db.isEmpty()) {
                return child.descendantsCpu();
            }
            return ProcessHandle.allProcesses().filter(p -> p.info().command()
                    .map(cmd -> cmd.endsWith("/mariadbd") || cmd.endsWith("/mysqld")).orElse(false))
                    .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus);
        }

        @Override
        public List<WebSocketConnectOptions> desktops(List<String> interfaces) throws Exception {
            admin = api.login("admin", "load-run-admin");
            System.out.printf("creating and signing in %d agents…%n", interfaces.size());
            // A few at a time: each creation and each sign-in hashes a password on the server's workers.
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<String>> tokens = new ArrayList<>();
                for (int i = 0; i < interfaces.size(); i++) {
                    int n = i;
                    tokens.add(pool.submit(() -> {
                        api.post("/api/agents", admin, new JsonObject().put("username", "load" + n).put("name", "Load Agent " + n)
                                .put("password", "load-password").put("interface", interfaces.get(n)));
                        return api.login("load" + n, "load-password");
                    }));
                }
                List<WebSocketConnectOptions> desktops = new ArrayList<>();
                for (java.util.concurrent.Future<String> token : tokens) {
                    desktops.add(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(portFor(desktops.size()))
                            .setURI("/ws").addHeader("Authorization", "Bearer " + token.get()));
                }
                return desktops;
            } finally {
                pool.shutdownNow();
            }
        }

        @Override
        public List<WebSocketConnectOptions> boardFollowers(int n) throws Exception {
            List<WebSocketConnectOptions> followers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                api.post("/api/agents", admin, new JsonObject().put("username", "super" + i).put("name", "Load Supervisor " + i)
                        .put("password", "load-password").put("role", "supervisor"));
                followers.add(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(portFor(i)).setURI("/ws")
                        .addHeader("Authorization", "Bearer " + api.login("super" + i, "load-password")));
            }
            return followers;
        }

        @Override
        public void runStarts() throws Exception {
            before = new Scrape(api.text("/metrics"));
            gcLogBefore = Files.size(gcLog);
            jvmCpuBefore = jvmsCpu();
            dbCpuBefore = databaseCpu();
        }

        @Override
        public void runEnded(Phase phase, double seconds) throws Exception {
            long generated = phase.generated();
            Duration jvmCpu = jvmsCpu().minus(jvmCpuBefore);
            Duration dbCpu = databaseCpu().minus(dbCpuBefore);
            Scrape after = new Scrape(api.text("/metrics"));
            List<Double> pauses = gcPauses();
            long recorded = -1;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline) {
                recorded = api.get("/api/calls?limit=1", admin).getLong("total");
                if (recorded >= generated) {
                    break;
                }
                Thread.sleep(500);
            }
            long answered = api.get("/api/calls?limit=1&status=answered", admin).getLong("total");
            System.out.printf("calls recorded         %d %s%n", recorded, recorded == generated ? "(all, once each)" : "(MISMATCH)");
            long droppedAsEnded = Math.round(after.sum("firstline_pops_dropped_total", "")
                    - before.sum("firstline_pops_dropped_total", ""));
            System.out.printf("answered (recorded)    %d, of which %d without a pop (%d pops, ringing or connected, not sent"
                    + " by the owner: their call had ended before they could go)%n", answered,
                    Math.max(0, answered - phase.popsRight()), droppedAsEnded);
            System.out.printf(Locale.ROOT, "server CPU             Firstline's JVM%s %.1f ms per call (%.0f %% of a core), MariaDB"
                    + " %.1f ms per call (%.0f %% of a core), over the %.0f s from the first call to 2 s after the last one ended%n",
                    nodes == 1 ? "" : "s (" + nodes + " nodes)", jvmCpu.toNanos() / 1e6 / generated,
                    jvmCpu.toNanos() / 1e7 / seconds, dbCpu.toNanos() / 1e6 / generated,
                    dbCpu.toNanos() / 1e7 / seconds, seconds);
            System.out.printf(Locale.ROOT, "server allocation      %.0f MiB/s%n",
                    (after.sum("jvm_gc_memory_allocated_bytes_total", "") - before.sum("jvm_gc_memory_allocated_bytes_total", ""))
                            / seconds / (1 << 20));
            if (pauses.isEmpty()) {
                System.out.println("server GC pauses       none (its GC log)");
            } else {
                double total = 0;
                for (double pause : pauses) {
                    total += pause;
                }
                System.out.printf(Locale.ROOT, "server GC pauses       %d, total %.0f ms, max %.1f ms (its GC log)%n",
                        pauses.size(), total, Collections.max(pauses));
            }
            System.out.printf(Locale.ROOT, "event-loop delay       mean %.2f ms, p99 ≤ %s, max ≤ %s%n",
                    mean(before, after, "firstline_event_loop_delay_seconds", ""),
                    seconds(Scrape.quantile(before, after, "firstline_event_loop_delay_seconds", "", 0.99)),
                    seconds(Scrape.quantile(before, after, "firstline_event_loop_delay_seconds", "", 1)));
            // The part of a pop's latency spent in the server after its AMI event was taken up by the call flow.
            String connected = "type=\"call.connected\"";
            System.out.printf(Locale.ROOT, "pop inside the server  from the call flow taking its event to its leaving: mean %.2f ms, p99 ≤ %s, max ≤ %s%n",
                    mean(before, after, "firstline_pop_latency_seconds", connected),
                    seconds(Scrape.quantile(before, after, "firstline_pop_latency_seconds", connected, 0.99)),
                    seconds(Scrape.quantile(before, after, "firstline_pop_latency_seconds", connected, 1)));
            String db = "pool_name=\"firstline-db\"";
            System.out.printf(Locale.ROOT, "firstline-db queue     %.0f tasks, wait for a worker mean %.2f ms, p99 ≤ %s, max ≤ %s%n",
                    after.sum("vertx_pool_queue_time_seconds_count", db) - before.sum("vertx_pool_queue_time_seconds_count", db),
                    mean(before, after, "vertx_pool_queue_time_seconds", db),
                    seconds(Scrape.quantile(before, after, "vertx_pool_queue_time_seconds", db, 0.99)),
                    seconds(Scrape.quantile(before, after, "vertx_pool_queue_time_seconds", db, 1)));
            double writes = after.sum("firstline_call_records_writes_total", "")
                    - before.sum("firstline_call_records_writes_total", "");
            double batches = after.sum("firstline_call_records_batches_total", "")
                    - before.sum("firstline_call_records_batches_total", "");
            System.out.printf(Locale.ROOT, "call record writes     %.0f, %.1f per call, in %.0f transactions (%.1f per call)%n", writes,
                    writes / generated, batches, batches / generated);
            System.out.println("server heap            " + heapAfterGc());
        }

        private String heapAfterGc() throws Exception {
            Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
            String how = "in use, no GC first (no jcmd next to java)";
            if (Files.isExecutable(jcmd)) {
                Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(child.pid()), "GC.run")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                how = gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0 ? "in use after a full GC (jcmd GC.run)"
                        : "in use, the full GC failed";
            }
            double heap = new Scrape(api.text("/metrics")).sum("jvm_memory_used_bytes", "area=\"heap\"");
            return String.format(Locale.ROOT, "%.0f MiB %s", heap / (1 << 20), how);
        }

        private List<Double> gcPauses() throws IOException {
            List<Double> pauses = new ArrayList<>();
            try (RandomAccessFile f = new RandomAccessFile(gcLog.toFile(), "r")) {
                f.seek(gcLogBefore);
                String line;
                while ((line = f.readLine()) != null) {
                    Matcher m = GC_PAUSE.matcher(line.trim());
                    if (m.find()) {
                        pauses.add(Double.parseDouble(m.group(1)));
                    }
                }
            }
            return pauses;
        }

        private static double mean(Scrape before, Scrape after, String timer, String labels) {
            double n = after.sum(timer + "_count", labels) - before.sum(timer + "_count", labels);
            double sum = after.sum(timer + "_sum", labels) - before.sum(timer + "_sum", labels);
            return n == 0 ? 0 : sum / n * 1000;
        }

        private static String seconds(double s) {
            return Double.isNaN(s) ? "-" : Double.isInfinite(s) ? "(beyond the last bucket)"
                    : String.format(Locale.ROOT, "%.1f ms", s * 1000);
        }

        @Override
        public void stop() {
            for (int n = children.size() - 1; n >= 0; n--) {
                children.get(n).stop();
            }
            if (database != null) {
                try {
                    io.firstline.db.ServerDatabases.drop(db.get().url(), db.get().user(), db.get().password(), database);
                } catch (io.firstline.db.StoreException e) {
                    System.err.println("could not drop the run's database " + database + ": " + e.getMessage());
                }
            }
        }
    }

    /** The relay floor in its own JVM. */
    private static final class RelayServer implements Server {
        private final Path logs;
        private final List<String> jvm;
        private ChildJvm child;
        private int port;
        private Duration cpuBefore;

        RelayServer(Path logs, List<String> jvm) {
            this.logs = logs;
            this.jvm = jvm;
        }

        @Override
        public void start(int amiPort) throws Exception {
            child = ChildJvm.start("relay", jvm, RelayFloor.class.getName(), List.of("--ami-port", String.valueOf(amiPort)),
                    Map.of(), logs.resolve("relay.log"));
            port = Integer.parseInt(child.await(RELAY_READY, Duration.ofMinutes(1)));
            System.out.printf(Locale.ROOT, "relay (pid %d) ready %.1f s after its JVM started, on port %d; its log: %s%n",
                    child.pid(), child.secondsSinceStart(), port, child.log);
        }

        @Override
        public List<WebSocketConnectOptions> desktops(List<String> interfaces) {
            List<WebSocketConnectOptions> desktops = new ArrayList<>();
            for (String iface : interfaces) {
                desktops.add(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                        .setURI("/ws?interface=" + URLEncoder.encode(iface, StandardCharsets.UTF_8)));
            }
            return desktops;
        }

        @Override
        public List<WebSocketConnectOptions> boardFollowers(int n) {
            return List.of(); // the relay has no board: its phase is the pops' floor only
        }

        @Override
        public void runStarts() {
            cpuBefore = child.cpu();
        }

        @Override
        public void runEnded(Phase phase, double seconds) {
            long generated = phase.generated();
            Duration used = child.cpu().minus(cpuBefore);
            System.out.printf(Locale.ROOT, "relay CPU              %.2f ms per call (%.0f %% of a core)%n",
                    used.toNanos() / 1e6 / generated, used.toNanos() / 1e7 / seconds);
        }

        @Override
        public void stop() {
            if (child != null) {
                child.stop();
            }
        }
    }

    /**
     * Supervisors' sockets following the wallboard ({"type": "board.follow"}): what each received while the phase was
     * measured, and the longest a follower went without an update (a board that froze for someone shows there).
     */
    private static final class BoardFollowers {
        private final List<long[]> perFollower = new CopyOnWriteArrayList<>(); // frames, bytes, longest gap (ns), last (ns)

        BoardFollowers(WebSocketClient client, List<WebSocketConnectOptions> followers, AtomicBoolean measuring)
                throws Exception {
            List<Future<WebSocket>> sockets = new ArrayList<>();
            for (WebSocketConnectOptions o : followers) {
                long[] seen = new long[4];
                perFollower.add(seen);
                sockets.add(client.connect(o).onSuccess(ws -> {
                    ws.textMessageHandler(t -> {
                        if (!measuring.get() || !t.contains("\"board")) {
                            return;
                        }
                        long now = System.nanoTime();
                        synchronized (seen) {
                            seen[0]++;
                            seen[1] += t.length();
                            if (seen[3] != 0) {
                                seen[2] = Math.max(seen[2], now - seen[3]);
                            }
                            seen[3] = now;
                        }
                    });
                    ws.writeTextMessage(new JsonObject().put("type", "board.follow").encode());
                }));
            }
            Future.all(sockets).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }

        int size() {
            return perFollower.size();
        }

        void print(double window) {
            if (perFollower.isEmpty()) {
                return;
            }
            LongSummaryStatistics frames = new LongSummaryStatistics();
            LongSummaryStatistics bytes = new LongSummaryStatistics();
            LongSummaryStatistics gaps = new LongSummaryStatistics();
            for (long[] seen : perFollower) {
                synchronized (seen) {
                    frames.accept(seen[0]);
                    bytes.accept(seen[1]);
                    gaps.accept(seen[2]);
                }
            }
            System.out.printf(Locale.ROOT, "board followers        %d supervisors: board frames each min %d / max %d (%.1f/s),"
                    + " %.1f KiB/s each; longest any went without one %.2f s%n", perFollower.size(), frames.getMin(),
                    frames.getMax(), frames.getAverage() / window, bytes.getAverage() / window / 1024, gaps.getMax() / 1e9);
        }
    }

    /**
     * Samples every 250 ms (plus the time a read takes) what the AMI client's socket has received and its reader not yet read: the kernel's
     * receive queue, from /proc/net/tcp6 and /proc/net/tcp (Linux; no samples elsewhere).
     */
    private static final class UnreadSampler implements AutoCloseable {
        private final Samples samples = new Samples();
        private final Thread thread;
        private volatile boolean stop;

        UnreadSampler(int amiPort) {
            String port = String.format(Locale.ROOT, ":%04X", amiPort);
            thread = new Thread(() -> {
                while (!stop) {
                    long unread = unread(port);
                    if (unread >= 0) {
                        samples.add(unread);
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "load-run-ami-unread");
            thread.setDaemon(true);
            thread.start();
        }

        /** The receive queues of the established sockets connected to the port, or -1 when none is found. */
        private static long unread(String port) {
            long total = -1;
            for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
                try {
                    for (String line : Files.readAllLines(Path.of(table))) {
                        String[] c = line.trim().split("\\s+");
                        // sl local_address rem_address st tx_queue:rx_queue …; st 01 is ESTABLISHED
                        if (c.length > 4 && c[2].endsWith(port) && c[3].equals("01")) {
                            total = Math.max(total, 0) + Long.parseLong(c[4].substring(c[4].indexOf(':') + 1), 16);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // not Linux, or the table changed shape: no sample
                }
            }
            return total;
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Longs from many threads, kept whole for exact percentiles. */
    private static final class Samples {
        private long[] values = new long[1 << 16];
        private int size;

        synchronized void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        synchronized List<Long> sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return Arrays.stream(copy).boxed().toList();
        }
    }

    /** One scrape of /metrics (Prometheus text): series → value. */
    private static final class Scrape {
        private final Map<String, Double> series = new HashMap<>();

        Scrape(String text) {
            for (String line : text.split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }

        /** The sum of the series named so whose labels contain {@code labels} (e.g. {@code area="heap"}; "" for all). */
        double sum(String name, String labels) {
            double total = 0;
            for (Map.Entry<String, Double> e : series.entrySet()) {
                String key = e.getKey();
                int brace = key.indexOf('{');
                String n = brace < 0 ? key : key.substring(0, brace);
                if (n.equals(name) && (labels.isEmpty() || key.contains(labels))) {
                    total += e.getValue();
                }
            }
            return total;
        }

        /**
         * The q-th quantile of a histogram between two scrapes, as the upper bound of its bucket (1 gives the bucket of
         * the largest value); NaN when nothing was observed.
         */
        static double quantile(Scrape before, Scrape after, String name, String labels, double q) {
            Map<Double, Double> counts = new java.util.TreeMap<>();
            for (String key : after.series.keySet()) {
                if (key.startsWith(name + "_bucket{") && (labels.isEmpty() || key.contains(labels))) {
                    Matcher m = Pattern.compile("le=\"([^\"]+)\"").matcher(key);
                    if (m.find()) {
                        double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
                        counts.merge(le, after.series.get(key) - before.series.getOrDefault(key, 0.0), Double::sum);
                    }
                }
            }
            double total = counts.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
            if (total <= 0) {
                return Double.NaN;
            }
            for (Map.Entry<Double, Double> e : counts.entrySet()) {
                if (e.getValue() >= Math.ceil(q * total)) {
                    return e.getKey();
                }
            }
            return Double.POSITIVE_INFINITY;
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
            return new JsonObject(send(b.build()));
        }

        JsonObject get(String path, String token) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return new JsonObject(send(b.build()));
        }

        String text(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build());
        }

        private String send(HttpRequest r) throws IOException, InterruptedException {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() >= 300) {
                throw new IllegalStateException(r.method() + " " + r.uri().getPath() + " → " + resp.statusCode() + " " + resp.body());
            }
            return resp.body();
        }
    }
}
