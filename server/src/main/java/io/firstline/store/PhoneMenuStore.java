package io.firstline.store;

import static io.firstline.store.db.Tables.CALLBACK_REQUESTS;
import static io.firstline.store.db.Tables.CALLERS;
import static io.firstline.store.db.Tables.CALLER_PHONES;
import static io.firstline.store.db.Tables.TICKETS;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * What the phone menu's FastAGI scripts ask of the problems database: who owns a number, the status
 * of a ticket (only for its own caller), and storing a callback request once per channel.
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
