package io.firstline.tickets;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.TICKETS;
import static io.firstline.db.schema.Tables.TICKET_NOTES;

import io.firstline.callers.CallerStore;
import io.firstline.db.Database;
import io.firstline.db.Page;
import io.firstline.db.UnknownReferenceException;
import io.firstline.db.schema.tables.records.TicketsRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Tickets and their notes. */
public final class TicketStore {
    private final Database db;

    public TicketStore(Database db) {
        this.db = db;
    }

    /** A ticket with its notes, oldest first. */
    public record Detail(Ticket ticket, List<TicketNote> notes) {
        public JsonObject json() {
            JsonArray all = new JsonArray();
            notes.forEach(n -> all.add(n.json()));
            return ticket.json().put("notes", all);
        }

    }

    /** A new ticket as the API or an outcome gives it. */
    public record New(long callerId, String subject, String category, String priority, String problem) {
    }

    /** What changes in a PATCH; an empty optional leaves the field as it is. */
    public record Changes(Optional<String> status, Optional<String> resolution, Optional<String> priority,
            Optional<String> subject, Optional<String> category) {
    }

    public Future<Ticket> create(New t, Long agentId) {
        return db.transaction(dsl -> createIn(dsl, t, agentId, null, db.now()));
    }

    public static Ticket createIn(DSLContext dsl, New t, Long agentId, Long callId, Instant now) {
        if (!CallerStore.existsIn(dsl, t.callerId())) {
            throw new UnknownReferenceException("callerId", "no caller has id " + t.callerId());
        }
        TicketsRecord r = dsl.newRecord(TICKETS).setCallerId(t.callerId()).setCallId(callId).setSubject(t.subject())
                .setCategory(t.category()).setPriority(t.priority()).setStatus("open").setProblem(t.problem())
                .setCreatedBy(agentId).setCreatedAt(now).setUpdatedAt(now);
        r.store();
        r.refresh();
        return toTicket(r);
    }

    /**
     * Which tickets a list shows; an empty optional does not narrow. {@code createdBy}: the agent who opened them;
     * {@code queue}: opened from a call that came through that queue.
     */
    public record Filter(Optional<Long> callerId, Optional<String> status, Optional<Long> createdBy, Optional<String> queue) {
    }

    public Future<Page<Ticket>> list(Filter f, int limit, int offset) {
        return db.query(dsl -> {
            Condition where = DSL.trueCondition();
            if (f.callerId().isPresent()) {
                where = where.and(TICKETS.CALLER_ID.eq(f.callerId().get()));
            }
            if (f.status().isPresent()) {
                where = where.and(TICKETS.STATUS.eq(f.status().get()));
            }
            if (f.createdBy().isPresent()) {
                where = where.and(TICKETS.CREATED_BY.eq(f.createdBy().get()));
            }
            if (f.queue().isPresent()) {
                where = where.and(TICKETS.CALL_ID.in(DSL.select(CALLS.ID).from(CALLS).where(CALLS.QUEUE.eq(f.queue().get()))));
            }
            return new Page<>(dsl.selectFrom(TICKETS).where(where).orderBy(TICKETS.CREATED_AT.desc(), TICKETS.ID.desc())
                    .limit(limit).offset(offset).fetch(TicketStore::toTicket), dsl.fetchCount(TICKETS, where), limit, offset);
        });
    }

    public Future<Optional<Detail>> find(long id) {
        return db.query(dsl -> dsl.selectFrom(TICKETS).where(TICKETS.ID.eq(id)).fetchOptional()
                .map(r -> new Detail(toTicket(r), notes(dsl, id))));
    }

    public Future<Optional<Ticket>> update(long id, Changes c) {
        return db.transaction(dsl -> updateIn(dsl, id, c, db.now()));
    }

    public static Optional<Ticket> updateIn(DSLContext dsl, long id, Changes c, Instant now) {
        TicketsRecord r = dsl.selectFrom(TICKETS).where(TICKETS.ID.eq(id)).forUpdate().fetchOne();
        if (r == null) {
            return Optional.empty();
        }
        c.status().ifPresent(s -> {
            boolean closing = s.equals("resolved") || s.equals("closed");
            if (closing && r.getResolvedAt() == null) {
                r.setResolvedAt(now);
            } else if (!closing) {
                r.setResolvedAt(null);
            }
            r.setStatus(s);
        });
        c.resolution().ifPresent(r::setResolution);
        c.priority().ifPresent(r::setPriority);
        c.subject().ifPresent(r::setSubject);
        c.category().ifPresent(r::setCategory);
        r.setUpdatedAt(now);
        r.store();
        return Optional.of(toTicket(r));
    }

    public Future<Optional<TicketNote>> addNote(long ticketId, Long agentId, String body) {
        return db.transaction(dsl -> addNoteIn(dsl, ticketId, agentId, body, db.now()));
    }

    public static Optional<TicketNote> addNoteIn(DSLContext dsl, long ticketId, Long agentId, String body, Instant now) {
        if (!dsl.fetchExists(TICKETS, TICKETS.ID.eq(ticketId))) {
            return Optional.empty();
        }
        long id = dsl.insertInto(TICKET_NOTES).set(TICKET_NOTES.TICKET_ID, ticketId).set(TICKET_NOTES.AGENT_ID, agentId)
                .set(TICKET_NOTES.BODY, body).set(TICKET_NOTES.CREATED_AT, now)
                .returning(TICKET_NOTES.ID).fetchOne().getId();
        dsl.update(TICKETS).set(TICKETS.UPDATED_AT, now).where(TICKETS.ID.eq(ticketId)).execute();
        String agentName = agentId == null ? null
                : dsl.select(AGENTS.NAME).from(AGENTS).where(AGENTS.ID.eq(agentId)).fetchOne(AGENTS.NAME);
        return Optional.of(new TicketNote(id, ticketId, agentId, agentName, body, now));
    }

    public static List<Ticket> openTicketsOf(DSLContext dsl, long callerId) {
        return dsl.selectFrom(TICKETS).where(TICKETS.CALLER_ID.eq(callerId)).and(TICKETS.STATUS.in("open", "pending"))
                .orderBy(TICKETS.CREATED_AT.desc()).limit(20).fetch(TicketStore::toTicket);
    }

    private static List<TicketNote> notes(DSLContext dsl, long ticketId) {
        return dsl.select(TICKET_NOTES.ID, TICKET_NOTES.AGENT_ID, AGENTS.NAME, TICKET_NOTES.BODY, TICKET_NOTES.CREATED_AT)
                .from(TICKET_NOTES).leftJoin(AGENTS).on(AGENTS.ID.eq(TICKET_NOTES.AGENT_ID))
                .where(TICKET_NOTES.TICKET_ID.eq(ticketId)).orderBy(TICKET_NOTES.CREATED_AT, TICKET_NOTES.ID)
                .fetch(r -> new TicketNote(r.get(TICKET_NOTES.ID), ticketId, r.get(TICKET_NOTES.AGENT_ID), r.get(AGENTS.NAME),
                        r.get(TICKET_NOTES.BODY), r.get(TICKET_NOTES.CREATED_AT)));
    }

    static Ticket toTicket(TicketsRecord r) {
        return new Ticket(r.getId(), r.getCallerId(), r.getCallId(), r.getCategory(), r.getPriority(), r.getStatus(),
                r.getSubject(), r.getProblem(), r.getResolution(), r.getCreatedBy(), r.getCreatedAt(), r.getUpdatedAt(),
                r.getResolvedAt());
    }
}
