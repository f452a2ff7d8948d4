package io.firstline;

import io.firstline.audit.AuditStore;
import io.firstline.auth.Accounts;
import io.firstline.auth.AgentStore;
import io.firstline.auth.KioskStore;
import io.firstline.auth.Passwords;
import io.firstline.auth.SessionStore;
import io.firstline.board.BoardFollowers;
import io.firstline.board.LiveBoard;
import io.firstline.bus.Bus;
import io.firstline.callers.CallerStore;
import io.firstline.cluster.ClusterNode;
import io.firstline.cluster.LinkLease;
import io.firstline.cluster.LinkOwnership;
import io.firstline.cluster.PbxOwnerStore;
import io.firstline.config.ConfigException;
import io.firstline.config.Settings;
import io.firstline.config.SettingsLoader;
import io.firstline.db.Database;
import io.firstline.db.EmbeddedMariaDb;
import io.firstline.db.Fence;
import io.firstline.db.StoreException;
import io.firstline.demo.DemoData;
import io.firstline.desk.DeskStore;
import io.firstline.desk.OutcomeStore;
import io.firstline.desk.PopDataStore;
import io.firstline.desk.ScreenPops;
import io.firstline.kb.KbStore;
import io.firstline.metrics.Metrics;
import io.firstline.phone.PhoneMenuStore;
import io.firstline.phone.PhoneNumbers;
import io.firstline.presence.PresenceLog;
import io.firstline.presence.PresenceStore;
import io.firstline.presence.PresenceWriter;
import io.firstline.records.CallReconciler;
import io.firstline.records.CallRecorder;
import io.firstline.records.CallStore;
import io.firstline.reports.KpiStore;
import io.firstline.settings.CurrentSettings;
import io.firstline.settings.SettingsStore;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.DemoHelpDesk;
import io.firstline.sim.ManagerUser;
import io.firstline.sim.TrafficConfig;
import io.firstline.telephony.AmiLink;
import io.firstline.telephony.agi.AgiVerticle;
import io.firstline.tickets.TicketStore;
import io.firstline.web.WebVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Firstline's entry point: reads the settings, opens the problems database (embedded MariaDB when
 * none is configured), and starts the HTTP server. {@link #start} is also what tests call.
 */
public final class Firstline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Firstline.class);
    private static final String DEMO_AMI_USER = "firstline";
    private static final String DEMO_AMI_SECRET = "demo-secret";
    /** At most this many callers of the directory call the demo (all of the demo's own 3,000). */
    private static final int DEMO_CALLERS = 5000;
    private static final long DEMO_TRAFFIC_SEED = 42;
    /** Cluster mode: a transaction idle this long is rolled back by the server (well within a lease, docs/cluster.md). */
    private static final Duration CLUSTER_IDLE_TRANSACTION = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final Database db;
    private final WebVerticle web;
    private final AgiVerticle agi;
    private final Optional<AmiSimulator> simulator;
    private final CallRecorder recorder;
    private final PresenceLog presenceLog;
    private final PresenceWriter presence;
    private final CallFlowVerticle flow;

    private Firstline(Vertx vertx, Database db, WebVerticle web, AgiVerticle agi, Optional<AmiSimulator> simulator,
            CallRecorder recorder, PresenceLog presenceLog, PresenceWriter presence, CallFlowVerticle flow) {
        this.flow = flow;
        this.vertx = vertx;
        this.db = db;
        this.web = web;
        this.agi = agi;
        this.simulator = simulator;
        this.recorder = recorder;
        this.presenceLog = presenceLog;
        this.presence = presence;
    }

    public static void main(String[] args) {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        if (args.length > 0 && args[0].equals("seed")) {
            System.exit(SeedCommand.run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && args[0].equals("reset-password")) {
            System.exit(ResetPasswordCommand.run(List.of(args).subList(1, args.length)));
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("firstline: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        Settings settings;
        try {
            settings = SettingsLoader.load(System.getenv(), options.config());
        } catch (ConfigException e) {
            System.err.println("firstline: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        for (String unknown : SettingsLoader.unknownEnvironmentSettings(System.getenv())) {
            log.warn("{} is not a Firstline setting and is ignored (a typo?)", unknown);
        }
        try {
            Firstline app = start(settings, options.demo());
            // One shutdown path: the call records still held are written, then Vert.x, the pool and MariaDB stop.
            app.db.stopAtExitOnlyOnClose();
            Runtime.getRuntime().addShutdownHook(new Thread(app::close, "firstline-shutdown"));
        } catch (StoreException | ConfigException | ClusterNode.IncompatibleNodeException e) {
            System.err.println("firstline: cannot start: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Starts everything and returns once the HTTP server listens. Blocking. */
    public static Firstline start(Settings settings, boolean demo) {
        return start(settings, demo, Clock.systemUTC());
    }

    /**
     * As {@link #start(Settings, boolean)}, on the given clock: every "now" and "today" of the server (call event
     * stamps, rows, sessions, the board, the reports' and the desk's days, the demo data) comes from it. Tests give
     * one set to a chosen day and hour, so that nothing depends on the date, midnight or the machine's zone.
     */
    public static Firstline start(Settings settings, boolean demo, Clock clock) {
        return start(settings, demo, clock, LinkLease.Timing.standard());
    }

    /** As {@link #start(Settings, boolean, Clock)}, with the PBX links' leases of cluster mode (tests shorten them). */
    public static Firstline start(Settings settings, boolean demo, Clock clock, LinkLease.Timing linkLeases) {
        Metrics metrics = new Metrics();
        if (settings.cluster().enabled() && demo) {
            throw new ConfigException("--demo runs a simulated PBX of its own on each node: not with CLUSTER=true");
        }
        if (settings.cluster().enabled() && settings.pbxs().isEmpty()) {
            throw new ConfigException("CLUSTER=true needs the PBXs (FIRSTLINE_AMI_* or PBX.<name>.*): the nodes follow them");
        }
        io.vertx.core.VertxOptions vertxOptions = new io.vertx.core.VertxOptions().setMetricsOptions(metrics.vertxOptions());
        io.vertx.core.VertxBuilder builder = Vertx.builder().with(vertxOptions).withMetrics(metrics.vertxMetrics());
        Optional<ClusterNode> member = Optional.empty();
        Vertx vertx;
        if (settings.cluster().enabled()) {
            // Cluster mode: joined, and checked to run the members' build, before this node touches the database.
            Settings.Cluster c = settings.cluster();
            member = Optional.of(ClusterNode.of(c, version(), Database.newestMigration()));
            vertxOptions.getEventBusOptions().setHost(c.host()).setPort(c.busPort()).setClusterPublicHost(c.publicHost());
            if (c.publicBusPort() != 0) {
                vertxOptions.getEventBusOptions().setClusterPublicPort(c.publicBusPort());
            }
            if (c.busTls().isPresent()) {
                // Both ways: a peer without a certificate the CA file vouches for can neither send to the bus nor read it.
                Settings.BusTls t = c.busTls().get();
                vertxOptions.getEventBusOptions().setSsl(true)
                        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(t.certFile().toString())
                                .setKeyPath(t.keyFile().toString()))
                        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(t.caFile().toString()))
                        .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED);
            } else {
                log.warn("Cluster: the event bus speaks plain TCP: whoever reaches its port ({}) can read the pops and"
                        + " send commands to the PBXs. Set FIRSTLINE_CLUSTER_TLS_CERT_FILE and _KEY_FILE (docs/cluster.md),"
                        + " or keep the port on a private network", c.busPort() == 0 ? "any free one, as set" : c.busPort());
            }
            vertx = await(builder.withClusterManager(member.get().manager()).buildClustered());
            try {
                member.get().checkMembers();
                Vertx joined = vertx;
                member.get().onRejoined(() -> Bus.publishHere(joined, Bus.CLUSTER_REJOINED, true));
            } catch (RuntimeException e) {
                await(vertx.close());
                throw e;
            }
        } else {
            vertx = builder.build();
        }
        Database db = null;
        Optional<AmiSimulator> simulator = Optional.empty();
        CallRecorder recorder = null;
        PresenceWriter presenceWriter = null;
        PresenceLog presenceLog = null;
        try {
            db = openDatabase(vertx, settings, clock, metrics);
            db.watch(vertx);
            if (demo) {
                DemoData.fillIfEmpty(db, settings.timezone(), () -> Passwords.hash(DemoData.PASSWORD));
            }
            AgentStore agents = new AgentStore(db);
            CallerStore callers = new CallerStore(db);
            TicketStore tickets = new TicketStore(db);
            KbStore kb = new KbStore(db);
            Accounts accounts = new Accounts(vertx, agents, new SessionStore(db), settings.sessionIdle(), clock);
            await(accounts.ensureAdmin(settings.adminPassword())).ifPresent(Firstline::showGeneratedAdminPassword);
            PhoneNumbers phones = new PhoneNumbers(settings.phoneRegion());
            // The settings administrators change at run time: from the database, filled from the environment at first.
            SettingsStore runSettings = new SettingsStore(db);
            CurrentSettings current = await(CurrentSettings.start(runSettings, settings));
            current.listen(vertx);
            List<Settings.Pbx> pbxs = new ArrayList<>(settings.pbxs());
            if (demo) {
                simulator = Optional.of(DemoHelpDesk.pbx().host("127.0.0.1").port(0)
                        .credentials(DEMO_AMI_USER, DEMO_AMI_SECRET).managerUser(ManagerUser.FIRSTLINE).build());
                pbxs.add(new Settings.Pbx("demo", "127.0.0.1", simulator.get().port(), DEMO_AMI_USER, DEMO_AMI_SECRET));
            }

            // Cluster mode: a PBX's link is followed by the node holding its lease; its writes are fenced by it.
            Optional<LinkOwnership> ownership = Optional.empty();
            if (settings.cluster().enabled()) {
                ownership = Optional.of(new LinkOwnership(vertx, new PbxOwnerStore(db,
                        vertx.createSharedWorkerExecutor("firstline-lease",
                        Math.max(1, Math.min(4, pbxs.size())))), settings.cluster().nodeId(), linkLeases,
                        pbxs.stream().map(Settings.Pbx::name).toList(), member.orElseThrow()::size));
                log.info("Cluster mode: node {}; each PBX's link is followed by the node that holds its lease",
                        settings.cluster().nodeId());
            }
            Fence fence = ownership.<Fence>map(o -> o).orElse(Fence.NONE);

            // The call path: one context follows the PBXs; what it learns pops, records and feeds the board.
            CallStore calls = new CallStore(db, phones, fence);
            recorder = new CallRecorder(vertx, calls.writer(), 2, Duration.ofMillis(200));
            CallRecorder records = recorder;
            ScreenPops pops = new ScreenPops(vertx, agents, new PopDataStore(db, phones), clock);
            // Calls recorded in progress that the PBX no longer has: the board reads today's figures again once they are ended.
            CallReconciler reconciler = new CallReconciler(vertx, calls, records, (pbx, ended) -> {
                metrics.reconciled(pbx, ended);
                if (ended > 0) {
                    Bus.publish(vertx, Bus.FIGURES_CHANGED, null);
                }
            });
            KpiStore kpis = new KpiStore(db);
            // When each member was signed in and paused, written behind the call flow's back like the calls.
            PresenceStore presence = new PresenceStore(db, fence);
            presenceWriter = new PresenceWriter(vertx, presence);
            PresenceWriter presenceSteps = presenceWriter;
            presenceLog = new PresenceLog(vertx, presenceWriter, clock);
            // The sockets following the board (web event loop) tell the board (call flow) whether to build it at all.
            BoardFollowers boardFollowers = new BoardFollowers();
            CallFlowVerticle flow = new CallFlowVerticle(pbxs, AmiLink.Timing.standard(), clock, pops, change -> {
                if (change.call() != null) {
                    records.submit(change.call(), change.timeline());
                }
            }, settings.desk().wrapupPause(), (liveCalls, members, health) -> new LiveBoard(vertx, () -> current.now().board(), settings.timezone(), clock, kpis, presence,
                    agents, liveCalls, members, health,
                    () -> Future.all(records.flushed(), presenceSteps.flushed()).mapEmpty(), boardFollowers),
                    metrics::observe, reconciler::afterSnapshot, presenceLog,
                    ownership.map(o -> new CallFlowVerticle.Clustered(o, pbx -> records.discard(pbx) + " calls' changes and "
                            + presenceSteps.discard(pbx) + " presence steps", records::submit)));
            await(vertx.deployVerticle(flow));

            // HTTP: every feature's handlers on one router.
            WebVerticle web = new WebVerticle(settings.httpHost(), settings.httpPort(),
                    new WebVerticle.Services(db, agents, callers, tickets, kb, calls, new OutcomeStore(db, phones),
                            new DeskStore(db, settings.desk().callbackClaim()), kpis, accounts, phones, flow::health,
                            flow.commands(), settings, runSettings, current),
                    new WebVerticle.BoardServices(new AuditStore(db), new KioskStore(db),
                            settings.metricsEnabled() ? metrics::scrape : null, boardFollowers,
                            member.map(m -> m::members)));
            await(vertx.deployVerticle(web));

            // The phone menu's FastAGI server.
            AgiVerticle agi = new AgiVerticle(settings.agiHost(), settings.agiPort(), new PhoneMenuStore(db), phones,
                    new PhoneMenuStore.PinLimit(settings.phoneMenu().pinFailures(), settings.phoneMenu().pinWindow()));
            await(vertx.deployVerticle(agi));

            watch(metrics, vertx, pops, flow, db, records, web);
            ownership.ifPresent(o -> metrics.cluster(o::owned, o::takeovers, () -> records.fenced() + presenceSteps.fenced()));
            member.ifPresent(m -> metrics.clusterMembers(m::size));
            metrics.presenceSteps(presenceSteps::backlog);
            metrics.board(boardFollowers);
            vertx.setPeriodic(TimeUnit.MINUTES.toMillis(10), id -> accounts.purgeIdleSessions());
            log.info("Firstline is ready on {}://{}:{}{}", settings.web().tls().isPresent() ? "https" : "http",
                    displayHost(settings.httpHost()), web.actualPort(),
                    pbxs.isEmpty() ? " (no PBX configured: set FIRSTLINE_AMI_HOST to connect to Asterisk)" : "");
            if (simulator.isPresent()) {
                startDemoTraffic(simulator.get(), db);
            }
            return new Firstline(vertx, db, web, agi, simulator, recorder, presenceLog, presenceWriter, flow);
        } catch (RuntimeException | Error | IOException e) {
            simulator.ifPresent(AmiSimulator::close);
            if (db != null) {
                db.close();
            }
            await(vertx.close());
            if (e instanceof IOException io) {
                throw new UncheckedIOException("the demo PBX simulator could not start: " + io.getMessage(), io);
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw (RuntimeException) e;
        }
    }

    private static void showGeneratedAdminPassword(String password) {
        System.out.println("""

                ================================================================
                 Firstline created the administrator account.
                   username: admin
                   password: %s
                 It is shown this once. Sign in and change it ("Change
                 password" at the top of every page), or set
                 FIRSTLINE_ADMIN_PASSWORD before the first start. Lost it?
                 java -jar firstline.jar reset-password admin
                ================================================================
                """.formatted(password));
    }

    /** What /metrics reads from the running parts, once they run. */
    private static void watch(Metrics metrics, Vertx vertx, ScreenPops pops, CallFlowVerticle flow, Database db,
            CallRecorder records, WebVerticle web) {
        metrics.watchPops(vertx, pops);
        metrics.eventLoops(vertx);
        metrics.pbxLinks(flow.pbxNames(), flow::link);
        metrics.database(db::up);
        metrics.callRecords(records::backlog, records::oldestWaiting, records::writes, records::batches);
        metrics.webSockets(web::openWebSockets);
        metrics.webRefusals(WebVerticle.REFUSALS, web::refused);
    }

    /**
     * The demo's calls, from callers of the whole directory in an order of this start's own; the arrivals, queues and
     * outcomes are the same at every start (blocking: the main thread reads the directory once, as it filled it).
     */
    private static void startDemoTraffic(AmiSimulator sim, Database db) {
        TrafficConfig.Builder traffic = DemoHelpDesk.traffic().seed(DEMO_TRAFFIC_SEED);
        for (DemoData.Listed caller : DemoData.directory(db, new Random(), DEMO_CALLERS)) {
            traffic.caller(caller.number(), caller.name());
        }
        sim.traffic().start(traffic.build());
        log.info("Demo: a simulated Asterisk sends a call about every {} s (agents alice, bob and carol answer)",
                DemoHelpDesk.SECONDS_BETWEEN_CALLS);
    }

    /** @param metrics where HikariCP reports, or null */
    static Database openDatabase(Vertx vertx, Settings settings, Clock clock, Metrics metrics) {
        Optional<io.micrometer.core.instrument.MeterRegistry> registry = Optional.ofNullable(metrics).map(Metrics::registry);
        if (settings.externalDb().isPresent()) {
            Settings.ExternalDb x = settings.externalDb().get();
            // Cluster mode: a node cut off in the middle of a write must not hold its locks (its PBX's owner row) for long.
            return Database.open(vertx, x.url(), x.user(), x.password(), settings.dbPoolSize(), Optional.empty(),
                    clock, registry, settings.cluster().enabled() ? Optional.of(CLUSTER_IDLE_TRANSACTION) : Optional.empty());
        }
        EmbeddedMariaDb embedded = EmbeddedMariaDb.start(settings.dataDir(), settings.embeddedDbPort());
        try {
            return Database.open(vertx, embedded.jdbcUrl(), embedded.user(), embedded.password(), settings.dbPoolSize(),
                    Optional.of(embedded), clock, registry);
        } catch (RuntimeException | Error e) {
            embedded.close();
            throw e;
        }
    }

    /** The demo's simulated PBX, when started with --demo. */
    public Optional<AmiSimulator> simulator() {
        return simulator;
    }

    /** The port the FastAGI server listens on. */
    public int agiPort() {
        return agi.actualPort();
    }

    public int httpPort() {
        return web.actualPort();
    }

    /** Stops the HTTP server, then the database (and the embedded MariaDB, waiting for it). */
    /** Calls whose changes are not yet written (for tests and metrics). */
    public CallRecorder recorder() {
        return recorder;
    }

    /** The queue members' sign-ins and pauses not yet written (for tests). */
    public PresenceWriter presence() {
        return presence;
    }

    @Override
    public void close() {
        simulator.ifPresent(AmiSimulator::close);
        int held = recorder.backlog();
        try {
            // Every call change received so far is written before the database goes.
            recorder.flushed().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            log.info("Stopping: the changes of {} calls still held were written", held);
        } catch (Exception e) {
            log.warn("Stopping: the changes of {} calls could not be written: {}", recorder.backlog(), e.getMessage());
        }
        try {
            // Intervals open now stay open, known to hold until now: the next start resynchronises them with the PBX.
            presenceLog.confirmLive();
            presence.flushed().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Stopping: {} presence steps could not be written: {}", presence.backlog(), e.getMessage());
        }
        try {
            // Cluster mode: the links close and their leases are given back, for other nodes to take over at once.
            flow.handBack().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Stopping: the PBX links' leases could not be given back ({}); other nodes take over once they run out",
                    e.getMessage());
        }
        db.unwatch();
        try {
            await(vertx.close());
        } catch (RuntimeException e) {
            log.warn("Stopping Vert.x: {}", e.getMessage());
        }
        db.close();
        log.info("Firstline stopped");
    }

    /** This build's version (the project's), which the nodes of a cluster compare. */
    static String version() {
        try (java.io.InputStream in = Firstline.class.getResourceAsStream("build.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("io/firstline/build.properties is missing from the build", e);
        }
    }

    static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out", e);
        }
    }

    private static String displayHost(String host) {
        return host.equals("0.0.0.0") ? "localhost" : host;
    }

    /** The command line. */
    record Options(Optional<Path> config, boolean demo, boolean help) {

        static final String USAGE = """
                usage: java -jar firstline.jar [--config FILE] [--demo]
                       java -jar firstline.jar seed [--callers N] [--tickets N] [--calls N] [--config FILE]
                       java -jar firstline.jar reset-password USERNAME [--password-stdin] [--config FILE]
                  --config FILE   settings file (KEY=VALUE lines, e.g. HTTP_PORT=8080); FIRSTLINE_* variables win
                  --demo          add demo data and a simulated PBX, so that calls arrive at once
                                  (demo accounts alice, bob, carol and sam; password demo-password)
                  seed            add N synthetic callers, tickets and calls for load tests, then exit
                  reset-password  give USERNAME a new password (generated and shown once, or one line read
                                  from standard input with --password-stdin) and end their sessions; with the
                                  embedded database, stop the server first
                  --help          this text""";

        static Options parse(String[] args) {
            Optional<Path> config = Optional.empty();
            boolean demo = false;
            boolean help = false;
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String a = rest.remove(0);
                switch (a) {
                    case "--config" -> {
                        if (rest.isEmpty()) {
                            throw new IllegalArgumentException("--config needs a file name");
                        }
                        config = Optional.of(Path.of(rest.remove(0)));
                    }
                    case "--demo" -> demo = true;
                    case "--help", "-h" -> help = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            return new Options(config, demo, help);
        }
    }
}
