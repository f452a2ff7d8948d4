package io.firstline.records;

import io.firstline.db.Database;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each complete snapshot of a PBX, ends the calls the database still has in progress for it
 * that Asterisk no longer has: those of a Firstline that was stopped or killed while they lasted.
 * Only calls the live tracker does not know and the recorder has nothing pending for are touched,
 * so a reconcile never races a write of the same call. Called on the call flow's context; the
 * database work runs on the pool; a failure is retried (10 s doubling to 5 min) until the next
 * snapshot takes over.
 */
public final class CallReconciler {

    private static final Logger log = LoggerFactory.getLogger(CallReconciler.class);

    /** The end reason of a recorded call that ended while Firstline was not running. */
    public static final String ENDED_WHILE_FIRSTLINE_WAS_DOWN = "ended-while-firstline-was-down";

    private static final long MAX_RETRY_MS = 300_000;

    private final Vertx vertx;
    private final CallStore store;
    private final CallRecorder recorder;
    private final Listener listener;
    private final long firstRetryMs;
    /** The latest snapshot of each PBX: an older reconcile's retry gives way to it. */
    private final Map<String, Long> generations = new HashMap<>();

    /** Told, on the call flow's context, of every reconcile done and how many calls it ended. */
    @FunctionalInterface
    public interface Listener {
        void reconciled(String pbx, int ended);

        /** A reconcile failed; it is tried again later. */
        default void failed(String pbx, Throwable cause) {
        }
    }

    public CallReconciler(Vertx vertx, CallStore store, CallRecorder recorder, Listener listener) {
        this(vertx, store, recorder, listener, java.time.Duration.ofSeconds(10));
    }

    CallReconciler(Vertx vertx, CallStore store, CallRecorder recorder, Listener listener, java.time.Duration firstRetry) {
        this.vertx = vertx;
        this.store = store;
        this.recorder = recorder;
        this.listener = listener;
        this.firstRetryMs = Math.max(1, firstRetry.toMillis());
    }

    /**
     * Reconciles the PBX's recorded calls with the snapshot just completed.
     *
     * @param tracked whether the live tracker has this Linkedid of the PBX now; asked on the calling context
     */
    public void afterSnapshot(String pbx, Predicate<String> tracked) {
        long generation = generations.merge(pbx, 1L, Long::sum);
        run(pbx, tracked, generation, vertx.getOrCreateContext(), firstRetryMs);
    }

    private void run(String pbx, Predicate<String> tracked, long generation, Context context, long retryMs) {
        reconcile(pbx, tracked, context).onComplete(ar -> context.runOnContext(v -> {
            if (ar.succeeded()) {
                if (ar.result() > 0) {
                    log.info("PBX {}: {} calls recorded as in progress had ended while Firstline was down; ended them"
                            + " as {} (end time estimated: their last event)", pbx, ar.result(), ENDED_WHILE_FIRSTLINE_WAS_DOWN);
                }
                listener.reconciled(pbx, ar.result());
                return;
            }
            listener.failed(pbx, ar.cause());
            if (generations.getOrDefault(pbx, 0L) != generation) {
                return;
            }
            if (io.firstline.db.FencedException.in(ar.cause()) != null) {
                // Cluster mode: another node owns the PBX's link now, and reconciles after its own snapshot.
                log.info("PBX {}: the recorded calls are not reconciled here: {}", pbx, Database.oneLine(ar.cause().getMessage()));
                return;
            }
            log.warn("PBX {}: the calls recorded as in progress could not be reconciled ({}); trying again in {} s", pbx,
                    Database.oneLine(ar.cause().getMessage()), retryMs / 1000);
            vertx.setTimer(retryMs, id -> context.runOnContext(x -> {
                if (generations.getOrDefault(pbx, 0L) == generation) {
                    run(pbx, tracked, generation, context, Math.min(MAX_RETRY_MS, retryMs * 2));
                }
            }));
        }));
    }

    /** Reads the open calls, keeps (on the context) those nobody here knows, and ends them. */
    Future<Integer> reconcile(String pbx, Predicate<String> tracked, Context context) {
        return store.openCalls(pbx).compose(open -> {
            Promise<List<String>> gone = Promise.promise();
            context.runOnContext(v -> {
                try {
                    gone.complete(open.stream().filter(l -> !tracked.test(l) && !recorder.pending(pbx, l)).toList());
                } catch (RuntimeException e) {
                    gone.fail(e);
                }
            });
            return gone.future();
        }).compose(gone -> gone.isEmpty() ? Future.succeededFuture(0)
                : store.endUnobserved(pbx, gone, ENDED_WHILE_FIRSTLINE_WAS_DOWN));
    }
}
