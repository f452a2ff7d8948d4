package io.firstline.cluster;

import io.firstline.db.Database;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's lease on one PBX's link: tries to hold it every {@code renewEvery} (the database sets it to run out
 * {@code lease} later by its own clock), and counts itself the owner only while its last successful attempt was
 * started less than {@code ownFor} ago by this node's monotonic clock. With {@code ownFor} shorter than {@code lease},
 * an owner cut off from the database stops acting ({@link Listener#lost}) before its lease runs out and another node
 * may take over.
 *
 * <p>Created and started on a context (the call flow's); the listener is told there. {@link #epoch()} is read from any thread.
 */
public final class LinkLease {

    private static final Logger log = LoggerFactory.getLogger(LinkLease.class);

    /** How long a lease lasts, how often it is renewed, and for how long after a renewal started the node acts as owner. */
    public record Timing(Duration lease, Duration renewEvery, Duration ownFor) {
        public Timing {
            if (renewEvery.isZero() || renewEvery.isNegative() || ownFor.compareTo(renewEvery) <= 0
                    || lease.compareTo(ownFor) <= 0) {
                throw new IllegalArgumentException("need 0 < renewEvery < ownFor < lease: " + renewEvery + ", " + ownFor + ", " + lease);
            }
        }

        /** 6 s leases renewed every 2 s, owner for 4 s after a renewal: a dead owner's link is taken over within 8 s. */
        public static Timing standard() {
            return new Timing(Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(4));
        }
    }

    /** Told on the lease's context. */
    public interface Listener {
        /** This node owns the link now, under {@code epoch}; {@code takeover}: from another node whose lease ran out. */
        void acquired(String pbx, long epoch, boolean takeover);

        /** This node no longer owns the link. */
        void lost(String pbx, String why);

        /** Who owns the link as last seen (this node or another), for /health; null when unknown. */
        default void ownerSeen(String pbx, String owner) {
        }
    }

    private final Vertx vertx;
    private final PbxOwnerStore store;
    private final String pbx;
    private final String node;
    private final Timing timing;
    private final Listener listener;
    private Context context;
    private long timer = -1;
    /** The epoch held and until when (System.nanoTime) this node acts as owner; 0: none. Written on the context. */
    private volatile long heldEpoch;
    private volatile long ownUntilNanos;
    private volatile String owner;
    /**
     * The epoch the database says this node holds, which the next attempt renews; 0 once the node gave the link up,
     * so that it acquires it anew, under a new epoch (a write started under the old one is then refused).
     */
    private long renewEpoch;
    private long lastAttemptNanos;
    private boolean attempting;
    private volatile boolean stopped;
    private final java.util.function.BooleanSupplier mayHold;

    public LinkLease(Vertx vertx, PbxOwnerStore store, String pbx, String node, Timing timing, Listener listener) {
        this(vertx, store, pbx, node, timing, listener, () -> true);
    }

    /**
     * @param mayHold asked before each attempt: while false, this node does not try to take the lease, and gives it
     *     back if it holds it
     */
    public LinkLease(Vertx vertx, PbxOwnerStore store, String pbx, String node, Timing timing, Listener listener,
            java.util.function.BooleanSupplier mayHold) {
        this.mayHold = mayHold;
        this.vertx = vertx;
        this.store = store;
        this.pbx = pbx;
        this.node = node;
        this.timing = timing;
        this.listener = listener;
    }

    /** Starts trying to hold the lease, at once and then every renewEvery. Call on the context the listener is to be told on. */
    public void start() {
        context = vertx.getOrCreateContext();
        // Checked four times a renewal period: a lapse is noticed well before the lease runs out in the database.
        timer = vertx.setPeriodic(0, Math.max(1, timing.renewEvery().toMillis() / 4), id -> tick());
    }

    public String pbx() {
        return pbx;
    }

    /** The epoch this node owns the link under now, by its own clock; empty when it does not. Any thread. */
    public OptionalLong epoch() {
        long e = heldEpoch;
        if (e == 0 || System.nanoTime() - ownUntilNanos >= 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(e);
    }

    /** The node that owned the link as last seen (this one while it owns it); null before the first answer. Any thread. */
    public String owner() {
        return owner;
    }

    private void tick() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        if (heldEpoch != 0 && now - ownUntilNanos >= 0) {
            lose("no renewal of the lease succeeded for " + timing.ownFor().toMillis() + " ms");
        }
        if (attempting || (lastAttemptNanos != 0 && now - lastAttemptNanos < timing.renewEvery().toNanos())) {
            return;
        }
        if (!mayHold.getAsBoolean()) {
            if (heldEpoch != 0 || renewEpoch != 0) {
                giveBack();
            } else {
                look(now);
            }
            return;
        }
        attempting = true;
        lastAttemptNanos = now;
        long started = now;
        store.hold(pbx, node, renewEpoch, timing.lease()).onComplete(ar -> context.runOnContext(v -> {
            attempting = false;
            if (stopped) {
                return;
            }
            if (ar.failed()) {
                log.debug("PBX {}: the lease could not be renewed or taken ({})", pbx, Database.oneLine(ar.cause().getMessage()));
                return; // tick() notices when this node has gone too long without a renewal
            }
            PbxOwnerStore.Holding h = ar.result();
            owner = h.owner();
            listener.ownerSeen(pbx, h.owner());
            if (!h.owned()) {
                if (heldEpoch != 0) {
                    lose(h.owner() + " holds the lease (epoch " + h.epoch() + ")");
                }
                return;
            }
            if (heldEpoch != 0 && heldEpoch != h.epoch()) {
                lose("the lease was taken anew under epoch " + h.epoch()); // cannot happen: a held epoch is renewed
            }
            renewEpoch = h.epoch();
            if (System.nanoTime() - (started + timing.ownFor().toNanos()) >= 0) {
                return; // the answer came too late to act on; the next attempt renews it
            }
            ownUntilNanos = started + timing.ownFor().toNanos();
            if (heldEpoch == 0) {
                heldEpoch = h.epoch();
                log.info("PBX {}: this node ({}) owns the link now (epoch {}{})", pbx, node, h.epoch(),
                        h.takeover() ? ", taken over from a node whose lease ran out" : "");
                listener.acquired(pbx, h.epoch(), h.takeover());
            }
        }));
    }

    /** Not trying for the lease: only who holds it is read, for /health. */
    private void look(long now) {
        attempting = true;
        lastAttemptNanos = now;
        store.owner(pbx).onComplete(ar -> context.runOnContext(v -> {
            attempting = false;
            if (!stopped && ar.succeeded()) {
                owner = ar.result().orElse(null);
                listener.ownerSeen(pbx, owner);
            }
        }));
    }

    private void lose(String why) {
        long was = heldEpoch;
        heldEpoch = 0;
        renewEpoch = 0;
        log.warn("PBX {}: this node ({}) no longer owns the link (epoch {}): {}", pbx, node, was, why);
        listener.lost(pbx, why);
    }

    /** Gives the lease back, if held, without stopping: the node may take it again once it may hold it. */
    private void giveBack() {
        long held = renewEpoch;
        if (heldEpoch != 0) {
            lose("this node follows more than its share of the PBX links: another node takes this one");
        }
        renewEpoch = 0;
        if (held != 0) {
            attempting = true;
            store.release(pbx, node, held).onComplete(ar -> context.runOnContext(v -> attempting = false));
        }
    }

    /**
     * Stops renewing and gives the lease back (its end set to the past), so that another node takes over at its next
     * attempt. On the lease's context.
     */
    public Future<Void> release() {
        halt();
        long held = renewEpoch;
        heldEpoch = 0;
        renewEpoch = 0;
        if (held == 0) {
            return Future.succeededFuture();
        }
        return store.release(pbx, node, held).onFailure(e -> log.warn("PBX {}: the lease could not be given back ({});"
                + " another node takes over once it runs out", pbx, Database.oneLine(e.getMessage()))).mapEmpty();
    }

    /** Stops renewing without giving the lease back, as a node that died would (and for tests). On the lease's context. */
    public void halt() {
        stopped = true;
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
