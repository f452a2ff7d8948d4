package io.firstline.auth;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.SESSIONS;

import io.firstline.db.Database;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/** Signed-in sessions, kept by the SHA-256 of their token so that every node sees the same ones. */
public final class SessionStore {

    /** Sessions named in one statement at most, when many are checked at once. */
    private static final int PER_STATEMENT = 500;

    private final Database db;

    public SessionStore(Database db) {
        this.db = db;
    }

    /** A live session and whose it is. */
    public record Session(String tokenHash, Agent agent, Instant lastSeenAt) {
    }

    public Future<Void> create(String tokenHash, long agentId, Instant now) {
        return db.query(dsl -> {
            dsl.insertInto(SESSIONS).set(SESSIONS.TOKEN_HASH, tokenHash).set(SESSIONS.AGENT_ID, agentId)
                    .set(SESSIONS.CREATED_AT, now).set(SESSIONS.LAST_SEEN_AT, now).execute();
            return null;
        });
    }

    /** The session, if it exists, belongs to an active agent, and was seen after {@code idleSince}. */
    public Future<Optional<Session>> find(String tokenHash, Instant idleSince) {
        return db.query(dsl -> live(dsl, SESSIONS.TOKEN_HASH.eq(tokenHash), idleSince).fetchOptional()
                .map(SessionStore::toSession));
    }

    /**
     * Of these sessions, the live ones (as {@link #find} says), each whose last use was saved at or before
     * {@code touchBefore} moved to {@code now}: one task and two statements for many sessions, not two tasks each.
     */
    public Future<List<Session>> refresh(Collection<String> tokenHashes, Instant idleSince, Instant touchBefore, Instant now) {
        List<String> all = List.copyOf(tokenHashes);
        return db.query(dsl -> {
            List<Session> live = new ArrayList<>();
            for (int from = 0; from < all.size(); from += PER_STATEMENT) {
                List<Session> found = live(dsl, SESSIONS.TOKEN_HASH.in(all.subList(from, Math.min(all.size(), from + PER_STATEMENT))),
                        idleSince).fetch(SessionStore::toSession);
                Set<String> stale = found.stream().filter(s -> !s.lastSeenAt().isAfter(touchBefore))
                        .map(Session::tokenHash).collect(Collectors.toSet());
                if (!stale.isEmpty()) {
                    dsl.update(SESSIONS).set(SESSIONS.LAST_SEEN_AT, now).where(SESSIONS.TOKEN_HASH.in(stale)).execute();
                }
                found.forEach(s -> live.add(stale.contains(s.tokenHash()) ? new Session(s.tokenHash(), s.agent(), now) : s));
            }
            return live;
        });
    }

    /** The sessions {@code which} names that were seen after {@code idleSince} and belong to an active agent. */
    private static org.jooq.ResultQuery<Record> live(DSLContext dsl, Condition which, Instant idleSince) {
        return dsl.select(SESSIONS.TOKEN_HASH, SESSIONS.LAST_SEEN_AT).select(AGENTS.fields()).from(SESSIONS)
                .join(AGENTS).on(AGENTS.ID.eq(SESSIONS.AGENT_ID))
                .where(which).and(SESSIONS.LAST_SEEN_AT.gt(idleSince)).and(AGENTS.ACTIVE.isTrue());
    }

    private static Session toSession(Record r) {
        return new Session(r.get(SESSIONS.TOKEN_HASH), AgentStore.toAgent(r.into(AGENTS)), r.get(SESSIONS.LAST_SEEN_AT));
    }

    public Future<Void> touch(String tokenHash, Instant now) {
        return db.query(dsl -> {
            dsl.update(SESSIONS).set(SESSIONS.LAST_SEEN_AT, now).where(SESSIONS.TOKEN_HASH.eq(tokenHash)).execute();
            return null;
        });
    }

    public Future<Void> delete(String tokenHash) {
        return db.query(dsl -> {
            dsl.deleteFrom(SESSIONS).where(SESSIONS.TOKEN_HASH.eq(tokenHash)).execute();
            return null;
        });
    }

    public Future<Integer> deleteIdle(Instant idleSince) {
        return db.query(dsl -> dsl.deleteFrom(SESSIONS).where(SESSIONS.LAST_SEEN_AT.le(idleSince)).execute());
    }
}
