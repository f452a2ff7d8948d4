package io.firstline;

import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.db.Database;
import io.firstline.phone.PhoneNumbers;
import io.firstline.records.CallStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Writes calls into a test server's database the way the call recorder does: through CallStore, on its own pool. */
public final class CallLog implements AutoCloseable {

    private static final AtomicInteger LINKEDIDS = new AtomicInteger();

    private final Vertx vertx = Vertx.vertx();
    private final Database db;
    private final CallStore calls;
    private final TestServer server;

    public CallLog(TestServer server) {
        this.server = server;
        db = Database.open(vertx, server.db().url(), server.db().user(), server.db().password(), 2, Optional.empty());
        calls = new CallStore(db, new PhoneNumbers("US"));
    }

    public Database db() {
        return db;
    }

    /** A call answered by the member on {@code iface} after {@code wait} s; it talked {@code talk} s (null: still talking). */
    public long answered(Instant queuedAt, String queue, String number, String iface, int wait, Integer talk) {
        Instant answeredAt = queuedAt.plusSeconds(wait);
        Instant endedAt = talk == null ? null : answeredAt.plusSeconds(talk);
        return record(queuedAt, queue, number, talk == null ? CallStatus.CONNECTED : CallStatus.ANSWERED, answeredAt,
                endedAt, iface, wait, talk);
    }

    /**
     * A call answered by {@code first} after {@code wait} s, who talked {@code firstTalk} s and transferred it to
     * {@code second}, who talked {@code secondTalk} s until the caller hung up.
     */
    public long transferred(Instant queuedAt, String queue, String number, int wait, String first, int firstTalk,
            String second, int secondTalk) {
        String linkedid = "report-" + LINKEDIDS.incrementAndGet();
        Instant answeredAt = queuedAt.plusSeconds(wait);
        Instant secondAnswer = answeredAt.plusSeconds(firstTalk + 5);
        Instant endedAt = secondAnswer.plusSeconds(secondTalk);
        CallView v = new CallView("pbx", linkedid, number, "Caller " + linkedid, null, "main/" + queue, null, queue, null,
                CallStatus.ANSWERED, queuedAt.minusSeconds(20), queuedAt, answeredAt, endedAt, second, null, wait,
                firstTalk + secondTalk, "caller", true, List.of(), null,
                List.of(new CallView.Talk(first, null, answeredAt, firstTalk), new CallView.Talk(second, null, secondAnswer, secondTalk)),
                false);
        return await(calls.record(v, List.of(new CallChange.Timeline(queuedAt, "queued", queue, null, "position 1",
                "queued:" + queue))));
    }

    /** A caller who hung up after waiting {@code wait} s. */
    public long abandoned(Instant queuedAt, String queue, String number, int wait) {
        return record(queuedAt, queue, number, CallStatus.ABANDONED, null, queuedAt.plusSeconds(wait), null, wait, null);
    }

    /** A call that left the queue unanswered after {@code wait} s (timeout). */
    public long unanswered(Instant queuedAt, String queue, String number, int wait) {
        return record(queuedAt, queue, number, CallStatus.UNANSWERED, null, queuedAt.plusSeconds(wait), null, wait, null);
    }

    /** A caller still waiting. */
    public long waiting(Instant queuedAt, String queue, String number) {
        return record(queuedAt, queue, number, CallStatus.QUEUED, null, null, null, null, null);
    }

    private long record(Instant queuedAt, String queue, String number, CallStatus status, Instant answeredAt,
            Instant endedAt, String iface, Integer wait, Integer talk) {
        String linkedid = "report-" + LINKEDIDS.incrementAndGet();
        Instant entered = queuedAt.minusSeconds(20);
        CallView v = new CallView("pbx", linkedid, number, "Caller " + linkedid, null, "main/" + queue, null, queue, null,
                status, entered, queuedAt, answeredAt, endedAt, iface, null, wait, talk, endedAt == null ? null : "caller",
                false, List.of());
        List<CallChange.Timeline> timeline = new ArrayList<>(List.of(
                new CallChange.Timeline(entered, "entered", null, null, number, "entered"),
                new CallChange.Timeline(queuedAt, "queued", queue, null, "position 1", "queued:" + queue)));
        if (answeredAt != null) {
            timeline.add(new CallChange.Timeline(answeredAt, "answered", queue, iface, "after " + wait + " s", "answered"));
        }
        if (endedAt != null) {
            timeline.add(new CallChange.Timeline(endedAt, "ended", queue, null, status.wire(), "ended"));
        }
        return await(calls.record(v, timeline));
    }

    /**
     * Marks the callback request of an abandoned call as done by {@code agentId} at {@code at}, as the desk's
     * callback action does.
     */
    public void callbackMade(long callId, long agentId, Instant at) {
        try (java.sql.Connection c = server.db().connect(); java.sql.PreparedStatement st = c.prepareStatement(
                "UPDATE callback_requests SET status = 'done', handled_by = ?, handled_at = ?, result = 'reached'"
                        + " WHERE call_id = ?")) {
            st.setLong(1, agentId);
            st.setObject(2, java.time.LocalDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
            st.setLong(3, callId);
            if (st.executeUpdate() != 1) {
                throw new IllegalStateException("no callback request for call " + callId);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        db.close();
        vertx.close();
    }
}
