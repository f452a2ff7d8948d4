package io.firstline.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestDatabase;
import io.firstline.auth.AgentStore;
import io.firstline.auth.Role;
import io.firstline.callers.CallerStore;
import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallTracker;
import io.firstline.calls.CallView;
import io.firstline.calls.PbxEvent;
import io.firstline.db.Database;
import io.firstline.phone.PhoneNumbers;
import io.firstline.reports.KpiStore;
import io.firstline.telephony.Traces;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("call records in MariaDB: every call once, with its timeline")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallRecordsIT {

    private static final String ALICE_IFACE = "Local/1001@agents/n";

    private Vertx vertx;
    private TestDatabase.Fresh fresh;
    private Database db;
    private CallStore store;
    private CallerStore callers;
    private long alice;
    private long jane;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        fresh = TestDatabase.fresh();
        db = Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 4, Optional.empty());
        store = new CallStore(db, new PhoneNumbers("US"));
        callers = new CallerStore(db);
        AgentStore agents = new AgentStore(db);
        alice = await(agents.create("alice", "Alice Agent", "x", Role.AGENT, ALICE_IFACE)).id();
        await(agents.create("bob", "Bob Agent", "x", Role.AGENT, "Local/1002@agents/n"));
        jane = await(callers.create("Jane Doe", "Acme", null, false, List.of("+15551234567"))).id();
    }

    @AfterAll
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

    private long count(String sql, Object... args) {
        return fresh.count(sql, args);
    }

    private Object value(String column, String linkedid) {
        try (Connection c = fresh.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM calls WHERE pbx = 'pbx' AND linkedid = ?")) {
            s.setString(1, linkedid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The trace's call changes, as the tracker says them. */
    private static List<CallChange> replay(String trace) throws Exception {
        CallTracker tracker = new CallTracker();
        List<CallChange> out = new ArrayList<>();
        for (PbxEvent e : Traces.pbxEvents(trace)) {
            out.addAll(tracker.apply(e));
        }
        return out;
    }

    private static CallView callOf(CallChange c) {
        if (c instanceof CallChange.CallStarted x) {
            return x.call();
        } else if (c instanceof CallChange.CallUpdated x) {
            return x.call();
        } else if (c instanceof CallChange.MemberRang x) {
            return x.call();
        } else if (c instanceof CallChange.MemberMissed x) {
            return x.call();
        } else if (c instanceof CallChange.CallAnswered x) {
            return x.call();
        } else if (c instanceof CallChange.CallWithdrawn x) {
            return x.call();
        } else if (c instanceof CallChange.MemberDone x) {
            return x.call();
        } else if (c instanceof CallChange.CallEnded x) {
            return x.call();
        }
        return null;
    }

    private static void submitAll(CallRecorder recorder, List<CallChange> changes) {
        for (CallChange c : changes) {
            CallView call = callOf(c);
            if (call != null) {
                recorder.submit(call, c.timeline());
            }
        }
    }

    private static List<CallChange.Timeline> entries(List<CallChange> changes) {
        return changes.stream().map(CallChange::timeline).filter(t -> t != null).toList();
    }

    private static CallView view(String linkedid, String number, String hint, CallStatus status) {
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        boolean ended = status.finished();
        return new CallView("pbx", linkedid, number, "Someone", hint, "main/network", null, "network", null, status, t0,
                t0.plusSeconds(5), null, ended ? t0.plusSeconds(30) : null, null, null, ended ? 25 : null, null, null,
                false, List.of());
    }

    @Test
    @DisplayName("several calls written together: one transaction, all of them or, when one fails midway, none")
    void batchAllOrNone() throws Exception {
        CallChange.Timeline step = new CallChange.Timeline(Instant.parse("2026-11-24T10:00:01Z"), "queued", "network", null,
                null, "batch:queued");
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        CallView broken = new CallView("pbx", "batch-2", "+15551234567", "Someone", null, "main/network", null, "network", null,
                null, t0, t0.plusSeconds(5), null, null, null, null, null, null, null, false, List.of()); // no status: fails midway
        Future<Void> failed = store.recordAll(List.of(
                new CallRecorder.Item(view("batch-1", "+15551234567", null, CallStatus.QUEUED), List.of(step)),
                new CallRecorder.Item(broken, List.of(step))));
        assertThat(failed.toCompletionStage().toCompletableFuture()).failsWithin(30, TimeUnit.SECONDS);
        assertThat(count("SELECT COUNT(*) FROM calls WHERE linkedid LIKE 'batch-%'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE event_key = 'batch:queued'")).isZero();

        await(store.recordAll(List.of(
                new CallRecorder.Item(view("batch-3", "+15551234567", null, CallStatus.ABANDONED), List.of(step)),
                new CallRecorder.Item(view("batch-1", "+15551234567", null, CallStatus.QUEUED), List.of(step)))));
        assertThat(count("SELECT COUNT(*) FROM calls WHERE linkedid IN ('batch-1', 'batch-3') AND caller_id = ?", jane)).isEqualTo(2);
        assertThat(value("status", "batch-3")).isEqualTo(CallStatus.ABANDONED.wire());
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE event_key = 'batch:queued'")).isEqualTo(2);
    }

    /** A call's two views, written one after the other: the second says how a later write meets what the first left. */
    private record TwoViews(String name, CallView first, CallView second, List<CallChange.Timeline> entries) {
        CallView first(String prefix) {
            return renamed(first, prefix + name);
        }

        CallView second(String prefix) {
            return renamed(second, prefix + name);
        }

        private static CallView renamed(CallView v, String linkedid) {
            return new CallView(v.pbx(), linkedid, v.callerNumber(), v.callerName(), v.callerIdHint(), v.menuPath(),
                    v.ticketTyped(), v.queue(), null, v.status(), v.enteredAt(), v.queuedAt(), v.answeredAt(), v.endedAt(),
                    v.memberInterface(), v.memberName(), v.waitSeconds(), v.talkSeconds(), v.endReason(), false, List.of(),
                    null, v.talks(), v.endedAtEstimated());
        }
    }

    @Test
    @DisplayName("a batch writes each of its calls as a write of that call alone would: statuses, answers, agents,"
            + " callers, talk times and timelines, whatever else the batch holds")
    void batchWritesEachCallAsAlone() throws Exception {
        Instant t0 = Instant.parse("2026-11-27T09:00:00Z");
        CallChange.Timeline queued = new CallChange.Timeline(t0.plusSeconds(3), "queued", "network", null, null, "queued");
        CallChange.Timeline answered = new CallChange.Timeline(t0.plusSeconds(10), "answered", "network", ALICE_IFACE, null,
                "answered");
        List<CallView.Talk> aliceTalks = List.of(new CallView.Talk(ALICE_IFACE, "Alice", t0.plusSeconds(10), null));
        CallView connected = new CallView("pbx", "", "+15551234567", "Jane", null, "main/network", null, "network", null,
                CallStatus.CONNECTED, t0, t0.plusSeconds(3), t0.plusSeconds(10), null, ALICE_IFACE, "Alice", 7, null, null,
                false, List.of(), null, aliceTalks, false);
        CallView endedKnowingLess = new CallView("pbx", "", "+15551234567", null, null, null, null, null, null,
                CallStatus.MENU_ONLY, t0.plusSeconds(30), null, null, t0.plusSeconds(70), null, null, null, null, "caller",
                false, List.of());
        CallView inQueue = new CallView("pbx", "", "+15559990000", "Nobody", null, "main/network", null, "network", null,
                CallStatus.QUEUED, t0, t0.plusSeconds(3), null, null, null, null, null, null, null, false, List.of());
        CallView abandoned = new CallView("pbx", "", "+15559990000", "Nobody", null, "main/network", null, "network", null,
                CallStatus.ABANDONED, t0, t0.plusSeconds(3), null, t0.plusSeconds(40), null, null, 37, null, "caller", false,
                List.of());
        CallView answeredEnd = new CallView("pbx", "", "+15551234567", "Jane", null, "main/network", null, "network", null,
                CallStatus.ANSWERED, t0, t0.plusSeconds(3), t0.plusSeconds(10), t0.plusSeconds(50), ALICE_IFACE, "Alice", 7,
                40, "agent", false, List.of(), null, List.of(new CallView.Talk(ALICE_IFACE, "Alice", t0.plusSeconds(10), 40)),
                false);
        CallView stillInMenu = new CallView("pbx", "", "+15551234567", null, null, "main", null, null, null,
                CallStatus.IN_MENU, t0.plusSeconds(20), null, null, null, null, null, null, null, null, false, List.of());
        List<TwoViews> calls = List.of(
                new TwoViews("answered-then-less", connected, endedKnowingLess, List.of(queued, answered)),
                new TwoViews("queued-then-gone", inQueue, endedKnowingLess, List.of(queued)),
                new TwoViews("abandoned-then-less", abandoned, endedKnowingLess, List.of(queued)),
                new TwoViews("ended-then-live", answeredEnd, stillInMenu, List.of(answered)),
                new TwoViews("queued-then-abandoned", inQueue, abandoned, List.of(queued)),
                new TwoViews("live-then-answered", connected, answeredEnd, List.of(answered)));

        for (TwoViews c : calls) {
            await(store.record(c.first("alone-"), List.of()));
            await(store.record(c.second("alone-"), c.entries()));
        }
        await(store.recordAll(calls.stream().map(c -> new CallRecorder.Item(c.first("together-"), List.of())).toList()));
        await(store.recordAll(calls.stream().map(c -> new CallRecorder.Item(c.second("together-"), c.entries())).toList()));

        String row = "CONCAT_WS('|', status, caller_id, agent_id, answered_at, ended_at, ended_at_estimated, talk_seconds,"
                + " wait_seconds, end_reason, menu_path, (SELECT COUNT(*) FROM call_events e WHERE e.call_id = calls.id),"
                + " (SELECT GROUP_CONCAT(CONCAT_WS(':', seq, agent_id, talk_seconds)) FROM call_agents a WHERE a.call_id = calls.id))";
        for (TwoViews c : calls) {
            assertThat(value(row, "together-" + c.name())).as(c.name()).isEqualTo(value(row, "alone-" + c.name()));
        }
        assertThat(value("status", "together-answered-then-less")).isEqualTo("answered");
        assertThat(value("talk_seconds", "together-answered-then-less")).isEqualTo(60);
        assertThat(value("agent_id", "together-answered-then-less")).isEqualTo(alice);
        assertThat(value("caller_id", "together-answered-then-less")).isEqualTo(jane);
        assertThat(value("status", "together-queued-then-gone")).isEqualTo("unanswered");
        assertThat(value("status", "together-abandoned-then-less")).isEqualTo("abandoned");
        assertThat(value("status", "together-ended-then-live")).isEqualTo("answered");
        assertThat(value("ended_at", "together-ended-then-live")).isNotNull();
        assertThat(value("status", "together-queued-then-abandoned")).isEqualTo("abandoned");
        assertThat(value("status", "together-live-then-answered")).isEqualTo("answered");
        assertThat(value("talk_seconds", "together-live-then-answered")).isEqualTo(40);
        assertThat(count("SELECT COUNT(*) FROM call_events e JOIN calls c ON c.id = e.call_id WHERE c.linkedid LIKE 'together-%'"))
                .isEqualTo(calls.stream().mapToLong(c -> c.entries().size()).sum());
    }

    @Test
    @DisplayName("answered-software through the tracker and the recorder: one row, the agent, the caller, the whole path; recorded 3 times more, nothing doubles")
    void answeredOnce() throws Exception {
        List<CallChange> changes = replay("answered-software");
        CallRecorder recorder = new CallRecorder(vertx, store.writer(), 2, Duration.ZERO);
        submitAll(recorder, changes);
        await(recorder.flushed());

        String linkedid = "1795483013.0";
        assertThat(count("SELECT COUNT(*) FROM calls WHERE linkedid = ?", linkedid)).isEqualTo(1);
        assertThat(value("status", linkedid)).isEqualTo("answered");
        assertThat(value("agent_id", linkedid)).isEqualTo(alice);
        assertThat(value("agent_interface", linkedid)).isEqualTo(ALICE_IFACE);
        assertThat(value("caller_id", linkedid)).isEqualTo(jane);
        assertThat(value("menu_path", linkedid)).isEqualTo("main/software");
        assertThat(value("queue", linkedid)).isEqualTo("software");
        assertThat(value("end_reason", linkedid)).isEqualTo("caller");
        assertThat(value("answered_at", linkedid)).isNotNull();
        assertThat(value("talk_seconds", linkedid)).isNotNull();
        long id = ((Number) value("id", linkedid)).longValue();
        long events = count("SELECT COUNT(*) FROM call_events WHERE call_id = ?", id);
        List<CallChange.Timeline> entries = entries(changes);
        assertThat(events).isEqualTo(entries.stream().map(CallChange.Timeline::key).distinct().count()).isGreaterThan(4);
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE call_id = ? AND type = 'answered' AND agent_id = ?", id, alice))
                .isEqualTo(1);

        CallView last = callOf(changes.stream().filter(c -> c instanceof CallChange.CallEnded).findFirst().orElseThrow());
        for (int i = 0; i < 3; i++) {
            assertThat(await(store.record(last, entries))).isEqualTo(id);
        }
        assertThat(count("SELECT COUNT(*) FROM calls WHERE linkedid = ?", linkedid)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE call_id = ?", id)).isEqualTo(events);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ?", id)).isZero();

        CallStore.Detail detail = await(store.find(id)).orElseThrow();
        assertThat(detail.call().status()).isEqualTo("answered");
        assertThat(detail.call().agentUsername()).isEqualTo("alice");
        assertThat(detail.timeline()).extracting(TimelineEntry::type).startsWith("entered").endsWith("ended")
                .contains("menu", "queued", "ring", "answered", "completed");
        assertThat(detail.timeline()).filteredOn(e -> e.type().equals("answered")).singleElement()
                .satisfies(e -> assertThat(e.agentName()).isEqualTo("Alice Agent"));
    }

    @Test
    @DisplayName("abandoned-hardware: the caller who hung up waiting gets one callback request, however often the call is recorded")
    void abandonedGetsOneCallback() throws Exception {
        List<CallChange> changes = replay("abandoned-hardware");
        CallRecorder recorder = new CallRecorder(vertx, store.writer(), 1, Duration.ZERO);
        submitAll(recorder, changes);
        await(recorder.flushed());
        CallView last = callOf(changes.stream().filter(c -> c instanceof CallChange.CallEnded).findFirst().orElseThrow());
        long id = 0;
        for (int i = 0; i < 3; i++) {
            id = await(store.record(last, entries(changes)));
        }
        assertThat(count("SELECT COUNT(*) FROM calls WHERE pbx = 'pbx' AND linkedid = ?", last.linkedid())).isEqualTo(1);
        assertThat(value("status", last.linkedid())).isEqualTo("abandoned");
        assertThat(value("agent_id", last.linkedid())).isNull();
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ?", id)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ? AND reason = 'abandoned' AND status = 'open'"
                + " AND phone = '+15551234567' AND queue = 'hardware' AND caller_id = ?", id, jane)).isEqualTo(1);
    }

    private void execute(String sql, Object... args) {
        try (Connection c = fresh.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The changes of one call of a trace (by its Linkedid), the whole trace going through one tracker. */
    private static List<CallChange> replayCall(String trace, String linkedid) throws Exception {
        return replay(trace).stream().filter(c -> callOf(c) != null && callOf(c).linkedid().equals(linkedid)).toList();
    }

    @Test
    @DisplayName("pjsip: the caller who abandons while Bob's phone rings gets exactly one callback request, for her own number, not Bob's 1002")
    void pjsipAbandonedGetsOneCallbackForTheCaller() throws Exception {
        long abigail = await(callers.create("Abigail Smith", null, null, false, List.of("+15552502194"))).id();
        String linkedid = "e2e-pbx-1796415615.5";
        List<CallChange> changes = replayCall("pjsip-e2e-scenarios", linkedid);
        CallRecorder recorder = new CallRecorder(vertx, store.writer(), 1, Duration.ZERO);
        submitAll(recorder, changes);
        await(recorder.flushed());
        CallView last = callOf(changes.stream().filter(c -> c instanceof CallChange.CallEnded).findFirst().orElseThrow());
        long id = 0;
        for (int i = 0; i < 3; i++) {
            id = await(store.record(last, entries(changes)));
        }
        assertThat(value("status", linkedid)).isEqualTo("abandoned");
        assertThat(value("caller_number", linkedid)).isEqualTo("+15552502194");
        assertThat(value("caller_name", linkedid)).isEqualTo("Abigail Smith");
        assertThat(value("caller_id", linkedid)).isEqualTo(abigail);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ?", id)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ? AND reason = 'abandoned'"
                + " AND phone = '+15552502194' AND caller_id = ?", id, abigail)).isEqualTo(1);
    }

    @Test
    @DisplayName("an abandoned call from a help-desk extension (an agent trying the queue from 1003) asks for no callback")
    void extensionGetsNoCallback() throws Exception {
        long id = await(store.record(view("ext-1", "1003", null, CallStatus.ABANDONED), List.of()));
        assertThat(value("status", "ext-1")).isEqualTo("abandoned");
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ?", id)).isZero();
    }

    @Test
    @DisplayName("pjsip: the spy legs and the one-click callback are recorded as internal and callback, the callback's call linked to its request, which its answered dial closes")
    void pjsipInternalLegs() throws Exception {
        execute("INSERT INTO callback_requests (id, phone, reason, status, created_at, result) VALUES (521, '+15557650001',"
                + " 'requested', 'in-progress', NOW(3), 'originated')");
        List<CallChange> all = replay("pjsip-e2e-scenarios");
        CallRecorder recorder = new CallRecorder(vertx, store.writer(), 2, Duration.ZERO);
        for (String linkedid : List.of("e2e-pbx-1796416058.42", "e2e-pbx-1796416226.60")) {
            submitAll(recorder, all.stream().filter(c -> callOf(c) != null && callOf(c).linkedid().equals(linkedid)).toList());
        }
        await(recorder.flushed());
        assertThat(value("status", "e2e-pbx-1796416058.42")).isEqualTo("internal");
        assertThat(value("status", "e2e-pbx-1796416226.60")).isEqualTo("callback");
        assertThat(value("callback_id", "e2e-pbx-1796416226.60")).isEqualTo(521L);
        assertThat(value("caller_number", "e2e-pbx-1796416226.60")).isEqualTo("+15557650001");
        long callbackCall = ((Number) value("id", "e2e-pbx-1796416226.60")).longValue();
        assertThat(await(store.find(callbackCall)).orElseThrow().call().callbackId()).isEqualTo(521L);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE id = 521 AND status = 'done' AND result = 'reached'"))
                .as("the customer answered the callback's dial (DialEnd ANSWER): the request is done").isEqualTo(1);

        CallView unknownRequest = new CallView("pbx", "cb-unknown", "+15557650002", null, null, null, null, null, null,
                CallStatus.CALLBACK, Instant.parse("2026-11-24T10:00:00Z"), null, null, Instant.parse("2026-11-24T10:00:09Z"),
                null, null, null, null, null, false, List.of(), 999_999L, List.of(), false);
        await(store.record(unknownRequest, List.of()));
        assertThat(value("status", "cb-unknown")).as("written, without a link to a request that does not exist").isEqualTo("callback");
        assertThat(value("callback_id", "cb-unknown")).isNull();
    }

    @Test
    @DisplayName("pjsip: Alice tries the software queue from her own phone and hangs up waiting: recorded internal, no callback request, in no figure")
    void pjsipAgentTryingTheQueueIsNoOfferedCall() throws Exception {
        String linkedid = "1796482679.42";
        List<CallChange> changes = replayCall("pjsip-internal-abandon", linkedid);
        CallRecorder recorder = new CallRecorder(vertx, store.writer(), 1, Duration.ZERO);
        submitAll(recorder, changes);
        await(recorder.flushed());
        assertThat(value("status", linkedid)).isEqualTo("internal");
        assertThat(value("queue", linkedid)).isEqualTo("software");
        long id = ((Number) value("id", linkedid)).longValue();
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ?", id)).isZero();
        Instant queued = callOf(changes.get(changes.size() - 1)).queuedAt();
        var facts = await(new KpiStore(db).facts(queued.minusSeconds(1), queued.plusSeconds(1)));
        String window = " FROM calls c, (SELECT queued_at AS q FROM calls WHERE linkedid = ?) x"
                + " WHERE c.queued_at >= x.q - INTERVAL 1 SECOND AND c.queued_at < x.q + INTERVAL 1 SECOND AND c.queue IS NOT NULL";
        long all = count("SELECT COUNT(*)" + window, linkedid);
        long offered = count("SELECT COUNT(*)" + window + " AND c.status <> 'internal'", linkedid);
        assertThat(all).isGreaterThan(offered);
        assertThat(facts).hasSize((int) offered);
    }

    @Test
    @DisplayName("a callback's call whose dial of the customer was not answered puts the request back in the list; a result the agent recorded first stays")
    void unansweredCallbackGoesBackToTheList() throws Exception {
        execute("INSERT INTO callback_requests (id, phone, reason, status, created_at, result) VALUES"
                + " (601, '+15557650011', 'requested', 'in-progress', NOW(3), 'originated'),"
                + " (602, '+15557650012', 'requested', 'in-progress', NOW(3), 'originated'),"
                + " (603, '+15557650013', 'requested', 'in-progress', NOW(3), 'originated'),"
                + " (604, '+15557650014', 'requested', 'done', NOW(3), 'wrong-number')");
        await(store.record(callbackCall("cb-601", 601L, "NOANSWER"), List.of()));
        await(store.record(callbackCall("cb-602", 602L, "BUSY"), List.of()));
        await(store.record(callbackCall("cb-603", 603L, null), List.of()));
        await(store.record(callbackCall("cb-604", 604L, "ANSWER"), List.of()));
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE id = 601 AND status = 'open' AND result = 'no-answer'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE id = 602 AND status = 'open' AND result = 'busy'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE id = 603 AND status = 'open' AND result = 'not-dialled'"))
                .as("the agent's own phone never answered: nobody was called").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE id = 604 AND status = 'done' AND result = 'wrong-number'"))
                .as("what the agent recorded is not overwritten").isEqualTo(1);
    }

    private static CallView callbackCall(String linkedid, long callbackId, String dialStatus) {
        return new CallView("pbx", linkedid, "+15557650010", null, null, null, null, null, null, CallStatus.CALLBACK,
                Instant.parse("2026-11-24T10:00:00Z"), null, null, Instant.parse("2026-11-24T10:00:20Z"), null, null,
                null, null, "caller", false, List.of(), callbackId, List.of(), false, dialStatus, null);
    }

    @Test
    @DisplayName("pjsip: a call Alice sent blind to the network queue and Bob answered: both agents on the record with their own talk times, both answers on the timeline")
    void pjsipTransferredCallShowsEveryAgent() throws Exception {
        String linkedid = "e2e-pbx-1796416049.37";
        List<CallChange> changes = replayCall("pjsip-e2e-scenarios", linkedid);
        CallRecorder recorder = new CallRecorder(vertx, store.writer(), 1, Duration.ZERO);
        submitAll(recorder, changes);
        await(recorder.flushed());
        long id = ((Number) value("id", linkedid)).longValue();
        CallStore.Detail detail = await(store.find(id)).orElseThrow();
        assertThat(detail.call().status()).isEqualTo("answered");
        assertThat(detail.call().callerNumber()).isEqualTo("+15551234567");
        assertThat(detail.call().agentUsername()).as("the agent who had the call last").isEqualTo("bob");
        assertThat(detail.call().talkSeconds()).isEqualTo(62);
        assertThat(detail.agents()).extracting(CallAgent::agentUsername, CallAgent::talkSeconds).containsExactly(
                org.assertj.core.groups.Tuple.tuple("alice", 28), org.assertj.core.groups.Tuple.tuple("bob", 34));
        assertThat(detail.timeline()).filteredOn(e -> e.type().equals("answered")).extracting(TimelineEntry::agentUsername)
                .containsExactly("alice", "bob");
        assertThat(detail.timeline()).filteredOn(e -> e.type().equals("transferred")).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("to network@firstline-transfer"));
    }

    @Test
    @DisplayName("the caller is found by number: one owner; a shared number with a hint that owns it; otherwise unknown")
    void callerResolution() throws Exception {
        long sole = await(callers.create("Sole Owner", null, null, false, List.of("+15550001111"))).id();
        long a = await(callers.create("Shared A", "Switchboard Inc", null, false, List.of("+15550002222"))).id();
        long b = await(callers.create("Shared B", "Switchboard Inc", null, false, List.of("+15550002222"))).id();
        long outsider = await(callers.create("Outsider", null, null, false, List.of("+15550003333"))).id();

        await(store.record(view("res-1", "555-000-1111", null, CallStatus.QUEUED), List.of()));
        await(store.record(view("res-2", "+15550002222", String.valueOf(b), CallStatus.QUEUED), List.of()));
        await(store.record(view("res-3", "+15550002222", String.valueOf(outsider), CallStatus.QUEUED), List.of()));
        await(store.record(view("res-4", "+15550002222", null, CallStatus.QUEUED), List.of()));
        await(store.record(view("res-5", "+15559999999", String.valueOf(sole), CallStatus.QUEUED), List.of()));
        await(store.record(view("res-6", null, null, CallStatus.QUEUED), List.of()));

        assertThat(value("caller_id", "res-1")).as("the one owner").isEqualTo(sole);
        assertThat(value("caller_id", "res-2")).as("shared number, hint owns it").isEqualTo(b);
        assertThat(value("caller_id", "res-3")).as("hint does not own the number").isNull();
        assertThat(value("caller_id", "res-4")).as("shared number, no hint").isNull();
        assertThat(value("caller_id", "res-5")).as("unknown number, whatever the hint").isNull();
        assertThat(value("caller_id", "res-6")).as("no number").isNull();
        assertThat(a).isNotEqualTo(b);
    }

    private static CallView live(String linkedid, CallStatus status, Instant t0, boolean answered) {
        return new CallView("pbx", linkedid, "+15551234567", "Jane Doe", null, "main/hardware", null,
                status == CallStatus.IN_MENU ? null : "hardware", null, status, t0,
                status == CallStatus.IN_MENU ? null : t0.plusSeconds(3), answered ? t0.plusSeconds(10) : null, null,
                answered ? ALICE_IFACE : null, answered ? "Alice Agent" : null, answered ? 7 : null, null, null, false, List.of());
    }

    @Test
    @DisplayName("calls recorded in progress that the PBX no longer has are ended once, by what is known: at their last"
            + " event, estimated, with the reason; answered stay answered, abandoned get their callback, the rest is of unknown fate")
    void endUnobserved() throws Exception {
        Instant t0 = Instant.parse("2026-11-25T08:00:00Z");
        await(store.record(live("gone-answered", CallStatus.CONNECTED, t0, true), List.of(
                new CallChange.Timeline(t0, "entered", null, null, null, "entered"),
                new CallChange.Timeline(t0.plusSeconds(3), "queued", "hardware", null, null, "queued:hardware"),
                new CallChange.Timeline(t0.plusSeconds(10), "answered", "hardware", ALICE_IFACE, null, "answered"))));
        await(store.record(live("gone-abandoned", CallStatus.ABANDONED, t0, false), List.of(
                new CallChange.Timeline(t0.plusSeconds(8), "abandoned", "hardware", null, null, "abandoned:hardware"))));
        await(store.record(live("gone-waiting", CallStatus.QUEUED, t0, false), List.of()));
        await(store.record(live("gone-menu", CallStatus.IN_MENU, t0, false), List.of()));
        CallView ended = new CallView("pbx", "gone-seen", "+15551234567", null, null, null, null, "hardware", null,
                CallStatus.ANSWERED, t0, t0.plusSeconds(1), t0.plusSeconds(2), t0.plusSeconds(50), ALICE_IFACE, null, 1, 48,
                "caller", false, List.of());
        await(store.record(ended, List.of()));
        List<String> gone = List.of("gone-answered", "gone-abandoned", "gone-waiting", "gone-menu", "gone-seen", "never-recorded");

        assertThat(await(store.openCalls("pbx"))).contains("gone-answered", "gone-abandoned", "gone-waiting", "gone-menu")
                .doesNotContain("gone-seen");
        assertThat(await(store.endUnobserved("pbx", gone, CallReconciler.ENDED_WHILE_FIRSTLINE_WAS_DOWN))).isEqualTo(4);
        assertThat(value("status", "gone-answered")).isEqualTo("answered");
        assertThat(value("CAST(ended_at AS CHAR)", "gone-answered")).isEqualTo("2026-11-25 08:00:10.000");
        assertThat(value("ended_at_estimated", "gone-answered")).isEqualTo(true);
        assertThat(value("end_reason", "gone-answered")).isEqualTo("ended-while-firstline-was-down");
        assertThat(value("talk_seconds", "gone-answered")).isNull();
        assertThat(value("agent_id", "gone-answered")).isEqualTo(alice);
        assertThat(value("status", "gone-abandoned")).isEqualTo("abandoned");
        assertThat(value("CAST(ended_at AS CHAR)", "gone-abandoned")).isEqualTo("2026-11-25 08:00:08.000");
        assertThat(value("status", "gone-waiting")).isEqualTo("unanswered");
        assertThat(value("CAST(ended_at AS CHAR)", "gone-waiting")).as("no event: its queueing").isEqualTo("2026-11-25 08:00:03.000");
        assertThat(value("status", "gone-menu")).isEqualTo("menu-only");
        assertThat(value("ended_at_estimated", "gone-seen")).isEqualTo(false);
        assertThat(value("end_reason", "gone-seen")).isEqualTo("caller");
        long answeredId = ((Number) value("id", "gone-answered")).longValue();
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE call_id = ? AND type = 'ended' AND at = '2026-11-25 08:00:10'"
                + " AND detail LIKE 'answered, ended-while-firstline-was-down%'", answeredId)).isEqualTo(1);
        long abandonedId = ((Number) value("id", "gone-abandoned")).longValue();
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ?", abandonedId)).isEqualTo(1);

        var facts = await(new KpiStore(db).facts(t0, t0.plusSeconds(3600)));
        assertThat(facts).extracting(f -> f.result() + "/" + f.endedUnobserved()).containsExactlyInAnyOrder(
                "ANSWERED/true", "ABANDONED/true", "UNKNOWN/true", "ANSWERED/false");

        // Safe to repeat: nothing more changes.
        long events = count("SELECT COUNT(*) FROM call_events");
        assertThat(await(store.endUnobserved("pbx", gone, "something-else"))).isZero();
        assertThat(value("end_reason", "gone-answered")).isEqualTo("ended-while-firstline-was-down");
        assertThat(count("SELECT COUNT(*) FROM call_events")).isEqualTo(events);
        assertThat(count("SELECT COUNT(*) FROM callback_requests WHERE call_id = ?", abandonedId)).isEqualTo(1);
    }

    @Test
    @DisplayName("a call answered before a restart and ended after it, seen by a tracker that missed the answer, ends"
            + " answered with its talk time from the recorded answer")
    void answeredBeforeARestart() throws Exception {
        Instant t0 = Instant.parse("2026-11-25T09:00:00Z");
        await(store.record(live("adopted-1", CallStatus.CONNECTED, t0, true), List.of()));
        CallView adoptedEnd = new CallView("pbx", "adopted-1", "+15551234567", null, null, null, null, null, null,
                CallStatus.MENU_ONLY, t0.plusSeconds(30), null, null, t0.plusSeconds(100), null, null, null, null, null,
                false, List.of());
        await(store.record(adoptedEnd, List.of()));
        assertThat(value("status", "adopted-1")).isEqualTo("answered");
        assertThat(value("talk_seconds", "adopted-1")).isEqualTo(90);
        assertThat(value("ended_at_estimated", "adopted-1")).isEqualTo(false);
        assertThat(value("agent_id", "adopted-1")).isEqualTo(alice);
    }

    @Test
    @DisplayName("a later view that knows less (e.g. after a restart) does not forget the answer, the agent or the end")
    void neverForgets() throws Exception {
        Instant t0 = Instant.parse("2026-11-24T11:00:00Z");
        CallView answered = new CallView("pbx", "keep-1", "+15551234567", "Jane Doe", null, "main/software", null,
                "software", null, CallStatus.ANSWERED, t0, t0.plusSeconds(3), t0.plusSeconds(10), t0.plusSeconds(70),
                ALICE_IFACE, "Alice Agent", 7, 60, "caller", false, List.of());
        CallView lessInformed = new CallView("pbx", "keep-1", "+15551234567", null, null, null, null, null, null,
                CallStatus.IN_MENU, t0.plusSeconds(40), null, null, null, null, null, null, null, null, false, List.of());
        await(store.record(answered, List.of()));
        await(store.record(lessInformed, List.of()));
        assertThat(value("status", "keep-1")).isEqualTo("answered");
        assertThat(value("agent_id", "keep-1")).isEqualTo(alice);
        assertThat(value("answered_at", "keep-1")).isNotNull();
        assertThat(value("ended_at", "keep-1")).isNotNull();
        assertThat(value("menu_path", "keep-1")).isEqualTo("main/software");
        assertThat(value("talk_seconds", "keep-1")).isEqualTo(60);
        assertThat(value("CAST(entered_at AS CHAR)", "keep-1")).isEqualTo("2026-11-24 11:00:00.000");
    }

    @Test
    @DisplayName("each write of a call looks the people up as they are now: an agent and a caller added after its first"
            + " write are on its next one, a phone that changed hands names its new agent; a write that changes nothing"
            + " still gives the call's id")
    void eachWriteSeesTheAgentsAndCallersOfNow() throws Exception {
        String phone = "PJSIP/1077";
        Instant t0 = Instant.parse("2026-11-26T09:00:00Z");
        CallView talking = new CallView("pbx", "late-1", "555-777-0000", "Someone", null, "main/network", null, "network",
                null, CallStatus.CONNECTED, t0, t0.plusSeconds(3), t0.plusSeconds(10), null, phone, "Carol", 7, null, null,
                false, List.of(), null, List.of(new CallView.Talk(phone, "Carol", t0.plusSeconds(10), null)), false);
        long id = await(store.record(talking, List.of(new CallChange.Timeline(t0.plusSeconds(10), "answered", "network",
                phone, null, "answered"))));
        assertThat(value("agent_id", "late-1")).isNull();
        assertThat(value("caller_id", "late-1")).isNull();

        AgentStore agents = new AgentStore(db);
        long carol = await(agents.create("carol", "Carol Agent", "x", Role.AGENT, phone)).id();
        long late = await(callers.create("Late Caller", null, null, false, List.of("+15557770000"))).id();
        assertThat(await(store.record(talking, List.of(new CallChange.Timeline(t0.plusSeconds(11), "note", "network", phone,
                null, "note-1"))))).isEqualTo(id);
        assertThat(value("agent_id", "late-1")).isEqualTo(carol);
        assertThat(value("caller_id", "late-1")).isEqualTo(late);
        assertThat(count("SELECT COUNT(*) FROM call_agents WHERE call_id = ? AND agent_id = ?", id, carol)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE call_id = ? AND event_key = 'note-1' AND agent_id = ?", id,
                carol)).isEqualTo(1);

        assertThat(await(store.record(talking, List.of(new CallChange.Timeline(t0.plusSeconds(12), "note", "network", phone,
                null, "note-2"))))).as("the row unchanged, the same id").isEqualTo(id);
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE call_id = ? AND event_key = 'note-2'", id)).isEqualTo(1);

        await(agents.update(carol, new AgentStore.Changes(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(Optional.empty()), Optional.empty(), Optional.empty(), Optional.empty())));
        long dave = await(agents.create("dave", "Dave Agent", "x", Role.AGENT, phone)).id();
        CallView next = new CallView("pbx", "late-2", "555-777-0000", "Someone", null, "main/network", null, "network",
                null, CallStatus.CONNECTED, t0.plusSeconds(60), t0.plusSeconds(63), t0.plusSeconds(70), null, phone, "Dave",
                7, null, null, false, List.of());
        long nextId = await(store.record(next, List.of()));
        assertThat(nextId).isNotEqualTo(id);
        assertThat(value("agent_id", "late-2")).isEqualTo(dave);
        assertThat(value("agent_id", "late-1")).as("what was recorded stays").isEqualTo(carol);
    }

    @Test
    @DisplayName("texts longer than their columns are cut, not refused: no call is lost for an odd PBX value")
    void longTextsAreCut() throws Exception {
        CallView odd = new CallView("pbx", "long-1", "1".repeat(200), "N".repeat(200), null, "m/".repeat(150), "9".repeat(18),
                "q".repeat(200), null, CallStatus.QUEUED, Instant.parse("2026-11-24T12:00:00Z"), null, null, null, null, null,
                null, null, null, false, List.of());
        long id = await(store.record(odd, List.of(new CallChange.Timeline(Instant.parse("2026-11-24T12:00:01Z"),
                "queued", "q".repeat(200), "I".repeat(300), "d".repeat(900), "k".repeat(300)))));
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE call_id = ?", id)).isEqualTo(1);
        assertThat(((Number) value("CHAR_LENGTH(queue)", "long-1")).intValue()).isEqualTo(80);
    }

    @Test
    @DisplayName("while writes fail — before or after the commit — everything waits, then lands exactly once")
    void recoversExactlyOnce() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CallRecorder.Writer flaky = (call, entries) -> {
            int n = attempts.incrementAndGet();
            if (n <= 3) {
                return Future.failedFuture(new IllegalStateException("Connection refused (attempt " + n + ")"));
            }
            if (n <= 5) {
                // written, but the answer was lost: the retry must not add anything
                return store.record(call, entries).compose(id -> Future.failedFuture(new IllegalStateException("lost ack")));
            }
            return store.record(call, entries);
        };
        CallRecorder recorder = new CallRecorder(vertx, flaky, 1, Duration.ZERO, Duration.ofMillis(20), Duration.ofMillis(100));
        List<CallChange> changes = replay("ring-no-answer-software");
        submitAll(recorder, changes);
        assertThat(recorder.backlog()).isPositive();
        await(recorder.flushed());
        assertThat(recorder.backlog()).isZero();
        assertThat(attempts.get()).isGreaterThan(5);

        CallView last = callOf(changes.stream().filter(c -> c instanceof CallChange.CallEnded).findFirst().orElseThrow());
        assertThat(count("SELECT COUNT(*) FROM calls WHERE pbx = 'pbx' AND linkedid = ?", last.linkedid())).isEqualTo(1);
        assertThat(value("status", last.linkedid())).isEqualTo("answered");
        assertThat(value("agent_interface", last.linkedid())).isEqualTo("Local/1002@agents/n");
        long id = ((Number) value("id", last.linkedid())).longValue();
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE call_id = ?", id))
                .isEqualTo(entries(changes).stream().map(CallChange.Timeline::key).distinct().count());
        assertThat(count("SELECT COUNT(*) FROM call_events WHERE call_id = ? AND type = 'ring-no-answer'", id)).isEqualTo(1);
    }
}
