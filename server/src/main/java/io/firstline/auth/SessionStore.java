package io.firstline.auth;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.SESSIONS;

import io.firstline.db.Database;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/** Signed-in sessions, kept by the SHA-256 of their token so that every node sees the same ones. */
public final class SessionStore {

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
        return db.query(dsl -> dsl.select(SESSIONS.LAST_SEEN_AT, AGENTS.asterisk()).from(SESSIONS).join(AGENTS)
                .on(AGENTS.ID.eq(SESSIONS.AGENT_ID))
                .where(SESSIONS.TOKEN_HASH.eq(tokenHash))
                .and(SESSIONS.LAST_SEEN_AT.gt(idleSince))
                .and(AGENTS.ACTIVE.isTrue())
                .fetchOptional()
                .map(r -> new Session(tokenHash, AgentStore.toAgent(r.into(AGENTS)), r.get(SESSIONS.LAST_SEEN_AT))));
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
