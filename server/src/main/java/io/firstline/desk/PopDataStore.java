package io.firstline.desk;

import static io.firstline.db.schema.Tables.CALLS;

import io.firstline.callers.Caller;
import io.firstline.callers.CallerStore;
import io.firstline.calls.CallView;
import io.firstline.db.Database;
import io.firstline.kb.KbArticle;
import io.firstline.kb.KbStore;
import io.firstline.kpi.ProblemCategory;
import io.firstline.phone.PhoneNumbers;
import io.firstline.tickets.Ticket;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * What a screen pop carries about its caller, read in one database task while the phone rings: the call's id once it
 * is recorded, the caller the number names (their last calls and open tickets) or else the callers they may be, and
 * knowledge-base suggestions. One task, not one per question: each would wait for a worker of its own.
 */
public final class PopDataStore {
    private static final int HISTORY = 10;
    private static final int SUGGESTIONS = 5;
    /** Owners of a number read at most (a switchboard's number may have many); the pop offers the first few. */
    private static final int OWNERS = 20;
    private static final int LIKELY = 5;

    /**
     * @param callId the call's id, if it has been recorded yet
     * @param profile the caller, when the number (and the dialplan's hint among its owners) names one
     * @param likely when it does not: the number's first owners by name, or else the callers the caller-ID name finds
     */
    public record Found(Optional<Long> callId, Optional<CallerStore.Profile> profile, List<Caller> likely,
            List<KbArticle> suggestions) {
    }

    private final Database db;
    private final PhoneNumbers phones;

    public PopDataStore(Database db, PhoneNumbers phones) {
        this.db = db;
        this.phones = phones;
    }

    /** Whether the database answers (while it does not, a pop asks for nothing). */
    public boolean up() {
        return db.up();
    }

    public Future<Found> load(CallView call) {
        return db.query(dsl -> {
            Optional<String> e164 = phones.normalize(call.callerNumber()); // libphonenumber: off the call flow's context
            Optional<Long> callId = dsl.select(CALLS.ID).from(CALLS).where(CALLS.PBX.eq(call.pbx()))
                    .and(CALLS.LINKEDID.eq(call.linkedid())).fetchOptional(CALLS.ID);
            List<Caller> owners = e164.map(n -> CallerStore.owning(dsl, n, OWNERS)).orElse(List.of());
            Optional<Caller> caller = identify(call, owners);
            LinkedHashSet<String> categories = new LinkedHashSet<>();
            ProblemCategory.ofMenuPath(call.menuPath()).ifPresent(categories::add);
            if (caller.isPresent()) {
                CallerStore.Profile p = CallerStore.profileOf(dsl, caller.get(), HISTORY);
                p.openTickets().forEach(t -> categories.add(t.category()));
                Optional<String> text = p.openTickets().stream().findFirst().map(Ticket::subject);
                return new Found(callId, Optional.of(p), List.of(),
                        KbStore.suggest(dsl, List.copyOf(categories), text, SUGGESTIONS));
            }
            return new Found(callId, Optional.empty(), likely(dsl, call, owners),
                    KbStore.suggest(dsl, List.copyOf(categories), Optional.empty(), SUGGESTIONS));
        });
    }

    /** The caller among the number's owners; the dialplan's FIRSTLINE_CALLER_ID is believed only when that caller owns the number. */
    private static Optional<Caller> identify(CallView call, List<Caller> owners) {
        if (owners.size() == 1) {
            return Optional.of(owners.get(0));
        }
        if (call.callerIdHint() != null) {
            return owners.stream().filter(c -> String.valueOf(c.id()).equals(call.callerIdHint())).findFirst();
        }
        return Optional.empty();
    }

    /** The number's owners (the first five by name), or else the callers the caller-ID name finds. */
    private static List<Caller> likely(DSLContext dsl, CallView call, List<Caller> owners) {
        if (!owners.isEmpty()) {
            return owners.subList(0, Math.min(LIKELY, owners.size()));
        }
        if (call.callerName() != null && call.callerName().codePoints().anyMatch(Character::isLetter)) {
            return CallerStore.firstMatches(dsl, call.callerName(), LIKELY);
        }
        return List.of();
    }
}
