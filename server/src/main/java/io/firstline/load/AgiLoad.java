package io.firstline.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The FastAGI benchmark (issue 13): N concurrent phone-menu sessions against Firstline in a JVM of
 * its own, each speaking like the Asterisk 22 recordings in traces/*.agi.txt, a new one started
 * whenever one ends; then the same client against the simplest possible FastAGI responder (the
 * floor). Prints first-reply and session-duration percentiles, sessions/s, errors, and the server
 * process's CPU and heap. A benchmark, not a test:
 * {@code java -cp server/target/firstline.jar io.firstline.load.AgiLoad --sessions 500 --seconds 30}.
 */
public final class AgiLoad {

    static final String USAGE = "usage: AgiLoad [--sessions N] [--seconds T] [--warmup T] [--pause-ms MS]"
            + " [--callers N] [--tickets N] [--server-jvm \"JVM OPTIONS\"] [--profile FILE.jfr] [--db-url URL --db-user U [--db-password P]]"
            + " [--server HOST:AGIPORT [--http HOST:PORT --admin-password P] [--server-pid PID]] [--no-floor]";
    private static final String ADMIN_PASSWORD = "agi-load-admin-7Qx";
    /** Longer than the server's own limits (5 s for Asterisk, 1.5 s for the database): a session still open is stuck. */
    private static final long SESSION_TIMEOUT_MS = 10_000;
    /** The floor's fixed answer. */
    private static final String FLOOR_COMMAND = "SET VARIABLE FIRSTLINE_CALLER_ID \"42\"";

    private AgiLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--floor-responder")) {
            FloorResponder.serve(Integer.parseInt(args[1]));
            return;
        }
        Map<String, String> opts = options(args);
        int sessions = Integer.parseInt(opts.getOrDefault("sessions", "500"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "30"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "10"));
        int pauseMs = Integer.parseInt(opts.getOrDefault("pause-ms", "0"));
        int callers = Integer.parseInt(opts.getOrDefault("callers", "500"));
        int tickets = Integer.parseInt(opts.getOrDefault("tickets", "200"));
        if (sessions < 1 || seconds < 1 || warmup < 0 || pauseMs < 0 || callers < 1 || callers > 5000 || tickets < 0
                || tickets > callers) {
            throw new IllegalArgumentException("--sessions >= 1, --seconds >= 1, --warmup >= 0, --pause-ms >= 0,"
                    + " --callers 1..5000, --tickets 0..callers");
        }
        Path work = Files.createTempDirectory("firstline-agiload");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ChildJvm.stopAll();
            ChildJvm.deleteTree(work.resolve("data"));
        }, "agiload-stop-children"));
        System.out.printf(Locale.ROOT, "FastAGI load: %d concurrent sessions, %d s measured after %d s warm-up, %s between a"
                + " session's end and the next; %d client event loops in this JVM; %d cores (work folder %s)%n", sessions,
                seconds, warmup, pauseMs == 0 ? "no pause" : "about " + pauseMs + " ms (0.5 to 1.5 times it)", clientLoops(), Runtime.getRuntime()
                        .availableProcessors(), work);

        System.out.println("load average before the run (1, 5, 15 min): " + loadAverage());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientLoops()));
        try {
            Target firstline;
            FirstlineJvm server = null;
            if (opts.containsKey("server")) {
                String[] hp = opts.get("server").split(":");
                Optional<Long> pid = Optional.ofNullable(opts.get("server-pid")).map(Long::parseLong);
                firstline = new Target(hp[0], Integer.parseInt(hp[1]), pid);
                if (opts.containsKey("http")) {
                    seed(opts.get("http"), opts.getOrDefault("admin-password", ADMIN_PASSWORD), callers, tickets, firstline);
                } else {
                    System.out.println("no --http: nothing seeded; identify will find no caller");
                    firstline.plan = MenuMix.unseeded();
                }
            } else {
                server = startFirstline(work, opts);
                firstline = new Target("127.0.0.1", server.agiPort(), Optional.of(server.jvm().pid()));
                seed("127.0.0.1:" + server.httpPort(), ADMIN_PASSWORD, callers, tickets, firstline);
            }

            System.out.println();
            System.out.println("== Firstline");
            Result fl = new Driver(vertx, firstline.host, firstline.port, sessions, pauseMs, firstline.plan)
                    .run(warmup, seconds, firstline.pid, Optional.ofNullable(opts.get("profile")));
            fl.print(seconds);
            firstline.pid.ifPresent(pid -> System.out.println("server heap    after the run: " + heapInfo(pid)));
            if (server != null) {
                server.jvm().stop();
            }

            if (!opts.containsKey("no-floor")) {
                System.out.println();
                System.out.println("== floor: a Vert.x responder in a JVM of its own, no database: reads the header, sends "
                        + FLOOR_COMMAND + ", then HANGUP, then closes");
                FloorJvm floor = startFloor(work);
                Result fr = new Driver(vertx, "127.0.0.1", floor.agiPort(), sessions, pauseMs, MenuMix.floor())
                        .run(warmup, seconds, Optional.of(floor.jvm().pid()), Optional.empty());
                fr.print(seconds);
                floor.jvm().stop();
                System.out.println();
                System.out.printf(Locale.ROOT, "== Firstline / floor, first reply: p50 %s  p99 %s  p99.9 %s  max %s;"
                        + " sessions/s %.2f×%n", ratio(fl.firstReply, fr.firstReply, 50), ratio(fl.firstReply, fr.firstReply, 99),
                        ratio(fl.firstReply, fr.firstReply, 99.9), ratio(fl.firstReply, fr.firstReply, 100),
                        (double) fl.completed / Math.max(1, fr.completed));
            }
        } finally {
            ChildJvm.stopAll();
            vertx.close().await();
            ChildJvm.deleteTree(work.resolve("data")); // the embedded MariaDB's files; the logs stay
        }
        System.exit(0);
    }

    private static int clientLoops() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    // ---- the server under test and the floor, each in a JVM of its own ----

    /** Where sessions go, with what, and the pid to read CPU and heap of (when known). */
    private static final class Target {
        final String host;
        final int port;
        final Optional<Long> pid;
        MenuMix plan;

        Target(String host, int port, Optional<Long> pid) {
            this.host = host;
            this.port = port;
            this.pid = pid;
        }
    }

    /** Firstline in a JVM of its own, with the ports it listens on. */
    private record FirstlineJvm(ChildJvm jvm, int httpPort, int agiPort) {
    }

    /** The floor responder in a JVM of its own. */
    private record FloorJvm(ChildJvm jvm, int agiPort) {
    }

    private static FirstlineJvm startFirstline(Path work, Map<String, String> opts) throws Exception {
        List<String> jvmOptions = opts.containsKey("server-jvm") ? List.of(opts.get("server-jvm").trim().split("\\s+"))
                : List.of();
        int httpPort = ChildJvm.freePort();
        int agiPort = ChildJvm.freePort();
        Map<String, String> env = new HashMap<>();
        if (opts.containsKey("db-url")) {
            env.put("FIRSTLINE_DB_URL", opts.get("db-url"));
            env.put("FIRSTLINE_DB_USER", opts.getOrDefault("db-user", "root"));
            env.put("FIRSTLINE_DB_PASSWORD", opts.getOrDefault("db-password", ""));
        } else {
            env.put("FIRSTLINE_DATA_DIR", work.resolve("data").toString());
        }
        env.put("FIRSTLINE_HTTP_HOST", "127.0.0.1");
        env.put("FIRSTLINE_HTTP_PORT", String.valueOf(httpPort));
        env.put("FIRSTLINE_AGI_HOST", "127.0.0.1");
        env.put("FIRSTLINE_AGI_PORT", String.valueOf(agiPort));
        env.put("FIRSTLINE_ADMIN_PASSWORD", ADMIN_PASSWORD);
        ChildJvm server = ChildJvm.start("Firstline", jvmOptions, "io.firstline.Firstline", List.of(), env,
                work.resolve("firstline.log"));
        System.out.printf("Firstline: HTTP 127.0.0.1:%d, FastAGI 127.0.0.1:%d, %s%n", httpPort, agiPort,
                opts.containsKey("db-url") ? opts.get("db-url") : "embedded MariaDB in " + work.resolve("data"));
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            server.failIfEnded();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && new JsonObject(r.body()).getJsonObject("database").getString("status").equals("up")) {
                    return new FirstlineJvm(server, httpPort, agiPort);
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Firstline did not answer GET /health within 180 s; see " + server.log);
            }
            Thread.sleep(250);
        }
    }

    private static FloorJvm startFloor(Path work) throws Exception {
        int port = ChildJvm.freePort();
        ChildJvm floor = ChildJvm.start("floor responder", List.of(), AgiLoad.class.getName(),
                List.of("--floor-responder", String.valueOf(port)), Map.of(), work.resolve("floor.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return new FloorJvm(floor, port);
            } catch (ConnectException e) {
                floor.failIfEnded();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the floor responder did not listen within 30 s; see " + floor.log);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The simplest FastAGI server: no script, no database, one fixed command, then HANGUP. */
    static final class FloorResponder {

        static void serve(int port) {
            Vertx vertx = Vertx.vertx();
            vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true)
                    .setAcceptBacklog(1024)).connectHandler(FloorResponder::session).listen().await();
            System.out.println("floor responder listening on 127.0.0.1:" + port);
        }

        private static void session(NetSocket socket) {
            int[] answersAwaited = {-1}; // -1: still reading the header
            socket.handler(RecordParser.newDelimited("\n", line -> {
                if (answersAwaited[0] < 0) {
                    if (line.length() == 0 || line.length() == 1 && line.getByte(0) == '\r') {
                        answersAwaited[0] = 2;
                        socket.write(FLOOR_COMMAND + "\n");
                    }
                    return;
                }
                if (--answersAwaited[0] == 1) {
                    socket.write("HANGUP\n");
                } else {
                    socket.close();
                }
            }).maxRecordSize(4096));
            socket.exceptionHandler(e -> socket.close());
        }
    }

    // ---- what the sessions ask ----

    /** The scripts and callers the sessions use: most identify, some ticket-status, a few callback-request. */
    static final class MenuMix {
        /** Seeded callers' numbers; ticketOf[i] the id of caller i's open ticket, or 0. */
        final List<String> phones;
        final long[] ticketOf;
        final int withTickets;
        /** The callers' number block: its numbers from 5000 up are nobody's. */
        final String block;
        final boolean floor;

        private MenuMix(List<String> phones, long[] ticketOf, int withTickets, String block, boolean floor) {
            this.phones = phones;
            this.ticketOf = ticketOf;
            this.withTickets = withTickets;
            this.block = block;
            this.floor = floor;
        }

        static MenuMix seeded(List<String> phones, long[] ticketOf, int withTickets, String block) {
            return new MenuMix(phones, ticketOf, withTickets, block, false);
        }

        static MenuMix unseeded() {
            return new MenuMix(List.of(), new long[0], 0, "+1555999", false);
        }

        static MenuMix floor() {
            return new MenuMix(List.of(), new long[0], 0, "+1555999", true);
        }

        /** One session's script (with arguments) and calling number. */
        record Pick(String script, String callerId) {
        }

        Pick pick() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String unknown = block + (5000 + r.nextInt(5000));
            int dice = r.nextInt(100);
            boolean known = !phones.isEmpty() && r.nextInt(10) != 0;
            String callerId = known ? phones.get(r.nextInt(phones.size())) : unknown;
            if (floor || dice < 80) {
                return new Pick("identify", callerId);
            }
            if (dice < 95) {
                if (withTickets == 0) {
                    return new Pick("ticket-status?ticket=" + (1_000_000 + r.nextInt(1000)), callerId);
                }
                int i = r.nextInt(withTickets);
                // one in ten asks about a ticket that is not theirs: "not-found"
                long ticket = r.nextInt(10) == 0 ? ticketOf[(i + 1) % withTickets] : ticketOf[i];
                return new Pick("ticket-status?ticket=" + ticket, phones.get(i));
            }
            return new Pick("callback-request?from=queue&queue=software&position=" + (1 + r.nextInt(9)), callerId);
        }
    }

    private static final AtomicLong CHANNELS = new AtomicLong();

    /** The request header as Asterisk 22.10.1 sends it (traces/answered-software.agi.txt), field for field. */
    static String header(String script, String callerId, long channel, String uniqueid) {
        String extension = script.startsWith("identify") ? "s" : script.startsWith("ticket") ? "choice-4" : "callback";
        return "agi_network: yes\n"
                + "agi_network_script: " + script + "\n"
                + "agi_request: agi://127.0.0.1:4573/" + script + "\n"
                + "agi_channel: Local/s@helpdesk-ivr-" + String.format(Locale.ROOT, "%08x", channel) + ";2\n"
                + "agi_language: en\n"
                + "agi_type: Local\n"
                + "agi_uniqueid: " + uniqueid + "\n"
                + "agi_version: 22.10.1\n"
                + "agi_callerid: " + callerId + "\n"
                + "agi_calleridname: Load Caller\n"
                + "agi_callingpres: 0\n"
                + "agi_callingani2: 0\n"
                + "agi_callington: 0\n"
                + "agi_callingtns: 0\n"
                + "agi_dnid: unknown\n"
                + "agi_rdnis: unknown\n"
                + "agi_context: helpdesk-ivr\n"
                + "agi_extension: " + extension + "\n"
                + "agi_priority: 4\n"
                + "agi_enhanced: 0.0\n"
                + "agi_accountcode: \n"
                + "agi_threadid: " + (139922047522496L + (channel & 0xffff) * 4096) + "\n"
                + "\n";
    }

    // ---- seeding through the HTTP API ----

    private static void seed(String httpHostPort, String adminPassword, int callers, int tickets, Target target)
            throws Exception {
        Api api = new Api(httpHostPort);
        String admin = api.post("/api/login", null, new JsonObject().put("username", "admin").put("password", adminPassword))
                .getString("token");
        // A number block of its own for each run, so that a run against a server seeded before finds its callers only.
        String block = String.format(Locale.ROOT, "+1555%03d", 200 + ThreadLocalRandom.current().nextInt(700));
        long t0 = System.nanoTime();
        List<String> phones = new ArrayList<>();
        long[] ticketOf = new long[callers];
        for (int i = 0; i < callers; i++) {
            String phone = block + String.format(Locale.ROOT, "%04d", i);
            long id = api.post("/api/callers", admin, new JsonObject().put("name", "Load Caller " + i)
                    .put("vip", i % 50 == 0).put("phones", new JsonArray().add(phone))).getLong("id");
            phones.add(phone);
            if (i < tickets) {
                ticketOf[i] = api.post("/api/tickets", admin, new JsonObject().put("callerId", id)
                        .put("subject", "Load ticket " + i).put("category", "hardware")).getLong("id");
            }
        }
        System.out.printf(Locale.ROOT, "seeded %d callers (%s0000 to %s%04d, one in fifty a VIP) and %d open tickets through"
                + " the API in %.1f s%n", callers, block, block, callers - 1, tickets, (System.nanoTime() - t0) / 1e9);
        target.plan = MenuMix.seeded(phones, ticketOf, tickets, block);
    }

    /** A tiny JSON-over-HTTP client for the seeding. */
    private static final class Api {
        private final HttpClient http = HttpClient.newHttpClient();
        private final String base;

        Api(String hostPort) {
            this.base = "http://" + hostPort;
        }

        JsonObject post(String path, String token, JsonObject body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body.encode())).header("Content-Type", "application/json");
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() >= 300) {
                throw new IllegalStateException("POST " + path + " → " + resp.statusCode() + " " + resp.body());
            }
            return new JsonObject(resp.body());
        }
    }

    // ---- the client ----

    /** Keeps N sessions in flight against one FastAGI server and collects what they measured. */
    private static final class Driver {
        private final Vertx vertx;
        private final NetClient client;
        private final String host;
        private final int port;
        private final int concurrency;
        private final int pauseMs;
        private final MenuMix mix;
        private final String uniqueidPrefix = (System.currentTimeMillis() / 1000) + ".";
        private final AtomicLong uniqueids = new AtomicLong();
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile boolean measuring;
        private volatile boolean stopping;
        private final Result result = new Result();

        Driver(Vertx vertx, String host, int port, int concurrency, int pauseMs, MenuMix mix) {
            this.vertx = vertx;
            this.host = host;
            this.port = port;
            this.concurrency = concurrency;
            this.pauseMs = pauseMs;
            this.mix = mix;
            this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5_000));
        }

        Result run(int warmupSeconds, int seconds, Optional<Long> serverPid, Optional<String> profile)
                throws InterruptedException {
            for (int i = 0; i < concurrency; i++) {
                // each slot starts on its own event loop context, and stays on it; with a pause, the slots' first
                // sessions are spread over one pause, or all N would start (and pause, and start again) together
                vertx.runOnContext(v -> {
                    if (pauseMs > 0) {
                        vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(pauseMs), id -> startSession());
                    } else {
                        startSession();
                    }
                });
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
            if (profile.isPresent() && serverPid.isPresent()) {
                System.out.println("profiling the measured window: " + jcmd(serverPid.get(), "JFR.start", "name=agiload",
                        "settings=profile").lines().filter(l -> l.contains("Started")).findFirst().orElse("JFR.start failed"));
            }
            long cpu0 = serverPid.map(AgiLoad::cpuTicks).orElse(-1L);
            long childCpu0 = serverPid.map(AgiLoad::descendantsCpuTicks).orElse(-1L);
            long clientCpu0 = cpuTicks(ProcessHandle.current().pid());
            long[] machine0 = machineTicks();
            long t0 = System.nanoTime();
            measuring = true;
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            measuring = false;
            long elapsed = System.nanoTime() - t0;
            long cpu1 = serverPid.map(AgiLoad::cpuTicks).orElse(-1L);
            long childCpu1 = serverPid.map(AgiLoad::descendantsCpuTicks).orElse(-1L);
            long clientCpu1 = cpuTicks(ProcessHandle.current().pid());
            long[] machine1 = machineTicks();
            if (profile.isPresent() && serverPid.isPresent()) {
                jcmd(serverPid.get(), "JFR.stop", "name=agiload", "filename=" + profile.get());
                System.out.println("profile: " + profile.get() + " (jfr print --events jdk.ExecutionSample " + profile.get() + ")");
            }
            stopping = true;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS + 5_000);
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            result.elapsedNanos = elapsed;
            result.leftInFlight = inFlight.get();
            if (cpu0 >= 0 && cpu1 >= 0) {
                result.serverCpuSeconds = (cpu1 - cpu0) / (double) CLOCK_TICKS;
            }
            result.clientCpuSeconds = (clientCpu1 - clientCpu0) / (double) CLOCK_TICKS;
            if (machine0 != null && machine1 != null) {
                result.machineBusy = (machine1[0] - machine0[0]) / (double) Math.max(1, machine1[1] - machine0[1]);
            }
            if (childCpu0 >= 0 && childCpu1 >= 0) {
                result.childrenCpuSeconds = (childCpu1 - childCpu0) / (double) CLOCK_TICKS;
            }
            client.close();
            return result;
        }

        private void startSession() {
            if (stopping) {
                return;
            }
            inFlight.incrementAndGet();
            new Session(this, measuring).start();
        }

        void ended(Session s) {
            inFlight.decrementAndGet();
            if (s.counted) {
                result.add(s);
            }
            if (pauseMs > 0) {
                // a caller listening to a prompt: between half and one and a half pauses, so that slots do not fall into step
                vertx.setTimer(pauseMs / 2 + 1 + ThreadLocalRandom.current().nextInt(pauseMs), id -> startSession());
            } else {
                startSession();
            }
        }
    }

    /** One FastAGI session as Asterisk runs it: the header, then each command answered until the server hangs up. */
    private static final class Session {
        private final Driver driver;
        final boolean counted;
        final String script;
        private final String callerId;
        private long headerWritten;
        long firstReplyNanos = -1;
        long durationNanos;
        int commands;
        String lastCommand = "";
        String error;
        String outcome = "";
        private boolean hungUp;
        private boolean done;
        private NetSocket socket;
        private long timer = -1;

        Session(Driver driver, boolean counted) {
            this.driver = driver;
            this.counted = counted;
            MenuMix.Pick pick = driver.mix.pick();
            this.script = pick.script();
            this.callerId = pick.callerId();
        }

        void start() {
            timer = driver.vertx.setTimer(SESSION_TIMEOUT_MS, id -> {
                timer = -1;
                fail("not ended within " + SESSION_TIMEOUT_MS / 1000 + " s");
                if (socket != null) {
                    socket.close();
                }
            });
            driver.client.connect(driver.port, driver.host).onComplete(ar -> {
                if (ar.failed()) {
                    fail("connect: " + ar.cause().getMessage());
                    end();
                    return;
                }
                socket = ar.result();
                socket.handler(RecordParser.newDelimited("\n", this::line).maxRecordSize(8192));
                socket.exceptionHandler(e -> fail("socket: " + e.getMessage()));
                socket.closeHandler(v -> end());
                long channel = CHANNELS.incrementAndGet();
                socket.write(header(script, callerId, channel, driver.uniqueidPrefix + driver.uniqueids.incrementAndGet()));
                headerWritten = System.nanoTime();
            });
        }

        private void line(Buffer b) {
            long now = System.nanoTime();
            if (firstReplyNanos < 0) {
                firstReplyNanos = now - headerWritten;
            }
            String command = b.toString(StandardCharsets.UTF_8).strip();
            commands++;
            lastCommand = command;
            String answer;
            if (command.startsWith("SET VARIABLE ")) {
                answer = "200 result=1";
                if (!driver.mix.floor) {
                    noteOutcome(command);
                }
            } else if (command.equals("GET VARIABLE FIRSTLINE_MENU_PATH")) {
                answer = "200 result=1 (main/software/callback)";
            } else if (command.startsWith("GET VARIABLE ")) {
                answer = "200 result=0";
            } else if (command.startsWith("GET DATA ")) {
                answer = "200 result=" + (1000 + ThreadLocalRandom.current().nextInt(9000));
            } else if (command.startsWith("VERBOSE ") || command.startsWith("EXEC ") || command.equals("ANSWER")) {
                answer = "200 result=0";
            } else if (command.equals("HANGUP")) {
                hungUp = true;
                answer = "200 result=1";
            } else {
                fail("unexpected command: " + (command.length() > 60 ? command.substring(0, 60) + "…" : command));
                answer = "510 Invalid or unknown command";
            }
            socket.write(answer + "\n");
        }

        /** What the script told the dialplan, counted to show that the seeding was found. */
        private void noteOutcome(String setVariable) {
            String rest = setVariable.substring("SET VARIABLE ".length());
            int sp = rest.indexOf(' ');
            String name = sp < 0 ? rest : rest.substring(0, sp);
            String value = sp < 0 ? "" : rest.substring(sp + 1);
            switch (name) {
                case "FIRSTLINE_CALLER_ID" -> outcome = value.equals("\"\"") ? "unknown caller" : "caller found";
                case "FIRSTLINE_TICKET_STATUS", "FIRSTLINE_CALLBACK_STATUS" -> outcome = value.replace("\"", "");
                case "FIRSTLINE_PIN_REQUIRED" -> outcome = "PIN asked";
                default -> {
                }
            }
        }

        /** Whether the last command is the one each script ends with: a session cut short is an error. */
        private boolean finishedProperly() {
            if (driver.mix.floor) {
                return hungUp && commands == 2;
            }
            String last = lastCommand.equals("HANGUP") ? "" : lastCommand;
            if (script.startsWith("identify")) {
                return last.startsWith("SET VARIABLE FIRSTLINE_PRIORITY ");
            }
            if (script.startsWith("ticket-status")) {
                return last.startsWith("SET VARIABLE FIRSTLINE_TICKET_STATUS ") || last.startsWith("SET VARIABLE FIRSTLINE_PIN_REQUIRED ");
            }
            return last.startsWith("SET VARIABLE FIRSTLINE_CALLBACK_STATUS ");
        }

        private void fail(String why) {
            if (error == null) {
                error = why;
            }
        }

        private void end() {
            if (done) {
                return;
            }
            done = true;
            if (timer >= 0) {
                driver.vertx.cancelTimer(timer);
            }
            durationNanos = System.nanoTime() - headerWritten;
            if (error == null && commands == 0) {
                error = "closed without a command";
            } else if (error == null && !finishedProperly()) {
                error = "ended after " + lastCommand.replaceAll("\".*", "…");
            }
            driver.ended(this);
        }
    }

    /** What one run measured: the sessions that started within the measured window. */
    private static final class Result {
        final LongList firstReply = new LongList();
        final LongList duration = new LongList();
        final Map<String, Integer> errors = new TreeMap<>();
        final Map<String, Integer> outcomes = new TreeMap<>();
        long completed;
        long elapsedNanos;
        int leftInFlight;
        double serverCpuSeconds = -1;
        double childrenCpuSeconds = -1;
        double clientCpuSeconds;
        double machineBusy = -1;

        synchronized void add(Session s) {
            if (s.error != null) {
                errors.merge(s.error, 1, Integer::sum);
            } else {
                completed++;
                firstReply.add(s.firstReplyNanos);
                duration.add(s.durationNanos);
                String script = s.driver.mix.floor ? "floor" : s.script.contains("?") ? s.script.substring(0, s.script.indexOf('?'))
                        : s.script;
                outcomes.merge(script + (s.outcome.isEmpty() ? "" : ": " + s.outcome), 1, Integer::sum);
            }
        }

        synchronized void print(int seconds) {
            double elapsed = elapsedNanos / 1e9;
            long failed = errors.values().stream().mapToLong(Integer::longValue).sum();
            System.out.printf(Locale.ROOT, "sessions       %d completed (%.1f/s), %d errors%s%n", completed, completed / elapsed,
                    failed, leftInFlight > 0 ? ", " + leftInFlight + " still open at the end" : "");
            errors.forEach((why, n) -> System.out.printf("  error: %s × %d%n", why, n));
            System.out.println("  " + String.join(", ", outcomes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .toList()));
            System.out.println("first reply    " + firstReply.percentiles());
            System.out.println("session        " + duration.percentiles());
            if (serverCpuSeconds >= 0) {
                System.out.printf(Locale.ROOT, "server CPU     %.1f s in %.0f s (%.0f %% of one core), %.3f ms per completed session%n",
                        serverCpuSeconds, elapsed, 100 * serverCpuSeconds / elapsed,
                        completed == 0 ? 0 : 1000 * serverCpuSeconds / completed);
            }
            if (childrenCpuSeconds >= 0) {
                System.out.printf(Locale.ROOT, "its MariaDB    %.1f s in %.0f s (%.0f %% of one core), %.3f ms per completed session%n",
                        childrenCpuSeconds, elapsed, 100 * childrenCpuSeconds / elapsed,
                        completed == 0 ? 0 : 1000 * childrenCpuSeconds / completed);
            }
            System.out.printf(Locale.ROOT, "client CPU     %.1f s in %.0f s (%.0f %% of one core): this JVM, on the same machine%n",
                    clientCpuSeconds, elapsed, 100 * clientCpuSeconds / elapsed);
            if (machineBusy >= 0) {
                System.out.printf(Locale.ROOT, "machine        %.0f %% busy (all %d cores, every process, other users' included)%n",
                        100 * machineBusy, Runtime.getRuntime().availableProcessors());
            }
        }
    }

    /** A growable list of nanosecond figures, with percentiles. */
    static final class LongList {
        private long[] values = new long[1 << 14];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        synchronized long percentile(double p) {
            if (size == 0) {
                return -1;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int i = (int) Math.min(size - 1, Math.ceil(p / 100.0 * size) - 1);
            return sorted[Math.max(0, i)];
        }

        String percentiles() {
            return String.format(Locale.ROOT, "p50 %s  p99 %s  p99.9 %s  max %s  (n=%d)", ms(percentile(50)), ms(percentile(99)),
                    ms(percentile(99.9)), ms(percentile(100)), size);
        }
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String ratio(LongList a, LongList b, double p) {
        long x = a.percentile(p);
        long y = b.percentile(p);
        return x < 0 || y <= 0 ? "-" : String.format(Locale.ROOT, "%.1f×", (double) x / y);
    }

    // ---- the server process's CPU and heap ----

    /** USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on Linux everywhere that matters. */
    private static final long CLOCK_TICKS = 100;

    /** utime + stime of a process, in clock ticks; -1 when /proc cannot tell. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The machine's busy and total CPU ticks (/proc/stat), or null. */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** CPU of the processes a process started (Firstline's embedded MariaDB), in clock ticks; -1 when there are none. */
    static long descendantsCpuTicks(long pid) {
        List<Long> ticks = ProcessHandle.of(pid).map(p -> p.descendants().map(d -> cpuTicks(d.pid())).filter(t -> t >= 0)
                .toList()).orElse(List.of());
        return ticks.isEmpty() ? -1 : ticks.stream().mapToLong(Long::longValue).sum();
    }

    private static String heapInfo(long pid) {
        String out = jcmd(pid, "GC.heap_info");
        return out.lines().filter(l -> l.contains("total") && l.contains("used")).findFirst().map(String::strip)
                .orElse("(jcmd said: " + out.strip() + ")");
    }

    /** Runs the JDK's jcmd (next to this JVM's java) on a process; its output. */
    private static String jcmd(long pid, String... command) {
        Path jcmd = ProcessHandle.current().info().command().map(c -> Path.of(c).resolveSibling("jcmd"))
                .filter(Files::isExecutable).orElse(Path.of("jcmd"));
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException | InterruptedException e) {
            return "(jcmd failed: " + e.getMessage() + ")";
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        List<String> flags = List.of("no-floor");
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (flags.contains(a.substring(2))) {
                m.put(a.substring(2), "");
                continue;
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(a + " needs a value; " + USAGE);
            }
            m.put(a.substring(2), rest.remove(0));
        }
        return m;
    }
}
