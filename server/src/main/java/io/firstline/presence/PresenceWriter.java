package io.firstline.presence;

import io.firstline.db.Database;
import io.firstline.db.FencedException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the presence steps behind the call flow's back, as the call recorder writes calls: in order, up to
 * {@value #BATCH} steps a transaction, one transaction at a time, retrying a failed one with a backoff (0.5 s doubling
 * to 30 s) for as long as it takes. A step is dropped only once written; a batch written again after an answer lost
 * changes nothing (every step is idempotent). {@link #submit} is called on the call flow's context; every method is
 * thread-safe.
 */
public final class PresenceWriter {

    private static final Logger log = LoggerFactory.getLogger(PresenceWriter.class);
    static final int BATCH = 500;

    /** What writes a batch of steps in one transaction; {@link PresenceStore#write} in production. */
    @FunctionalInterface
    interface Writer {
        Future<?> write(List<PresenceStep> steps);
    }

    private final Vertx vertx;
    private final Writer writer;
    private final long firstDelayMillis;
    private final long maxDelayMillis;
    private final ArrayDeque<PresenceStep> waiting = new ArrayDeque<>();
    private final List<Promise<Void>> flushWaiters = new ArrayList<>();
    /** How many steps at the head of {@link #waiting} are being written; 0 when none is. */
    private int writing;
    private int failures;
    private boolean backingOff;
    /** PBXs whose steps being written are to be dropped whatever the write's outcome ({@link #discard}). */
    private final java.util.Set<String> dropInFlight = new java.util.HashSet<>();
    private long fenced;

    public PresenceWriter(Vertx vertx, PresenceStore store) {
        this(vertx, store::write, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    PresenceWriter(Vertx vertx, Writer writer, Duration firstDelay, Duration maxDelay) {
        this.vertx = vertx;
        this.writer = writer;
        this.firstDelayMillis = Math.max(1, firstDelay.toMillis());
        this.maxDelayMillis = Math.max(firstDelayMillis, maxDelay.toMillis());
    }

    /** Takes one step to write. Never blocks, never fails. */
    void submit(PresenceStep step) {
        List<PresenceStep> batch;
        synchronized (this) {
            waiting.add(step);
            batch = take();
        }
        start(batch);
    }

    /** Steps not yet written (being written included). */
    public synchronized int backlog() {
        return waiting.size();
    }

    /** Completes once everything submitted so far, and since, has been written. */
    public synchronized Future<Void> flushed() {
        if (waiting.isEmpty()) {
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        flushWaiters.add(p);
        return p.future();
    }

    /** The next batch to write, or null. Called with the lock held. */
    private List<PresenceStep> take() {
        if (writing > 0 || backingOff || waiting.isEmpty()) {
            return null;
        }
        List<PresenceStep> batch = new ArrayList<>(Math.min(BATCH, waiting.size()));
        for (PresenceStep s : waiting) {
            if (batch.size() == BATCH) {
                break;
            }
            batch.add(s);
        }
        writing = batch.size();
        return batch;
    }

    private void start(List<PresenceStep> batch) {
        if (batch == null) {
            return;
        }
        Future<?> f;
        try {
            f = writer.write(batch);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> done(ar.succeeded() ? null : ar.cause()));
    }

    private void done(Throwable failure) {
        List<PresenceStep> next;
        List<Promise<Void>> flushed = List.of();
        synchronized (this) {
            int written = writing;
            writing = 0;
            java.util.Set<String> drop = new java.util.HashSet<>(dropInFlight);
            dropInFlight.clear();
            FencedException refused = FencedException.in(failure);
            if (refused != null) {
                drop.add(refused.pbx());
            }
            if (failure != null && !drop.isEmpty()) {
                // The batch's steps of a PBX this node no longer owns are dropped; the others are written again.
                int dropped = 0;
                ArrayDeque<PresenceStep> kept = new ArrayDeque<>(waiting.size());
                int i = 0;
                for (PresenceStep step : waiting) {
                    if (i++ < written && drop.contains(step.pbx())) {
                        dropped++;
                    } else {
                        kept.add(step);
                    }
                }
                waiting.clear();
                waiting.addAll(kept);
                if (refused != null) {
                    // Not this node's to write (cluster mode): the node that owns the link now resynchronised them.
                    fenced += dropped;
                    log.warn("{} presence steps of PBX {} not written: {} ({} refused so far)", dropped, refused.pbx(),
                            Database.oneLine(refused.getMessage()), fenced);
                    failure = null;
                    written = 0;
                }
            }
            if (failure == null) {
                if (failures > 0) {
                    log.info("Presence intervals are written again after {} failed attempts", failures);
                }
                failures = 0;
                for (int i = 0; i < written; i++) {
                    waiting.poll();
                }
            } else {
                failures++;
                if (!backingOff) {
                    backingOff = true;
                    long delay = delayAfter(failures);
                    log.warn("Cannot write presence intervals ({}); {} steps wait in memory, retrying in {} ms",
                            Database.oneLine(failure.getMessage()), waiting.size(), delay);
                    vertx.setTimer(delay, id -> retry());
                }
            }
            next = take();
            if (waiting.isEmpty() && !flushWaiters.isEmpty()) {
                flushed = List.copyOf(flushWaiters);
                flushWaiters.clear();
            }
        }
        flushed.forEach(Promise::complete);
        start(next);
    }

    private void retry() {
        List<PresenceStep> batch;
        synchronized (this) {
            backingOff = false;
            batch = take();
        }
        start(batch);
    }

    /**
     * Drops the PBX's steps not yet written (cluster mode: this node no longer owns its link); those being written are
     * dropped once the write ends, and not retried. Thread-safe.
     *
     * @return how many steps were dropped now
     */
    public int discard(String pbx) {
        List<Promise<Void>> flushed = List.of();
        int dropped = 0;
        synchronized (this) {
            ArrayDeque<PresenceStep> kept = new ArrayDeque<>(waiting.size());
            int i = 0;
            for (PresenceStep step : waiting) {
                if (i++ >= writing && step.pbx().equals(pbx)) {
                    dropped++;
                } else {
                    kept.add(step);
                }
            }
            waiting.clear();
            waiting.addAll(kept);
            if (writing > 0) {
                dropInFlight.add(pbx);
            }
            if (waiting.isEmpty() && !flushWaiters.isEmpty()) {
                flushed = List.copyOf(flushWaiters);
                flushWaiters.clear();
            }
        }
        flushed.forEach(Promise::complete);
        return dropped;
    }

    /** Steps the fence refused (cluster mode), since start. */
    public synchronized long fenced() {
        return fenced;
    }

    long delayAfter(int failures) {
        int doublings = Math.min(failures - 1, 30);
        return Math.min(maxDelayMillis, firstDelayMillis << doublings);
    }
}
