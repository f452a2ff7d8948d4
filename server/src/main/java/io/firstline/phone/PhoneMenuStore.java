package io.firstline.phone;

import static io.firstline.db.schema.Tables.CALLBACK_REQUESTS;
import static io.firstline.db.schema.Tables.CALLERS;
import static io.firstline.db.schema.Tables.CALLER_PHONES;
import static io.firstline.db.schema.Tables.PIN_ATTEMPTS;
import static io.firstline.db.schema.Tables.TICKETS;

import io.firstline.db.Database;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the phone menu's FastAGI scripts ask of the problems database: who owns a number, the status
 * of a ticket (only for its own caller), the PIN attempts made for a number or a ticket, and storing
 * a callback request once per channel. Any thread; the work runs on the database worker pool.
 */
public final class PhoneMenuStore {

    private final Database db;

    public PhoneMenuStore(Database db) {
        this.db = db;
    }

    /** A caller as the menu needs them: for the greeting and the queue priority. */
    public record MenuCaller(long id, String name, boolean vip, int openTickets) {
    }

    /** The caller owning this E.164 number, when exactly one does (a shared switchboard number is nobody's). */
    public Future<Optional<MenuCaller>> callerByPhone(String e164) {
        return db.query(dsl -> {
            List<Long> owners = dsl.select(CALLER_PHONES.CALLER_ID).from(CALLER_PHONES).where(CALLER_PHONES.PHONE.eq(e164))
                    .limit(2).fetch(CALLER_PHONES.CALLER_ID);
            if (owners.size() != 1) {
                return Optional.<MenuCaller>empty();
            }
            long id = owners.get(0);
            return dsl.selectFrom(CALLERS).where(CALLERS.ID.eq(id)).fetchOptional().map(c -> new MenuCaller(id, c.getName(),
                    c.getVip(), dsl.fetchCount(TICKETS, TICKETS.CALLER_ID.eq(id).and(TICKETS.STATUS.in("open", "pending")))));
        });
    }

    /**
     * What the menu may say about a ticket to this number: its status only when the ticket belongs
     * to a caller who owns the number; and the PIN (hash) of the number's owner, if one is set.
     */
    public record TicketLookup(Optional<String> status, Optional<String> pinHash) {
    }

    public Future<TicketLookup> ticketStatusFor(long ticketId, String e164) {
        return db.query(dsl -> {
            Optional<String> status = dsl.select(TICKETS.STATUS).from(TICKETS)
                    .join(CALLER_PHONES).on(CALLER_PHONES.CALLER_ID.eq(TICKETS.CALLER_ID))
                    .where(TICKETS.ID.eq(ticketId)).and(CALLER_PHONES.PHONE.eq(e164))
                    .limit(1).fetchOptional(TICKETS.STATUS);
            Optional<String> pin = dsl.select(CALLERS.PIN_HASH).from(CALLERS).join(CALLER_PHONES)
                    .on(CALLER_PHONES.CALLER_ID.eq(CALLERS.ID))
                    .where(CALLER_PHONES.PHONE.eq(e164)).and(CALLERS.PIN_HASH.isNotNull())
                    .limit(1).fetchOptional(CALLERS.PIN_HASH);
            return new TicketLookup(status, pin);
        });
    }

    /** How many wrong PINs a calling number, and a ticket, may collect within the window. */
    public record PinLimit(int failures, Duration window) {
    }

    /**
     * One PIN attempt, written before the PIN is checked. {@code allowed}: it may be checked (else it
     * was refused because of the limit, and is not kept); {@code failures}: the attempts in the
     * window for its number or its ticket, whichever has more, this one included when it is kept.
     */
    public record PinAttempt(long id, boolean allowed, int failures) {
    }

    /**
     * Records a PIN attempt for this number and ticket and tells whether it may be checked. Each
     * statement commits on its own, so of attempts made at the same moment, each counts all the ones
     * written before it: no more than {@code limit.failures()} are ever checked within the window.
     */
    public Future<PinAttempt> startPinAttempt(String e164, long ticketId, String channelUniqueid, PinLimit limit) {
        return db.query(dsl -> {
            Instant now = db.now();
            Instant since = now.minus(limit.window());
            dsl.deleteFrom(PIN_ATTEMPTS).where(PIN_ATTEMPTS.AT.le(since)).limit(1000).execute();
            long id = dsl.insertInto(PIN_ATTEMPTS).set(PIN_ATTEMPTS.AT, now).set(PIN_ATTEMPTS.PHONE, e164)
                    .set(PIN_ATTEMPTS.TICKET_ID, ticketId).set(PIN_ATTEMPTS.CHANNEL_UNIQUEID, channelUniqueid)
                    .returning(PIN_ATTEMPTS.ID).fetchOne().getId();
            int count = failures(dsl, e164, ticketId, since);
            if (count > limit.failures()) {
                dsl.deleteFrom(PIN_ATTEMPTS).where(PIN_ATTEMPTS.ID.eq(id)).execute();
                return new PinAttempt(id, false, count - 1);
            }
            return new PinAttempt(id, true, count);
        });
    }

    /** Forgets an attempt whose PIN was right: it does not count against the number or the ticket. */
    public Future<Void> pinWasRight(long attemptId) {
        return db.query(dsl -> {
            dsl.deleteFrom(PIN_ATTEMPTS).where(PIN_ATTEMPTS.ID.eq(attemptId)).execute();
            return null;
        });
    }

    /** Whether this number or this ticket has used up its wrong PINs for now. */
    public Future<Boolean> pinLockedOut(String e164, long ticketId, PinLimit limit) {
        return db.query(dsl -> failures(dsl, e164, ticketId, db.now().minus(limit.window())) >= limit.failures());
    }

    private static int failures(org.jooq.DSLContext dsl, String e164, long ticketId, Instant since) {
        int byPhone = dsl.fetchCount(PIN_ATTEMPTS, PIN_ATTEMPTS.PHONE.eq(e164).and(PIN_ATTEMPTS.AT.gt(since)));
        int byTicket = dsl.fetchCount(PIN_ATTEMPTS, PIN_ATTEMPTS.TICKET_ID.eq(ticketId).and(PIN_ATTEMPTS.AT.gt(since)));
        return Math.max(byPhone, byTicket);
    }

    /** Stores a callback request left in the menu; a repeat for the same channel changes nothing. */
    public Future<Void> requestCallback(String channelUniqueid, String phone, Long callerId, String queue, String menuPath) {
        return db.query(dsl -> {
            dsl.insertInto(CALLBACK_REQUESTS)
                    .set(CALLBACK_REQUESTS.CHANNEL_UNIQUEID, channelUniqueid)
                    .set(CALLBACK_REQUESTS.PHONE, phone)
                    .set(CALLBACK_REQUESTS.CALLER_ID, callerId)
                    .set(CALLBACK_REQUESTS.QUEUE, queue)
                    .set(CALLBACK_REQUESTS.MENU_PATH, menuPath)
                    .set(CALLBACK_REQUESTS.REASON, "requested")
                    .set(CALLBACK_REQUESTS.STATUS, "open")
                    .set(CALLBACK_REQUESTS.CREATED_AT, db.now())
                    .onDuplicateKeyIgnore()
                    .execute();
            return null;
        });
    }
}
