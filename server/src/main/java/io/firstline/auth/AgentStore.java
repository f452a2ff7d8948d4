package io.firstline.auth;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.SESSIONS;

import io.firstline.db.Database;
import io.firstline.db.DuplicateException;
import io.firstline.db.Page;
import io.firstline.db.schema.tables.records.AgentsRecord;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.exception.IntegrityConstraintViolationException;

/** Agents, supervisors and administrators: who may sign in, with which role and phone interface. */
public final class AgentStore {

    private final Database db;

    public AgentStore(Database db) {
        this.db = db;
    }

    /** What changes in a PATCH; an empty optional leaves the field as it is. */
    public record Changes(Optional<String> name, Optional<String> passwordHash, Optional<Role> role,
            Optional<Optional<String>> memberInterface, Optional<Optional<String>> stateInterface,
            Optional<Boolean> active, Optional<Optional<java.util.List<String>>> mayJoin) {
    }

    /** An agent and the hash to check a password against. */
    public record Credentials(Agent agent, String passwordHash) {
    }

    public Future<Agent> create(String username, String name, String passwordHash, Role role, String memberInterface) {
        return create(username, name, passwordHash, role, memberInterface, null);
    }

    public Future<Agent> create(String username, String name, String passwordHash, Role role, String memberInterface,
            String stateInterface) {
        return db.transaction(dsl -> {
            AgentsRecord r = dsl.newRecord(AGENTS)
                    .setUsername(username)
                    .setName(name)
                    .setPasswordHash(passwordHash)
                    .setRole(role.wire())
                    .setInterface(memberInterface)
                    .setStateInterface(stateInterface)
                    .setActive(true)
                    .setCreatedAt(db.now());
            try {
                r.store();
            } catch (IntegrityConstraintViolationException e) {
                throw duplicate(dsl, username, memberInterface, null);
            }
            return toAgent(r);
        });
    }

    public Future<Optional<Agent>> find(long id) {
        return db.query(dsl -> dsl.selectFrom(AGENTS).where(AGENTS.ID.eq(id)).fetchOptional().map(AgentStore::toAgent));
    }

    public Future<Optional<Credentials>> credentials(String username) {
        return db.query(dsl -> dsl.selectFrom(AGENTS).where(AGENTS.USERNAME.eq(username)).fetchOptional()
                .map(r -> new Credentials(toAgent(r), r.getPasswordHash())));
    }

    public Future<Page<Agent>> list(int limit, int offset) {
        return list(Optional.empty(), limit, offset);
    }

    /** Agents by username; with {@code q}, only those whose username or name contains it (any case). */
    public Future<Page<Agent>> list(Optional<String> q, int limit, int offset) {
        Condition where = q.map(text -> {
            String pattern = "%" + text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%";
            return DSL.lower(AGENTS.USERNAME).like(pattern, '\\').or(DSL.lower(AGENTS.NAME).like(pattern, '\\'));
        }).orElse(DSL.noCondition());
        return db.query(dsl -> new Page<>(
                dsl.selectFrom(AGENTS).where(where).orderBy(AGENTS.USERNAME).limit(limit).offset(offset)
                        .fetch(AgentStore::toAgent),
                dsl.fetchCount(AGENTS, where), limit, offset));
    }

    /**
     * Sets a person's own new password and ends every other session of theirs, keeping the one with
     * {@code keepTokenHash}; empty when the agent is gone.
     */
    public Future<Optional<Agent>> changeOwnPassword(long id, String passwordHash, String keepTokenHash) {
        return db.transaction(dsl -> {
            AgentsRecord r = dsl.selectFrom(AGENTS).where(AGENTS.ID.eq(id)).forUpdate().fetchOne();
            if (r == null) {
                return Optional.<Agent>empty();
            }
            r.setPasswordHash(passwordHash);
            r.store();
            dsl.deleteFrom(SESSIONS).where(SESSIONS.AGENT_ID.eq(id)).and(SESSIONS.TOKEN_HASH.ne(keepTokenHash)).execute();
            return Optional.of(toAgent(r));
        });
    }

    /**
     * Sets a new password for the person with this username and ends all their sessions (the
     * {@code reset-password} command); empty when there is no such person.
     */
    public Future<Optional<Agent>> resetPassword(String username, String passwordHash) {
        return db.transaction(dsl -> {
            AgentsRecord r = dsl.selectFrom(AGENTS).where(AGENTS.USERNAME.eq(username)).forUpdate().fetchOne();
            if (r == null) {
                return Optional.<Agent>empty();
            }
            r.setPasswordHash(passwordHash);
            r.store();
            dsl.deleteFrom(SESSIONS).where(SESSIONS.AGENT_ID.eq(r.getId())).execute();
            return Optional.of(toAgent(r));
        });
    }

    /** All active agents with an interface: who the PBX's member events may concern. */
    public Future<java.util.List<Agent>> withInterfaces() {
        return db.query(dsl -> dsl.selectFrom(AGENTS).where(AGENTS.INTERFACE.isNotNull()).and(AGENTS.ACTIVE.isTrue())
                .fetch(AgentStore::toAgent));
    }

    public Future<Optional<Agent>> update(long id, Changes c) {
        return db.transaction(dsl -> {
            AgentsRecord r = dsl.selectFrom(AGENTS).where(AGENTS.ID.eq(id)).forUpdate().fetchOne();
            if (r == null) {
                return Optional.<Agent>empty();
            }
            c.name().ifPresent(r::setName);
            c.passwordHash().ifPresent(r::setPasswordHash);
            c.role().ifPresent(role -> r.setRole(role.wire()));
            c.memberInterface().ifPresent(i -> r.setInterface(i.orElse(null)));
            c.stateInterface().ifPresent(i -> r.setStateInterface(i.orElse(null)));
            c.active().ifPresent(r::setActive);
            c.mayJoin().ifPresent(q -> r.setMayJoin(q.map(list -> String.join(",", list)).orElse(null)));
            try {
                r.store();
            } catch (IntegrityConstraintViolationException e) {
                throw duplicate(dsl, null, c.memberInterface().flatMap(i -> i).orElse(null), id);
            }
            boolean signOut = c.passwordHash().isPresent() || c.active().filter(a -> !a).isPresent()
                    || c.role().isPresent();
            if (signOut) {
                // A new password, a changed role or a deactivation ends every session of that person.
                dsl.deleteFrom(SESSIONS).where(SESSIONS.AGENT_ID.eq(id)).execute();
            }
            return Optional.of(toAgent(r));
        });
    }

    private static DuplicateException duplicate(DSLContext dsl, String username, String memberInterface, Long self) {
        if (username != null && dsl.fetchExists(AGENTS, AGENTS.USERNAME.eq(username))) {
            return new DuplicateException("username", "username '" + username + "' is taken");
        }
        if (memberInterface != null) {
            return new DuplicateException("interface", "interface '" + memberInterface + "' belongs to another agent");
        }
        return new DuplicateException("username", "the agent conflicts with an existing one");
    }

    static Agent toAgent(AgentsRecord r) {
        return new Agent(r.getId(), r.getUsername(), r.getName(), Role.parse(r.getRole()).orElse(Role.AGENT),
                r.getInterface(), r.getStateInterface(), mayJoin(r.getMayJoin()), r.getActive(), r.getCreatedAt());
    }

    /** The column's comma-separated names: NULL is every desk queue, '' none. */
    private static java.util.List<String> mayJoin(String column) {
        return column == null ? null : column.isEmpty() ? java.util.List.of() : java.util.List.of(column.split(","));
    }
}
