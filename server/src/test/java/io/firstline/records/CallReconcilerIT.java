package io.firstline.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestDatabase;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.db.Database;
import io.firstline.phone.PhoneNumbers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the reconcile after a snapshot: only calls nobody here knows, never racing a write, retried after a failure")
class CallReconcilerIT {

    private Vertx vertx;
    private TestDatabase.Fresh fresh;
    private Database db;
    private CallStore store;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        fresh = TestDatabase.fresh();
        db = Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 2, Optional.empty());
        store = new CallStore(db, new PhoneNumbers("US"));
    }

    @AfterEach
    void stop() {
        if (db != null) {
            db.close();
        }
        if (fresh != null) {
            fresh.close();
        }
        vertx.close();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = fresh.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private String endedOf(String linkedid) throws SQLException {
        try (Connection c = fresh.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status, ended_at_estimated + 0, end_reason FROM calls WHERE linkedid = '"
                     + linkedid + "'")) {
            rs.next();
            return rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3);
        }
    }

    private static CallView waiting(String linkedid) {
        Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
        return new CallView("p", linkedid, "+15551234567", null, null, null, null, "software", 1, CallStatus.QUEUED, t0,
                t0.plusSeconds(2), null, null, null, null, null, null, null, false, List.of());
    }

    /** What the reconciler told: "pbx:ended" for a reconcile done, "pbx:failed" for one that failed. */
    private final BlockingQueue<String> told = new LinkedBlockingQueue<>();

    private CallReconciler reconciler(CallRecorder recorder) {
        return new CallReconciler(vertx, store, recorder, new CallReconciler.Listener() {
            @Override
            public void reconciled(String pbx, int ended) {
                told.add(pbx + ":" + ended);
            }

            @Override
            public void failed(String pbx, Throwable cause) {
                told.add(pbx + ":failed");
            }
        }, Duration.ofMillis(200));
    }

    @Test
    @DisplayName("calls the tracker has, or whose write is still pending, are left alone; the others are ended; the next"
            + " snapshot's reconcile ends nothing more")
    void leavesKnownCallsAlone() throws Exception {
        for (String id : List.of("tracked", "pending", "gone")) {
            await(store.record(waiting(id), List.of()));
        }
        // A recorder whose writes never complete: "pending" has a write in flight all along.
        CallRecorder recorder = new CallRecorder(vertx, (call, entries) -> Promise.promise().future(), 1, Duration.ZERO);
        recorder.submit(waiting("pending"), null);
        CallReconciler reconciler = reconciler(recorder);
        Set<String> tracked = Set.of("tracked");

        vertx.runOnContext(v -> reconciler.afterSnapshot("p", tracked::contains));
        assertThat(told.poll(30, TimeUnit.SECONDS)).isEqualTo("p:1");
        assertThat(endedOf("gone")).isEqualTo("unanswered/1/ended-while-firstline-was-down");
        assertThat(endedOf("tracked")).isEqualTo("queued/0/null");
        assertThat(endedOf("pending")).isEqualTo("queued/0/null");

        vertx.runOnContext(v -> reconciler.afterSnapshot("p", tracked::contains));
        assertThat(told.poll(30, TimeUnit.SECONDS)).isEqualTo("p:0");
        vertx.runOnContext(v -> reconciler.afterSnapshot("other", id -> false));
        assertThat(told.poll(30, TimeUnit.SECONDS)).as("another PBX's calls are not touched").isEqualTo("other:0");
        assertThat(endedOf("tracked")).isEqualTo("queued/0/null");
    }

    @Test
    @DisplayName("a reconcile that fails (the calls table is away) is tried again until it succeeds")
    void retriedAfterAFailure() throws Exception {
        await(store.record(waiting("gone-later"), List.of()));
        CallReconciler reconciler = reconciler(new CallRecorder(vertx, store::record, 1, Duration.ZERO));
        sql("RENAME TABLE calls TO calls_away");
        try {
            vertx.runOnContext(v -> reconciler.afterSnapshot("p", id -> false));
            assertThat(told.poll(30, TimeUnit.SECONDS)).isEqualTo("p:failed");
        } finally {
            sql("RENAME TABLE calls_away TO calls");
        }
        String next;
        do {
            next = told.poll(30, TimeUnit.SECONDS);
        } while ("p:failed".equals(next));
        assertThat(next).isEqualTo("p:1");
        assertThat(endedOf("gone-later")).isEqualTo("unanswered/1/ended-while-firstline-was-down");
    }
}
