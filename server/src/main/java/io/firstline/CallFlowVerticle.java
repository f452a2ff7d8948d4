package io.firstline;

import io.firstline.board.LiveBoard;
import io.firstline.bus.Bus;
import io.firstline.calls.CallChange;
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
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of a call through Firstline: PBX events from every AMI link are handed, in order, to
 * this verticle's context, where the single {@link CallTracker} turns them into changes that go to
 * the screen pops and the call records. One context, no locks.
 */
final class CallFlowVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(CallFlowVerticle.class);

    private final List<Settings.Pbx> pbxs;
    private final AmiLink.Timing timing;
    private final Clock clock;
    private final ScreenPops pops;
    private final Consumer<CallChange> records;
    private final CallTracker tracker = new CallTracker();
    private final List<AmiLink> links = new ArrayList<>();
    private final AtomicLong eventsHandled = new AtomicLong();
    private PbxCommands commands;
    private final BoardFactory boardFactory;
    private final BiConsumer<PbxEvent, List<CallChange>> observer;
    private final BiConsumer<String, Predicate<String>> resynced;
    private final PresenceLog presence;
    private LiveBoard board;
    private final boolean wrapupPause;
    private Wrapups wrapups;

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
        Bus.answer(vertx, Bus.DESK_SNAPSHOT, agentId -> new JsonArray(new ArrayList<>(pops.snapshotFor(agentId))));
        Bus.listen(vertx, Bus.AGENTS_CHANGED, agentId -> pops.agentsChanged());
        io.firstline.desk.CurrentCalls.register(vertx, tracker);
        vertx.setPeriodic(1000, id -> pops.databaseCheck());
        for (Settings.Pbx pbx : pbxs) {
            AmiLink link = new AmiLink(pbx, event -> ctx.runOnContext(v -> handle(event)), timing, clock);
            links.add(link);
            link.start();
        }
        commands = new PbxCommands(vertx, links);
        wrapups = new Wrapups(wrapupPause, () -> commands, clock);
        wrapups.register(vertx);
        board = boardFactory.create(tracker::activeCalls, tracker::members, this::health);
        board.start();
        presence.start();
        return Future.succeededFuture();
    }

    /** Every PBX event, on this verticle's context, in the order the links received them. */
    private void handle(PbxEvent event) {
        eventsHandled.incrementAndGet();
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
            // Before the pops go out: a pop's latency is measured from here.
            observer.accept(event, changes);
        } catch (RuntimeException e) {
            log.error("Metrics failed on {}", event.getClass().getSimpleName(), e);
        }
        for (CallChange change : changes) {
            try {
                pops.apply(change);
            } catch (RuntimeException e) {
                log.error("Screen pop for {} failed", change.getClass().getSimpleName(), e);
            }
            records.accept(change);
            try {
                wrapups.apply(change);
            } catch (RuntimeException e) {
                log.error("Wrap-up failed on {}", change.getClass().getSimpleName(), e);
            }
        }
        try {
            // Before the board: a refresh of today's figures that this event starts waits for these steps.
            presence.apply(event, changes, tracker::members);
        } catch (RuntimeException e) {
            log.error("Presence failed on {}", event.getClass().getSimpleName(), e);
        }
        try {
            board.apply(event, changes);
        } catch (RuntimeException e) {
            log.error("The board failed on {}", event.getClass().getSimpleName(), e);
        }
        // Only a whole channel listing tells which recorded calls the PBX no longer has.
        if (event instanceof PbxEvent.SnapshotDone done && done.channelsListed()) {
            try {
                resynced.accept(done.pbx(), linkedid -> tracker.call(done.pbx(), linkedid).isPresent());
            } catch (RuntimeException e) {
                log.error("PBX {}: the recorded calls could not be reconciled after the snapshot", done.pbx(), e);
            }
        }
    }

    /** The AMI links, once started (for metrics). */
    List<AmiLink> links() {
        return List.copyOf(links);
    }

    List<PbxHealth> health() {
        return links.stream().map(AmiLink::health).toList();
    }

    /** The actions Firstline sends to the PBXs; set once this verticle has started. */
    PbxCommands commands() {
        return commands;
    }

    long eventsHandled() {
        return eventsHandled.get();
    }

    @Override
    public Future<?> stop() {
        links.forEach(AmiLink::close);
        return Future.succeededFuture();
    }
}
