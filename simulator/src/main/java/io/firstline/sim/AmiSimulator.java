// AMI server that behaves like Asterisk 22 for Firstline: accepts clients, answers actions, sends generated or replayed events; thread-safe public API, see the class comment of each helper for its thread.
package io.firstline.sim;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class AmiSimulator implements AutoCloseable {

    private volatile EventWatcher watcher;
    private volatile WriteWatcher writeWatcher;

    private static final Logger log = LoggerFactory.getLogger(AmiSimulator.class);
    static final String GREETING = "Asterisk Call Manager/11.0.0\r\n";
    private static final DateTimeFormatter EVENT_TV =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final String NO_SESSION_TV = "1970-01-01T00:00:00.000+0000";

    private final ServerSocket server;
    private final String username;
    private final String secret;
    private final ManagerUser managerUser;
    private final java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
    private final Duration loginFailureDelay;
    private final SimScheduler clock;
    private final PbxState pbx;
    private final CallGenerator traffic;
    private final List<AmiSession> sessions = new CopyOnWriteArrayList<>();
    /** The last {@link #keptActions} actions received; a demo runs for days. Guarded by itself. */
    private final ArrayDeque<ReceivedAction> received = new ArrayDeque<>();
    private final int keptActions;
    private long receivedTotal;
    private final Random sessionIds = new Random();
    private final Thread acceptor;
    private volatile boolean responsive = true;
    private volatile boolean listsUnfinished;
    /** Actions answered with an error, by lower-case name: the error's message. */
    private final Map<String, String> refused = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;

    private AmiSimulator(Builder b) throws IOException {
        this.username = b.username;
        this.secret = b.secret;
        this.managerUser = b.user;
        this.loginFailureDelay = b.loginFailureDelay;
        this.keptActions = b.keptActions;
        this.clock = new SimScheduler(b.timeScale, System.currentTimeMillis());
        List<PbxState.QueueDef> queues = b.queues.isEmpty() ? List.of(new PbxState.QueueDef("software", "rrmemory"),
                new PbxState.QueueDef("hardware", "ringall"), new PbxState.QueueDef("network", "rrmemory")) : b.queues;
        List<PbxState.AgentDef> agents = b.agents.isEmpty() ? List.of(
                new PbxState.AgentDef("Local/1001@agents/n", "Alice Agent"),
                new PbxState.AgentDef("Local/1002@agents/n", "Bob Agent"),
                new PbxState.AgentDef("Local/1003@agents/n", "Carol Agent")) : b.agents;
        this.pbx = new PbxState(queues, agents, clock.startMs());
        this.traffic = new CallGenerator(clock, pbx, this::publish);
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getByName(b.host), b.port), 50);
        this.acceptor = new Thread(this::acceptLoop, "ami-sim-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
        log.info("AMI simulator listening on {}:{}", b.host, port());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TCP port the simulator listens on (useful with port 0). */
    public int port() {
        return server.getLocalPort();
    }

    /** The call generator of this simulator (idle until {@link CallGenerator#start} is called). */
    public CallGenerator traffic() {
        return traffic;
    }

    /** The actions received so far, from all clients, in arrival order: the last {@link Builder#keptActions} of them. */
    public List<ReceivedAction> receivedActions() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** How many actions were received so far, those no longer kept included: a mark for {@link #awaitAction(long, String, java.util.function.Predicate, Duration)}. */
    public long receivedCount() {
        synchronized (received) {
            return receivedTotal;
        }
    }

    /** The first action named {@code name} (case-insensitive) received so far, waiting for it up to the timeout. */
    public ReceivedAction awaitAction(String name, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (ReceivedAction a : received) {
                    if (a.name().equalsIgnoreCase(name)) {
                        return a;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no " + name + " action within " + timeout);
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /**
     * The first action named {@code name} (case-insensitive) that matches {@code what}, among those
     * received after the first {@code after} actions ({@link #receivedCount()}; while no more than
     * {@link Builder#keptActions} came, {@code receivedActions().size()} is the same), waiting for it up to the timeout.
     */
    public ReceivedAction awaitAction(long after, String name, java.util.function.Predicate<ReceivedAction> what,
            Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                long number = receivedTotal - received.size();
                for (ReceivedAction a : received) {
                    if (number++ >= after && a.name().equalsIgnoreCase(name) && what.test(a)) {
                        return a;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no matching " + name + " action within " + timeout + "; got " + received);
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Number of open client connections. */
    public int connectedClients() {
        int n = 0;
        for (AmiSession s : sessions) {
            if (!s.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /** Resets every client connection at once (TCP RST), as a crashed PBX would. New connections are accepted. */
    public void dropAllClients() {
        for (AmiSession s : sessions) {
            s.abort();
        }
    }

    /**
     * From now on, answers the action (case ignored) with {@code Response: Error} and {@code message}, as Asterisk does
     * when it cannot or will not do it (e.g. a user without the rights); null {@code message}: answered normally again.
     */
    public void refuseAction(String action, String message) {
        if (message == null) {
            refused.remove(action.toLowerCase(Locale.ROOT));
        } else {
            refused.put(action.toLowerCase(Locale.ROOT), message);
        }
    }

    /**
     * true: the list actions (QueueStatus, CoreShowChannels) are answered and their items sent, but never their
     * closing Complete event, as from an Asterisk that hangs half-way; false: back to normal.
     */
    public void setListsUnfinished(boolean unfinished) {
        this.listsUnfinished = unfinished;
    }

    private List<AmiMessage> finished(List<AmiMessage> list) {
        return listsUnfinished && !list.isEmpty() ? list.subList(0, list.size() - 1) : list;
    }

    /**
     * Takes a dynamic member out of a queue as the PBX's own console would ({@code queue remove member}), not over
     * AMI: its QueueMemberRemoved goes only to the clients logged in at that moment. Throws when Asterisk would refuse.
     */
    public void removeMember(String queue, String memberInterface) {
        clock.run(() -> {
            PbxState.Outcome o = pbx.remove(queue, memberInterface);
            if (o.error() != null) {
                throw new IllegalStateException(o.error());
            }
            o.events().forEach(this::publish);
        });
    }

    /**
     * false: simulate a half-open connection: sockets stay open, but nothing is sent and actions are not answered
     * (they are still recorded). true: back to normal; what was not sent meanwhile is lost.
     */
    public void setResponsive(boolean responsive) {
        this.responsive = responsive;
    }

    /**
     * Sends a captured trace's events (everything after its login part but the responses) to the logged-in clients
     * with events on, byte for byte; at the recorded pace (divided by the time scale) or as fast as possible.
     *
     * <p>The responses answered the recording session's own actions (down to its Logoff's Goodbye): Asterisk sends a
     * response to the session whose action it answers only, and a client that gets one for an action it never sent
     * cannot match it (Asterisk-Java logs an ERROR for each).
     */
    public CompletableFuture<Void> replay(Path amiRaw, boolean recordedSpeed) {
        AmiTrace trace = AmiTrace.load(amiRaw);
        List<AmiTrace.Entry> entries = trace.entries().subList(trace.firstEntryAfterLogin(), trace.entries().size())
                .stream().filter(e -> !e.isResponse()).toList();
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (entries.isEmpty()) {
            done.complete(null);
            return done;
        }
        clock.run(() -> {
            long start = clock.nowMs();
            double t0 = entries.get(0).seconds();
            for (AmiTrace.Entry e : entries) {
                long at = recordedSpeed ? start + Math.round((e.seconds() - t0) * 1000) : start;
                byte[] bytes = trace.bytesOf(e);
                clock.at(at, () -> publishRaw(e.message(), bytes));
            }
            long end = recordedSpeed ? start + Math.round((entries.get(entries.size() - 1).seconds() - t0) * 1000) : start;
            clock.at(end, () -> done.complete(null));
        });
        return done;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (AmiSession s : sessions) {
            s.abort();
        }
        clock.close();
    }

    /** Runs a simulator from the command line: [port] [callsPerSecond] [timeScale]; user firstline, secret firstline-secret. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5038;
        double cps = args.length > 1 ? Double.parseDouble(args[1]) : 0.1;
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        AmiSimulator sim = builder().host("0.0.0.0").port(port).timeScale(scale).build();
        sim.traffic().start(TrafficConfig.builder().callsPerSecond(cps).build());
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        Thread.currentThread().join();
    }

    // ------------------------------------------------------------------------------------ connections

    boolean isResponsive() {
        return responsive;
    }

    void sessionClosed(AmiSession s) {
        sessions.remove(s);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                String id;
                synchronized (sessionIds) {
                    id = String.format(Locale.ROOT, "0x7f%010x", sessionIds.nextLong() & 0xffffffffffL);
                }
                AmiSession s = new AmiSession(socket, this, id, clock.clockMs());
                sessions.add(s);
                s.start();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("accept failed", e);
                }
            }
        }
    }

    /** Sends an event to every logged-in client that wants it, after updating the PBX state. Clock thread. */
    private void publish(AmiMessage event) {
        pbx.observe(event, clock.nowMs());
        byte[] bytes = event.toBytes();
        EventWatcher w = watcher;
        if (w != null) {
            // Told before the bytes go out, so that a watcher never learns of an event after its effect.
            w.sent(event.get("Event"), event.get("Linkedid"), event.get("Interface"), System.nanoTime());
        }
        sendToAll(event, bytes);
    }

    /** Told of every generated event just before it is handed to the clients' sockets; for load measurements. */
    public interface EventWatcher {
        /** Called on the simulator's clock thread; must be quick. */
        void sent(String event, String linkedid, String memberInterface, long nanoTime);
    }

    /** Watches generated events (one watcher; null to stop). */
    public void watchEvents(EventWatcher w) {
        this.watcher = w;
    }

    /**
     * Told of every write to a client's socket (events, responses), after it returned: how long the bytes waited
     * between being queued for the client and the socket taking them, and how many bytes were queued for that client
     * just before. When the client reads slower than the PBX sends, the socket's buffers fill and both grow.
     */
    public interface WriteWatcher {
        /** Called on the session's writer thread; must be quick. */
        void written(int bytes, long waitedNanos, long queuedBytes);
    }

    /** Watches the writes to the clients' sockets (one watcher; null to stop). */
    public void watchWrites(WriteWatcher w) {
        this.writeWatcher = w;
    }

    void written(int bytes, long waitedNanos, long queuedBytes) {
        WriteWatcher w = writeWatcher;
        if (w != null) {
            w.written(bytes, waitedNanos, queuedBytes);
        }
    }

    private void publishRaw(AmiMessage message, byte[] bytes) {
        pbx.observe(message, clock.nowMs());
        sendToAll(message, bytes);
    }

    /** To every logged-in client that asked for the event's class and whose manager.conf entry lets it through. */
    private void sendToAll(AmiMessage event, byte[] bytes) {
        String privilege = event.get("Privilege");
        boolean userGetsIt = false;
        for (AmiSession s : sessions) {
            if (!s.loggedIn || !s.events.accepts(privilege)) {
                continue;
            }
            // one user for every session: its filters are matched once per event, and not at all when nobody asked
            if (!userGetsIt) {
                if (!managerUser.gets(event)) {
                    return;
                }
                userGetsIt = true;
            }
            s.send(bytes);
            delivered.incrementAndGet();
        }
    }

    /** Events handed to clients' sockets so far (one per client that got it), after read classes and filters. */
    public long eventsDelivered() {
        return delivered.get();
    }

    private void sendToAll(AmiMessage event) {
        sendToAll(event, event.toBytes());
    }

    // ------------------------------------------------------------------------------------ actions

    void record(AmiMessage m) {
        List<ReceivedAction.Header> headers = new ArrayList<>();
        for (AmiMessage.Header h : m.headers()) {
            headers.add(new ReceivedAction.Header(h.name(), h.value()));
        }
        synchronized (received) {
            received.addLast(new ReceivedAction(m.getOrEmpty("Action"), headers));
            if (received.size() > keptActions) {
                received.removeFirst();
            }
            receivedTotal++;
            received.notifyAll();
        }
    }

    private static AmiMessage response(AmiMessage action, String response, String message) {
        return AmiMessage.builder().add("Response", response).actionId(action.get("ActionID")).add("Message", message)
                .build();
    }

    private static AmiMessage error(AmiMessage action, String message) {
        return response(action, "Error", message);
    }

    private static AmiMessage success(AmiMessage action, String message) {
        return response(action, "Success", message);
    }

    private String eventTv() {
        return EVENT_TV.format(Instant.ofEpochMilli(clock.clockMs()));
    }

    /** Called on the session's reader thread for each complete message. */
    void handle(AmiSession s, AmiMessage m, boolean lineTooLong, boolean tooManyLines) {
        record(m);
        if (tooManyLines) {
            s.send(error(m, "Too many lines in message or allocation failure"));
            return;
        }
        if (lineTooLong) {
            s.send(error(m, "Failed to parse message: line too long"));
            return;
        }
        String action = m.getOrEmpty("Action");
        if (action.isEmpty()) {
            s.send(error(m, "Missing action in request"));
            return;
        }
        String a = action.toLowerCase(Locale.ROOT);
        if (!s.loggedIn && !a.equals("login") && !a.equals("challenge") && !a.equals("logoff")) {
            s.send(error(m, "Permission denied"));
            return;
        }
        String refusal = refused.get(a);
        if (refusal != null) {
            s.send(error(m, refusal));
            return;
        }
        try {
            dispatch(s, m, a, action);
        } catch (RuntimeException e) {
            log.error("action {} failed", action, e);
            s.send(error(m, "Internal error"));
        }
    }

    private void dispatch(AmiSession s, AmiMessage m, String a, String action) {
        String id = m.get("ActionID");
        switch (a) {
            case "login" -> login(s, m);
            case "challenge" -> {
                if (!m.getOrEmpty("AuthType").equalsIgnoreCase("MD5")) {
                    s.send(error(m, "Must specify AuthType"));
                    return;
                }
                if (s.challenge.isEmpty()) {
                    synchronized (sessionIds) {
                        s.challenge = Long.toString(sessionIds.nextInt(Integer.MAX_VALUE));
                    }
                }
                s.send(AmiMessage.builder().add("Response", "Success").actionId(id).add("Challenge", s.challenge).build());
            }
            case "logoff" -> {
                s.send(AmiMessage.builder().add("Response", "Goodbye").actionId(id)
                        .add("Message", "Thanks for all the fish.").build());
                s.closeAfterFlush();
            }
            case "ping" -> {
                long micros = clock.clockMs() * 1000 + (System.nanoTime() / 1000) % 1000;
                s.send(AmiMessage.builder().add("Response", "Success").actionId(id).add("Ping", "Pong")
                        .add("Timestamp", String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000))
                        .build());
            }
            case "coresettings" -> s.send(AmiMessage.builder().add("Response", "Success").actionId(id)
                    .add("AMIversion", "11.0.0").add("AsteriskVersion", "22.10.1").add("SystemName", "")
                    .add("CoreMaxCalls", 0).add("CoreMaxLoadAvg", "0.000000").add("CoreRunUser", "")
                    .add("CoreRunGroup", "").add("CoreMaxFilehandles", 0).add("CoreRealTimeEnabled", "No")
                    .add("CoreCDRenabled", "Yes").add("CoreHTTPenabled", "No").add("SoundsSearchCustomDir", "No").build());
            case "corestatus" -> clock.run(() -> s.send(pbx.coreStatus(id, clock.nowMs())));
            case "queuestatus" -> clock.run(() -> finished(pbx.queueStatus(m.getOrEmpty("Queue"), m.getOrEmpty("Member"), id,
                    clock.nowMs())).forEach(s::send));
            case "queuesummary" -> clock.run(() -> pbx.queueSummary(m.getOrEmpty("Queue"), id, clock.nowMs())
                    .forEach(s::send));
            case "coreshowchannels" -> clock.run(() -> finished(pbx.coreShowChannels(id, clock.nowMs())).forEach(s::send));
            case "status" -> clock.run(() -> {
                List<AmiMessage> list = pbx.status(m.getOrEmpty("Channel"), id, clock.nowMs());
                if (list == null) {
                    s.send(error(m, "No such channel"));
                } else {
                    list.forEach(s::send);
                }
            });
            case "bridgelist" -> clock.run(() -> pbx.bridgeList(id).forEach(s::send));
            case "queuepause" -> {
                if (m.getOrEmpty("Interface").isEmpty() || m.getOrEmpty("Paused").isEmpty()) {
                    s.send(error(m, "Need 'Interface' and 'Paused' parameters."));
                    return;
                }
                boolean paused = isTrue(m.getOrEmpty("Paused"));
                memberAction(s, m, () -> pbx.pause(m.getOrEmpty("Queue"), m.getOrEmpty("Interface"), paused,
                        m.getOrEmpty("Reason"), clock.nowMs()));
            }
            case "queueadd" -> {
                if (m.getOrEmpty("Queue").isEmpty()) {
                    s.send(error(m, "'Queue' not specified."));
                    return;
                }
                if (m.getOrEmpty("Interface").isEmpty()) {
                    s.send(error(m, "'Interface' not specified."));
                    return;
                }
                int penalty = parsePenalty(m.getOrEmpty("Penalty"));
                boolean paused = isTrue(m.getOrEmpty("Paused"));
                memberAction(s, m, () -> pbx.add(m.getOrEmpty("Queue"), m.getOrEmpty("Interface"),
                        m.getOrEmpty("MemberName"), m.getOrEmpty("StateInterface"), penalty, paused, clock.nowMs()));
            }
            case "queueremove" -> {
                if (m.getOrEmpty("Queue").isEmpty() || m.getOrEmpty("Interface").isEmpty()) {
                    s.send(error(m, "Need 'Queue' and 'Interface' parameters."));
                    return;
                }
                memberAction(s, m, () -> pbx.remove(m.getOrEmpty("Queue"), m.getOrEmpty("Interface")));
            }
            case "queuepenalty" -> {
                if (m.getOrEmpty("Interface").isEmpty() || m.getOrEmpty("Penalty").isEmpty()) {
                    s.send(error(m, "Need 'Interface' and 'Penalty' parameters."));
                    return;
                }
                int penalty = atoi(m.getOrEmpty("Penalty"));
                memberAction(s, m, () -> pbx.penalty(m.getOrEmpty("Queue"), m.getOrEmpty("Interface"), penalty));
            }
            case "originate" -> originate(s, m);
            case "blindtransfer" -> blindTransfer(s, m);
            case "hangup" -> channelAction(s, m, "No channel specified", "No such channel", "Channel Hungup");
            case "redirect" -> {
                String name = m.getOrEmpty("Channel");
                channelAction(s, m, "Channel not specified", "Channel does not exist: " + name, "Redirect successful");
            }
            case "getvar" -> getvar(s, m);
            default -> {
                s.send(error(m, "Invalid/unknown command: " + action
                        + ". Use Action: ListCommands to show available commands."));
                sendToAll(securityEvent("RequestBadFormat", "Error", 1, null, s, null,
                        Map.of("RequestType", "Action: " + action)));
            }
        }
    }

    private static boolean isTrue(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        return s.equals("yes") || s.equals("true") || s.equals("y") || s.equals("t") || s.equals("1") || s.equals("on");
    }

    private static int atoi(String v) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*([+-]?\\d+)").matcher(v);
        if (!m.find()) {
            return 0;
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int parsePenalty(String v) {
        if (v.isEmpty() || !v.trim().matches("[+-]?\\d+")) {
            return 0;
        }
        int p = atoi(v);
        return Math.max(p, 0);
    }

    private void memberAction(AmiSession s, AmiMessage m, java.util.function.Supplier<PbxState.Outcome> body) {
        clock.run(() -> {
            PbxState.Outcome o = body.get();
            if (o.error() != null) {
                s.send(error(m, o.error()));
                return;
            }
            s.send(success(m, o.message()));
            for (AmiMessage ev : o.events()) {
                publish(ev);
            }
        });
    }

    private void channelAction(AmiSession s, AmiMessage m, String missing, String notFound, String ok) {
        String name = m.getOrEmpty("Channel");
        if (name.isEmpty()) {
            s.send(error(m, missing));
            return;
        }
        clock.run(() -> s.send(pbx.channel(name) == null ? error(m, notFound) : success(m, ok)));
    }

    private void getvar(AmiSession s, AmiMessage m) {
        String var = m.getOrEmpty("Variable");
        if (var.isEmpty()) {
            s.send(error(m, "No variable specified"));
            return;
        }
        String chan = m.getOrEmpty("Channel");
        clock.run(() -> {
            if (!chan.isEmpty() && pbx.channel(chan) == null) {
                s.send(error(m, "No such channel"));
                return;
            }
            s.send(AmiMessage.builder().add("Response", "Success").actionId(m.get("ActionID")).add("Variable", var)
                    .add("Value", "").build());
        });
    }

    private void originate(AmiSession s, AmiMessage m) {
        String channel = m.getOrEmpty("Channel");
        String app = m.getOrEmpty("Application");
        if (channel.isEmpty()) {
            s.send(error(m, "Channel not specified"));
            return;
        }
        if (app.isEmpty() && (m.getOrEmpty("Exten").isEmpty() || m.getOrEmpty("Context").isEmpty()
                || m.getOrEmpty("Priority").isEmpty())) {
            s.send(error(m, "Originate with 'Exten' requires 'Context' and 'Priority'"));
            return;
        }
        java.util.regex.Matcher local = java.util.regex.Pattern.compile("Local/([^@/]+)@([^/]+)").matcher(channel);
        clock.run(() -> {
            s.send(success(m, "Originate successfully queued"));
            if (app.equalsIgnoreCase("ChanSpy") && local.matches()) {
                String num = local.group(1);
                String name = num;
                java.util.regex.Matcher cid = java.util.regex.Pattern.compile("\"?([^\"<]*)\"?\\s*<([^>]*)>")
                        .matcher(m.getOrEmpty("CallerID"));
                if (cid.matches()) {
                    name = cid.group(1).trim();
                    num = cid.group(2).trim();
                }
                traffic.chanSpy(local.group(1) + "@" + local.group(2), num, name, m.getOrEmpty("Data"),
                        m.getOrEmpty("ActionID"));
            }
        });
    }

    private void blindTransfer(AmiSession s, AmiMessage m) {
        String channel = m.getOrEmpty("Channel");
        String exten = m.getOrEmpty("Exten");
        if (channel.isEmpty()) {
            s.send(error(m, "No channel specified"));
            return;
        }
        if (exten.isEmpty()) {
            s.send(error(m, "No extension specified"));
            return;
        }
        clock.run(() -> {
            SimulatedCall call = traffic.callByAgentChannel(channel);
            if (call == null) {
                s.send(error(m, "No such channel"));
                return;
            }
            s.send(success(m, "Transfer succeeded"));
            traffic.blindTransfer(call, m.getOrEmpty("Context"), exten);
        });
    }

    // ------------------------------------------------------------------------------------ login

    private static String md5Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void login(AmiSession s, AmiMessage m) {
        String user = m.getOrEmpty("Username");
        boolean md5 = m.getOrEmpty("AuthType").equalsIgnoreCase("MD5");
        boolean knownUser = user.equals(username);
        boolean ok;
        if (md5) {
            ok = knownUser && !s.challenge.isEmpty() && md5Hex(s.challenge + secret).equalsIgnoreCase(m.getOrEmpty("Key"));
        } else {
            ok = knownUser && secret.equals(m.getOrEmpty("Secret"));
        }
        if (!ok) {
            if (!knownUser) {
                sendToAll(securityEvent("InvalidAccountID", "Error", 1, user, s, NO_SESSION_TV, Map.of()));
            } else if (!md5) {
                sendToAll(securityEvent("InvalidPassword", "Error", 2, user, s, NO_SESSION_TV, Map.of()));
            }
            try {
                Thread.sleep(loginFailureDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.send(error(m, "Authentication failed"));
            s.closeAfterFlush();
            return;
        }
        s.username = user;
        s.events = AmiSession.EventFilter.parse(m.get("Events"));
        s.send(success(m, "Authentication accepted"));
        long uptime = Math.max(0, (clock.clockMs() - clock.startMs()) / 1000);
        s.send(AmiMessage.builder().add("Event", "FullyBooted").add("Privilege", "system,all").add("Uptime", uptime)
                .add("LastReload", uptime).add("Status", "Fully Booted").build());
        s.loggedIn = true;
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("UsingPassword", "0");
        sendToAll(securityEvent("SuccessfulAuth", "Informational", 1, user, s, sessionTv(s), extra));
    }

    private String sessionTv(AmiSession s) {
        return EVENT_TV.format(Instant.ofEpochMilli(s.connectedMs));
    }

    /** Security events in the field order of the traces (SuccessfulAuth, InvalidPassword, InvalidAccountID, RequestBadFormat). */
    private AmiMessage securityEvent(String name, String severity, int version, String account, AmiSession s,
            String sessionTv, Map<String, String> extra) {
        AmiMessage.Builder b = AmiMessage.builder().add("Event", name).add("Privilege", "security,all")
                .add("EventTV", eventTv()).add("Severity", severity).add("Service", "AMI").add("EventVersion", version);
        if (account != null) {
            b.add("AccountID", account);
        }
        b.add("SessionID", s.sessionId).add("LocalAddress", s.localAddress()).add("RemoteAddress", s.remoteAddress());
        extra.forEach(b::add);
        if (name.equals("RequestBadFormat")) {
            b.add("SessionTV", sessionTv(s)).add("AccountID", s.username);
        } else {
            b.add("SessionTV", sessionTv);
        }
        return b.build();
    }

    // ------------------------------------------------------------------------------------ builder

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String username = "firstline";
        private String secret = "firstline-secret";
        private ManagerUser user = ManagerUser.ALL;
        private double timeScale = 1.0;
        private Duration loginFailureDelay = Duration.ofSeconds(1);
        private int keptActions = 10_000;
        private final List<PbxState.QueueDef> queues = new ArrayList<>();
        private final List<PbxState.AgentDef> agents = new ArrayList<>();

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** 0 picks a free port; see {@link AmiSimulator#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder credentials(String username, String secret) {
            this.username = username;
            this.secret = secret;
            return this;
        }

        /**
         * What manager.conf gives the user: its read classes and event filters ({@link ManagerUser#ALL}, every
         * event, unless set; {@link ManagerUser#FIRSTLINE} is what Firstline's dialplans/manager_firstline.conf gives).
         */
        public Builder managerUser(ManagerUser user) {
            this.user = user;
            return this;
        }

        /** Simulated seconds per real second (e.g. 1000 plays a 30 s call in 30 ms). */
        public Builder timeScale(double timeScale) {
            this.timeScale = timeScale;
            return this;
        }

        /** Asterisk waits 1 s before answering a failed login; tests may shorten it. */
        public Builder loginFailureDelay(Duration delay) {
            this.loginFailureDelay = delay;
            return this;
        }

        /** How many of the last actions received {@link AmiSimulator#receivedActions()} keeps (10,000 unless set). */
        public Builder keptActions(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("keptActions must be at least 1: " + n);
            }
            this.keptActions = n;
            return this;
        }

        /** Adds a queue (strategy "ringall" or "rrmemory"); default (in this order, as Asterisk lists them in the traces): software rrmemory, hardware ringall, network rrmemory. */
        public Builder queue(String name, String strategy) {
            queues.add(new PbxState.QueueDef(name, strategy));
            return this;
        }

        /**
         * Adds an agent, a static member of every queue, as {@code Local/<ext>@<context>/n} with its member name;
         * default: Alice, Bob and Carol at Local/1001..1003@agents/n.
         */
        public Builder agent(String memberInterface, String memberName) {
            agents.add(new PbxState.AgentDef(checked(memberInterface), memberName));
            return this;
        }

        /**
         * Adds an agent as a dynamic member of every queue, as a {@code QueueAdd} leaves one and {@code persistentmembers
         * = yes} restores it at start: {@code QueueRemove} takes it out, where a static member answers "Member not
         * dynamic". {@code stateInterface} is the device Asterisk watches, e.g. {@code PJSIP/1001}.
         */
        public Builder dynamicAgent(String memberInterface, String memberName, String stateInterface) {
            agents.add(new PbxState.AgentDef(checked(memberInterface), memberName, stateInterface, true));
            return this;
        }

        private static String checked(String memberInterface) {
            if (!memberInterface.matches("Local/[^@/]+@[^/]+/n")) {
                throw new IllegalArgumentException("member interface must look like Local/1001@agents/n: " + memberInterface);
            }
            return memberInterface;
        }

        public AmiSimulator build() throws IOException {
            return new AmiSimulator(this);
        }
    }
}
