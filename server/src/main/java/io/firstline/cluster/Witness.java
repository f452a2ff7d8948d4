package io.firstline.cluster;

import io.firstline.calls.CallChange;
import io.firstline.calls.CallTracker;
import io.firstline.calls.CallView;
import io.firstline.calls.PbxEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Cluster mode, on a node that stands by for a PBX: what it sees of the PBX's calls through a read-only link of its
 * own (a tracker of its own; no pop, no board, no write, no action), kept for the seconds a takeover may need. When
 * the node takes the link over, it writes what it witnessed: the calls that began or ended while no node could write
 * them (the owner dead or cut off, the lease not yet run out) are then recorded, their timelines and real end times
 * included. A call's writes merge into its row (one per PBX and Linkedid; timeline entries keyed by their event), so
 * what the old owner wrote already is not written twice.
 *
 * <p>Fed and read on the call flow's context.
 */
public final class Witness {

    /** How long a call ended is kept: well beyond a lease and a takeover (and an owner's write-behind backlog). */
    static final long KEEP_ENDED_NANOS = 60_000_000_000L;
    /** Calls kept at most (a bound on memory whatever the traffic); the oldest go first. */
    static final int MAX_CALLS = 100_000;

    private static final class Seen {
        CallView view;
        final List<CallChange.Timeline> entries = new ArrayList<>();
        long lastNanos;
    }

    private final CallTracker tracker = new CallTracker();
    private final int maxCalls;
    /** By Linkedid, the least recently changed first. */
    private final LinkedHashMap<String, Seen> calls = new LinkedHashMap<>(16, 0.75f, true);
    private long lastPruneNanos;

    public Witness() {
        this(MAX_CALLS);
    }

    Witness(int maxCalls) {
        this.maxCalls = maxCalls;
    }

    /** One event of the PBX, in order. */
    public void apply(PbxEvent event) {
        long now = System.nanoTime();
        for (CallChange change : tracker.apply(event)) {
            if (change.call() == null) {
                continue;
            }
            Seen s = calls.computeIfAbsent(change.call().linkedid(), k -> new Seen());
            s.view = change.call();
            s.lastNanos = now;
            if (change.timeline() != null) {
                s.entries.add(change.timeline());
            }
        }
        if (now - lastPruneNanos > 1_000_000_000L || calls.size() > maxCalls) {
            prune(now);
        }
    }

    private void prune(long now) {
        lastPruneNanos = now;
        for (Iterator<Map.Entry<String, Seen>> it = calls.entrySet().iterator(); it.hasNext(); ) {
            Seen s = it.next().getValue();
            boolean over = calls.size() > maxCalls;
            if (over || s.view.endedAt() != null && now - s.lastNanos > KEEP_ENDED_NANOS) {
                it.remove();
            } else if (now - s.lastNanos <= KEEP_ENDED_NANOS) {
                break; // the rest changed more recently
            }
        }
    }

    /** How many calls are kept now. */
    public int size() {
        return calls.size();
    }

    /**
     * Hands every call kept to {@code write} (its latest view and each timeline entry, then the view alone when it has
     * none), the least recently changed first, and forgets them.
     */
    public int handOver(BiConsumer<CallView, CallChange.Timeline> write) {
        int n = calls.size();
        for (Seen s : calls.values()) {
            if (s.entries.isEmpty()) {
                write.accept(s.view, null);
            }
            for (CallChange.Timeline e : s.entries) {
                write.accept(s.view, e);
            }
        }
        calls.clear();
        return n;
    }
}
