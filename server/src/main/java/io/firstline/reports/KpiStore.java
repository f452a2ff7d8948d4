package io.firstline.reports;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.CALLBACK_REQUESTS;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.CALL_AGENTS;
import static io.firstline.db.schema.Tables.CALL_EVENTS;
import static io.firstline.db.schema.Tables.CALL_OUTCOMES;
import static io.firstline.db.schema.Tables.TICKETS;

import io.firstline.calls.CallStatus;
import io.firstline.db.Database;
import io.firstline.kpi.CallFact;
import io.firstline.kpi.CallbackFact;
import io.firstline.kpi.ProblemCategory;
import io.firstline.kpi.Report;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The calls of a period as KPI facts (docs/kpis.md): what the live board's "today" and the reports
 * both read, so that a number means the same everywhere. Any thread; one blocking query each.
 */
public final class KpiStore {

    /** Rows the driver fetches at a time when a period's calls are streamed. */
    private static final int STREAM_ROWS = 2_000;

    private final Database db;

    public KpiStore(Database db) {
        this.db = db;
    }

    /**
     * Every call that entered a queue in [from, to), with its latest outcome and every agent who talked on it, in the
     * order they entered. Internal calls (an agent trying a queue from their own phone) are no offered calls and are
     * left out.
     */
    public Future<List<CallFact>> facts(Instant from, Instant to) {
        return fold(from, to, null, new ArrayList<>(), List::add);
    }

    /**
     * Adds each call of {@link #facts} to {@code into} on the database worker, one at a time as the rows stream in,
     * and hands {@code into} back: a period of any length takes the memory of what {@code into} keeps, not of its
     * calls. {@code into} must not be touched elsewhere until the future completes.
     *
     * @param agentId only the calls this agent talked on or was assigned; null for all
     */
    public <A> Future<A> fold(Instant from, Instant to, Long agentId, A into, BiConsumer<A, CallFact> add) {
        return db.query(dsl -> {
            Field<Long> latestOutcome = DSL.select(DSL.max(CALL_OUTCOMES.ID)).from(CALL_OUTCOMES)
                    .where(CALL_OUTCOMES.CALL_ID.eq(CALLS.ID)).asField();
            Condition period = CALLS.QUEUED_AT.ge(from).and(CALLS.QUEUED_AT.lt(to)).and(CALLS.QUEUE.isNotNull())
                    .and(CALLS.STATUS.ne(CallStatus.INTERNAL.wire()));
            if (agentId != null) {
                period = period.and(CALLS.AGENT_ID.eq(agentId).or(CALLS.ID.in(
                        DSL.select(CALL_AGENTS.CALL_ID).from(CALL_AGENTS).where(CALL_AGENTS.AGENT_ID.eq(agentId)))));
            }
            // One row per agent part (one for a call nobody took), a call's rows adjacent: grouped here as they come.
            var rows = dsl.select(CALLS.ID, CALLS.QUEUE, CALLS.AGENT_ID, CALLS.QUEUED_AT, CALLS.STATUS, CALLS.ANSWERED_AT,
                    CALLS.ENDED_AT, CALLS.ENDED_AT_ESTIMATED, CALLS.WAIT_SECONDS, CALLS.TALK_SECONDS, CALLS.MENU_PATH,
                    CALL_OUTCOMES.WRAPUP_SECONDS, CALL_OUTCOMES.DISPOSITION, TICKETS.CATEGORY,
                    CALL_AGENTS.SEQ, CALL_AGENTS.AGENT_ID, CALL_AGENTS.TALK_SECONDS)
                    .from(CALLS)
                    .leftJoin(CALL_OUTCOMES).on(CALL_OUTCOMES.ID.eq(latestOutcome))
                    .leftJoin(TICKETS).on(TICKETS.ID.eq(CALL_OUTCOMES.TICKET_ID))
                    .leftJoin(CALL_AGENTS).on(CALL_AGENTS.CALL_ID.eq(CALLS.ID))
                    .where(period)
                    // Not by CALL_AGENTS.SEQ too: that would sort the period in a temporary table, where
                    // ix_calls_queued gives this order as it reads. A call's few parts are put in order below.
                    .orderBy(CALLS.QUEUED_AT, CALLS.ID)
                    .fetchSize(STREAM_ROWS);
            try (Cursor<? extends Record> cursor = rows.fetchLazy()) {
                Record call = null;
                List<Record> parts = new ArrayList<>();
                for (Record r : cursor) {
                    if (call != null && !call.get(CALLS.ID).equals(r.get(CALLS.ID))) {
                        add.accept(into, fact(call, parts));
                        parts.clear();
                    }
                    call = r;
                    if (r.get(CALL_AGENTS.SEQ) != null) {
                        parts.add(r);
                    }
                }
                if (call != null) {
                    add.accept(into, fact(call, parts));
                }
            }
            return into;
        });
    }

    /** @param parts the call's rows that name an agent's part, in any order */
    private static CallFact fact(Record r, List<Record> parts) {
        String category = r.get(TICKETS.CATEGORY) != null ? r.get(TICKETS.CATEGORY)
                : ProblemCategory.ofMenuPath(r.get(CALLS.MENU_PATH)).orElse(null);
        boolean unobserved = r.get(CALLS.ENDED_AT) != null && Boolean.TRUE.equals(r.get(CALLS.ENDED_AT_ESTIMATED));
        CallFact.Result result = result(r.get(CALLS.STATUS), r.get(CALLS.ANSWERED_AT) != null, r.get(CALLS.ENDED_AT) != null,
                unobserved);
        return new CallFact(r.get(CALLS.QUEUE), r.get(CALLS.AGENT_ID), r.get(CALLS.QUEUED_AT), result,
                result == CallFact.Result.UNKNOWN ? null : r.get(CALLS.WAIT_SECONDS),
                result == CallFact.Result.ANSWERED ? r.get(CALLS.TALK_SECONDS) : null,
                r.get(CALL_OUTCOMES.WRAPUP_SECONDS), r.get(CALL_OUTCOMES.DISPOSITION), category, unobserved,
                result == CallFact.Result.ANSWERED ? parts.stream().sorted(Comparator.comparing(p -> p.get(CALL_AGENTS.SEQ)))
                        .map(p -> new CallFact.AgentPart(p.get(CALL_AGENTS.AGENT_ID), p.get(CALL_AGENTS.TALK_SECONDS))).toList()
                        : List.of());
    }

    /** Callbacks an agent made (callback requests handled) in [from, to), by queue (null: none named). */
    public Future<Map<String, Integer>> callbacksMade(Instant from, Instant to) {
        return callbacks(from, to).map(list -> {
            Map<String, Integer> byQueue = new HashMap<>();
            list.forEach(c -> byQueue.merge(c.queue(), 1, Integer::sum));
            return byQueue;
        });
    }

    /** Every callback an agent made in [from, to): a callback request marked done, at the time it was handled. */
    public Future<List<CallbackFact>> callbacks(Instant from, Instant to) {
        return db.query(dsl -> dsl.select(CALLBACK_REQUESTS.QUEUE, CALLBACK_REQUESTS.HANDLED_BY, CALLBACK_REQUESTS.HANDLED_AT)
                .from(CALLBACK_REQUESTS)
                .where(CALLBACK_REQUESTS.HANDLED_AT.ge(from)).and(CALLBACK_REQUESTS.HANDLED_AT.lt(to))
                .and(CALLBACK_REQUESTS.STATUS.eq("done"))
                .orderBy(CALLBACK_REQUESTS.HANDLED_AT)
                .fetch(r -> new CallbackFact(r.value1(), r.value2(), r.value3())));
    }

    /**
     * Rings each agent let go unanswered in [from, to) (Asterisk's AgentRingNoAnswer, as the calls' timelines keep
     * them), for calls that came in from {@code from} on.
     */
    public Future<Map<Long, Integer>> missedRings(Instant from, Instant to) {
        return db.query(dsl -> {
            Map<Long, Integer> missed = new HashMap<>();
            var n = DSL.count();
            dsl.select(CALL_EVENTS.AGENT_ID, n).from(CALLS).join(CALL_EVENTS).on(CALL_EVENTS.CALL_ID.eq(CALLS.ID))
                    .where(CALLS.ENTERED_AT.ge(from)).and(CALLS.ENTERED_AT.lt(to))
                    .and(CALL_EVENTS.TYPE.eq("ring-no-answer")).and(CALL_EVENTS.AT.ge(from)).and(CALL_EVENTS.AT.lt(to))
                    .and(CALL_EVENTS.AGENT_ID.isNotNull())
                    .groupBy(CALL_EVENTS.AGENT_ID)
                    .forEach(r -> missed.put(r.value1(), r.value2()));
            return missed;
        });
    }

    /** How reports name the given agents (deleted ones are missing). */
    public Future<Map<Long, Report.AgentLabel>> agentLabels(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        List<Long> wanted = List.copyOf(ids);
        return db.query(dsl -> {
            Map<Long, Report.AgentLabel> labels = new HashMap<>();
            dsl.select(AGENTS.ID, AGENTS.USERNAME, AGENTS.NAME).from(AGENTS).where(AGENTS.ID.in(wanted))
                    .forEach(r -> labels.put(r.value1(), new Report.AgentLabel(r.value1(), r.value2(), r.value3())));
            return labels;
        });
    }

    /**
     * A stored status as a KPI result: an answer counts as soon as it happens. A call that ended
     * unobserved without an answer or abandon seen is of unknown fate, not unanswered.
     */
    static CallFact.Result result(String status, boolean answered, boolean ended, boolean endedUnobserved) {
        if (answered) {
            return CallFact.Result.ANSWERED;
        }
        if (status.equals("abandoned")) {
            return CallFact.Result.ABANDONED;
        }
        if (!ended) {
            return CallFact.Result.WAITING;
        }
        return endedUnobserved ? CallFact.Result.UNKNOWN : CallFact.Result.UNANSWERED;
    }
}
