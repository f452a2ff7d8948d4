package io.firstline.records;

import io.firstline.calls.CallChange;
import io.firstline.calls.CallView;
import io.firstline.db.Database;
import io.firstline.db.FencedException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes calls behind the call tracker's back, so that its event loop never waits on the database
 * and no call is lost while the database is away: per call it keeps the latest view and the
 * timeline entries not yet written, and writes them in order, coalesced, retrying with a backoff
 * (0.5 s doubling to 30 s) for as long as it takes. Nothing is ever dropped.
 *
 * <p>A call's events come in bursts (a channel, its variables and its queue within milliseconds; a
 * ring, an answer and a bridge), so a change waits up to a settle time (200 ms in production) for
 * the rest of its burst before it is written: one write instead of one per event.
 *
 * <p>Calls ready to be written while the writers are busy go together, up to {@value #BATCH} of one PBX in one
 * {@link Writer#writeAll} (one transaction in production: one commit instead of one each). A batch that fails is
 * retried call by call, so that one call the database refuses holds up no other.
 *
 * <p>{@link #submit} is meant to be called from the tracker's context; the writes complete on the
 * database pool. Every method is thread-safe (one lock guards the state; writes start outside it).
 */
public final class CallRecorder {

    private static final Logger log = LoggerFactory.getLogger(CallRecorder.class);

    /** The most calls written together. */
    static final int BATCH = 25;

    /** One call as it is now and its timeline entries not yet written. */
    public record Item(CallView call, List<CallChange.Timeline> entries) {
    }

    /** What writes calls and their new timeline entries; {@link CallStore#writer} in production. */
    @FunctionalInterface
    public interface Writer {
        Future<?> write(CallView call, List<CallChange.Timeline> entries);

        /**
         * Writes several calls of one PBX. This default writes them one after another; a writer that can do better
         * (one transaction) says so. On a failure some may be written already: writes are repeatable, the recorder
         * writes them all again.
         */
        default Future<?> writeAll(List<Item> items) {
            Future<?> f = Future.succeededFuture();
            for (Item i : items) {
                f = f.compose(x -> write(i.call(), i.entries()));
            }
            return f;
        }
    }

    /** One call's changes not yet written. */
    private static final class Pending {
        final String key;
        /** When this call's oldest change not yet written came in, or no later (System.nanoTime). */
        long since = System.nanoTime();
        CallView latest;
        final List<CallChange.Timeline> entries = new ArrayList<>();
        final String pbx;
        boolean queued;
        boolean settling;
        boolean writing;
        /** Its last write failed: the next goes alone, so that a call the database refuses holds up no other. */
        boolean alone;

        Pending(String key, String pbx) {
            this.key = key;
            this.pbx = pbx;
        }
    }

    /** A write taken from the backlog: the view and the number of entries it carries. */
    private record Write(Pending pending, CallView view, List<CallChange.Timeline> entries, long taken) {
    }

    private final Vertx vertx;
    private final Writer writer;
    private final int parallel;
    private final long firstDelayMillis;
    private final long maxDelayMillis;
    private final long settleMillis;

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final ArrayDeque<Pending> ready = new ArrayDeque<>();
    /** Calls whose changes wait for the settle timer. */
    private final List<Pending> settling = new ArrayList<>();
    private boolean settleTimer;
    private long writes;
    private long batches;
    private final List<Promise<Void>> flushWaiters = new ArrayList<>();
    private int writing;
    private int failures;
    private boolean backingOff;
    /** Writes refused by the fence (cluster mode). */
    private long fenced;

    /**
     * @param parallel how many calls may be written at once (one at a time per call, always)
     * @param settle how long a change may wait for more changes of its call before it is written; zero: at once
     */
    public CallRecorder(Vertx vertx, Writer writer, int parallel, Duration settle) {
        this(vertx, writer, parallel, settle, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    CallRecorder(Vertx vertx, Writer writer, int parallel, Duration settle, Duration firstDelay, Duration maxDelay) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1");
        }
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative");
        }
        this.settleMillis = settle.toMillis();
        this.vertx = vertx;
        this.writer = writer;
        this.parallel = parallel;
        this.firstDelayMillis = Math.max(1, firstDelay.toMillis());
        this.maxDelayMillis = Math.max(firstDelayMillis, maxDelay.toMillis());
    }

    /** Takes a call's new state and, if the change adds one, its timeline entry. Never blocks, never fails. */
    public void submit(CallView call, CallChange.Timeline entry) {
        List<List<Write>> start;
        synchronized (this) {
            String key = call.pbx() + "\u0000" + call.linkedid();
            Pending p = pending.computeIfAbsent(key, k -> new Pending(k, call.pbx()));
            p.latest = call;
            if (entry != null) {
                p.entries.add(entry);
            }
            if (settleMillis == 0) {
                markReady(p);
            } else {
                settle(p);
            }
            start = takeWrites();
        }
        startAll(start);
    }

    /** Lets the call's changes wait for the settle timer, unless they already wait or are being written. */
    private void settle(Pending p) {
        if (p.queued || p.writing || p.settling) {
            return;
        }
        p.settling = true;
        settling.add(p);
        if (!settleTimer) {
            settleTimer = true;
            vertx.setTimer(settleMillis, id -> settled());
        }
    }

    private void settled() {
        List<List<Write>> start;
        synchronized (this) {
            settleTimer = false;
            readySettling();
            start = takeWrites();
        }
        startAll(start);
    }

    /** Every change waiting to settle is ready to be written. Called with the lock held. */
    private void readySettling() {
        for (Pending p : settling) {
            p.settling = false;
            markReady(p);
        }
        settling.clear();
    }

    /** How many writes of a call were started, retries included (a measure of how well changes are coalesced). */
    public synchronized long writes() {
        return writes;
    }

    /** How many times the writer was called: each call's write alone, or several together. */
    public synchronized long batches() {
        return batches;
    }

    /** Whether a change of this call is still to be written (or being written). */
    public synchronized boolean pending(String pbx, String linkedid) {
        return pending.containsKey(pbx + "\u0000" + linkedid);
    }

    /** Calls with changes not yet written (being written included). */
    public synchronized int backlog() {
        return pending.size();
    }

    /** How long the oldest change not yet written has waited (zero when nothing waits). */
    public synchronized Duration oldestWaiting() {
        long now = System.nanoTime();
        long oldest = now;
        for (Pending p : pending.values()) {
            oldest = Math.min(oldest, p.since);
        }
        return Duration.ofNanos(now - oldest);
    }

    /** Completes once everything submitted so far, and since, has been written; nothing waits to settle meanwhile. */
    public Future<Void> flushed() {
        List<List<Write>> start;
        Future<Void> done;
        synchronized (this) {
            if (pending.isEmpty()) {
                return Future.succeededFuture();
            }
            Promise<Void> p = Promise.promise();
            flushWaiters.add(p);
            done = p.future();
            readySettling();
            start = takeWrites();
        }
        startAll(start);
        return done;
    }

    private void markReady(Pending p) {
        if (!p.queued && !p.writing) {
            p.queued = true;
            ready.add(p);
        }
    }

    /** The batches to start now: each the next ready call, and more of its PBX unless it must go alone. Called with the lock held. */
    private List<List<Write>> takeWrites() {
        List<List<Write>> out = new ArrayList<>();
        while (!backingOff && writing < parallel && !ready.isEmpty()) {
            Pending first = ready.poll();
            List<Write> batch = new ArrayList<>();
            batch.add(take(first));
            if (!first.alone) {
                for (var it = ready.iterator(); it.hasNext() && batch.size() < BATCH;) {
                    Pending p = it.next();
                    if (!p.alone && p.pbx.equals(first.pbx)) {
                        it.remove();
                        batch.add(take(p));
                    }
                }
            }
            writing++;
            batches++;
            out.add(batch);
        }
        return out;
    }

    private Write take(Pending p) {
        p.queued = false;
        p.writing = true;
        writes++;
        return new Write(p, p.latest, List.copyOf(p.entries), System.nanoTime());
    }

    private void startAll(List<List<Write>> batches) {
        for (List<Write> batch : batches) {
            Future<?> f;
            try {
                if (batch.size() == 1) {
                    f = writer.write(batch.get(0).view(), batch.get(0).entries());
                } else {
                    f = writer.writeAll(batch.stream().map(w -> new Item(w.view(), w.entries())).toList());
                }
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            f.onComplete(ar -> done(batch, ar.succeeded() ? null : ar.cause()));
        }
    }

    private void done(List<Write> batch, Throwable failure) {
        List<List<Write>> start;
        List<Promise<Void>> flushed = List.of();
        synchronized (this) {
            writing--;
            FencedException refused = FencedException.in(failure);
            if (refused != null) {
                // Not this node's to write any more (cluster mode): what the write carried is dropped, not retried. The
                // node that owns the PBX's link now read the calls from Asterisk, and its reconcile ends those that
                // ended meanwhile.
                fenced += batch.size();
                log.warn("{} not written: {} ({} writes refused so far)", batch.size() == 1
                        ? "Call " + batch.get(0).view().linkedid() + " of PBX " + refused.pbx()
                        : batch.size() + " calls of PBX " + refused.pbx(), Database.oneLine(refused.getMessage()), fenced);
                failure = null;
            }
            for (Write w : batch) {
                Pending p = w.pending();
                p.writing = false;
                if (pending.get(p.key) != p) {
                    // Discarded while it was being written: nothing of it is kept.
                } else if (failure == null) {
                    p.alone = false;
                    p.entries.subList(0, w.entries().size()).clear();
                    if (p.latest == w.view() && p.entries.isEmpty()) {
                        pending.remove(p.key);
                    } else {
                        p.since = w.taken(); // what is left came after this write was taken
                        markReady(p);
                    }
                } else {
                    p.alone = true;
                    markReady(p);
                }
            }
            if (failure == null) {
                if (failures > 0) {
                    log.info("Call records are written again after {} failed attempts; {} calls still to write",
                            failures, pending.size());
                }
                failures = 0;
            } else {
                failures++;
                if (!backingOff) {
                    backingOff = true;
                    long delay = delayAfter(failures);
                    log.warn("Cannot write {} ({}); {} calls wait in memory, retrying in {} ms", batch.size() == 1
                            ? "call " + batch.get(0).view().linkedid() : batch.size() + " calls",
                            Database.oneLine(failure.getMessage()), pending.size(), delay);
                    vertx.setTimer(delay, id -> retry());
                }
            }
            start = takeWrites();
            if (pending.isEmpty() && !flushWaiters.isEmpty()) {
                flushed = List.copyOf(flushWaiters);
                flushWaiters.clear();
            }
        }
        flushed.forEach(Promise::complete);
        startAll(start);
    }

    private void retry() {
        List<List<Write>> start;
        synchronized (this) {
            backingOff = false;
            start = takeWrites();
        }
        startAll(start);
    }

    /**
     * Drops every change of the PBX's calls not yet written (cluster mode: this node no longer owns its link); a write
     * in flight completes or is refused by the fence, and is not retried. Thread-safe.
     *
     * @return how many calls' changes were dropped
     */
    public int discard(String pbx) {
        List<Promise<Void>> flushed = List.of();
        int dropped = 0;
        synchronized (this) {
            String prefix = pbx + "\u0000";
            for (var it = pending.values().iterator(); it.hasNext();) {
                Pending p = it.next();
                if (p.key.startsWith(prefix)) {
                    it.remove();
                    dropped++;
                }
            }
            ready.removeIf(p -> p.key.startsWith(prefix));
            settling.removeIf(p -> p.key.startsWith(prefix));
            if (pending.isEmpty() && !flushWaiters.isEmpty()) {
                flushed = List.copyOf(flushWaiters);
                flushWaiters.clear();
            }
        }
        flushed.forEach(Promise::complete);
        return dropped;
    }

    /** Writes the fence refused (cluster mode), since start. */
    public synchronized long fenced() {
        return fenced;
    }

    long delayAfter(int failures) {
        int doublings = Math.min(failures - 1, 30);
        return Math.min(maxDelayMillis, firstDelayMillis << doublings);
    }
}
