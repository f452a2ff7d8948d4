package io.firstline.desk;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.CALLBACK_REQUESTS;
import static io.firstline.db.schema.Tables.CALLERS;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.CALL_OUTCOMES;
import static io.firstline.db.schema.Tables.TICKETS;

import io.firstline.db.Database;
import io.firstline.db.Page;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** What the agent desktop reads and writes beyond calls and tickets: callbacks and wrap-up time. */
public final class DeskStore {

    /** Statuses of a callback that still needs someone. */
    public static final List<String> UNFINISHED = List.of("open", "in-progress", "failed");
    private final Database db;
    /** How long an agent's claim on a callback keeps others (and their own further clicks) from calling. */
    private final Duration claim;

    public DeskStore(Database db, Duration claim) {
        this.db = db;
        this.claim = claim;
    }

    /** A caller to call back: an abandoned call or a request left in the phone menu. */
    public record Callback(long id, Long callId, Long callerId, String callerName, String organisation, String phone,
            String queue, String menuPath, String reason, String status, Instant createdAt, Long handledBy,
            String handledByName, Instant handledAt, String result) {
    }

    /** What came of claiming a callback before calling. */
    public sealed interface Claim {
        record Claimed(Callback callback) implements Claim {
        }

        record NoSuchCallback() implements Claim {
        }

        record AlreadyDone(Callback callback) implements Claim {
        }

        record Busy(Callback callback) implements Claim {
        }
    }

    /** A call about a ticket: the one it was opened from, or one whose outcome names it. */
    public record TicketCall(long id, Instant enteredAt, String queue, String menuPath, String status, Long agentId,
            String agentName, Integer talkSeconds, String disposition, String ticketAction) {
    }

    /** The calls about a ticket, oldest first; empty when there is no such ticket or none. */
    public Future<List<TicketCall>> ticketCalls(long ticketId) {
        return db.query(dsl -> {
            var about = CALLS.ID.in(DSL.select(CALL_OUTCOMES.CALL_ID).from(CALL_OUTCOMES).where(CALL_OUTCOMES.TICKET_ID.eq(ticketId)))
                    .or(CALLS.ID.in(DSL.select(TICKETS.CALL_ID).from(TICKETS).where(TICKETS.ID.eq(ticketId))));
            return dsl.select(CALLS.ID, CALLS.ENTERED_AT, CALLS.QUEUE, CALLS.MENU_PATH, CALLS.STATUS, CALLS.AGENT_ID, AGENTS.NAME,
                    CALLS.TALK_SECONDS, CALL_OUTCOMES.DISPOSITION, CALL_OUTCOMES.TICKET_ACTION)
                    .from(CALLS).leftJoin(AGENTS).on(AGENTS.ID.eq(CALLS.AGENT_ID))
                    .leftJoin(CALL_OUTCOMES).on(CALL_OUTCOMES.CALL_ID.eq(CALLS.ID).and(CALL_OUTCOMES.TICKET_ID.eq(ticketId)))
                    .where(about).orderBy(CALLS.ENTERED_AT.asc(), CALLS.ID.asc()).limit(200)
                    .fetch(r -> new TicketCall(r.get(CALLS.ID), r.get(CALLS.ENTERED_AT), r.get(CALLS.QUEUE), r.get(CALLS.MENU_PATH),
                            r.get(CALLS.STATUS), r.get(CALLS.AGENT_ID), r.get(AGENTS.NAME), r.get(CALLS.TALK_SECONDS),
                            r.get(CALL_OUTCOMES.DISPOSITION), r.get(CALL_OUTCOMES.TICKET_ACTION)));
        });
    }

    /** Unfinished callbacks, oldest first. */
    public Future<Page<Callback>> unfinishedCallbacks(int limit, int offset) {
        return db.query(dsl -> {
            var where = CALLBACK_REQUESTS.STATUS.in(UNFINISHED);
            long total = dsl.fetchCount(CALLBACK_REQUESTS, where);
            List<Callback> items = select(dsl).where(where)
                    .orderBy(CALLBACK_REQUESTS.CREATED_AT.asc(), CALLBACK_REQUESTS.ID.asc()).limit(limit).offset(offset)
                    .fetch(DeskStore::callback);
            return new Page<>(items, total, limit, offset);
        });
    }

    public Future<Optional<Callback>> callback(long id) {
        return db.query(dsl -> find(dsl, id));
    }

    /**
     * Marks a callback as being called by this agent, unless it is done or anyone — this agent too —
     * claimed it less than the claim time ago and has not recorded a result since. One conditional
     * UPDATE, so of any number of clicks at once exactly one wins.
     */
    public Future<Claim> claim(long id, long agentId) {
        return db.query(dsl -> {
            Instant now = db.now();
            int won = dsl.update(CALLBACK_REQUESTS).set(CALLBACK_REQUESTS.STATUS, "in-progress")
                    .set(CALLBACK_REQUESTS.HANDLED_BY, agentId).set(CALLBACK_REQUESTS.HANDLED_AT, now)
                    .set(CALLBACK_REQUESTS.RESULT, "calling")
                    .where(CALLBACK_REQUESTS.ID.eq(id))
                    .and(CALLBACK_REQUESTS.STATUS.in("open", "failed")
                            .or(CALLBACK_REQUESTS.STATUS.eq("in-progress").and(CALLBACK_REQUESTS.HANDLED_AT.isNull()
                                    .or(CALLBACK_REQUESTS.HANDLED_AT.le(now.minus(claim))))))
                    .execute();
            Optional<Callback> cb = find(dsl, id);
            if (cb.isEmpty()) {
                return new Claim.NoSuchCallback();
            }
            if (won == 1) {
                return new Claim.Claimed(cb.get());
            }
            return cb.get().status().equals("done") ? new Claim.AlreadyDone(cb.get()) : new Claim.Busy(cb.get());
        });
    }

    /** Until when a callback in progress keeps others from calling: its last change plus the claim time. */
    public Instant claimedUntil(Callback c) {
        return c.handledAt() == null ? Instant.EPOCH : c.handledAt().plus(claim);
    }

    /**
     * Records what came of a callback (status open, in-progress, done or failed; result up to 40
     * characters), unless another agent is calling it now or finished it: only the agent who
     * claimed it, or anyone once the claim is older than the claim time, may say how it went.
     */
    public Future<Claim> finish(long id, long agentId, String status, String result) {
        return db.transaction(dsl -> {
            var row = dsl.selectFrom(CALLBACK_REQUESTS).where(CALLBACK_REQUESTS.ID.eq(id)).forUpdate().fetchOne();
            if (row == null) {
                return new Claim.NoSuchCallback();
            }
            boolean someoneElse = row.getHandledBy() != null && row.getHandledBy() != agentId;
            if (row.getStatus().equals("done") && someoneElse) {
                return new Claim.AlreadyDone(find(dsl, id).orElseThrow());
            }
            Instant now = db.now();
            if (row.getStatus().equals("in-progress") && someoneElse && row.getHandledAt() != null
                    && row.getHandledAt().isAfter(now.minus(claim))) {
                return new Claim.Busy(find(dsl, id).orElseThrow());
            }
            dsl.update(CALLBACK_REQUESTS).set(CALLBACK_REQUESTS.STATUS, status)
                    .set(CALLBACK_REQUESTS.HANDLED_BY, agentId).set(CALLBACK_REQUESTS.HANDLED_AT, now)
                    .set(CALLBACK_REQUESTS.RESULT, clip(result, 40)).where(CALLBACK_REQUESTS.ID.eq(id)).execute();
            return new Claim.Claimed(find(dsl, id).orElseThrow());
        });
    }

    /**
     * Sets the wrap-up time the server measured on this agent's outcomes of the call (pbx, linkedid),
     * replacing one a client sent; the number of outcomes changed.
     */
    public Future<Integer> recordWrapup(String pbx, String linkedid, long agentId, int seconds) {
        return db.query(dsl -> dsl.update(CALL_OUTCOMES).set(CALL_OUTCOMES.WRAPUP_SECONDS, seconds)
                .where(CALL_OUTCOMES.AGENT_ID.eq(agentId))
                .and(CALL_OUTCOMES.CALL_ID.in(DSL.select(CALLS.ID).from(CALLS)
                        .where(CALLS.PBX.eq(pbx)).and(CALLS.LINKEDID.eq(linkedid))))
                .execute());
    }

    private static org.jooq.SelectOnConditionStep<Record> select(DSLContext dsl) {
        return dsl.select(CALLBACK_REQUESTS.fields()).select(CALLERS.NAME, CALLERS.ORGANISATION, AGENTS.NAME)
                .from(CALLBACK_REQUESTS)
                .leftJoin(CALLERS).on(CALLERS.ID.eq(CALLBACK_REQUESTS.CALLER_ID))
                .leftJoin(AGENTS).on(AGENTS.ID.eq(CALLBACK_REQUESTS.HANDLED_BY));
    }

    private static Optional<Callback> find(DSLContext dsl, long id) {
        return select(dsl).where(CALLBACK_REQUESTS.ID.eq(id)).fetchOptional(DeskStore::callback);
    }

    private static Callback callback(Record r) {
        return new Callback(r.get(CALLBACK_REQUESTS.ID), r.get(CALLBACK_REQUESTS.CALL_ID), r.get(CALLBACK_REQUESTS.CALLER_ID),
                r.get(CALLERS.NAME), r.get(CALLERS.ORGANISATION), r.get(CALLBACK_REQUESTS.PHONE), r.get(CALLBACK_REQUESTS.QUEUE),
                r.get(CALLBACK_REQUESTS.MENU_PATH), r.get(CALLBACK_REQUESTS.REASON), r.get(CALLBACK_REQUESTS.STATUS),
                r.get(CALLBACK_REQUESTS.CREATED_AT), r.get(CALLBACK_REQUESTS.HANDLED_BY), r.get(AGENTS.NAME),
                r.get(CALLBACK_REQUESTS.HANDLED_AT), r.get(CALLBACK_REQUESTS.RESULT));
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
