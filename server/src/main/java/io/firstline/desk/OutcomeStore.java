package io.firstline.desk;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.CALL_OUTCOMES;
import static io.firstline.db.schema.Tables.KB_ARTICLES;

import io.firstline.auth.Agent;
import io.firstline.auth.Role;
import io.firstline.db.Database;
import io.firstline.db.UnknownReferenceException;
import io.firstline.kb.KbArticle;
import io.firstline.kb.KbStore;
import io.firstline.phone.PhoneNumbers;
import io.firstline.records.CallStore;
import io.firstline.tickets.TicketStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/**
 * The outcomes agents record for their calls: the ticket opened, updated or resolved, the solution
 * used or added, and the outcome itself, all in one transaction, once per idempotency key. Called
 * from any thread; each method is one blocking call on the database pool.
 */
public final class OutcomeStore {

    private final Database db;
    private final PhoneNumbers phones;

    public OutcomeStore(Database db, PhoneNumbers phones) {
        this.db = db;
        this.phones = phones;
    }

    /**
     * What to do to a ticket with the outcome. {@code action}: {@code new} (subject, category,
     * priority, problem), {@code update} (id; subject, category, priority change when given) or
     * {@code resolve} (id, resolution).
     */
    public record TicketAction(String action, Long id, String subject, String category, String priority,
            String problem, String resolution) {
    }

    /** An outcome as the agent gives it. */
    public record New(String disposition, String notes, Optional<TicketAction> ticket, Optional<Long> kbArticleId,
            Optional<KbStore.New> newSolution, Integer wrapupSeconds) {
    }

    /** How a request to record an outcome went. */
    public sealed interface Result {

        /** Written now ({@code first}), or written before under the same idempotency key. */
        record Recorded(Outcome outcome, boolean first) implements Result {
        }

        record NoSuchCall() implements Result {
        }

        /** The call was answered by another agent, and the one asking is no supervisor. */
        record NotYours(Long answeredBy) implements Result {
        }

        /** The idempotency key belongs to an outcome of another call. */
        record KeyUsedElsewhere(long callId) implements Result {
        }
    }

    /**
     * Records the outcome of a call for {@code by}: the agent who took it, or a supervisor. Unknown
     * references (ticket, article, a call with no known caller for a new ticket) throw an
     * {@link UnknownReferenceException} naming the field, and then nothing is written.
     */
    public Future<Result> record(long callId, Agent by, New o, Optional<String> idempotencyKey) {
        return db.<Result>transaction(dsl -> recordIn(dsl, callId, by, o, idempotencyKey)).recover(e -> {
            // Two first submissions with one key for different calls: the loser tells which call has it.
            if (idempotencyKey.isPresent() && isDuplicate(e)) {
                return db.query(dsl -> byKey(dsl, idempotencyKey.get())
                        .<Result>map(found -> found.callId() == callId ? new Result.Recorded(found, false)
                                : new Result.KeyUsedElsewhere(found.callId()))
                        .orElseThrow(() -> e instanceof RuntimeException r ? r : new IllegalStateException(e)));
            }
            return Future.failedFuture(e);
        });
    }

    private Result recordIn(DSLContext dsl, long callId, Agent by, New o, Optional<String> key) {
        // Locking the call serialises outcomes of one call, so a resubmission waits and then finds the first.
        Record call = dsl.select(CALLS.ID, CALLS.AGENT_ID, CALLS.CALLER_ID, CALLS.CALLER_NUMBER).from(CALLS)
                .where(CALLS.ID.eq(callId)).forUpdate().fetchOne();
        if (call == null) {
            return new Result.NoSuchCall();
        }
        Long answeredBy = call.get(CALLS.AGENT_ID);
        if (!by.role().atLeast(Role.SUPERVISOR) && !Objects.equals(answeredBy, by.id())) {
            return new Result.NotYours(answeredBy);
        }
        if (key.isPresent()) {
            Optional<Outcome> earlier = byKey(dsl, key.get());
            if (earlier.isPresent()) {
                return earlier.get().callId() == callId ? new Result.Recorded(earlier.get(), false)
                        : new Result.KeyUsedElsewhere(earlier.get().callId());
            }
        }

        Long ticketId = null;
        if (o.ticket().isPresent()) {
            TicketAction t = o.ticket().get();
            ticketId = switch (t.action()) {
                case "new" -> {
                    Long callerId = callerOfCall(dsl, callId, call);
                    TicketStore.New nt = new TicketStore.New(callerId, t.subject(), t.category(), t.priority(), t.problem());
                    yield TicketStore.createIn(dsl, nt, by.id(), callId, db.now()).id();
                }
                case "update", "resolve" -> {
                    boolean resolve = t.action().equals("resolve");
                    var changes = new TicketStore.Changes(resolve ? Optional.of("resolved") : Optional.empty(),
                            Optional.ofNullable(t.resolution()), Optional.ofNullable(t.priority()),
                            Optional.ofNullable(t.subject()), Optional.ofNullable(t.category()));
                    long id = TicketStore.updateIn(dsl, t.id(), changes, db.now())
                            .orElseThrow(() -> new UnknownReferenceException("ticket.id", "no ticket has id " + t.id()))
                            .id();
                    String note = o.notes() != null ? o.notes()
                            : (resolve ? "Resolved" : "Discussed") + " on call " + callId + " (" + o.disposition() + ")";
                    TicketStore.addNoteIn(dsl, id, by.id(), note, db.now());
                    yield id;
                }
                default -> throw new IllegalArgumentException("unknown ticket action " + t.action());
            };
        }
        Long articleId = null;
        if (o.kbArticleId().isPresent()) {
            articleId = KbStore.countUseIn(dsl, o.kbArticleId().get()).orElseThrow(() -> new UnknownReferenceException(
                    "kbArticleId", "no article has id " + o.kbArticleId().get()));
        }
        Instant now = db.now();
        Long newArticleId = null;
        if (o.newSolution().isPresent()) {
            KbArticle a = KbStore.createIn(dsl, o.newSolution().get(), by.id(), now);
            newArticleId = a.id();
            now = a.createdAt(); // the outcome is found again with its article by this shared moment
        }
        long id = dsl.insertInto(CALL_OUTCOMES)
                .set(CALL_OUTCOMES.CALL_ID, callId)
                .set(CALL_OUTCOMES.AGENT_ID, by.id())
                .set(CALL_OUTCOMES.DISPOSITION, o.disposition())
                .set(CALL_OUTCOMES.NOTES, o.notes())
                .set(CALL_OUTCOMES.TICKET_ID, ticketId)
                .set(CALL_OUTCOMES.TICKET_ACTION, o.ticket().map(TicketAction::action).orElse(null))
                .set(CALL_OUTCOMES.KB_ARTICLE_ID, articleId)
                .set(CALL_OUTCOMES.WRAPUP_SECONDS, o.wrapupSeconds())
                .set(CALL_OUTCOMES.IDEMPOTENCY_KEY, key.orElse(null))
                .set(CALL_OUTCOMES.CREATED_AT, now)
                .returning(CALL_OUTCOMES.ID).fetchOne().getId();
        return new Result.Recorded(new Outcome(id, callId, by.id(), by.username(), by.name(), o.disposition(), o.notes(),
                ticketId, o.ticket().map(TicketAction::action).orElse(null), articleId, newArticleId,
                o.wrapupSeconds(), now), true);
    }

    /**
     * The caller a new ticket is for. A caller unknown when the call was recorded may have been
     * added since (the agent creates them from the pop), so the number is looked up once more.
     */
    private Long callerOfCall(DSLContext dsl, long callId, Record call) {
        Long callerId = call.get(CALLS.CALLER_ID);
        if (callerId == null) {
            callerId = CallStore.callerOf(dsl, phones, call.get(CALLS.CALLER_NUMBER), null);
            if (callerId != null) {
                dsl.update(CALLS).set(CALLS.CALLER_ID, callerId).where(CALLS.ID.eq(callId)).execute();
            }
        }
        if (callerId == null) {
            throw new UnknownReferenceException("ticket", "the call's caller is not known, so a new ticket has nobody"
                    + " to belong to: add the number to a caller first");
        }
        return callerId;
    }

    /** A call's outcomes, oldest first. */
    public static List<Outcome> outcomesOf(DSLContext dsl, long callId) {
        return select(dsl).where(CALL_OUTCOMES.CALL_ID.eq(callId)).orderBy(CALL_OUTCOMES.CREATED_AT, CALL_OUTCOMES.ID)
                .fetch(OutcomeStore::toOutcome);
    }

    private static Optional<Outcome> byKey(DSLContext dsl, String key) {
        // A locking read sees what a concurrent submission has just committed, whatever this transaction read before.
        Long id = dsl.select(CALL_OUTCOMES.ID).from(CALL_OUTCOMES).where(CALL_OUTCOMES.IDEMPOTENCY_KEY.eq(key))
                .forUpdate().fetchOne(CALL_OUTCOMES.ID);
        return id == null ? Optional.empty()
                : select(dsl).where(CALL_OUTCOMES.ID.eq(id)).fetchOptional(OutcomeStore::toOutcome);
    }

    private static final Field<Long> NEW_ARTICLE = DSL.field(DSL.select(DSL.max(KB_ARTICLES.ID)).from(KB_ARTICLES)
            .where(KB_ARTICLES.CREATED_BY.eq(CALL_OUTCOMES.AGENT_ID))
            .and(KB_ARTICLES.CREATED_AT.eq(CALL_OUTCOMES.CREATED_AT))).as("new_article_id");

    private static org.jooq.SelectOnConditionStep<Record> select(DSLContext dsl) {
        return dsl.select(CALL_OUTCOMES.asterisk(), AGENTS.USERNAME, AGENTS.NAME, NEW_ARTICLE).from(CALL_OUTCOMES)
                .leftJoin(AGENTS).on(AGENTS.ID.eq(CALL_OUTCOMES.AGENT_ID));
    }

    private static Outcome toOutcome(Record r) {
        return new Outcome(r.get(CALL_OUTCOMES.ID), r.get(CALL_OUTCOMES.CALL_ID), r.get(CALL_OUTCOMES.AGENT_ID),
                r.get(AGENTS.USERNAME), r.get(AGENTS.NAME), r.get(CALL_OUTCOMES.DISPOSITION), r.get(CALL_OUTCOMES.NOTES),
                r.get(CALL_OUTCOMES.TICKET_ID), r.get(CALL_OUTCOMES.TICKET_ACTION), r.get(CALL_OUTCOMES.KB_ARTICLE_ID),
                r.get(NEW_ARTICLE), r.get(CALL_OUTCOMES.WRAPUP_SECONDS), r.get(CALL_OUTCOMES.CREATED_AT));
    }

    private static boolean isDuplicate(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IntegrityConstraintViolationException
                    || c instanceof java.sql.SQLIntegrityConstraintViolationException) {
                return true;
            }
            if (c instanceof DataAccessException d && "23000".equals(d.sqlState())) {
                return true;
            }
        }
        return false;
    }
}
