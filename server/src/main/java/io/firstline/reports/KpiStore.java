package io.firstline.reports;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.CALLBACK_REQUESTS;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.CALL_AGENTS;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Record;

/**
 * The calls of a period as KPI facts (docs/kpis.md): what the live board's "today" and the reports
 * both read, so that a number means the same everywhere. Any thread; one blocking query each.
 */
public final class KpiStore {

    private final Database db;

    public KpiStore(Database db) {
        this.db = db;
    }

    /**
     * Every call that entered a queue in [from, to), with its latest outcome and every agent who talked on it. Internal
     * calls (an agent trying a queue from their own phone) are no offered calls and are left out.
     */
    public Future<List<CallFact>> facts(Instant from, Instant to) {
        return db.query(dsl -> {
            Map<Long, Record> outcomes = new HashMap<>();
            dsl.select(CALL_OUTCOMES.CALL_ID, CALL_OUTCOMES.WRAPUP_SECONDS, CALL_OUTCOMES.DISPOSITION, TICKETS.CATEGORY)
                    .from(CALL_OUTCOMES).join(CALLS).on(CALLS.ID.eq(CALL_OUTCOMES.CALL_ID))
                    .leftJoin(TICKETS).on(TICKETS.ID.eq(CALL_OUTCOMES.TICKET_ID))
                    .where(CALLS.QUEUED_AT.ge(from)).and(CALLS.QUEUED_AT.lt(to)).and(CALLS.QUEUE.isNotNull())
                    .and(CALLS.STATUS.ne(CallStatus.INTERNAL.wire()))
                    .orderBy(CALL_OUTCOMES.ID)
                    .forEach(r -> outcomes.put(r.get(CALL_OUTCOMES.CALL_ID), r));
            Map<Long, List<CallFact.AgentPart>> parts = new HashMap<>();
            dsl.select(CALL_AGENTS.CALL_ID, CALL_AGENTS.AGENT_ID, CALL_AGENTS.TALK_SECONDS)
                    .from(CALL_AGENTS).join(CALLS).on(CALLS.ID.eq(CALL_AGENTS.CALL_ID))
                    .where(CALLS.QUEUED_AT.ge(from)).and(CALLS.QUEUED_AT.lt(to)).and(CALLS.QUEUE.isNotNull())
                    .and(CALLS.STATUS.ne(CallStatus.INTERNAL.wire()))
                    .orderBy(CALL_AGENTS.CALL_ID, CALL_AGENTS.SEQ)
                    .forEach(r -> parts.computeIfAbsent(r.value1(), k -> new ArrayList<>())
                            .add(new CallFact.AgentPart(r.value2(), r.value3())));
            List<CallFact> facts = new ArrayList<>();
            dsl.select(CALLS.ID, CALLS.QUEUE, CALLS.AGENT_ID, CALLS.QUEUED_AT, CALLS.STATUS, CALLS.ANSWERED_AT,
                    CALLS.ENDED_AT, CALLS.ENDED_AT_ESTIMATED, CALLS.WAIT_SECONDS, CALLS.TALK_SECONDS, CALLS.MENU_PATH)
                    .from(CALLS)
                    .where(CALLS.QUEUED_AT.ge(from)).and(CALLS.QUEUED_AT.lt(to)).and(CALLS.QUEUE.isNotNull())
                    .and(CALLS.STATUS.ne(CallStatus.INTERNAL.wire()))
                    .orderBy(CALLS.QUEUED_AT, CALLS.ID)
                    .forEach(r -> {
                        Record o = outcomes.get(r.get(CALLS.ID));
                        String category = o != null && o.get(TICKETS.CATEGORY) != null ? o.get(TICKETS.CATEGORY)
                                : ProblemCategory.ofMenuPath(r.get(CALLS.MENU_PATH)).orElse(null);
                        boolean unobserved = r.get(CALLS.ENDED_AT) != null && Boolean.TRUE.equals(r.get(CALLS.ENDED_AT_ESTIMATED));
                        CallFact.Result result = result(r.get(CALLS.STATUS), r.get(CALLS.ANSWERED_AT) != null,
                                r.get(CALLS.ENDED_AT) != null, unobserved);
                        facts.add(new CallFact(r.get(CALLS.QUEUE), r.get(CALLS.AGENT_ID), r.get(CALLS.QUEUED_AT), result,
                                result == CallFact.Result.UNKNOWN ? null : r.get(CALLS.WAIT_SECONDS),
                                result == CallFact.Result.ANSWERED ? r.get(CALLS.TALK_SECONDS) : null,
                                o == null ? null : o.get(CALL_OUTCOMES.WRAPUP_SECONDS),
                                o == null ? null : o.get(CALL_OUTCOMES.DISPOSITION), category, unobserved,
                                result == CallFact.Result.ANSWERED ? parts.getOrDefault(r.get(CALLS.ID), List.of()) : List.of()));
                    });
            return facts;
        });
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
