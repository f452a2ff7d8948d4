package io.firstline.telephony.agi;

import io.firstline.auth.Passwords;
import io.firstline.phone.PhoneMenuStore;
import io.firstline.phone.PhoneNumbers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phone menu's FastAGI scripts. {@code identify}: who calls, for the greeting and the queue
 * priority; {@code ticket-status?ticket=N}: the status of one of the caller's own tickets, and
 * "not-found" for anything else so that the menu leaks nobody's tickets, after the caller's PIN
 * when they have one — and "locked" (the dialplan sends the caller to a person) once the calling
 * number or the ticket has had too many wrong PINs within the window; {@code callback-request}:
 * stores a callback request once per channel. When the database is slow or down a script sets
 * nothing within {@link #DB_DEADLINE_MS} and the dialplan goes on with its safe defaults.
 */
final class PhoneMenuScripts {

    static final long DB_DEADLINE_MS = 1_500;
    /** The scripts the dialplan may name in agi://HOST:PORT/NAME. */
    static final java.util.Set<String> SCRIPTS = java.util.Set.of("identify", "ticket-status", "callback-request");
    static final int PRIORITY_VIP = 10;
    static final int PRIORITY_OPEN_TICKET = 5;
    /** The ticket status that tells the dialplan to send the caller to a person: too many wrong PINs. */
    static final String LOCKED = "locked";
    private static final Logger log = LoggerFactory.getLogger(PhoneMenuScripts.class);

    private final Vertx vertx;
    private final PhoneMenuStore store;
    private final PhoneNumbers phones;
    private final PhoneMenuStore.PinLimit pinLimit;

    PhoneMenuScripts(Vertx vertx, PhoneMenuStore store, PhoneNumbers phones, PhoneMenuStore.PinLimit pinLimit) {
        this.vertx = vertx;
        this.store = store;
        this.phones = phones;
        this.pinLimit = pinLimit;
    }

    Future<?> run(AgiRequest r, AgiChannel ch) {
        return switch (r.script()) {
            case "identify" -> identify(r, ch);
            case "ticket-status" -> ticketStatus(r, ch);
            case "callback-request" -> callbackRequest(r, ch);
            default -> Future.failedFuture("unknown AGI script '" + clip(r.script()) + "'");
        };
    }

    private Future<?> identify(AgiRequest r, AgiChannel ch) {
        Optional<String> number = phones.normalize(r.callerId());
        if (number.isEmpty()) {
            return unknownCaller(ch);
        }
        return deadline(store.callerByPhone(number.get())).compose(found -> {
            if (found.isEmpty()) {
                return unknownCaller(ch);
            }
            PhoneMenuStore.MenuCaller c = found.get();
            int priority = c.vip() ? PRIORITY_VIP : c.openTickets() > 0 ? PRIORITY_OPEN_TICKET : 0;
            return ch.setVariable("FIRSTLINE_CALLER_ID", String.valueOf(c.id()))
                    .compose(v -> ch.setVariable("FIRSTLINE_CALLER_NAME", c.name()))
                    .compose(v -> ch.setVariable("CALLERID(name)", c.name()))
                    .compose(v -> ch.setVariable("FIRSTLINE_OPEN_TICKETS", String.valueOf(c.openTickets())))
                    .compose(v -> ch.setVariable("FIRSTLINE_VIP", c.vip() ? "1" : "0"))
                    .compose(v -> ch.setVariable("FIRSTLINE_PRIORITY", String.valueOf(priority)));
        });
    }

    private static Future<String> unknownCaller(AgiChannel ch) {
        return ch.setVariable("FIRSTLINE_CALLER_ID", "")
                .compose(v -> ch.setVariable("FIRSTLINE_OPEN_TICKETS", "0"))
                .compose(v -> ch.setVariable("FIRSTLINE_VIP", "0"))
                .compose(v -> ch.setVariable("FIRSTLINE_PRIORITY", "0"));
    }

    private Future<?> ticketStatus(AgiRequest r, AgiChannel ch) {
        Optional<String> ticket = r.param("ticket").filter(t -> t.matches("[0-9]{1,18}"));
        Optional<String> number = phones.normalize(r.callerId());
        if (number.isEmpty()) {
            return ch.setVariable("FIRSTLINE_TICKET_STATUS", "not-found");
        }
        // An unparsable ticket is looked up as one that does not exist, so that a caller with a
        // PIN is asked for it either way: nobody can probe which ticket numbers exist.
        long id = ticket.map(Long::parseLong).orElse(0L);
        return deadline(store.ticketStatusFor(id, number.get())).compose(lookup -> {
            if (lookup.pinHash().isEmpty()) {
                return ch.setVariable("FIRSTLINE_TICKET_STATUS", lookup.status().orElse("not-found"));
            }
            Optional<String> pin = r.param("pin").filter(p -> p.matches("[0-9]{1,12}"));
            if (pin.isEmpty()) {
                return deadline(store.pinLockedOut(number.get(), id, pinLimit))
                        .compose(locked -> locked ? lockedOut(ch) : ch.setVariable("FIRSTLINE_PIN_REQUIRED", "1"));
            }
            String channel = r.uniqueid().length() > 64 ? r.uniqueid().substring(0, 64) : r.uniqueid();
            return deadline(store.startPinAttempt(number.get(), id, channel, pinLimit)).compose(attempt -> {
                if (!attempt.allowed()) {
                    log.warn("Phone menu: PIN for ticket {} from {} not checked, {} PIN attempts within {} min; caller sent"
                            + " to a person (channel {})", id, number.get(), attempt.failures(),
                            pinLimit.window().toMinutes(), channel);
                    return lockedOut(ch);
                }
                return vertx.executeBlocking(() -> Passwords.matches(pin.get(), lookup.pinHash().get()), false)
                        .compose(ok -> {
                            if (ok) {
                                return deadline(store.pinWasRight(attempt.id())).transform(v -> ch.setVariable(
                                        "FIRSTLINE_TICKET_STATUS", lookup.status().orElse("not-found")));
                            }
                            log.warn("Phone menu: wrong PIN for ticket {} from {} ({} of {} within {} min, channel {})", id,
                                    number.get(), attempt.failures(), pinLimit.failures(), pinLimit.window().toMinutes(),
                                    channel);
                            return attempt.failures() >= pinLimit.failures() ? lockedOut(ch)
                                    : ch.setVariable("FIRSTLINE_PIN_REQUIRED", "1");
                        });
            });
        });
    }

    /** Too many wrong PINs for this number or ticket: the dialplan sends the caller to a person. */
    private static Future<String> lockedOut(AgiChannel ch) {
        return ch.setVariable("FIRSTLINE_TICKET_STATUS", LOCKED);
    }

    private Future<?> callbackRequest(AgiRequest r, AgiChannel ch) {
        Optional<String> number = phones.normalize(r.callerId());
        if (number.isEmpty() || r.uniqueid().isBlank() || r.uniqueid().length() > 64) {
            return ch.setVariable("FIRSTLINE_CALLBACK_STATUS", "refused");
        }
        String queue = r.param("queue").filter(q -> q.matches("[A-Za-z0-9_-]{1,80}")).orElse(null);
        return ch.getVariable("FIRSTLINE_MENU_PATH").recover(e -> Future.succeededFuture(""))
                .compose(path -> deadline(store.callerByPhone(number.get())).compose(caller -> deadline(store.requestCallback(
                        r.uniqueid(), number.get(), caller.map(PhoneMenuStore.MenuCaller::id).orElse(null), queue,
                        path.matches("[A-Za-z0-9_/.-]{1,200}") ? path : null))))
                .compose(v -> ch.setVariable("FIRSTLINE_CALLBACK_STATUS", "ok"));
    }

    private static <T> Future<T> deadline(Future<T> f) {
        return f.timeout(DB_DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
