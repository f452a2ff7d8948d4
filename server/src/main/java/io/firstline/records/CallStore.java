package io.firstline.records;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.CALLBACK_REQUESTS;
import static io.firstline.db.schema.Tables.CALLERS;
import static io.firstline.db.schema.Tables.CALLER_PHONES;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.CALL_AGENTS;
import static io.firstline.db.schema.Tables.CALL_EVENTS;
import static io.firstline.db.schema.Tables.CALL_OUTCOMES;

import io.firstline.auth.Agent;
import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.db.Database;
import io.firstline.db.Fence;
import io.firstline.db.Page;
import io.firstline.desk.Outcome;
import io.firstline.desk.OutcomeStore;
import io.firstline.phone.PhoneNumbers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The calls Asterisk reported, each written once under (pbx, Linkedid) however often it is
 * recorded, with its timeline; and the calls as the API lists them. Called from any thread; every
 * method is one blocking call on the database pool.
 */
public final class CallStore {
    /** The values of the list's {@code status} filter: how a call ended, or that it has not. */
    public static final List<String> STATUS_FILTERS = List.of("answered", "abandoned", "unanswered", "menu-only",
            "internal", "callback", "in-progress");

    private static final int E164_MEMO = 10_000;

    private final Database db;
    private final PhoneNumbers phones;
    /** Callers' numbers as written, in E.164 ("" when a number has none). */
    private final Map<String, String> e164s = new ConcurrentHashMap<>();

    private final Fence fence;

    public CallStore(Database db, PhoneNumbers phones) {
        this(db, phones, Fence.NONE);
    }

    /** @param fence what each write of a PBX's calls checks first in its transaction (cluster mode: that this node owns its link) */
    public CallStore(Database db, PhoneNumbers phones, Fence fence) {
        this.db = db;
        this.phones = phones;
        this.fence = fence;
    }

    /** Which calls a list shows; an empty optional does not narrow. {@code to} is exclusive. */
    /**
     * Which calls to list.
     *
     * @param numberDigits digits the caller's number contains (anywhere: people type numbers their own way)
     * @param disposition the disposition of the call's latest outcome
     */
    public record Filter(Optional<Instant> from, Optional<Instant> to, Optional<String> queue, Optional<Long> agentId,
            Optional<Long> callerId, Optional<String> status, Optional<String> numberDigits, Optional<String> disposition) {
    }

    /** A call with its timeline, in time order, the agents who took it, and the outcomes agents recorded for it. */
    public record Detail(RecordedCall call, List<TimelineEntry> timeline, List<Outcome> outcomes, List<CallAgent> agents) {
        public JsonObject json() {
            JsonArray steps = new JsonArray();
            timeline.forEach(e -> steps.add(e.json()));
            JsonArray recorded = new JsonArray();
            outcomes.forEach(o -> recorded.add(o.json()));
            JsonArray parts = new JsonArray();
            agents.forEach(a -> parts.add(new JsonObject().put("agent", Agent.reference(a.agentId(), a.agentUsername(),
                    a.agentName())).put("interface", a.memberInterface()).put("answeredAt", RecordedCall.time(a.answeredAt()))
                    .put("talkSeconds", a.talkSeconds())));
            return call.json().put("endReason", call.endReason()).put("timeline", steps).put("outcomes", recorded)
                    .put("agents", parts);
        }

    }

    /**
     * Writes the call as it is now and the timeline entries not yet written, in one transaction. A
     * repeated or replayed write changes nothing that is already there; what was known once (an
     * answer, an agent, a caller) is never forgotten by a later, less informed view of the call.
     *
     * @return the call's id
     */
    public Future<Long> record(CallView call, List<CallChange.Timeline> entries) {
        List<CallRecorder.Item> one = List.of(new CallRecorder.Item(call, List.copyOf(entries)));
        return fenced(call.pbx(), dsl -> recordIn(dsl, call.pbx(), one).get(call.linkedid()));
    }

    /**
     * Writes several calls of one PBX in one transaction, all or none, in the order of their Linkedids (so that two
     * such transactions take their locks in the same order): under load, one commit and a handful of statements for
     * many calls.
     */
    public Future<Void> recordAll(List<CallRecorder.Item> items) {
        if (items.isEmpty()) {
            return Future.succeededFuture();
        }
        String pbx = items.get(0).call().pbx();
        if (items.stream().anyMatch(i -> !i.call().pbx().equals(pbx))) {
            throw new IllegalArgumentException("calls of one PBX only");
        }
        List<CallRecorder.Item> sorted = items.stream()
                .map(i -> new CallRecorder.Item(i.call(), List.copyOf(i.entries())))
                .sorted(Comparator.comparing(i -> i.call().linkedid()))
                .toList();
        return fenced(pbx, dsl -> {
            recordIn(dsl, pbx, sorted);
            return null;
        });
    }

    /** One transaction that first checks the PBX's fence (cluster mode; nothing to check on a single node). */
    private <T> Future<T> fenced(String pbx, Function<DSLContext, T> work) {
        Fence.Check check = fence.check(pbx);
        return db.transaction(dsl -> {
            if (check != null) {
                check.verify(dsl);
            }
            return work.apply(dsl);
        });
    }

    /** What the call recorder writes with: {@link #record} for a call, {@link #recordAll} for several. */
    public CallRecorder.Writer writer() {
        return new CallRecorder.Writer() {
            @Override
            public Future<?> write(CallView call, List<CallChange.Timeline> entries) {
                return record(call, entries);
            }

            @Override
            public Future<?> writeAll(List<CallRecorder.Item> items) {
                return recordAll(items);
            }
        };
    }

    /**
     * Writes calls of one PBX, in the order given, in the same few statements however many there are: what they
     * need from other tables, the calls, their ids, their timelines and their agents; then what concerns callbacks,
     * call by call (few calls have any). Returns the calls' ids by Linkedid.
     */
    private Map<String, Long> recordIn(DSLContext dsl, String pbx, List<CallRecorder.Item> items) {
        Map<String, Long> ids = dsl.connectionResult(c -> {
            Known known = lookUp(c, items);
            upsertCalls(c, items, known);
            Map<String, Long> written = idsOf(c, pbx, items);
            insertTimelines(c, items, written, known.agents());
            upsertTalks(c, items, written, known.agents());
            return written;
        });
        for (CallRecorder.Item item : items) {
            callbacks(dsl, item.call(), ids.get(item.call().linkedid()));
        }
        return ids;
    }

    private void callbacks(DSLContext dsl, CallView call, long id) {
        // Only a number Asterisk can dial back outside: an extension (1002, 9000) is a phone of the help desk.
        String number = clip(call.callerNumber(), 64);
        if (call.ended() && call.status() == CallStatus.ABANDONED && callbackable(number)) {
            Long callerId = dsl.select(CALLS.CALLER_ID).from(CALLS).where(CALLS.ID.eq(id)).fetchOne(CALLS.CALLER_ID);
            openCallback(dsl, id, callerId, number, clip(call.queue(), 80), clip(call.menuPath(), 255), millis(call.endedAt()));
        }
        if (call.callbackRequestChannel() != null) {
            // The phone menu stored the request (keyed by the channel) before it told the dialplan ok.
            dsl.update(CALLBACK_REQUESTS).set(CALLBACK_REQUESTS.CALL_ID, id)
                    .where(CALLBACK_REQUESTS.CHANNEL_UNIQUEID.eq(clip(call.callbackRequestChannel(), 64)))
                    .and(CALLBACK_REQUESTS.CALL_ID.isNull())
                    .execute();
        }
        if (call.callbackId() != null && call.ended() && !call.endedAtEstimated()) {
            closeCallback(dsl, call.callbackId(), call.callbackDialStatus(), millis(call.endedAt())); // an unknown request id updates nothing
        }
    }

    /*
     * Writing calls is the hot path of the server (five or so writes a call), so its statements are fixed SQL run on
     * the transaction's connection: jOOQ rendered each anew, a large share of the server's CPU (docs/benchmarks.md,
     * "Writing a call"). A batch of calls is five statements, not five a call (docs/benchmarks.md, "Call records in
     * a handful of statements"). What the writes need from other tables is read in one plain (non-locking) select
     * before the upsert; as subqueries of the INSERT they would be locking reads under REPEATABLE READ, holding gap
     * locks on agents and caller_phones until the commit.
     */

    /** What writes need from other tables: the agents of their interfaces, the owners of their numbers (E.164), the callback requests that exist. */
    private record Known(Map<String, Long> agents, Map<String, List<Long>> owners, Set<Long> callbacks) {
    }

    private static final int AGENT = 1;
    private static final int OWNER = 2;
    private static final int CALLBACK = 3;
    /** Rows in one multi-row statement at most (a batch is far smaller; this bounds a call with a long timeline). */
    private static final int ROWS_PER_STATEMENT = 500;

    private Known lookUp(Connection c, List<CallRecorder.Item> items) throws SQLException {
        Set<String> interfaces = new LinkedHashSet<>();
        Set<String> numbers = new LinkedHashSet<>();
        Set<Long> callbackIds = new LinkedHashSet<>();
        for (CallRecorder.Item item : items) {
            CallView call = item.call();
            interfaces.add(call.memberInterface());
            item.entries().forEach(e -> interfaces.add(e == null ? null : e.memberInterface()));
            call.talks().forEach(t -> interfaces.add(t.memberInterface()));
            numbers.add(e164(call.callerNumber()));
            callbackIds.add(call.callbackId());
        }
        interfaces.remove(null);
        numbers.remove(null);
        callbackIds.remove(null);
        List<String> parts = new ArrayList<>(3);
        List<Object> values = new ArrayList<>();
        if (!interfaces.isEmpty()) {
            parts.add("SELECT " + AGENT + ", interface, id FROM agents WHERE interface IN (" + marks(interfaces.size()) + ")");
            values.addAll(interfaces);
        }
        if (!numbers.isEmpty()) {
            parts.add("SELECT " + OWNER + ", phone, caller_id FROM caller_phones WHERE phone IN (" + marks(numbers.size()) + ")");
            values.addAll(numbers);
        }
        if (!callbackIds.isEmpty()) {
            // A request id comes from a channel variable: linked only when such a request exists.
            parts.add("SELECT " + CALLBACK + ", NULL, id FROM callback_requests WHERE id IN (" + marks(callbackIds.size()) + ")");
            values.addAll(callbackIds);
        }
        Map<String, Long> agents = new HashMap<>();
        Map<String, List<Long>> owners = new HashMap<>();
        Set<Long> callbacks = new HashSet<>();
        if (parts.isEmpty()) {
            return new Known(agents, owners, callbacks);
        }
        try (PreparedStatement s = c.prepareStatement(String.join(" UNION ALL ", parts))) {
            bind(s, values.toArray());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    switch (r.getInt(1)) {
                        case AGENT -> agents.put(r.getString(2), r.getLong(3));
                        case OWNER -> owners.computeIfAbsent(r.getString(2), k -> new ArrayList<>(1)).add(r.getLong(3));
                        default -> callbacks.add(r.getLong(3));
                    }
                }
            }
        }
        return new Known(agents, owners, callbacks);
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /*
     * On a duplicate, VALUES(c) is what this write brings for c, and COALESCE(VALUES(c), c) keeps what was recorded
     * when this view does not know it. The assignments run in their order: the status reads the answer, the end and
     * the status recorded before this write; the talk time reads the answer as this write leaves it. The status:
     * a view that has not ended must not turn an ended call back into a live one; an end that says how the call went
     * (answered, abandoned, internal, callback) is the status; any other end keeps what was recorded before (e.g. by
     * a Firstline that was restarted since): a call answered then ends answered, one abandoned stays so, one that
     * reached a queue is not menu-only.
     */
    private static final String UPSERT_CALLS = """
            INSERT INTO calls (pbx, linkedid, caller_number, caller_name, caller_id, callback_id, menu_path, ticket_typed,
                queue, status, agent_id, agent_interface, entered_at, queued_at, answered_at, ended_at, ended_at_estimated,
                end_reason, wait_seconds, talk_seconds)
            VALUES %s
            ON DUPLICATE KEY UPDATE
                caller_number = COALESCE(VALUES(caller_number), caller_number),
                caller_name = COALESCE(VALUES(caller_name), caller_name),
                caller_id = COALESCE(VALUES(caller_id), caller_id),
                callback_id = COALESCE(VALUES(callback_id), callback_id),
                menu_path = COALESCE(VALUES(menu_path), menu_path),
                ticket_typed = COALESCE(VALUES(ticket_typed), ticket_typed),
                queue = COALESCE(VALUES(queue), queue),
                status = CASE
                    WHEN VALUES(ended_at) IS NULL THEN IF(ended_at IS NULL, VALUES(status), status)
                    WHEN VALUES(status) IN (%s) THEN VALUES(status)
                    WHEN answered_at IS NOT NULL THEN '%s'
                    WHEN status = '%s' THEN status
                    WHEN VALUES(status) = '%s' AND queued_at IS NOT NULL THEN '%s'
                    ELSE VALUES(status) END,
                agent_id = COALESCE(VALUES(agent_id), agent_id),
                agent_interface = COALESCE(VALUES(agent_interface), agent_interface),
                entered_at = LEAST(VALUES(entered_at), entered_at),
                queued_at = COALESCE(VALUES(queued_at), queued_at),
                answered_at = COALESCE(VALUES(answered_at), answered_at),
                ended_at = COALESCE(VALUES(ended_at), ended_at),
                ended_at_estimated = IF(VALUES(ended_at) IS NULL, ended_at_estimated, VALUES(ended_at_estimated)),
                end_reason = COALESCE(VALUES(end_reason), end_reason),
                wait_seconds = COALESCE(VALUES(wait_seconds), wait_seconds),
                talk_seconds = COALESCE(VALUES(talk_seconds), IF(VALUES(ended_at) IS NOT NULL AND NOT VALUES(ended_at_estimated),
                    COALESCE(talk_seconds, TIMESTAMPDIFF(SECOND, answered_at, VALUES(ended_at))), talk_seconds))
            """.formatted("%s", Stream.of(CallStatus.ANSWERED, CallStatus.ABANDONED, CallStatus.INTERNAL, CallStatus.CALLBACK)
                    .map(st -> "'" + st.wire() + "'").collect(Collectors.joining(", ")),
            CallStatus.ANSWERED.wire(), CallStatus.ABANDONED.wire(), CallStatus.MENU_ONLY.wire(), CallStatus.UNANSWERED.wire());

    private void upsertCalls(Connection c, List<CallRecorder.Item> items, Known known) throws SQLException {
        List<Object> values = new ArrayList<>(items.size() * 20);
        for (CallRecorder.Item item : items) {
            CallView call = item.call();
            Instant ended = millis(call.endedAt());
            List<Long> owners = known.owners().getOrDefault(e164(call.callerNumber()), List.of());
            Long callbackId = call.callbackId() != null && known.callbacks().contains(call.callbackId()) ? call.callbackId() : null;
            Collections.addAll(values, clip(call.pbx(), 64), clip(call.linkedid(), 64), clip(call.callerNumber(), 64),
                    clip(call.callerName(), 200), ownerOf(owners, call.callerIdHint()), callbackId, clip(call.menuPath(), 255),
                    clip(call.ticketTyped(), 32), clip(call.queue(), 80), call.status().wire(),
                    call.memberInterface() == null ? null : known.agents().get(call.memberInterface()),
                    clip(call.memberInterface(), 200), millis(call.enteredAt() != null ? call.enteredAt() : db.now()),
                    millis(call.queuedAt()), millis(call.answeredAt()), ended, ended != null && call.endedAtEstimated(),
                    clip(call.endReason(), 40), call.waitSeconds(), call.talkSeconds());
        }
        insertRows(c, UPSERT_CALLS, 20, values);
    }

    /** The ids of the calls just written (a multi-row upsert hands back no id per row). */
    private static Map<String, Long> idsOf(Connection c, String pbx, List<CallRecorder.Item> items) throws SQLException {
        List<String> linkedids = items.stream().map(i -> clip(i.call().linkedid(), 64)).distinct().toList();
        Map<String, Long> ids = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT linkedid, id FROM calls WHERE pbx = ? AND linkedid IN ("
                + marks(linkedids.size()) + ")")) {
            List<Object> values = new ArrayList<>(linkedids.size() + 1);
            values.add(clip(pbx, 64));
            values.addAll(linkedids);
            bind(s, values.toArray());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.put(r.getString(1), r.getLong(2));
                }
            }
        }
        for (CallRecorder.Item item : items) {
            Long id = ids.get(clip(item.call().linkedid(), 64));
            if (id == null) {
                throw new SQLException("no id for call " + pbx + "/" + item.call().linkedid());
            }
            ids.put(item.call().linkedid(), id); // also under the Linkedid as given, should it have been cut
        }
        return ids;
    }

    private void insertTimelines(Connection c, List<CallRecorder.Item> items, Map<String, Long> ids, Map<String, Long> agents)
            throws SQLException {
        List<Object> values = new ArrayList<>();
        for (CallRecorder.Item item : items) {
            long callId = ids.get(item.call().linkedid());
            for (CallChange.Timeline e : item.entries()) {
                if (e == null || e.key() == null) {
                    continue; // without a key a replay could not be told from a new event
                }
                Collections.addAll(values, callId, clip(e.key(), 160), millis(e.at() != null ? e.at() : db.now()),
                        clip(e.type() != null ? e.type() : "unknown", 40), clip(e.queue(), 80),
                        e.memberInterface() == null ? null : agents.get(e.memberInterface()), clip(e.memberInterface(), 200),
                        clip(e.detail(), 500));
            }
        }
        insertRows(c, "INSERT IGNORE INTO call_events (call_id, event_key, at, type, queue, agent_id, interface, detail) VALUES %s",
                8, values);
    }

    /** One row per agent who took a call, numbered in the order they took it. */
    private static void upsertTalks(Connection c, List<CallRecorder.Item> items, Map<String, Long> ids, Map<String, Long> agents)
            throws SQLException {
        List<Object> values = new ArrayList<>();
        for (CallRecorder.Item item : items) {
            long callId = ids.get(item.call().linkedid());
            int seq = 0;
            for (CallView.Talk t : item.call().talks()) {
                seq++;
                if (t.memberInterface() == null || t.answeredAt() == null) {
                    continue;
                }
                Collections.addAll(values, callId, seq, agents.get(t.memberInterface()), clip(t.memberInterface(), 200),
                        millis(t.answeredAt()), t.talkSeconds());
            }
        }
        insertRows(c, "INSERT INTO call_agents (call_id, seq, agent_id, agent_interface, answered_at, talk_seconds) VALUES %s"
                + " ON DUPLICATE KEY UPDATE agent_id = COALESCE(VALUES(agent_id), agent_id),"
                + " talk_seconds = COALESCE(VALUES(talk_seconds), talk_seconds)", 6, values);
    }

    /**
     * Multi-row statements: {@code sql} has {@code %s} where the rows go, {@code values} holds {@code columns} values a
     * row, in order; rows in their order, at most {@link #ROWS_PER_STATEMENT} a statement; nothing when empty.
     */
    private static void insertRows(Connection c, String sql, int columns, List<Object> values) throws SQLException {
        String row = "(" + marks(columns) + ")";
        int rows = values.size() / columns;
        for (int from = 0; from < rows; from += ROWS_PER_STATEMENT) {
            int n = Math.min(ROWS_PER_STATEMENT, rows - from);
            try (PreparedStatement s = c.prepareStatement(sql.formatted(String.join(", ", Collections.nCopies(n, row))))) {
                bind(s, values.subList(from * columns, (from + n) * columns).toArray());
                s.executeUpdate();
            }
        }
    }

    /** Binds values in order; an instant as the UTC date-time the DATETIME columns hold. */
    private static void bind(PreparedStatement s, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            s.setObject(i + 1, v instanceof Instant t ? LocalDateTime.ofInstant(t, ZoneOffset.UTC) : v);
        }
    }

    /**
     * The number in E.164, or null. Remembered: libphonenumber's parse was a good part of a write's CPU, and a
     * call's number comes with each of its writes (a bounded memo, emptied when full).
     */
    private String e164(String number) {
        if (number == null) {
            return null;
        }
        String known = e164s.get(number);
        if (known == null) {
            if (e164s.size() >= E164_MEMO) {
                e164s.clear();
            }
            known = phones.normalize(number).orElse("");
            e164s.put(number, known);
        }
        return known.isEmpty() ? null : known;
    }

    /**
     * The end of a callback's call says how the callback went, in the words an agent would pick
     * ({@code reached} closes it; {@code no-answer}, {@code busy} and {@code not-dialled} put it back in the list),
     * unless the agent has recorded a result since placing the call.
     */
    private static void closeCallback(DSLContext dsl, long callbackId, String dialStatus, Instant at) {
        String result;
        if (dialStatus == null || dialStatus.equals("CANCEL")) {
            result = "not-dialled"; // the agent's own phone was not answered, or hung up before the customer did
        } else if (dialStatus.equals("ANSWER")) {
            result = "reached";
        } else if (dialStatus.equals("BUSY") || dialStatus.equals("CONGESTION")) {
            result = "busy";
        } else {
            result = "no-answer";
        }
        dsl.update(CALLBACK_REQUESTS)
                .set(CALLBACK_REQUESTS.STATUS, result.equals("reached") ? "done" : "open")
                .set(CALLBACK_REQUESTS.RESULT, result)
                .set(CALLBACK_REQUESTS.HANDLED_AT, at)
                .where(CALLBACK_REQUESTS.ID.eq(callbackId))
                .and(CALLBACK_REQUESTS.STATUS.eq("in-progress"))
                .and(CALLBACK_REQUESTS.RESULT.in("originated", "calling"))
                .execute();
    }

    /** A number Asterisk can dial back outside the help desk (not an extension such as 1002). */
    private boolean callbackable(String number) {
        return number != null && phones.normalize(number).isPresent();
    }

    /** The callback request of a call abandoned in a queue (one per call). */
    private static void openCallback(DSLContext dsl, long callId, Long callerId, String number, String queue,
            String menuPath, Instant at) {
        dsl.insertInto(CALLBACK_REQUESTS)
                .set(CALLBACK_REQUESTS.CALL_ID, callId)
                .set(CALLBACK_REQUESTS.CALLER_ID, callerId)
                .set(CALLBACK_REQUESTS.PHONE, number)
                .set(CALLBACK_REQUESTS.QUEUE, queue)
                .set(CALLBACK_REQUESTS.MENU_PATH, menuPath)
                .set(CALLBACK_REQUESTS.REASON, "abandoned")
                .set(CALLBACK_REQUESTS.STATUS, "open")
                .set(CALLBACK_REQUESTS.CREATED_AT, at)
                .onDuplicateKeyIgnore()
                .execute();
    }

    /** The Linkedids of the calls of a PBX recorded as in progress (not ended). */
    public Future<List<String>> openCalls(String pbx) {
        return db.query(dsl -> dsl.select(CALLS.LINKEDID).from(CALLS).where(CALLS.PBX.eq(pbx)).and(CALLS.ENDED_AT.isNull())
                .fetch(CALLS.LINKEDID));
    }

    /**
     * Ends recorded calls whose end was not seen, keeping what is known: one answered stays
     * answered, one abandoned stays abandoned (and gets its callback request), one that reached a
     * queue is unanswered, else menu-only. The end time is the call's last timeline event, marked
     * estimated; the end reason is kept if one was recorded, else {@code reason}; an {@code ended}
     * entry closes the timeline. Talk and wait times stay unknown. Calls already ended are left
     * alone, so this is safe to repeat.
     *
     * @return how many calls this ended
     */
    public Future<Integer> endUnobserved(String pbx, Collection<String> linkedids, String reason) {
        List<String> all = List.copyOf(linkedids);
        Fence.Check check = fence.check(pbx);
        return db.transaction(dsl -> {
            if (check != null) {
                check.verify(dsl);
            }
            int ended = 0;
            for (int i = 0; i < all.size(); i += 500) {
                ended += endUnobservedIn(dsl, pbx, all.subList(i, Math.min(all.size(), i + 500)), reason);
            }
            return ended;
        });
    }

    private int endUnobservedIn(DSLContext dsl, String pbx, List<String> linkedids, String reason) {
        List<? extends Record> open = dsl.select(CALLS.ID, CALLS.STATUS, CALLS.ENTERED_AT, CALLS.QUEUED_AT, CALLS.ANSWERED_AT,
                        CALLS.QUEUE, CALLS.END_REASON, CALLS.CALLER_ID, CALLS.CALLER_NUMBER, CALLS.MENU_PATH, CALLS.CALLBACK_ID)
                .from(CALLS).where(CALLS.PBX.eq(pbx)).and(CALLS.LINKEDID.in(linkedids)).and(CALLS.ENDED_AT.isNull())
                .forUpdate().fetch();
        if (open.isEmpty()) {
            return 0;
        }
        Map<Long, Instant> lastEvent = new HashMap<>();
        dsl.select(CALL_EVENTS.CALL_ID, DSL.max(CALL_EVENTS.AT)).from(CALL_EVENTS)
                .where(CALL_EVENTS.CALL_ID.in(open.stream().map(r -> r.get(CALLS.ID)).toList()))
                .groupBy(CALL_EVENTS.CALL_ID)
                .forEach(r -> lastEvent.put(r.value1(), r.value2()));
        int ended = 0;
        for (Record r : open) {
            long id = r.get(CALLS.ID);
            Instant end = latest(r.get(CALLS.ENTERED_AT), r.get(CALLS.QUEUED_AT), r.get(CALLS.ANSWERED_AT), lastEvent.get(id));
            String status = r.get(CALLS.CALLBACK_ID) != null && r.get(CALLS.QUEUED_AT) == null ? CallStatus.CALLBACK.wire()
                    : r.get(CALLS.ANSWERED_AT) != null ? CallStatus.ANSWERED.wire()
                    : CallStatus.ABANDONED.wire().equals(r.get(CALLS.STATUS)) ? CallStatus.ABANDONED.wire()
                    : r.get(CALLS.QUEUED_AT) != null ? CallStatus.UNANSWERED.wire() : CallStatus.MENU_ONLY.wire();
            String why = r.get(CALLS.END_REASON) != null ? r.get(CALLS.END_REASON) : clip(reason, 40);
            int changed = dsl.update(CALLS).set(CALLS.ENDED_AT, end).set(CALLS.ENDED_AT_ESTIMATED, true)
                    .set(CALLS.STATUS, status).set(CALLS.END_REASON, why)
                    .where(CALLS.ID.eq(id)).and(CALLS.ENDED_AT.isNull()).execute();
            if (changed == 0) {
                continue;
            }
            ended++;
            dsl.insertInto(CALL_EVENTS, CALL_EVENTS.CALL_ID, CALL_EVENTS.EVENT_KEY, CALL_EVENTS.AT, CALL_EVENTS.TYPE,
                            CALL_EVENTS.QUEUE, CALL_EVENTS.DETAIL)
                    .values(id, "ended", end, "ended", r.get(CALLS.QUEUE),
                            clip(status + ", " + why + " (end not seen: the time is the last event seen)", 500))
                    .onDuplicateKeyIgnore().execute();
            if (status.equals(CallStatus.ABANDONED.wire()) && callbackable(r.get(CALLS.CALLER_NUMBER))) {
                openCallback(dsl, id, r.get(CALLS.CALLER_ID), r.get(CALLS.CALLER_NUMBER), r.get(CALLS.QUEUE),
                        r.get(CALLS.MENU_PATH), end);
            }
        }
        return ended;
    }

    private static Instant latest(Instant... times) {
        Instant out = null;
        for (Instant t : times) {
            if (t != null && (out == null || t.isAfter(out))) {
                out = t;
            }
        }
        return out;
    }

    /** Calls, newest first. */
    public Future<Page<RecordedCall>> list(Filter f, int limit, int offset) {
        return db.query(dsl -> {
            Condition where = DSL.trueCondition();
            if (f.from().isPresent()) {
                where = where.and(CALLS.ENTERED_AT.ge(f.from().get()));
            }
            if (f.to().isPresent()) {
                where = where.and(CALLS.ENTERED_AT.lt(f.to().get()));
            }
            if (f.queue().isPresent()) {
                where = where.and(CALLS.QUEUE.eq(f.queue().get()));
            }
            if (f.agentId().isPresent()) {
                where = where.and(CALLS.AGENT_ID.eq(f.agentId().get()));
            }
            if (f.callerId().isPresent()) {
                where = where.and(CALLS.CALLER_ID.eq(f.callerId().get()));
            }
            if (f.status().isPresent()) {
                String s = f.status().get();
                where = where.and(s.equals("in-progress") ? CALLS.ENDED_AT.isNull()
                        : CALLS.STATUS.eq(s).and(CALLS.ENDED_AT.isNotNull()));
            }
            if (f.numberDigits().isPresent()) {
                where = where.and(CALLS.CALLER_NUMBER.contains(f.numberDigits().get()));
            }
            if (f.disposition().isPresent()) {
                where = where.and(DSL.field(DSL.select(CALL_OUTCOMES.DISPOSITION).from(CALL_OUTCOMES)
                        .where(CALL_OUTCOMES.CALL_ID.eq(CALLS.ID)).orderBy(CALL_OUTCOMES.ID.desc()).limit(1))
                        .eq(f.disposition().get()));
            }
            List<RecordedCall> items = dsl.select(CALLS.asterisk(), AGENTS.USERNAME, AGENTS.NAME).from(CALLS)
                    .leftJoin(AGENTS).on(AGENTS.ID.eq(CALLS.AGENT_ID))
                    .where(where).orderBy(CALLS.ENTERED_AT.desc(), CALLS.ID.desc()).limit(limit).offset(offset)
                    .fetch(CallStore::toCall);
            return new Page<>(items, dsl.fetchCount(CALLS, where), limit, offset);
        });
    }

    /**
     * A call an agent took, with the caller as the problems database knows them and the outcome that agent recorded
     * ({@code disposition} null: none yet).
     */
    public record AgentCall(RecordedCall call, String callerName, String organisation, String disposition, Long ticketId) {
        public JsonObject json() {
            return call.json().put("caller", call.callerId() == null || callerName == null ? null
                    : new JsonObject().put("id", call.callerId()).put("name", callerName).put("organisation", organisation))
                    .put("outcome", disposition == null ? null : new JsonObject().put("disposition", disposition).put("ticketId", ticketId));
        }
    }

    /** The calls an agent answered, newest first; {@code unsavedOnly}: the ended ones they recorded no outcome for. */
    public Future<Page<AgentCall>> callsOf(long agentId, boolean unsavedOnly, int limit, int offset) {
        return db.query(dsl -> {
            // The calls whose outcome is theirs to record (OutcomeStore's rule): those they answered.
            Condition where = CALLS.AGENT_ID.eq(agentId);
            var mine = DSL.select(CALL_OUTCOMES.ID).from(CALL_OUTCOMES)
                    .where(CALL_OUTCOMES.CALL_ID.eq(CALLS.ID)).and(CALL_OUTCOMES.AGENT_ID.eq(agentId));
            if (unsavedOnly) {
                where = where.and(CALLS.ENDED_AT.isNotNull()).and(DSL.notExists(mine));
            }
            var latest = DSL.field(mine.orderBy(CALL_OUTCOMES.ID.desc()).limit(1));
            List<AgentCall> items = dsl.select(CALLS.asterisk(), AGENTS.USERNAME, AGENTS.NAME, CALLERS.NAME, CALLERS.ORGANISATION,
                            CALL_OUTCOMES.DISPOSITION, CALL_OUTCOMES.TICKET_ID)
                    .from(CALLS)
                    .leftJoin(AGENTS).on(AGENTS.ID.eq(CALLS.AGENT_ID))
                    .leftJoin(CALLERS).on(CALLERS.ID.eq(CALLS.CALLER_ID))
                    .leftJoin(CALL_OUTCOMES).on(CALL_OUTCOMES.ID.eq(latest))
                    .where(where).orderBy(CALLS.ENTERED_AT.desc(), CALLS.ID.desc()).limit(limit).offset(offset)
                    .fetch(r -> new AgentCall(toCall(r), r.get(CALLERS.NAME), r.get(CALLERS.ORGANISATION),
                            r.get(CALL_OUTCOMES.DISPOSITION), r.get(CALL_OUTCOMES.TICKET_ID)));
            return new Page<>(items, dsl.fetchCount(CALLS, where), limit, offset);
        });
    }

    /** The id of a recorded call by its PBX and Linkedid (empty until it has been written). */
    public Future<Optional<Detail>> find(long id) {
        return db.query(dsl -> findIn(dsl, id).map(c -> new Detail(c, timeline(dsl, id), OutcomeStore.outcomesOf(dsl, id),
                agentsOf(dsl, id))));
    }

    private static List<CallAgent> agentsOf(DSLContext dsl, long callId) {
        return dsl.select(CALL_AGENTS.SEQ, CALL_AGENTS.AGENT_ID, AGENTS.USERNAME, AGENTS.NAME, CALL_AGENTS.AGENT_INTERFACE,
                        CALL_AGENTS.ANSWERED_AT, CALL_AGENTS.TALK_SECONDS)
                .from(CALL_AGENTS).leftJoin(AGENTS).on(AGENTS.ID.eq(CALL_AGENTS.AGENT_ID))
                .where(CALL_AGENTS.CALL_ID.eq(callId)).orderBy(CALL_AGENTS.SEQ)
                .fetch(r -> new CallAgent(r.get(CALL_AGENTS.SEQ), r.get(CALL_AGENTS.AGENT_ID), r.get(AGENTS.USERNAME),
                        r.get(AGENTS.NAME), r.get(CALL_AGENTS.AGENT_INTERFACE), r.get(CALL_AGENTS.ANSWERED_AT),
                        r.get(CALL_AGENTS.TALK_SECONDS)));
    }

    static Optional<RecordedCall> findIn(DSLContext dsl, long id) {
        return dsl.select(CALLS.asterisk(), AGENTS.USERNAME, AGENTS.NAME).from(CALLS)
                .leftJoin(AGENTS).on(AGENTS.ID.eq(CALLS.AGENT_ID))
                .where(CALLS.ID.eq(id)).fetchOptional(CallStore::toCall);
    }

    private static List<TimelineEntry> timeline(DSLContext dsl, long callId) {
        return dsl.select(CALL_EVENTS.AT, CALL_EVENTS.TYPE, CALL_EVENTS.QUEUE, CALL_EVENTS.AGENT_ID, AGENTS.USERNAME,
                        AGENTS.NAME, CALL_EVENTS.INTERFACE, CALL_EVENTS.DETAIL)
                .from(CALL_EVENTS).leftJoin(AGENTS).on(AGENTS.ID.eq(CALL_EVENTS.AGENT_ID))
                .where(CALL_EVENTS.CALL_ID.eq(callId)).orderBy(CALL_EVENTS.AT, CALL_EVENTS.ID)
                .fetch(r -> new TimelineEntry(r.get(CALL_EVENTS.AT), r.get(CALL_EVENTS.TYPE), r.get(CALL_EVENTS.QUEUE),
                        r.get(CALL_EVENTS.AGENT_ID), r.get(AGENTS.USERNAME), r.get(AGENTS.NAME),
                        r.get(CALL_EVENTS.INTERFACE), r.get(CALL_EVENTS.DETAIL)));
    }

    /**
     * The caller a call came from: the one caller who owns the number, or among several owners of a
     * shared number the one the dialplan's hint names; null when that cannot be told.
     */
    public static Long callerOf(DSLContext dsl, PhoneNumbers phones, String number, String hint) {
        Optional<String> e164 = phones.normalize(number);
        if (e164.isEmpty()) {
            return null;
        }
        return ownerOf(dsl.select(CALLER_PHONES.CALLER_ID).from(CALLER_PHONES)
                .where(CALLER_PHONES.PHONE.eq(e164.get())).fetch(CALLER_PHONES.CALLER_ID), hint);
    }

    /** Among the owners of a number, the caller: the only one, or the one the hint names. */
    private static Long ownerOf(List<Long> owners, String hint) {
        if (owners.size() == 1) {
            return owners.get(0);
        }
        Long hinted = parseId(hint);
        return hinted != null && owners.contains(hinted) ? hinted : null;
    }

    private static RecordedCall toCall(Record r) {
        Instant ended = r.get(CALLS.ENDED_AT);
        return new RecordedCall(r.get(CALLS.ID), r.get(CALLS.PBX), r.get(CALLS.LINKEDID), r.get(CALLS.CALLER_NUMBER),
                r.get(CALLS.CALLER_ID), r.get(CALLS.CALLER_NAME), r.get(CALLS.QUEUE), r.get(CALLS.MENU_PATH),
                r.get(CALLS.TICKET_TYPED), ended == null ? "in-progress" : r.get(CALLS.STATUS), r.get(CALLS.AGENT_ID),
                r.get(AGENTS.USERNAME), r.get(AGENTS.NAME), r.get(CALLS.AGENT_INTERFACE), r.get(CALLS.ENTERED_AT),
                r.get(CALLS.ANSWERED_AT), ended, r.get(CALLS.WAIT_SECONDS), r.get(CALLS.TALK_SECONDS),
                r.get(CALLS.END_REASON), r.get(CALLS.CALLBACK_ID),
                ended != null && Boolean.TRUE.equals(r.get(CALLS.ENDED_AT_ESTIMATED)));
    }

    private static Long parseId(String s) {
        if (s == null || !s.matches("[0-9]{1,18}")) {
            return null;
        }
        long id = Long.parseLong(s);
        return id > 0 ? id : null;
    }

    private static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Cuts a text to its column's width: the PBX may send more than a column holds, and no call may be lost for that. */
    static String clip(String s, int max) {
        if (s == null) {
            return null;
        }
        return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max));
    }
}
