package io.firstline;

import io.firstline.board.LiveBoard;
import io.firstline.bus.Bus;
import io.firstline.calls.CallChange;
import io.firstline.cluster.LinkLease;
import io.firstline.cluster.LinkOwnership;
import io.firstline.cluster.Witness;
import io.firstline.calls.CallTracker;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberView;
import io.firstline.calls.PbxEvent;
import io.firstline.config.Settings;
import io.firstline.desk.ScreenPops;
import io.firstline.desk.Wrapups;
import io.firstline.presence.PresenceLog;
import io.firstline.telephony.AmiLink;
import io.firstline.telephony.PbxCommands;
import io.firstline.telephony.PbxHealth;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of a call through Firstline: PBX events from every AMI link are handed, in order, to
 * this verticle's context, where the single {@link CallTracker} turns them into changes that go to
 * the screen pops and the call records. One context, no locks.
 *
 * <p>In cluster mode a PBX's link runs only while this node holds the PBX's lease (the links are spread over the
 * nodes); when it loses the lease, the link is closed and what this node knew of the PBX's calls is dropped, as if the
 * PBX had gone quiet, and the node watches the PBX through a read-only {@link Witness} again. The node that holds the
 * first PBX's lease leads: it answers the desk's and the board's questions for the cluster and builds the board, from
 * the PBXs it follows and, for the others, from what its witnesses see (observed: no pop, no write; docs/cluster.md).
 */
final class CallFlowVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(CallFlowVerticle.class);

    private final List<Settings.Pbx> pbxs;
    private final AmiLink.Timing timing;
    private final Clock clock;
    private final ScreenPops pops;
    private final Consumer<CallChange> records;
    private final CallTracker tracker = new CallTracker();
    /** The links running now, by PBX name: every PBX's, or in cluster mode those this node owns. Read from any thread. */
    private final Map<String, AmiLink> links = new ConcurrentHashMap<>();
    private final Optional<Clustered> cluster;
    /** While this node drops what it knew of a PBX it no longer owns: nothing is counted, reconciled or paused for it. */
    private boolean forgetting;
    private PbxCommands commands;
    private final BoardFactory boardFactory;
    private final BiConsumer<PbxEvent, List<CallChange>> observer;
    private final BiConsumer<String, Predicate<String>> resynced;
    private final PresenceLog presence;
    /** While this node leads (answers the desk's and board's questions): the board; else null. */
    private LiveBoard board;
    private boolean leading;
    private final List<MessageConsumer<?>> answering = new ArrayList<>();
    /** Cluster mode: the PBXs this node stands by for, by name (on this verticle's context). */
    private final Map<String, Watching> witnesses = new java.util.HashMap<>();
    /** Cluster mode: where this node takes other nodes' commands and desk questions for the PBXs it follows. */
    private final Map<String, List<MessageConsumer<?>>> serving = new java.util.HashMap<>();
    private final boolean wrapupPause;
    private Wrapups wrapups;

    /**
     * Cluster mode: the leases on the PBX links, and what drops the writes not yet made of a PBX this node gave up
     * (says what it dropped, for the log).
     */
    record Clustered(LinkOwnership ownership, Function<String, String> dropWrites,
            BiConsumer<CallView, CallChange.Timeline> writeWitnessed) {
    }

    /** Cluster mode: a PBX this node stands by for, watched through a read-only link of its own. */
    private record Watching(AmiLink link, Witness witness) {
    }

    /** Makes the live board from the tracker's state, on this verticle's context. */
    interface BoardFactory {
        LiveBoard create(Supplier<List<CallView>> calls, Supplier<List<MemberView>> members, Supplier<List<PbxHealth>> health);
    }

    /**
     * @param observer sees every event with its changes before anyone else (metrics)
     * @param resynced told, once the changes of a completed snapshot are handed on, the PBX and
     *     whether the tracker has a Linkedid of it (to be asked on this context): the recorded calls' reconcile
     * @param presence what records when the members were signed in and paused
     */
    CallFlowVerticle(List<Settings.Pbx> pbxs, AmiLink.Timing timing, Clock clock, ScreenPops pops, Consumer<CallChange> records,
            boolean wrapupPause, BoardFactory boardFactory, BiConsumer<PbxEvent, List<CallChange>> observer,
            BiConsumer<String, Predicate<String>> resynced, PresenceLog presence) {
        this(pbxs, timing, clock, pops, records, wrapupPause, boardFactory, observer, resynced, presence, Optional.empty());
    }

    /** @param cluster in cluster mode, the leases that say which PBX links this node follows */
    CallFlowVerticle(List<Settings.Pbx> pbxs, AmiLink.Timing timing, Clock clock, ScreenPops pops, Consumer<CallChange> records,
            boolean wrapupPause, BoardFactory boardFactory, BiConsumer<PbxEvent, List<CallChange>> observer,
            BiConsumer<String, Predicate<String>> resynced, PresenceLog presence, Optional<Clustered> cluster) {
        this.cluster = cluster;
        this.pbxs = pbxs;
        this.timing = timing;
        this.clock = clock;
        this.pops = pops;
        this.wrapupPause = wrapupPause;
        this.records = records;
        this.boardFactory = boardFactory;
        this.observer = observer;
        this.resynced = resynced;
        this.presence = presence;
    }

    @Override
    public Future<?> start() {
        Context ctx = context;
        Bus.listen(vertx, Bus.AGENTS_CHANGED, agentId -> pops.agentsChanged());
        vertx.setPeriodic(1000, id -> pops.databaseCheck());
        if (cluster.isEmpty()) {
            List<AmiLink> all = new ArrayList<>();
            for (Settings.Pbx pbx : pbxs) {
                AmiLink link = new AmiLink(pbx, event -> ctx.runOnContext(v -> handle(event)), timing, clock);
                links.put(pbx.name(), link);
                all.add(link);
                link.start();
            }
            commands = new PbxCommands(vertx, all);
        } else {
            // Checked at each action, not only when the lease's loss is noticed: no action after this node's own deadline.
            LinkOwnership ownership = cluster.get().ownership();
            commands = new PbxCommands(vertx, pbxs.stream().map(Settings.Pbx::name).toList(),
                    name -> ownership.owns(name) ? links.get(name) : null);
        }
        wrapups = new Wrapups(wrapupPause, () -> commands, clock);
        presence.start();
        if (cluster.isEmpty()) {
            lead();
        }
        cluster.ifPresent(c -> pbxs.forEach(p -> witness(p.name())));
        cluster.ifPresent(c -> c.ownership().start(new LinkLease.Listener() {
            @Override
            public void acquired(String pbx, long epoch, boolean takeover) {
                Watching watched = witnesses.remove(pbx);
                if (watched != null) {
                    close(watched.link());
                    if (leading) {
                        forgetObserved(pbx); // this node's own link, followed now, tells its calls anew
                    }
                    // Before the link's own changes: what the PBX did while no node could write it is written first.
                    int calls = watched.witness().handOver(c.writeWitnessed());
                    log.info("PBX {}: this node writes the {} calls it witnessed in the last minute (those the node that"
                            + " followed the PBX wrote already are merged, not doubled)", pbx, calls);
                }
                follow(pbx);
                serving.put(pbx, List.of(commands.serve(pbx), Bus.answer(vertx, Bus.deskSnapshot(pbx),
                        agentId -> new JsonArray(new ArrayList<>(pops.snapshotFor(agentId, pbx::equals))))));
                if (pbx.equals(c.ownership().leading())) {
                    lead();
                }
            }

            @Override
            public void lost(String pbx, String why) {
                serving.getOrDefault(pbx, List.of()).forEach(MessageConsumer::unregister);
                serving.remove(pbx);
                giveUp(pbx, why);
                if (pbx.equals(c.ownership().leading())) {
                    unlead();
                }
                witness(pbx);
            }
        }));
        return Future.succeededFuture();
    }

    /**
     * This node answers the desk's and the board's questions, and builds the board: always on a single node; in
     * cluster mode while it follows the first PBX (every node's sockets get the answers and the board over the event
     * bus), watching the PBXs other nodes follow through its witnesses' links, started anew so that their snapshots
     * tell it those PBXs' calls and members.
     */
    private void lead() {
        if (leading) {
            return;
        }
        leading = true;
        answering.add(Bus.answerLater(vertx, Bus.DESK_SNAPSHOT, this::deskSnapshot, 503));
        answering.addAll(io.firstline.desk.CurrentCalls.register(vertx, tracker));
        answering.add(wrapups.register(vertx));
        board = boardFactory.create(tracker::activeCalls, tracker::members, this::boardHealth);
        board.start();
        List.copyOf(witnesses.keySet()).forEach(name -> {
            Watching was = witnesses.get(name);
            close(was.link());
            watch(name, was.witness());
        });
    }

    /** Cluster mode: another node follows the first PBX now, and leads in this node's place. */
    private void unlead() {
        leading = false;
        answering.forEach(MessageConsumer::unregister);
        answering.clear();
        if (board != null) {
            board.stop();
            board = null;
        }
        witnesses.keySet().forEach(this::forgetObserved);
    }

    /**
     * An agent's state and current call: from this node's pops for the PBXs it follows, and asked of the nodes that
     * follow the others (fails while one of those does not answer: the asker tries again).
     */
    private Future<JsonArray> deskSnapshot(long agentId) {
        List<Future<JsonArray>> parts = new ArrayList<>();
        parts.add(Future.succeededFuture(new JsonArray(new ArrayList<>(pops.snapshotFor(agentId, this::followsHere)))));
        for (Settings.Pbx pbx : pbxs) {
            if (!followsHere(pbx.name())) {
                parts.add(Bus.ask(vertx, Bus.deskSnapshot(pbx.name()), agentId, 2000));
            }
        }
        return Future.all(parts).map(all -> {
            // Every agent.state first, then the calls, as one node would tell them.
            JsonArray states = new JsonArray();
            JsonArray calls = new JsonArray();
            parts.forEach(part -> part.result().forEach(m -> ("agent.state".equals(((io.vertx.core.json.JsonObject) m)
                    .getString("type")) ? states : calls).add(m)));
            return states.addAll(calls);
        });
    }

    /** Whether this node follows the PBX's link now (always, for a single node). Any thread. */
    private boolean followsHere(String pbx) {
        return cluster.isEmpty() || links.containsKey(pbx) && cluster.get().ownership().owns(pbx);
    }

    /** Cluster mode: this node owns the PBX's link now; it connects, and the snapshot tells it the PBX's calls. */
    private void follow(String name) {
        Settings.Pbx pbx = configured(name);
        AmiLink[] self = new AmiLink[1];
        // Events of a link this node has since given up are not applied: the link may still deliver a few as it closes.
        AmiLink link = new AmiLink(pbx, event -> context.runOnContext(v -> {
            if (links.get(name) == self[0]) {
                handle(event);
            }
        }), timing, clock);
        self[0] = link;
        AmiLink before = links.put(name, link);
        if (before != null) {
            close(before);
        }
        link.start();
    }

    private Settings.Pbx configured(String name) {
        return pbxs.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** Cluster mode: this node stands by for the PBX, and watches its calls through a read-only link (see {@link Witness}). */
    private void witness(String name) {
        if (!witnesses.containsKey(name)) {
            watch(name, new Witness());
        }
    }

    /** A read-only link to the PBX feeding the witness, and while this node leads, the board and the desk's answers too. */
    private void watch(String name, Witness witness) {
        Watching[] self = new Watching[1];
        AmiLink link = new AmiLink(configured(name), event -> context.runOnContext(v -> {
            if (witnesses.get(name) == self[0]) {
                witness.apply(event);
                if (leading) {
                    handle(event, true);
                }
            }
        }), timing, clock);
        self[0] = new Watching(link, witness);
        witnesses.put(name, self[0]);
        link.start();
    }

    /** Cluster mode, leading: drops what this node observed of a PBX another node followed, without a pop or a write. */
    private void forgetObserved(String name) {
        Instant at = clock.instant();
        forgetting = true;
        try {
            handle(new PbxEvent.SnapshotStarted(name, at), true);
            handle(new PbxEvent.SnapshotDone(name, at, true, true), true);
        } finally {
            forgetting = false;
        }
    }

    /**
     * Cluster mode: this node no longer owns the PBX's link. The link is closed, and the PBX's calls and members are
     * dropped as an empty snapshot would (their pops close, the board forgets them), none of it written: the calls'
     * changes not yet written are dropped too, and a write in flight is refused by the fence. The node that owns the
     * link now reads the calls from Asterisk, and its reconcile ends the recorded calls that ended meanwhile.
     */
    private void giveUp(String name, String why) {
        AmiLink link = links.remove(name);
        if (link == null) {
            return;
        }
        close(link);
        Instant at = clock.instant();
        forgetting = true;
        try {
            handle(new PbxEvent.SnapshotStarted(name, at));
            handle(new PbxEvent.SnapshotDone(name, at, true, true));
            // Last: the PBX is not live here any more (no minute's confirmation of its presence is written).
            handle(new PbxEvent.LinkLost(name, at));
        } finally {
            forgetting = false;
        }
        String dropped = cluster.get().dropWrites().apply(name);
        log.warn("PBX {}: this node gave its link up ({}); its calls and members are dropped here, and {} not yet written"
                + " are not written: the node that owns the link now resynchronises from Asterisk", name, why, dropped);
    }

    /** Closes a link off the event loop (closing waits for its thread). */
    private void close(AmiLink link) {
        vertx.executeBlocking(() -> {
            link.close();
            return null;
        }, false);
    }

    /** Every PBX event of the links this node follows, on this verticle's context, in the order the links received them. */
    private void handle(PbxEvent event) {
        handle(event, false);
    }

    /**
     * @param observed an event of a PBX another node follows, seen by this node's witness while it leads: it feeds the
     *     board and the desk's answers only (the node that follows the PBX pops, writes and counts it)
     */
    private void handle(PbxEvent event, boolean observed) {
        List<CallChange> changes;
        try {
            changes = tracker.apply(event);
        } catch (RuntimeException e) {
            log.error("PBX {}: event {} could not be applied; skipped", event.pbx(), event.getClass().getSimpleName(), e);
            return;
        }
        if (log.isTraceEnabled()) {
            log.trace("{} → {}", event, changes);
        }
        try {
            // Before the pops go out: a pop's latency is measured from here. Calls dropped here did not end: not counted.
            if (!forgetting && !observed) {
                observer.accept(event, changes);
            }
        } catch (RuntimeException e) {
            log.error("Metrics failed on {}", event.getClass().getSimpleName(), e);
        }
        for (CallChange change : changes) {
            if (!observed) {
                try {
                    pops.apply(change);
                } catch (RuntimeException e) {
                    log.error("Screen pop for {} failed", change.getClass().getSimpleName(), e);
                }
                records.accept(change);
            }
            try {
                // By the node that leads only, for every PBX: it answers the agents' "ready" (its pauses go to the PBX's node).
                if (!forgetting && leading) {
                    wrapups.apply(change);
                }
            } catch (RuntimeException e) {
                log.error("Wrap-up failed on {}", change.getClass().getSimpleName(), e);
            }
        }
        try {
            // Before the board: a refresh of today's figures that this event starts waits for these steps.
            if (!observed) {
                presence.apply(event, changes, tracker::members);
            }
        } catch (RuntimeException e) {
            log.error("Presence failed on {}", event.getClass().getSimpleName(), e);
        }
        try {
            if (board != null) {
                board.apply(event, changes);
            }
        } catch (RuntimeException e) {
            log.error("The board failed on {}", event.getClass().getSimpleName(), e);
        }
        // Only a whole channel listing tells which recorded calls the PBX no longer has.
        if (event instanceof PbxEvent.SnapshotDone done && done.channelsListed() && !forgetting && !observed) {
            try {
                resynced.accept(done.pbx(), linkedid -> tracker.call(done.pbx(), linkedid).isPresent());
            } catch (RuntimeException e) {
                log.error("PBX {}: the recorded calls could not be reconciled after the snapshot", done.pbx(), e);
            }
        }
    }

    /** The AMI link of a PBX while it runs here (for metrics); null otherwise. Any thread. */
    AmiLink link(String pbx) {
        return links.get(pbx);
    }

    /** The configured PBXs' names. */
    List<String> pbxNames() {
        return pbxs.stream().map(Settings.Pbx::name).toList();
    }

    /** Every configured PBX's link (cluster mode: who owns it, and "standby" where another node follows it). Any thread. */
    List<PbxHealth> health() {
        List<PbxHealth> out = new ArrayList<>();
        for (Settings.Pbx pbx : pbxs) {
            AmiLink link = links.get(pbx.name());
            if (cluster.isEmpty()) {
                out.add(link.health());
                continue;
            }
            LinkOwnership o = cluster.get().ownership();
            boolean owned = link != null && o.owns(pbx.name());
            PbxHealth.Status status = link != null ? link.health().status() : PbxHealth.Status.STANDBY;
            out.add(new PbxHealth(pbx.name(), status, o.owner(pbx.name()), owned));
        }
        return out;
    }

    /**
     * Every PBX's link for the board: those this node follows; in cluster mode the others as its witness's link sees
     * them (the node that follows one has the same view of Asterisk, give or take the moment).
     */
    private List<PbxHealth> boardHealth() {
        List<PbxHealth> out = new ArrayList<>();
        for (PbxHealth h : health()) {
            Watching w = h.owned() ? null : witnesses.get(h.name());
            out.add(w == null ? h : new PbxHealth(h.name(), w.link().health().status(), h.owner(), false));
        }
        return out;
    }

    /** The actions Firstline sends to the PBXs; set once this verticle has started. */
    PbxCommands commands() {
        return commands;
    }

    @Override
    public Future<?> stop() {
        links.values().forEach(AmiLink::close);
        witnesses.values().forEach(w -> w.link().close());
        return Future.succeededFuture();
    }

    /**
     * Cluster mode, at a clean stop (once the records are written): closes the links, then gives the leases back, so
     * that other nodes take the links over at once rather than when the leases run out. Any thread.
     */
    Future<Void> handBack() {
        if (cluster.isEmpty()) {
            return Future.succeededFuture();
        }
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        context.runOnContext(v -> {
            List<AmiLink> running = new ArrayList<>(links.values());
            witnesses.values().forEach(w -> running.add(w.link()));
            links.clear();
            witnesses.clear();
            vertx.executeBlocking(() -> {
                running.forEach(AmiLink::close);
                return null;
            }, false).eventually(() -> cluster.get().ownership().release()).onComplete(ar -> done.handle(ar.mapEmpty()));
        });
        return done.future();
    }
}
