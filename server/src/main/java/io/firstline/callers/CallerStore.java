package io.firstline.callers;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.CALLBACK_REQUESTS;
import static io.firstline.db.schema.Tables.CALLERS;
import static io.firstline.db.schema.Tables.CALLER_PHONES;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.CALL_OUTCOMES;
import static io.firstline.db.schema.Tables.TICKETS;
import static io.firstline.db.schema.Tables.TICKET_NOTES;

import io.firstline.audit.AuditStore;
import io.firstline.db.Database;
import io.firstline.db.FullText;
import io.firstline.db.Page;
import io.firstline.db.UnknownReferenceException;
import io.firstline.db.schema.tables.records.CallersRecord;
import io.firstline.records.CallSummary;
import io.firstline.tickets.Ticket;
import io.firstline.tickets.TicketStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Callers, their phone numbers (E.164), and what the help desk knows of them. */
public final class CallerStore {
    private final Database db;

    public CallerStore(Database db) {
        this.db = db;
    }

    /** A caller with their recent calls and open tickets: what a screen pop shows. */
    public record Profile(Caller caller, List<CallSummary> history, List<Ticket> openTickets) {
        public JsonObject json() {
            JsonArray calls = new JsonArray();
            history.forEach(h -> calls.add(h.json()));
            JsonArray open = new JsonArray();
            openTickets.forEach(t -> open.add(t.json()));
            return caller.json().put("history", calls).put("openTickets", open);
        }

    }

    /** What changes in a PATCH; an empty optional leaves the field as it is; phones replace all. */
    public record Changes(Optional<String> name, Optional<Optional<String>> organisation,
            Optional<Optional<String>> email, Optional<Boolean> vip, Optional<List<String>> phones,
            Optional<Optional<String>> pinHash) {
    }

    public Future<Caller> create(String name, String organisation, String email, boolean vip, List<String> phones) {
        return create(name, organisation, email, vip, phones, null);
    }

    /** A new caller; {@code pinHash} (Argon2id of their PIN) may be null. */
    public Future<Caller> create(String name, String organisation, String email, boolean vip, List<String> phones,
            String pinHash) {
        return db.transaction(dsl -> {
            CallersRecord r = dsl.newRecord(CALLERS).setName(name).setOrganisation(organisation).setEmail(email)
                    .setVip(vip).setPinHash(pinHash).setCreatedAt(db.now());
            r.store();
            insertPhones(dsl, r.getId(), phones);
            return toCaller(r, phones.stream().distinct().toList());
        });
    }

    public Future<Optional<Caller>> find(long id) {
        return db.query(dsl -> findIn(dsl, id));
    }

    public Future<Optional<Profile>> profile(long id, int historySize) {
        return db.query(dsl -> findIn(dsl, id).map(c -> profileOf(dsl, c, historySize)));
    }

    /** The profile of a caller just read (the screen pop's: it found them by number), without reading them again. */
    public static Profile profileOf(DSLContext dsl, Caller c, int historySize) {
        return new Profile(c, history(dsl, c.id(), historySize), TicketStore.openTicketsOf(dsl, c.id()));
    }

    /** A note about a caller: on one of their tickets ({@code ticketId}), or in an outcome of one of their calls ({@code callId}). */
    public record Note(Instant at, Long agentId, String agentName, String body, Long ticketId, Long callId) {
        public JsonObject json() {
            return new JsonObject().put("at", at == null ? null : at.toString())
                    .put("agent", io.firstline.auth.Agent.reference(agentId, agentName)).put("body", body)
                    .put("ticketId", ticketId).put("callId", callId);
        }
    }

    /**
     * The newest notes about a caller, newest first: their tickets' notes and their calls' outcome notes. An outcome's
     * notes that its ticket update also wrote as a ticket note are given once.
     */
    public Future<List<Note>> notes(long callerId, int limit) {
        return db.query(dsl -> {
            List<Note> out = new ArrayList<>(dsl.select(TICKET_NOTES.CREATED_AT, TICKET_NOTES.AGENT_ID, AGENTS.NAME, TICKET_NOTES.BODY,
                            TICKET_NOTES.TICKET_ID)
                    .from(TICKET_NOTES).join(TICKETS).on(TICKETS.ID.eq(TICKET_NOTES.TICKET_ID))
                    .leftJoin(AGENTS).on(AGENTS.ID.eq(TICKET_NOTES.AGENT_ID))
                    .where(TICKETS.CALLER_ID.eq(callerId)).orderBy(TICKET_NOTES.CREATED_AT.desc(), TICKET_NOTES.ID.desc()).limit(limit)
                    .fetch(r -> new Note(r.get(TICKET_NOTES.CREATED_AT), r.get(TICKET_NOTES.AGENT_ID), r.get(AGENTS.NAME),
                            r.get(TICKET_NOTES.BODY), r.get(TICKET_NOTES.TICKET_ID), null)));
            var onTickets = out.stream().map(n -> n.ticketId() + "\u0000" + n.body()).collect(Collectors.toSet());
            dsl.select(CALL_OUTCOMES.CREATED_AT, CALL_OUTCOMES.AGENT_ID, AGENTS.NAME, CALL_OUTCOMES.NOTES, CALL_OUTCOMES.TICKET_ID,
                            CALL_OUTCOMES.CALL_ID)
                    .from(CALL_OUTCOMES).join(CALLS).on(CALLS.ID.eq(CALL_OUTCOMES.CALL_ID))
                    .leftJoin(AGENTS).on(AGENTS.ID.eq(CALL_OUTCOMES.AGENT_ID))
                    .where(CALLS.CALLER_ID.eq(callerId)).and(CALL_OUTCOMES.NOTES.isNotNull()).and(CALL_OUTCOMES.NOTES.ne(""))
                    .orderBy(CALL_OUTCOMES.CREATED_AT.desc(), CALL_OUTCOMES.ID.desc()).limit(limit)
                    .fetch().forEach(r -> {
                        if (!onTickets.contains(r.get(CALL_OUTCOMES.TICKET_ID) + "\u0000" + r.get(CALL_OUTCOMES.NOTES))) {
                            out.add(new Note(r.get(CALL_OUTCOMES.CREATED_AT), r.get(CALL_OUTCOMES.AGENT_ID), r.get(AGENTS.NAME),
                                    r.get(CALL_OUTCOMES.NOTES), r.get(CALL_OUTCOMES.TICKET_ID), r.get(CALL_OUTCOMES.CALL_ID)));
                        }
                    });
            out.sort(java.util.Comparator.comparing(Note::at, java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder())));
            return List.copyOf(out.subList(0, Math.min(limit, out.size())));
        });
    }

    /** Callers who own the number (E.164); usually one, several for a shared switchboard. */
    public Future<Page<Caller>> byPhone(String e164, int limit, int offset) {
        return db.query(dsl -> page(dsl, owns(e164), CALLERS.NAME.asc(), limit, offset));
    }

    /** The first {@code limit} owners of the number by name, without counting them all (the screen pop's lookup). */
    public static List<Caller> owning(DSLContext dsl, String e164, int limit) {
        return rows(dsl, owns(e164), CALLERS.NAME.asc(), limit, 0);
    }

    private static Condition owns(String e164) {
        return CALLERS.ID.in(DSL.select(CALLER_PHONES.CALLER_ID).from(CALLER_PHONES).where(CALLER_PHONES.PHONE.eq(e164)));
    }

    /** Callers whose name, organisation or email has every word typed (as word prefixes). */
    public Future<Page<Caller>> search(String q, int limit, int offset) {
        return db.query(dsl -> page(dsl, matching(q), CALLERS.NAME.asc(), limit, offset));
    }

    /** The first {@code limit} callers {@link #search} finds, without counting them all (the screen pop's guesses). */
    public static List<Caller> firstMatches(DSLContext dsl, String q, int limit) {
        return rows(dsl, matching(q), CALLERS.NAME.asc(), limit, 0);
    }

    private static Condition matching(String q) {
        List<String> words = FullText.words(q);
        if (words.isEmpty()) {
            return DSL.trueCondition();
        }
        if (FullText.indexable(words)) {
            return DSL.condition("MATCH({0}, {1}, {2}) AGAINST ({3} IN BOOLEAN MODE)", CALLERS.NAME,
                    CALLERS.ORGANISATION, CALLERS.EMAIL, DSL.val(FullText.allPrefixes(words)));
        }
        String prefix = String.join(" ", words);
        return CALLERS.NAME.startsWithIgnoreCase(prefix).or(CALLERS.ORGANISATION.startsWithIgnoreCase(prefix))
                .or(CALLERS.EMAIL.startsWithIgnoreCase(prefix));
    }

    public Future<Optional<Caller>> update(long id, Changes c) {
        return db.transaction(dsl -> {
            CallersRecord r = dsl.selectFrom(CALLERS).where(CALLERS.ID.eq(id)).forUpdate().fetchOne();
            if (r == null) {
                return Optional.<Caller>empty();
            }
            c.name().ifPresent(r::setName);
            c.organisation().ifPresent(o -> r.setOrganisation(o.orElse(null)));
            c.email().ifPresent(e -> r.setEmail(e.orElse(null)));
            c.vip().ifPresent(r::setVip);
            c.pinHash().ifPresent(h -> r.setPinHash(h.orElse(null)));
            r.store();
            if (c.phones().isPresent()) {
                dsl.deleteFrom(CALLER_PHONES).where(CALLER_PHONES.CALLER_ID.eq(id)).execute();
                insertPhones(dsl, id, c.phones().get());
            }
            return findIn(dsl, id);
        });
    }

    /** Adds one number to a caller (e.g. from an unknown caller's pop); no-op when it is theirs already. */
    public Future<Optional<Caller>> addPhone(long id, String e164) {
        return db.transaction(dsl -> {
            if (!dsl.fetchExists(CALLERS, CALLERS.ID.eq(id))) {
                return Optional.<Caller>empty();
            }
            dsl.insertInto(CALLER_PHONES).set(CALLER_PHONES.CALLER_ID, id).set(CALLER_PHONES.PHONE, e164)
                    .onDuplicateKeyIgnore().execute();
            return findIn(dsl, id);
        });
    }

    /** A caller as an import file gives them: already checked, phones in E.164. */
    public record New(String name, String organisation, String email, boolean vip, List<String> phones) {
    }

    /**
     * Merges the duplicate caller {@code fromId} into {@code keepId} in one transaction: their calls,
     * tickets (with their notes) and callback requests move to the kept caller, who gets their numbers
     * too, and their organisation, email and PIN where the kept one has none; then the duplicate is
     * deleted. Empty when {@code keepId} does not exist.
     */
    public Future<Optional<Caller>> merge(long keepId, long fromId, long adminId) {
        if (keepId == fromId) {
            throw new IllegalArgumentException("a caller cannot be merged into themselves");
        }
        return db.transaction(dsl -> {
            var rows = dsl.selectFrom(CALLERS).where(CALLERS.ID.in(keepId, fromId)).orderBy(CALLERS.ID).forUpdate()
                    .fetchMap(CALLERS.ID);
            CallersRecord keep = rows.get(keepId);
            CallersRecord from = rows.get(fromId);
            if (keep == null) {
                return Optional.<Caller>empty();
            }
            if (from == null) {
                throw new UnknownReferenceException("from", "no caller has id " + fromId);
            }
            int calls = dsl.update(CALLS).set(CALLS.CALLER_ID, keepId).where(CALLS.CALLER_ID.eq(fromId)).execute();
            int tickets = dsl.update(TICKETS).set(TICKETS.CALLER_ID, keepId).where(TICKETS.CALLER_ID.eq(fromId)).execute();
            int callbacks = dsl.update(CALLBACK_REQUESTS).set(CALLBACK_REQUESTS.CALLER_ID, keepId)
                    .where(CALLBACK_REQUESTS.CALLER_ID.eq(fromId)).execute();
            dsl.insertInto(CALLER_PHONES, CALLER_PHONES.CALLER_ID, CALLER_PHONES.PHONE)
                    .select(DSL.select(DSL.val(keepId), CALLER_PHONES.PHONE).from(CALLER_PHONES)
                            .where(CALLER_PHONES.CALLER_ID.eq(fromId)))
                    .onDuplicateKeyIgnore().execute();
            if (keep.getOrganisation() == null) {
                keep.setOrganisation(from.getOrganisation());
            }
            if (keep.getEmail() == null) {
                keep.setEmail(from.getEmail());
            }
            if (keep.getPinHash() == null) {
                keep.setPinHash(from.getPinHash());
            }
            keep.setVip(keep.getVip() || from.getVip());
            keep.store();
            dsl.deleteFrom(CALLERS).where(CALLERS.ID.eq(fromId)).execute();
            AuditStore.addIn(dsl, new AuditStore.NewEntry(adminId, null, "caller.merge", "caller " + fromId + " '"
                    + from.getName() + "' merged into caller " + keepId + " '" + keep.getName() + "': " + calls + " calls, "
                    + tickets + " tickets, " + callbacks + " callbacks moved", null, true, null), db.now());
            return findIn(dsl, keepId);
        });
    }

    /** Up to {@code n} callers with an id above {@code afterId}, in id order: one chunk of an export. */
    public Future<List<Caller>> after(long afterId, int n) {
        return db.query(dsl -> {
            List<CallersRecord> rows = dsl.selectFrom(CALLERS).where(CALLERS.ID.gt(afterId)).orderBy(CALLERS.ID).limit(n)
                    .fetch();
            Map<Long, List<String>> phones = phonesOf(dsl, rows.stream().map(CallersRecord::getId).toList());
            return rows.stream().map(r -> toCaller(r, phones.getOrDefault(r.getId(), List.of()))).toList();
        });
    }

    /** A caller who owns a number, by id and name. */
    public record Owner(long id, String name) {
    }

    /** The callers who own each of these numbers (E.164); numbers nobody owns are not in the map. */
    public Future<Map<String, List<Owner>>> ownersOf(java.util.Collection<String> numbers) {
        return db.query(dsl -> {
            Map<String, List<Owner>> out = new java.util.HashMap<>();
            List<String> all = List.copyOf(numbers);
            for (int from = 0; from < all.size(); from += 1000) {
                dsl.select(CALLER_PHONES.PHONE, CALLERS.ID, CALLERS.NAME).from(CALLER_PHONES).join(CALLERS)
                        .on(CALLERS.ID.eq(CALLER_PHONES.CALLER_ID))
                        .where(CALLER_PHONES.PHONE.in(all.subList(from, Math.min(all.size(), from + 1000))))
                        .orderBy(CALLERS.ID)
                        .forEach(r -> out.computeIfAbsent(r.get(CALLER_PHONES.PHONE), k -> new ArrayList<>())
                                .add(new Owner(r.get(CALLERS.ID), r.get(CALLERS.NAME))));
            }
            return out;
        });
    }

    /** Adds every caller of an import in one transaction: all of them or, on any failure, none. Returns how many. */
    public Future<Integer> importAll(List<New> callers, long adminId, String what) {
        return db.transaction(dsl -> {
            Instant now = db.now();
            List<Object[]> phones = new ArrayList<>();
            for (New c : callers) {
                long id = dsl.insertInto(CALLERS).set(CALLERS.NAME, c.name()).set(CALLERS.ORGANISATION, c.organisation())
                        .set(CALLERS.EMAIL, c.email()).set(CALLERS.VIP, c.vip()).set(CALLERS.CREATED_AT, now)
                        .returning(CALLERS.ID).fetchOne().getId();
                c.phones().stream().distinct().forEach(p -> phones.add(new Object[] {id, p}));
            }
            io.firstline.db.BulkInsert.batch(dsl, CALLER_PHONES, List.of(CALLER_PHONES.CALLER_ID, CALLER_PHONES.PHONE), phones);
            AuditStore.addIn(dsl, new AuditStore.NewEntry(adminId, null, "caller.import", callers.size() + " callers, "
                    + phones.size() + " numbers from " + what, null, true, null), now);
            return callers.size();
        });
    }

    /** An organisation as the callers name it, with how many callers it has. */
    public record Organisation(String name, int callers) {
        public JsonObject json() {
            return new JsonObject().put("name", name).put("callers", callers);
        }
    }

    /** Organisations whose name starts with (or, for longer words, contains) what was typed, by name. */
    public Future<Page<Organisation>> organisations(String q, int limit, int offset) {
        return db.query(dsl -> {
            String typed = q == null ? "" : q.strip();
            Condition where = CALLERS.ORGANISATION.isNotNull();
            if (!typed.isEmpty()) {
                where = where.and(CALLERS.ORGANISATION.containsIgnoreCase(typed));
            }
            var count = DSL.count().as("n");
            List<Organisation> items = dsl.select(CALLERS.ORGANISATION, count).from(CALLERS).where(where)
                    .groupBy(CALLERS.ORGANISATION).orderBy(CALLERS.ORGANISATION).limit(limit).offset(offset)
                    .fetch(r -> new Organisation(r.get(CALLERS.ORGANISATION), r.get(count)));
            int total = dsl.fetchCount(DSL.selectDistinct(CALLERS.ORGANISATION).from(CALLERS).where(where));
            return new Page<>(items, total, limit, offset);
        });
    }

    /** Renames an organisation for every caller in it (also to merge two spellings); returns how many changed. */
    public Future<Integer> renameOrganisation(String from, String to, long adminId) {
        return db.transaction(dsl -> {
            int n = dsl.update(CALLERS).set(CALLERS.ORGANISATION, to).where(CALLERS.ORGANISATION.eq(from)).execute();
            if (n == 0) {
                throw new UnknownReferenceException("from", "no caller is in an organisation named '" + from + "'");
            }
            AuditStore.addIn(dsl, new AuditStore.NewEntry(adminId, null, "caller.organisation", "'" + from + "' renamed '"
                    + to + "' for " + n + " callers", null, true, null), db.now());
            return n;
        });
    }

    private static void insertPhones(DSLContext dsl, long callerId, List<String> phones) {
        var insert = dsl.insertInto(CALLER_PHONES, CALLER_PHONES.CALLER_ID, CALLER_PHONES.PHONE);
        for (String p : phones.stream().distinct().toList()) {
            insert = insert.values(callerId, p);
        }
        if (!phones.isEmpty()) {
            insert.execute();
        }
    }

    static Optional<Caller> findIn(DSLContext dsl, long id) {
        return dsl.selectFrom(CALLERS).where(CALLERS.ID.eq(id)).fetchOptional()
                .map(r -> toCaller(r, phonesOf(dsl, List.of(id)).getOrDefault(id, List.of())));
    }

    private static Page<Caller> page(DSLContext dsl, Condition where, org.jooq.SortField<?> order, int limit, int offset) {
        List<Caller> items = rows(dsl, where, order, limit, offset);
        return new Page<>(items, dsl.fetchCount(CALLERS, where), limit, offset);
    }

    private static List<Caller> rows(DSLContext dsl, Condition where, org.jooq.SortField<?> order, int limit, int offset) {
        List<CallersRecord> rows = dsl.selectFrom(CALLERS).where(where).orderBy(order, CALLERS.ID.asc())
                .limit(limit).offset(offset).fetch();
        Map<Long, List<String>> phones = phonesOf(dsl, rows.stream().map(CallersRecord::getId).toList());
        return rows.stream().map(r -> toCaller(r, phones.getOrDefault(r.getId(), List.of()))).toList();
    }

    private static Map<Long, List<String>> phonesOf(DSLContext dsl, List<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return dsl.select(CALLER_PHONES.CALLER_ID, CALLER_PHONES.PHONE).from(CALLER_PHONES)
                .where(CALLER_PHONES.CALLER_ID.in(ids)).orderBy(CALLER_PHONES.ID)
                .fetch().stream()
                .collect(Collectors.groupingBy(r -> r.get(CALLER_PHONES.CALLER_ID),
                        Collectors.mapping(r -> r.get(CALLER_PHONES.PHONE), Collectors.toList())));
    }

    /** The caller's last calls, newest first, with the outcome each had. */
    static List<CallSummary> history(DSLContext dsl, long callerId, int limit) {
        List<CallSummary> out = new ArrayList<>();
        var lastOutcome = DSL.select(DSL.max(CALL_OUTCOMES.ID)).from(CALL_OUTCOMES)
                .where(CALL_OUTCOMES.CALL_ID.eq(CALLS.ID));
        for (Record r : dsl.select(CALLS.ID, CALLS.ENTERED_AT, CALLS.QUEUE, CALLS.MENU_PATH, CALLS.STATUS, CALLS.AGENT_ID,
                        AGENTS.NAME, CALLS.WAIT_SECONDS, CALLS.TALK_SECONDS, CALL_OUTCOMES.DISPOSITION, CALL_OUTCOMES.TICKET_ID)
                .from(CALLS)
                .leftJoin(AGENTS).on(AGENTS.ID.eq(CALLS.AGENT_ID))
                .leftJoin(CALL_OUTCOMES).on(CALL_OUTCOMES.ID.eq(lastOutcome.asField()))
                .where(CALLS.CALLER_ID.eq(callerId))
                .orderBy(CALLS.ENTERED_AT.desc(), CALLS.ID.desc())
                .limit(limit)
                .fetch()) {
            out.add(new CallSummary(r.get(CALLS.ID), r.get(CALLS.ENTERED_AT), r.get(CALLS.QUEUE), r.get(CALLS.MENU_PATH),
                    r.get(CALLS.STATUS), r.get(CALLS.AGENT_ID), r.get(AGENTS.NAME), r.get(CALLS.WAIT_SECONDS),
                    r.get(CALLS.TALK_SECONDS), r.get(CALL_OUTCOMES.DISPOSITION), r.get(CALL_OUTCOMES.TICKET_ID)));
        }
        return out;
    }

    static Caller toCaller(CallersRecord r, List<String> phones) {
        return new Caller(r.getId(), r.getName(), r.getOrganisation(), r.getEmail(), r.getVip(), phones, r.getCreatedAt(),
                r.getPinHash() != null);
    }

    public static boolean existsIn(DSLContext dsl, long id) {
        return dsl.fetchExists(CALLERS, CALLERS.ID.eq(id));
    }
}
