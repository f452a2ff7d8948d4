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
import io.firstline.db.Page;
import io.firstline.desk.Outcome;
import io.firstline.desk.OutcomeStore;
import io.firstline.phone.PhoneNumbers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
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

    private final Database db;
    private final PhoneNumbers phones;

    public CallStore(Database db, PhoneNumbers phones) {
        this.db = db;
        this.phones = phones;
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
        List<CallChange.Timeline> copy = List.copyOf(entries);
        return db.transaction(dsl -> recordIn(dsl, call, copy));
    }

    private long recordIn(DSLContext dsl, CallView call, List<CallChange.Timeline> entries) {
        Set<String> interfaces = new LinkedHashSet<>();
        if (call.memberInterface() != null) {
            interfaces.add(call.memberInterface());
        }
        entries.stream().map(CallChange.Timeline::memberInterface).filter(i -> i != null).forEach(interfaces::add);
        call.talks().forEach(t -> interfaces.add(t.memberInterface()));
        Map<String, Long> agents = agentIds(dsl, interfaces);
        Long agentId = call.memberInterface() == null ? null : agents.get(call.memberInterface());
        Long callerId = callerOf(dsl, phones, call.callerNumber(), call.callerIdHint());

        String pbx = clip(call.pbx(), 64);
        String linkedid = clip(call.linkedid(), 64);
        String number = clip(call.callerNumber(), 64);
        String name = clip(call.callerName(), 200);
        String menuPath = clip(call.menuPath(), 255);
        String ticket = clip(call.ticketTyped(), 32);
        String queue = clip(call.queue(), 80);
        String iface = clip(call.memberInterface(), 200);
        String endReason = clip(call.endReason(), 40);
        String status = call.status().wire();
        Instant entered = millis(call.enteredAt() != null ? call.enteredAt() : db.now());
        // The request id comes from a channel variable: linked only when such a request exists.
        Long callbackId = call.callbackId() == null ? null : dsl.select(CALLBACK_REQUESTS.ID).from(CALLBACK_REQUESTS)
                .where(CALLBACK_REQUESTS.ID.eq(call.callbackId())).fetchOptional(CALLBACK_REQUESTS.ID).orElse(null);
        // A view that has not ended must not turn an ended call back into a live one; and what was
        // recorded before (e.g. by a Firstline that was restarted since) is kept: a call answered
        // then ends answered, one that reached a queue is not menu-only.
        Field<String> statusOnUpdate;
        if (!call.ended()) {
            statusOnUpdate = DSL.when(CALLS.ENDED_AT.isNull(), DSL.val(status)).otherwise(CALLS.STATUS);
        } else if (call.status() == CallStatus.ANSWERED || call.status() == CallStatus.ABANDONED
                || call.status() == CallStatus.INTERNAL || call.status() == CallStatus.CALLBACK) {
            statusOnUpdate = DSL.val(status);
        } else {
            statusOnUpdate = DSL.when(CALLS.ANSWERED_AT.isNotNull(), DSL.val(CallStatus.ANSWERED.wire()))
                    .when(CALLS.STATUS.eq(CallStatus.ABANDONED.wire()), DSL.val(CallStatus.ABANDONED.wire()))
                    .when(DSL.val(status).eq(CallStatus.MENU_ONLY.wire()).and(CALLS.QUEUED_AT.isNotNull()),
                            DSL.val(CallStatus.UNANSWERED.wire()))
                    .otherwise(DSL.val(status));
        }
        Instant ended = millis(call.endedAt());
        // The talk time of a call answered before a restart and ended after it: from the recorded answer.
        Field<Integer> talkOnUpdate = call.talkSeconds() != null ? DSL.val(call.talkSeconds(), CALLS.TALK_SECONDS)
                : ended != null && !call.endedAtEstimated()
                        ? DSL.coalesce(CALLS.TALK_SECONDS, DSL.field("TIMESTAMPDIFF(SECOND, {0}, {1})", Integer.class,
                                CALLS.ANSWERED_AT, DSL.val(ended, CALLS.ENDED_AT)))
                        : CALLS.TALK_SECONDS;

        dsl.insertInto(CALLS)
                .set(CALLS.PBX, pbx)
                .set(CALLS.LINKEDID, linkedid)
                .set(CALLS.CALLER_NUMBER, number)
                .set(CALLS.CALLER_NAME, name)
                .set(CALLS.CALLER_ID, callerId)
                .set(CALLS.CALLBACK_ID, callbackId)
                .set(CALLS.MENU_PATH, menuPath)
                .set(CALLS.TICKET_TYPED, ticket)
                .set(CALLS.QUEUE, queue)
                .set(CALLS.STATUS, status)
                .set(CALLS.AGENT_ID, agentId)
                .set(CALLS.AGENT_INTERFACE, iface)
                .set(CALLS.ENTERED_AT, entered)
                .set(CALLS.QUEUED_AT, millis(call.queuedAt()))
                .set(CALLS.ANSWERED_AT, millis(call.answeredAt()))
                .set(CALLS.ENDED_AT, ended)
                .set(CALLS.ENDED_AT_ESTIMATED, ended != null && call.endedAtEstimated())
                .set(CALLS.END_REASON, endReason)
                .set(CALLS.WAIT_SECONDS, call.waitSeconds())
                .set(CALLS.TALK_SECONDS, call.talkSeconds())
                .onDuplicateKeyUpdate()
                .set(CALLS.CALLER_NUMBER, keep(number, CALLS.CALLER_NUMBER))
                .set(CALLS.CALLER_NAME, keep(name, CALLS.CALLER_NAME))
                .set(CALLS.CALLER_ID, keep(callerId, CALLS.CALLER_ID))
                .set(CALLS.CALLBACK_ID, keep(callbackId, CALLS.CALLBACK_ID))
                .set(CALLS.MENU_PATH, keep(menuPath, CALLS.MENU_PATH))
                .set(CALLS.TICKET_TYPED, keep(ticket, CALLS.TICKET_TYPED))
                .set(CALLS.QUEUE, keep(queue, CALLS.QUEUE))
                .set(CALLS.STATUS, statusOnUpdate)
                .set(CALLS.AGENT_ID, keep(agentId, CALLS.AGENT_ID))
                .set(CALLS.AGENT_INTERFACE, keep(iface, CALLS.AGENT_INTERFACE))
                .set(CALLS.ENTERED_AT, DSL.least(DSL.val(entered, CALLS.ENTERED_AT), CALLS.ENTERED_AT))
                .set(CALLS.QUEUED_AT, keep(millis(call.queuedAt()), CALLS.QUEUED_AT))
                .set(CALLS.ANSWERED_AT, keep(millis(call.answeredAt()), CALLS.ANSWERED_AT))
                .set(CALLS.ENDED_AT, keep(ended, CALLS.ENDED_AT))
                .set(CALLS.ENDED_AT_ESTIMATED, ended == null ? CALLS.ENDED_AT_ESTIMATED : DSL.val(call.endedAtEstimated()))
                .set(CALLS.END_REASON, keep(endReason, CALLS.END_REASON))
                .set(CALLS.WAIT_SECONDS, keep(call.waitSeconds(), CALLS.WAIT_SECONDS))
                .set(CALLS.TALK_SECONDS, talkOnUpdate)
                .execute();
        Record row = dsl.select(CALLS.ID, CALLS.CALLER_ID).from(CALLS)
                .where(CALLS.PBX.eq(pbx)).and(CALLS.LINKEDID.eq(linkedid)).fetchOne();
        long id = row.get(CALLS.ID);

        var insert = dsl.insertInto(CALL_EVENTS, CALL_EVENTS.CALL_ID, CALL_EVENTS.EVENT_KEY, CALL_EVENTS.AT,
                CALL_EVENTS.TYPE, CALL_EVENTS.QUEUE, CALL_EVENTS.AGENT_ID, CALL_EVENTS.INTERFACE, CALL_EVENTS.DETAIL);
        int rows = 0;
        for (CallChange.Timeline e : entries) {
            if (e == null || e.key() == null) {
                continue; // without a key a replay could not be told from a new event
            }
            insert = insert.values(id, clip(e.key(), 160), millis(e.at() != null ? e.at() : db.now()),
                    clip(e.type() != null ? e.type() : "unknown", 40), clip(e.queue(), 80),
                    e.memberInterface() == null ? null : agents.get(e.memberInterface()), clip(e.memberInterface(), 200),
                    clip(e.detail(), 500));
            rows++;
        }
        if (rows > 0) {
            insert.onDuplicateKeyIgnore().execute();
        }

        int seq = 0;
        for (CallView.Talk t : call.talks()) {
            seq++;
            if (t.memberInterface() == null || t.answeredAt() == null) {
                continue;
            }
            Long agent = agents.get(t.memberInterface());
            dsl.insertInto(CALL_AGENTS)
                    .set(CALL_AGENTS.CALL_ID, id)
                    .set(CALL_AGENTS.SEQ, seq)
                    .set(CALL_AGENTS.AGENT_ID, agent)
                    .set(CALL_AGENTS.AGENT_INTERFACE, clip(t.memberInterface(), 200))
                    .set(CALL_AGENTS.ANSWERED_AT, millis(t.answeredAt()))
                    .set(CALL_AGENTS.TALK_SECONDS, t.talkSeconds())
                    .onDuplicateKeyUpdate()
                    .set(CALL_AGENTS.AGENT_ID, keep(agent, CALL_AGENTS.AGENT_ID))
                    .set(CALL_AGENTS.TALK_SECONDS, keep(t.talkSeconds(), CALL_AGENTS.TALK_SECONDS))
                    .execute();
        }

        // Only a number Asterisk can dial back outside: an extension (1002, 9000) is a phone of the help desk.
        if (call.ended() && call.status() == CallStatus.ABANDONED && callbackable(number)) {
            openCallback(dsl, id, row.get(CALLS.CALLER_ID), number, queue, menuPath, ended);
        }
        if (call.callbackRequestChannel() != null) {
            // The phone menu stored the request (keyed by the channel) before it told the dialplan ok.
            dsl.update(CALLBACK_REQUESTS).set(CALLBACK_REQUESTS.CALL_ID, id)
                    .where(CALLBACK_REQUESTS.CHANNEL_UNIQUEID.eq(clip(call.callbackRequestChannel(), 64)))
                    .and(CALLBACK_REQUESTS.CALL_ID.isNull())
                    .execute();
        }
        if (callbackId != null && call.ended() && !call.endedAtEstimated()) {
            closeCallback(dsl, callbackId, call.callbackDialStatus(), ended);
        }
        return id;
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
        return db.transaction(dsl -> {
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
    public Future<Optional<Long>> idOf(String pbx, String linkedid) {
        return db.query(dsl -> dsl.select(CALLS.ID).from(CALLS).where(CALLS.PBX.eq(pbx)).and(CALLS.LINKEDID.eq(linkedid))
                .fetchOptional(CALLS.ID));
    }

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
        List<Long> owners = dsl.select(CALLER_PHONES.CALLER_ID).from(CALLER_PHONES)
                .where(CALLER_PHONES.PHONE.eq(e164.get())).fetch(CALLER_PHONES.CALLER_ID);
        if (owners.size() == 1) {
            return owners.get(0);
        }
        Long hinted = parseId(hint);
        return hinted != null && owners.contains(hinted) ? hinted : null;
    }

    private static Map<String, Long> agentIds(DSLContext dsl, Set<String> interfaces) {
        if (interfaces.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> out = new HashMap<>();
        dsl.select(AGENTS.INTERFACE, AGENTS.ID).from(AGENTS).where(AGENTS.INTERFACE.in(interfaces))
                .forEach(r -> out.put(r.get(AGENTS.INTERFACE), r.get(AGENTS.ID)));
        return out;
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

    /** The new value, or the stored one when the new view does not know it. */
    private static <T> Field<T> keep(T value, Field<T> column) {
        return value == null ? column : DSL.val(value, column);
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
