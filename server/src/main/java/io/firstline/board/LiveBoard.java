package io.firstline.board;

import io.firstline.auth.Agent;
import io.firstline.auth.AgentStore;
import io.firstline.auth.Role;
import io.firstline.bus.Bus;
import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberState;
import io.firstline.calls.MemberView;
import io.firstline.calls.PbxEvent;
import io.firstline.config.Settings;
import io.firstline.kpi.Figures;
import io.firstline.presence.PresenceDay;
import io.firstline.presence.PresenceInterval;
import io.firstline.presence.PresenceStore;
import io.firstline.reports.KpiStore;
import io.firstline.telephony.PbxHealth;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a supervisor sees live: per queue the callers waiting and today's figures, every agent, the
 * callers waiting and today's charts. The live parts are read from the call tracker's state; the
 * "today" figures are {@link Figures} over {@link KpiStore#fold} so that they equal the reports.
 * Changes are coalesced into at most {@value #PUBLISH_MS}-ms-apart {@code board.delta} messages on
 * {@link Bus#BOARD_UPDATES} (and, without who is calling, on {@link Bus#WALL_SCREEN_UPDATES}), each built only
 * while someone on this node follows that form ({@link BoardFollowers}). A delta carries the agents' rows that changed
 * (a counter that only counts on with the clock, which the page counts on itself, does not change a row) and the
 * small parts whole; a follower starts from the whole board of {@link Bus#BOARD_FOLLOW} and applies each next delta.
 * Lives on the call flow's context, which only keeps the board's inputs up to date and takes a copy of them
 * ({@link Inputs}, a fraction of a millisecond) when a board is due: building the rows, comparing them with the last
 * ones and encoding the delta (milliseconds with thousands of agents) is done by the board's own worker thread, so
 * that the call flow (and the pop) does not wait for it. The board its followers have (the base) belongs to that thread.
 */
public final class LiveBoard {

    private static final Logger log = LoggerFactory.getLogger(LiveBoard.class);

    /** How the page states the service level; the threshold is each queue's. */
    public static final String SERVICE_LEVEL_DEFINITION = "Service level: calls answered within the queue's threshold"
            + " (N s) as a share of the calls that were answered, abandoned or left the queue unanswered today;"
            + " callers still waiting do not count yet.";

    static final long PUBLISH_MS = 250;
    private static final long FIGURES_MIN_MS = 1000;
    /**
     * Today's figures are re-read no sooner than this many times the last read took: on a busy day, or a database
     * under load, the board's refreshes (which can be redone) give way to the call records (which cannot).
     */
    static final int FIGURES_COST_FACTOR = 10;
    private static final long FIGURES_EVERY_MS = 15_000;
    private static final long HEARTBEAT_MS = 5_000;
    /** Today's figures are kept current this long after the board was last asked for (GET /api/live/…). */
    private static final long ASKED_KEEPS_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

    private final Vertx vertx;
    /** The thresholds in force now: read afresh for every snapshot, never from the database on this context. */
    private final Supplier<Settings.Board> settings;
    private final ZoneId zone;
    private final Clock clock;
    private final KpiStore kpis;
    private final PresenceStore presence;
    private final AgentStore agentStore;
    private final Supplier<List<CallView>> calls;
    private final Supplier<List<MemberView>> members;
    private final Supplier<List<PbxHealth>> health;
    /** Completes once the call records received so far are written, so that the figures include them. */
    private final Supplier<Future<Void>> recorded;
    private final BoardFollowers followers;

    private List<Agent> agents = List.of();
    /** A read of the agents is under way; {@link #agentsAgain}: another is wanted after it (changes came meanwhile). */
    private boolean agentsLoading;
    private boolean agentsAgain;
    private Map<String, Figures> figures = Map.of();
    private Map<Long, Integer> handledToday = Map.of();
    private Map<Long, Integer> missedToday = Map.of();
    /** Today's presence intervals as last read (open ones count up to each snapshot's now); null until read. */
    private PresenceDay.Prepared presenceToday;
    /** Each member's presence (signed in, paused, reason) as last seen: a change reads today's intervals again. */
    private final Map<String, String> presenceOf = new HashMap<>();
    private JsonObject chart = new JsonObject();
    private Instant figuresAsOf;
    /** The first call change that today's figures do not include yet; null when they are current. */
    private Instant pendingSince;
    private boolean figuresRunning;
    private boolean figuresAgain;
    /**
     * Calls changed while nobody followed the board or asked for it: today's figures were not read again then (reading
     * the day's calls is the board's largest cost to the database), and are read before they are shown again.
     */
    private boolean figuresBehind;
    /** When {@link Bus#BOARD_SNAPSHOT} was last asked (System.nanoTime), or never. */
    private long lastAskedNanos = System.nanoTime() - 2 * ASKED_KEEPS_NANOS;
    /** Answers of {@link Bus#BOARD_SNAPSHOT} that wait for the next read of today's figures to start and end. */
    private List<Promise<Void>> figuresWaiters = new ArrayList<>();
    private long figuresTimer = -1;
    private long lastFiguresStart;
    private long lastFiguresReadMs;
    private long publishTimer = -1;
    /** Every queue each member was in today, by member; each set is replaced, never changed, so a copy can be shared. */
    private final Map<String, Set<String>> queuesOfMember = new HashMap<>();
    private final Map<String, Instant> queueChangedAt = new HashMap<>();
    private final Set<String> resyncing = new HashSet<>();
    /** Queue priorities the dialplan set (FIRSTLINE_PRIORITY or QUEUE_PRIO), by call. */
    private final Map<String, Integer> priorities = new HashMap<>();
    private final Map<String, Instant> connectedUntil = new HashMap<>();
    private final Map<String, PbxHealth.Status> lastStatus = new HashMap<>();
    /** The rows' keys of queue members who are no Firstline agent, by interface: an opaque number, not the interface. */
    private final Map<String, String> memberKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger memberKeysGiven = new java.util.concurrent.atomic.AtomicInteger();

    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private final List<Long> timers = new ArrayList<>();
    private volatile boolean stopped;
    /** One thread that builds, compares and encodes the boards, one at a time and in the order asked. */
    private final WorkerExecutor builder;
    /** A board is being built: the next one waits for it (the board's updates give way when they cannot keep up). */
    private boolean building;
    private boolean buildAgain;

    /**
     * The board its followers have (the last whole board or delta published), its number, and its rows by key: the
     * builder's alone. The
     * numbers start from the wall clock's milliseconds times 1,000: in a cluster, the board of a node that takes the
     * PBXs over numbers on from above the one before, so that its followers ask for its whole board rather than
     * take its first deltas for old ones.
     */
    private JsonObject base;
    private long seq = System.currentTimeMillis() * 1000;
    private final Map<String, JsonObject> baseRows = new HashMap<>();
    private List<String> baseOrder = List.of();
    /** {@link BoardFollowers#followedSince()} when the base was made: another value means it missed changes. */
    private long baseFollowedSince = -1;
    /** The base as a whole {@code board.update}, in each form, encoded once it is asked for. */
    private String baseText;
    private String baseWallScreenText;

    /**
     * @param clock what "now" and "today" (in {@code zone}) are
     * @param recorded completes once the call records and presence steps received so far are written
     */
    public LiveBoard(Vertx vertx, Supplier<Settings.Board> settings, ZoneId zone, Clock clock, KpiStore kpis, PresenceStore presence,
            AgentStore agentStore, Supplier<List<CallView>> calls, Supplier<List<MemberView>> members,
            Supplier<List<PbxHealth>> health, Supplier<Future<Void>> recorded, BoardFollowers followers) {
        this.vertx = vertx;
        this.settings = settings;
        this.zone = zone;
        this.clock = clock;
        this.kpis = kpis;
        this.presence = presence;
        this.agentStore = agentStore;
        this.calls = calls;
        this.members = members;
        this.health = health;
        this.recorded = recorded;
        this.followers = followers;
        this.builder = vertx.createSharedWorkerExecutor("firstline-board", 1);
    }

    /** Registers the board's addresses and timers on the current (call flow) context. */
    public void start() {
        consumers.add(Bus.answerOn(vertx, Bus.BOARD_SNAPSHOT, builder, none -> {
            lastAskedNanos = System.nanoTime();
            return figuresCurrent().map(v -> {
                Inputs in = inputs(clock.instant());
                return () -> build(in);
            });
        }));
        consumers.add(Bus.answerOn(vertx, Bus.BOARD_FOLLOW, builder, wallScreen -> Future.succeededFuture(prepareFollow(wallScreen))));
        consumers.add(Bus.listen(vertx, Bus.AGENTS_CHANGED, agentId -> loadAgents()));
        consumers.add(Bus.listen(vertx, Bus.FIGURES_CHANGED, none -> figuresSoon()));
        // New thresholds: the tiles' colours change at the next update, the service levels once today is read again.
        consumers.add(Bus.listen(vertx, Bus.SETTINGS_CHANGED, none -> figuresSoon()));
        // Cluster mode: the other nodes' sockets that follow the board.
        consumers.add(Bus.listen(vertx, Bus.BOARD_FOLLOWED, forms -> {
            followers.followedElsewhere(forms.getBoolean("boards", false), forms.getBoolean("wallScreens", false));
            publishSoon();
        }));
        loadAgents();
        refreshFigures();
        timers.add(vertx.setPeriodic(FIGURES_EVERY_MS, id -> figuresSoon()));
        timers.add(vertx.setPeriodic(30_000, id -> loadAgents()));
        timers.add(vertx.setPeriodic(HEARTBEAT_MS, id -> publishSoon()));
        timers.add(vertx.setPeriodic(1000, id -> watchLinks()));
    }

    /**
     * Stops answering and publishing for good (cluster mode: this node no longer follows the PBXs; the node that does
     * has a board of its own). On the board's context.
     */
    public void stop() {
        stopped = true;
        consumers.forEach(MessageConsumer::unregister);
        consumers.clear();
        timers.forEach(vertx::cancelTimer);
        timers.clear();
        vertx.cancelTimer(publishTimer);
        vertx.cancelTimer(figuresTimer);
        builder.close();
        figuresWaiters.forEach(w -> w.tryFail("the board stopped"));
        figuresWaiters.clear();
    }

    /** One PBX event and what it changed. */
    public void apply(PbxEvent event, List<CallChange> changes) {
        if (event instanceof PbxEvent.SnapshotStarted) {
            resyncing.add(event.pbx());
        } else if (event instanceof PbxEvent.SnapshotDone || event instanceof PbxEvent.LinkLost) {
            resyncing.remove(event.pbx());
        }
        if (event instanceof PbxEvent.VariableSet v && v.linkedid() != null
                && ("FIRSTLINE_PRIORITY".equals(v.name()) || "QUEUE_PRIO".equals(v.name()))) {
            try {
                priorities.put(key(v.pbx(), v.linkedid()), Integer.parseInt(v.value().strip()));
            } catch (NumberFormatException | NullPointerException e) {
                log.debug("board: priority '{}' of call {} is not a number", v.value(), v.linkedid());
            }
        }
        boolean figuresChanged = false;
        Instant now = clock.instant();
        for (CallChange c : changes) {
            if (c instanceof CallChange.CallEnded) {
                priorities.remove(key(c.call().pbx(), c.call().linkedid()));
            }
            if (c instanceof CallChange.MemberChanged m) {
                MemberView v = m.member();
                String member = key(v.pbx(), v.memberInterface());
                Set<String> was = queuesOfMember.getOrDefault(member, Set.of());
                if (!was.containsAll(v.queues())) {
                    Set<String> all = new TreeSet<>(was);
                    all.addAll(v.queues());
                    queuesOfMember.put(member, java.util.Collections.unmodifiableSet(all));
                }
                v.queues().forEach(q -> queueChangedAt.put(q, now));
                String p = v.queues().isEmpty() ? "out" : v.paused() ? "paused " + v.pauseReason() : "in";
                if (!p.equals(presenceOf.put(key(v.pbx(), v.memberInterface()), p))) {
                    figuresSoon();
                }
            } else if (c.call() != null && c.call().queue() != null) {
                queueChangedAt.put(c.call().queue(), now);
                figuresChanged |= c instanceof CallChange.CallAnswered || c instanceof CallChange.CallEnded
                        || c instanceof CallChange.MemberMissed
                        || (c instanceof CallChange.CallUpdated && c.timeline() != null && "queued".equals(c.timeline().type()));
            }
        }
        if (figuresChanged) {
            if (pendingSince == null) {
                pendingSince = now;
            }
            figuresSoon();
        }
        if (!changes.isEmpty() || event instanceof PbxEvent.SnapshotStarted || event instanceof PbxEvent.SnapshotDone
                || event instanceof PbxEvent.LinkLost) {
            publishSoon();
        }
    }

    /** Once a second: until when each link was up, and a prompt update when a link's state changes. */
    private void watchLinks() {
        Instant now = clock.instant();
        boolean changed = false;
        for (PbxHealth h : health.get()) {
            if (h.status() == PbxHealth.Status.CONNECTED) {
                connectedUntil.put(h.name(), now);
            }
            changed |= lastStatus.put(h.name(), h.status()) != h.status();
        }
        if (changed) {
            publishSoon();
        }
    }

    /** Reads the agents; changes while a read is under way make one read after it, not one each. */
    private void loadAgents() {
        if (agentsLoading) {
            agentsAgain = true;
            return;
        }
        agentsLoading = true;
        agentStore.withInterfaces().onSuccess(this::agentsRead)
                .onFailure(e -> log.debug("board: agents not loaded: {}", e.getMessage()))
                .onComplete(ar -> {
                    agentsLoading = false;
                    if (agentsAgain && !stopped) {
                        agentsAgain = false;
                        loadAgents();
                    }
                });
    }

    void agentsRead(List<Agent> list) {
        agents = list.stream().sorted(Comparator.comparing(Agent::name, String.CASE_INSENSITIVE_ORDER)).toList();
        publishSoon();
    }

    /**
     * An update within {@value #PUBLISH_MS} ms, unless nobody follows the board (on this node, or on another that said
     * so): a follower that comes gets the board at once ({@link Bus#BOARD_FOLLOW}), then the updates of the changes
     * after it came.
     */
    private void publishSoon() {
        if (stopped || publishTimer != -1 || !followers.boards() && !followers.wallScreens()) {
            return;
        }
        publishTimer = vertx.setTimer(PUBLISH_MS, id -> {
            publishTimer = -1;
            publish();
        });
    }

    /**
     * Takes the board's inputs now and has the builder publish what changed since the base, encoded once for each form
     * that someone follows now (for all its sockets, not once per socket). While a board is being built the next one
     * waits for it: when building cannot keep up, the updates come less often rather than pile up.
     */
    private void publish() {
        boolean boards = followers.boards();
        boolean wallScreens = followers.wallScreens();
        if (!boards && !wallScreens) {
            return;
        }
        if (building) {
            buildAgain = true;
            return;
        }
        building = true;
        Inputs in = inputs(clock.instant());
        builder.executeBlocking(() -> {
            publishBuilt(in, boards, wallScreens);
            return null;
        }, true).onComplete(ar -> {
            building = false;
            if (ar.failed()) {
                log.error("The board could not be built", ar.cause());
            }
            if (buildAgain) {
                buildAgain = false;
                publishSoon();
            }
        });
    }

    /** On the builder: builds the board of {@code in} and publishes the delta from the base to it. */
    private void publishBuilt(Inputs in, boolean boards, boolean wallScreens) {
        if (stopped) {
            return;
        }
        JsonObject board = build(in);
        followers.updateBuilt();
        if (!baseCurrent(in)) {
            // Nobody has this base's past: whoever follows now asks for the whole board, and gets this one or a later one.
            rebase(board, in);
            return;
        }
        JsonObject delta = delta(board);
        rebase(board, in);
        if (boards) {
            Bus.publishNumbered(vertx, Bus.BOARD_UPDATES, delta.encode(), seq);
        }
        if (wallScreens) {
            // The delta's rows are the base's: strip a copy.
            Bus.publishNumbered(vertx, Bus.WALL_SCREEN_UPDATES, stripForWallScreen(delta.copy()).encode(), seq);
        }
    }

    /** Whether the base is what every follower has: followed without a gap from when it was made to {@code in}. */
    private boolean baseCurrent(Inputs in) {
        return base != null && baseFollowedSince == in.followedSince();
    }

    /** The board's next number, and the board its followers have from now on. */
    private void rebase(JsonObject board, Inputs in) {
        seq++;
        base = board;
        baseFollowedSince = in.followedSince();
        baseText = null;
        baseWallScreenText = null;
        baseRows.clear();
        JsonArray rows = board.getJsonArray("agents");
        List<String> order = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonObject row = rows.getJsonObject(i);
            baseRows.put(row.getString("key"), row);
            order.add(row.getString("key"));
        }
        baseOrder = order;
    }

    /**
     * From the base to {@code board} (not yet the base): the agents' rows that changed, their order if it changed, the
     * chart if it changed, and the rest whole.
     */
    private JsonObject delta(JsonObject board) {
        JsonObject delta = new JsonObject().put("type", "board.delta").put("seq", seq + 1).put("base", seq);
        for (Map.Entry<String, Object> e : board) {
            if (!e.getKey().equals("agents") && !e.getKey().equals("chart")) {
                delta.put(e.getKey(), e.getValue());
            }
        }
        if (board.getValue("chart") != base.getValue("chart")) {
            delta.put("chart", board.getValue("chart"));
        }
        JsonArray rows = board.getJsonArray("agents");
        JsonArray changed = new JsonArray();
        List<String> order = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonObject row = rows.getJsonObject(i);
            order.add(row.getString("key"));
            if (!sameRow(baseRows.get(row.getString("key")), row)) {
                changed.add(row);
            }
        }
        delta.put("agents", changed);
        if (!order.equals(baseOrder)) {
            delta.put("agentOrder", new JsonArray(order));
        }
        return delta;
    }

    /**
     * Whether an agent's row shows the same as before: the counters that count on with the clock alone
     * ({@code stateSeconds}, the call's {@code seconds}) are left out, since the page counts them on from their
     * {@code since}; today's time signed in and paused is compared in whole minutes, as the page shows it.
     */
    static boolean sameRow(JsonObject before, JsonObject now) {
        if (before == null || before.size() != now.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : now) {
            String field = e.getKey();
            Object was = before.getValue(field);
            Object is = e.getValue();
            boolean same = switch (field) {
                case "stateSeconds" -> true;
                case "signedInTodaySeconds", "pausedTodaySeconds" -> sameMinute(was, is);
                case "call" -> was instanceof JsonObject w && is instanceof JsonObject c ? sameCall(w, c) : was == is;
                case "pausedTodayByReason" -> was instanceof JsonArray w && is instanceof JsonArray r ? sameReasons(w, r)
                        : was == is;
                default -> java.util.Objects.equals(was, is);
            };
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameCall(JsonObject before, JsonObject now) {
        if (before.size() != now.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : now) {
            if (!e.getKey().equals("seconds") && !java.util.Objects.equals(before.getValue(e.getKey()), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameReasons(JsonArray before, JsonArray now) {
        if (before.size() != now.size()) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            JsonObject w = before.getJsonObject(i);
            JsonObject r = now.getJsonObject(i);
            if (!java.util.Objects.equals(w.getString("reason"), r.getString("reason"))
                    || !sameMinute(w.getValue("seconds"), r.getValue("seconds"))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameMinute(Object before, Object now) {
        if (before instanceof Number b && now instanceof Number n) {
            return b.longValue() / 60 == n.longValue() / 60;
        }
        return before == null && now == null;
    }

    /**
     * For a socket that starts to follow (or missed a delta), on the call flow's context: what the builder then answers,
     * the base as a whole {@code board.update} and its number. A base that missed changes while nobody followed is made
     * anew first; so is one older than an update's interval (a page sets its clock by the board's {@code at}), and
     * those who follow already get the delta to it.
     */
    Callable<JsonObject> prepareFollow(boolean wallScreen) {
        if (figuresBehind) {
            figuresSoon(); // this board comes at once, with the figures as of when last read; the next has them current
        }
        Inputs in = inputs(clock.instant());
        boolean boards = followers.boards();
        boolean wallScreens = followers.wallScreens();
        return () -> {
            if (!baseCurrent(in)) {
                rebase(build(in), in);
            } else if (Duration.between(Instant.parse(base.getString("at")), in.now()).toMillis() > PUBLISH_MS) {
                publishBuilt(in, boards, wallScreens);
            }
            if (wallScreen && baseWallScreenText == null) {
                baseWallScreenText = whole(stripForWallScreen(base.copy()));
            } else if (!wallScreen && baseText == null) {
                baseText = whole(base);
            }
            return new JsonObject().put("seq", seq).put("text", wallScreen ? baseWallScreenText : baseText);
        };
    }

    /** {@link #prepareFollow} and its answer on the builder, as {@link Bus#BOARD_FOLLOW} gives it. */
    Future<JsonObject> follow(boolean wallScreen) {
        return builder.executeBlocking(prepareFollow(wallScreen), true);
    }

    private String whole(JsonObject board) {
        JsonObject out = new JsonObject().put("type", "board.update").put("seq", seq);
        board.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out.encode();
    }

    /** Whether a read of today's figures is planned or running. */
    boolean figuresPending() {
        return figuresTimer != -1 || figuresRunning;
    }

    /** Whether an update is due: false while nobody follows, whatever changed. */
    boolean publishPending() {
        return publishTimer != -1;
    }

    /** Today's presence intervals as just read: gone over once here rather than at every update. */
    void presenceRead(List<PresenceInterval> intervals, Instant dayStart) {
        presenceToday = new PresenceDay.Prepared(intervals, dayStart);
    }

    /** Recomputes today's figures while calls change, at most once a second (less often when reading them is slow). */
    private void figuresSoon() {
        if (stopped || figuresTimer != -1) {
            return;
        }
        if (!figuresWanted()) {
            figuresBehind = true;
            return;
        }
        long wait = Math.max(1, lastFiguresStart + figuresGapMs(lastFiguresReadMs) - System.currentTimeMillis());
        figuresTimer = vertx.setTimer(wait, id -> {
            figuresTimer = -1;
            refreshFigures();
        });
    }

    private void refreshFigures() {
        if (stopped) {
            return;
        }
        if (figuresRunning) {
            figuresAgain = true;
            return;
        }
        figuresRunning = true;
        figuresBehind = false;
        List<Promise<Void>> readFor = figuresWaiters;
        figuresWaiters = new ArrayList<>();
        lastFiguresStart = System.currentTimeMillis();
        // The recorder's future may complete (or time out) on another thread: come back to this
        // context, which owns the board's state, before reading or touching anything.
        io.vertx.core.Context here = vertx.getOrCreateContext();
        recorded.get().timeout(3, java.util.concurrent.TimeUnit.SECONDS).recover(e -> Future.succeededFuture())
                .transform(ar -> {
                    Promise<Void> back = Promise.promise();
                    here.runOnContext(v -> back.complete());
                    return back.future();
                })
                .compose(v -> {
                    Instant now = clock.instant();
                    Instant from = startOfDay(now);
                    long readStart = System.nanoTime();
                    return kpis.fold(from, now.plusMillis(1), null, new TodayFigures(settings.get(), from, now), TodayFigures::add)
                            .compose(today -> kpis.missedRings(from, now.plusMillis(1)).map(missed -> {
                                missedToday = missed;
                                return today;
                            }))
                            .compose(today -> presence.overlapping(from, now.plusMillis(1)).map(intervals -> {
                                presenceRead(intervals, from);
                                return today;
                            }))
                            .map(today -> {
                                lastFiguresReadMs = (System.nanoTime() - readStart) / 1_000_000;
                                figures = today.byQueue();
                                handledToday = today.handled();
                                chart = today.chart();
                                figuresAsOf = now;
                                // Changes before the records were flushed are in these figures.
                                if (pendingSince != null && !pendingSince.isAfter(now)) {
                                    pendingSince = null;
                                }
                                return null;
                            });
                }).onComplete(ar -> {
                    if (ar.failed()) {
                        log.warn("board: today's figures could not be read: {}", ar.cause().getMessage());
                    }
                    figuresRunning = false;
                    publishSoon();
                    if (figuresAgain) {
                        figuresAgain = false;
                        figuresSoon();
                    }
                    readFor.forEach(Promise::tryComplete);
                });
    }

    /** Whether today's figures are to be kept current: someone follows the board, or asked for it a minute ago or less. */
    private boolean figuresWanted() {
        return followers.boards() || followers.wallScreens() || System.nanoTime() - lastAskedNanos < ASKED_KEEPS_NANOS;
    }

    /**
     * Completes once today's figures include the calls so far: at once unless calls changed while nobody wanted them,
     * else once they were read again (or failed to be: the board says as of when they are).
     */
    Future<Void> figuresCurrent() {
        if (!figuresBehind) {
            return Future.succeededFuture();
        }
        Promise<Void> read = Promise.promise();
        figuresWaiters.add(read);
        refreshFigures(); // or, while a read runs that began before, once it ends
        return read.future();
    }

    /** How long after a refresh began the next one may begin, given how long the last read of today's calls took. */
    static long figuresGapMs(long lastReadMs) {
        return Math.min(FIGURES_EVERY_MS, Math.max(FIGURES_MIN_MS, FIGURES_COST_FACTOR * lastReadMs));
    }

    /** The start of today in the configured time zone. */
    Instant startOfDay(Instant now) {
        return LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
    }

    /**
     * What a board is built from, taken on the call flow's context at one moment: the builder reads nothing else that
     * changes. The maps are copies, or never changed once made.
     */
    private record Inputs(Instant now, long followedSince, List<CallView> calls, List<MemberView> members, List<PbxHealth> links,
            Set<String> resyncing, Map<String, Instant> connectedUntil, Map<String, Integer> priorities, Settings.Board settings,
            List<Agent> agents, Map<String, Figures> figures, Map<Long, Integer> handledToday, Map<Long, Integer> missedToday,
            PresenceDay.Prepared presenceToday, JsonObject chart, Instant figuresAsOf, Instant pendingSince,
            Map<String, Set<String>> queuesOfMember, Map<String, Instant> queueChangedAt) {
    }

    /** The board's inputs now: on the call flow's context. */
    private Inputs inputs(Instant now) {
        return new Inputs(now, followers.followedSince(), calls.get(), members.get(), health.get(), Set.copyOf(resyncing),
                Map.copyOf(connectedUntil), new HashMap<>(priorities), settings.get(), agents, figures, handledToday,
                missedToday, presenceToday, chart, figuresAsOf, pendingSince, new HashMap<>(queuesOfMember),
                new HashMap<>(queueChangedAt));
    }

    /** The whole board now, built on the calling thread: on the call flow's context. */
    JsonObject snapshot(Instant now) {
        return build(inputs(now));
    }

    /** The whole board of {@code in}: any thread. */
    private JsonObject build(Inputs in) {
        Instant now = in.now();
        List<CallView> active = in.calls();
        List<MemberView> memberList = in.members();
        List<PbxHealth> links = in.links();
        Set<String> resyncing = in.resyncing();
        Instant liveAsOf = now;
        JsonArray pbx = new JsonArray();
        for (PbxHealth h : links) {
            String status = h.status() == PbxHealth.Status.CONNECTED && resyncing.contains(h.name()) ? "resynchronising"
                    : h.status().wire();
            pbx.add(new JsonObject().put("name", h.name()).put("status", status));
            if (h.status() != PbxHealth.Status.CONNECTED || resyncing.contains(h.name())) {
                Instant last = in.connectedUntil().get(h.name());
                liveAsOf = last == null ? null : liveAsOf == null || last.isBefore(liveAsOf) ? last : liveAsOf;
            }
        }
        // Asterisk answers a queue's callers by priority, then by when they joined: that is their position now.
        List<CallView> waiting = active.stream().filter(LiveBoard::isWaiting)
                .sorted(Comparator.comparing(CallView::queue).thenComparing(Comparator.comparingInt((CallView c) -> priority(in, c)).reversed())
                        .thenComparing(c -> c.queuedAt() == null ? now : c.queuedAt()))
                .toList();
        Settings.Board board = in.settings();
        Set<String> queueNames = new TreeSet<>(in.figures().keySet());
        board.queues().keySet().forEach(q -> {
            if (queueNames.stream().noneMatch(n -> Settings.Board.normalQueue(n).equals(q))) {
                queueNames.add(q);
            }
        });
        waiting.forEach(c -> queueNames.add(c.queue()));
        memberList.forEach(m -> queueNames.addAll(m.queues()));
        in.queuesOfMember().values().forEach(queueNames::addAll);

        // One pass over the members and the callers for all queues: a pass per queue grows as queues × agents.
        Map<String, List<CallView>> waitingIn = new HashMap<>();
        waiting.forEach(c -> waitingIn.computeIfAbsent(c.queue(), k -> new ArrayList<>()).add(c));
        Map<String, int[]> agentCounts = agentCounts(memberList, in.queuesOfMember());
        JsonArray queues = new JsonArray();
        for (String q : queueNames) {
            queues.add(queue(in, q, board.forQueue(q), waitingIn.getOrDefault(q, List.of()),
                    agentCounts.getOrDefault(q, new int[STATES]), liveAsOf));
        }
        JsonArray agentRows = agents(in);
        JsonArray waitingRows = new JsonArray();
        Map<String, Integer> positions = new HashMap<>();
        for (CallView c : waiting) {
            int position = positions.getOrDefault(c.queue(), 0) + 1;
            positions.put(c.queue(), position);
            waitingRows.add(new JsonObject().put("queue", c.queue()).put("position", position)
                    .put("waitSeconds", c.waitedSeconds(now)).put("queuedAt", str(c.queuedAt()))
                    .put("callerNumber", c.callerNumber()).put("callerName", c.callerName())
                    .put("menuPath", c.menuPath()).put("priority", priority(in, c)).put("ringing", !c.ringing().isEmpty())
                    .put("linkedid", c.linkedid()).put("pbx", c.pbx()));
        }
        return new JsonObject().put("at", now.toString()).put("liveAsOf", str(liveAsOf))
                .put("figuresAsOf", str(in.figuresAsOf())).put("today", startOfDay(now).toString()).put("timezone", zone.getId())
                .put("serviceLevelDefinition", SERVICE_LEVEL_DEFINITION).put("pbx", pbx).put("queues", queues)
                .put("agents", agentRows).put("waiting", waitingRows).put("chart", in.chart());
    }

    private static final int AVAILABLE = 0;
    private static final int ON_CALL = 1;
    private static final int RINGING = 2;
    private static final int BUSY = 3;
    private static final int PAUSED = 4;
    private static final int SIGNED_OUT = 5;
    private static final int STATES = 6;

    /** Per queue, its members by state; a member who was in the queue today and has left it counts as signed out. */
    private static Map<String, int[]> agentCounts(List<MemberView> memberList, Map<String, Set<String>> queuesOfMember) {
        Map<String, int[]> counts = new HashMap<>();
        for (MemberView m : memberList) {
            for (String q : m.queues()) {
                int state = switch (m.state()) {
                    case AVAILABLE -> AVAILABLE;
                    case IN_CALL -> ON_CALL;
                    case RINGING -> RINGING;
                    case BUSY -> BUSY;
                    case PAUSED -> PAUSED;
                    case UNAVAILABLE, SIGNED_OUT -> SIGNED_OUT;
                };
                counts.computeIfAbsent(q, k -> new int[STATES])[state]++;
            }
            for (String q : queuesOfMember.getOrDefault(key(m.pbx(), m.memberInterface()), Set.of())) {
                if (!m.queues().contains(q)) {
                    counts.computeIfAbsent(q, k -> new int[STATES])[SIGNED_OUT]++;
                }
            }
        }
        return counts;
    }

    /** @param here the queue's waiting callers; @param counts its members by state ({@link #agentCounts}) */
    private static JsonObject queue(Inputs in, String name, Settings.Thresholds t, List<CallView> here, int[] counts,
            Instant liveAsOf) {
        Instant now = in.now();
        Instant figuresAsOf = in.figuresAsOf();
        Instant pendingSince = in.pendingSince();
        Figures f = in.figures().getOrDefault(name, new Figures(t.serviceLevelSeconds()));
        int longest = here.stream().mapToInt(c -> c.waitedSeconds(now)).max().orElse(0);
        int available = counts[AVAILABLE];
        int onCall = counts[ON_CALL];
        int ringing = counts[RINGING];
        int busy = counts[BUSY];
        int paused = counts[PAUSED];
        int signedOut = counts[SIGNED_OUT];
        String waitingLevel = rising(here.size(), t.waitingAmber(), t.waitingRed());
        String longestLevel = rising(longest, t.longestWaitAmber(), t.longestWaitRed());
        Double sl = f.serviceLevelPercent();
        String slLevel = sl == null ? "ok" : sl < t.serviceLevelRed() ? "red" : sl < t.serviceLevelAmber() ? "amber" : "ok";
        // Today's figures are as fresh as the live state unless a change is waiting to be counted.
        Instant asOf = liveAsOf == null ? null : figuresAsOf == null || pendingSince == null ? liveAsOf
                : figuresAsOf.isBefore(liveAsOf) ? figuresAsOf : liveAsOf;
        JsonObject out = new JsonObject().put("name", name).put("waiting", here.size()).put("longestWaitSeconds", longest)
                .put("offered", f.offered()).put("answered", f.answered()).put("abandoned", f.abandoned())
                .put("unanswered", f.unanswered()).put("endedUnobserved", f.endedUnobserved())
                .put("abandonedPercent", f.abandonedPercent())
                .put("serviceLevelSeconds", f.serviceLevelSeconds()).put("serviceLevelPercent", sl)
                .put("averageWaitSeconds", f.averageWaitSeconds()).put("averageHandleSeconds", f.averageHandleSeconds())
                .put("agents", new JsonObject().put("available", available).put("onCall", onCall).put("ringing", ringing)
                        .put("busy", busy).put("paused", paused).put("signedOut", signedOut))
                .put("asOf", str(asOf)).put("liveAsOf", str(liveAsOf)).put("figuresAsOf", str(figuresAsOf))
                .put("level", worst(waitingLevel, longestLevel, slLevel))
                .put("levels", new JsonObject().put("waiting", waitingLevel).put("longestWait", longestLevel)
                        .put("serviceLevel", slLevel))
                .put("thresholds", new JsonObject()
                        .put("waiting", new JsonObject().put("amber", t.waitingAmber()).put("red", t.waitingRed()))
                        .put("longestWaitSeconds", new JsonObject().put("amber", t.longestWaitAmber()).put("red", t.longestWaitRed()))
                        .put("serviceLevelPercent", new JsonObject().put("amber", t.serviceLevelAmber()).put("red", t.serviceLevelRed())));
        Instant changed = in.queueChangedAt().get(name);
        out.put("changedAt", str(changed));
        return out;
    }

    private JsonArray agents(Inputs in) {
        List<MemberView> memberList = in.members();
        Instant dayStart = startOfDay(in.now());
        Map<String, MemberView> byInterface = new HashMap<>();
        memberList.forEach(m -> byInterface.putIfAbsent(MemberView.interfaceKey(m.memberInterface()), m));
        Map<String, CallView> byLinkedid = new HashMap<>();
        in.calls().forEach(c -> byLinkedid.put(key(c.pbx(), c.linkedid()), c));
        JsonArray rows = new JsonArray();
        Set<String> shown = new HashSet<>();
        for (Agent a : in.agents()) {
            MemberView m = byInterface.get(MemberView.interfaceKey(a.memberInterface()));
            if (a.role() != Role.AGENT && m == null) {
                continue;
            }
            shown.add(MemberView.interfaceKey(a.memberInterface()));
            rows.add(agentRow(in, "a" + a.id(), a.id(), a.username(), a.name(), a.memberInterface(), m, byLinkedid, dayStart));
        }
        for (MemberView m : memberList) {
            if (shown.add(MemberView.interfaceKey(m.memberInterface()))) {
                String key = memberKeys.computeIfAbsent(MemberView.interfaceKey(m.memberInterface()),
                        k -> "m" + memberKeysGiven.incrementAndGet());
                rows.add(agentRow(in, key, null, null, m.memberName(), m.memberInterface(), m, byLinkedid, dayStart));
            }
        }
        return rows;
    }

    /**
     * @param key the row's key: {@code a<id>} for an agent, another opaque one for a member who is no agent
     * @param dayStart the start of today, for today's presence
     */
    private static JsonObject agentRow(Inputs in, String key, Long id, String username, String name, String iface, MemberView m,
            Map<String, CallView> byLinkedid, Instant dayStart) {
        Instant now = in.now();
        JsonObject row = new JsonObject().put("key", key).put("id", id).put("username", username).put("name", name).put("interface", iface)
                .put("state", m == null ? MemberState.SIGNED_OUT.wire() : m.state().wire())
                .put("since", m == null ? null : str(m.since()))
                .put("stateSeconds", m == null || m.since() == null ? null : Duration.between(m.since(), now).toSeconds())
                .put("paused", m != null && m.paused())
                .put("pauseReason", m == null ? null : m.pauseReason())
                .put("queues", new JsonArray(m == null ? List.of() : new ArrayList<>(new TreeSet<>(m.queues()))))
                .put("handledToday", id == null ? 0 : in.handledToday().getOrDefault(id, 0))
                .put("missedToday", id == null ? 0 : in.missedToday().getOrDefault(id, 0));
        PresenceDay.Prepared presenceToday = in.presenceToday();
        putPresence(row, presenceToday == null ? null : presenceToday.totals(MemberView.interfaceKey(iface), dayStart, now));
        CallView c = m == null || m.linkedid() == null ? null : byLinkedid.get(key(m.pbx(), m.linkedid()));
        if (c != null) {
            Instant since = c.answeredAt() != null ? c.answeredAt() : c.queuedAt();
            row.put("call", new JsonObject().put("linkedid", c.linkedid()).put("queue", c.queue())
                    .put("callerNumber", c.callerNumber()).put("callerName", c.callerName())
                    .put("status", c.status().wire()).put("since", str(since))
                    .put("seconds", since == null ? null : Duration.between(since, now).toSeconds()));
        } else {
            row.putNull("call");
        }
        return row;
    }

    /** Today's time signed in and paused; null figures while today's intervals have not been read yet. */
    private static void putPresence(JsonObject row, PresenceDay.Totals t) {
        JsonArray byReason = null;
        if (t != null) {
            byReason = new JsonArray();
            for (Map.Entry<String, Long> e : t.pausedByReason().entrySet()) {
                byReason.add(new JsonObject().put("reason", e.getKey()).put("seconds", e.getValue()));
            }
        }
        row.put("signedInTodaySeconds", t == null ? null : t.signedInSeconds())
                .put("pausedTodaySeconds", t == null ? null : t.pausedSeconds())
                .put("pausedTodayByReason", byReason);
    }

    static boolean isWaiting(CallView c) {
        return c.queue() != null && c.answeredAt() == null && !c.ended()
                && (c.status() == CallStatus.QUEUED || c.status() == CallStatus.RINGING);
    }

    /**
     * The board as a wall screen (kiosk) shows it: the same figures, without who is calling (names,
     * numbers) or the agents' phone interfaces, since anyone in the room reads it.
     */
    public static JsonObject forWallScreen(JsonObject board) {
        return stripForWallScreen(board.copy());
    }

    /** The same, in place. */
    static JsonObject stripForWallScreen(JsonObject out) {
        JsonArray waiting = out.getJsonArray("waiting", new JsonArray());
        for (int i = 0; i < waiting.size(); i++) {
            waiting.getJsonObject(i).remove("callerNumber");
            waiting.getJsonObject(i).remove("callerName");
        }
        JsonArray agentRows = out.getJsonArray("agents", new JsonArray());
        for (int i = 0; i < agentRows.size(); i++) {
            JsonObject a = agentRows.getJsonObject(i);
            a.remove("interface");
            JsonObject call = a.getJsonObject("call");
            if (call != null) {
                call.remove("callerNumber");
                call.remove("callerName");
            }
        }
        return out;
    }

    /** The queue priority the dialplan gave the caller (higher is answered first); 0 when none. */
    private static int priority(Inputs in, CallView c) {
        return in.priorities().getOrDefault(key(c.pbx(), c.linkedid()), 0);
    }

    private static String rising(int value, int amber, int red) {
        return value >= red && red > 0 ? "red" : value >= amber && amber > 0 ? "amber" : "ok";
    }

    private static String worst(String... levels) {
        String w = "ok";
        for (String l : levels) {
            if (l.equals("red")) {
                return "red";
            }
            if (l.equals("amber")) {
                w = "amber";
            }
        }
        return w;
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }

    private static String key(String pbx, String id) {
        return pbx + "|" + id;
    }
}
