package io.firstline.audit;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.AUDIT_LOG;

import io.firstline.db.Database;
import io.firstline.db.Page;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.impl.DSL;

/** The audit log of supervisors' actions on agents and wall screens: written once, read newest first. Any thread. */
public final class AuditStore {

    private final Database db;

    public AuditStore(Database db) {
        this.db = db;
    }

    /** A person as the log names them. */
    public record Who(long id, String username, String name) {
    }

    /** One action: who, whom, when, what, and what Asterisk answered. */
    public record Entry(long id, Instant at, Who actor, Who target, String action, String detail, String pbx,
            boolean success, String pbxResponse) {
    }

    /** What to write; {@code targetAgentId} may be null. */
    public record NewEntry(long actorId, Long targetAgentId, String action, String detail, String pbx, boolean success,
            String pbxResponse) {
    }

    public Future<Entry> add(NewEntry e) {
        Instant now = db.now();
        return db.query(dsl -> {
            long id = addIn(dsl, e, now);
            return find(dsl, AUDIT_LOG.ID.eq(id), 1, 0).items().get(0);
        });
    }

    /** Writes an entry in the caller's transaction, so that a change and its record are kept or lost together. */
    public static long addIn(org.jooq.DSLContext dsl, NewEntry e, Instant now) {
        return dsl.insertInto(AUDIT_LOG).set(AUDIT_LOG.AT, now).set(AUDIT_LOG.ACTOR_ID, e.actorId())
                .set(AUDIT_LOG.TARGET_AGENT_ID, e.targetAgentId()).set(AUDIT_LOG.ACTION, e.action())
                .set(AUDIT_LOG.DETAIL, clip(e.detail())).set(AUDIT_LOG.PBX, clip64(e.pbx()))
                .set(AUDIT_LOG.SUCCESS, e.success()).set(AUDIT_LOG.PBX_RESPONSE, clip(e.pbxResponse()))
                .returning(AUDIT_LOG.ID).fetchOne().getId();
    }

    /** Entries newest first, optionally only those about one agent (as actor or target) or in [from, to). */
    public Future<Page<Entry>> list(Optional<Long> agentId, Optional<Instant> from, Optional<Instant> to, int limit,
            int offset) {
        return db.query(dsl -> {
            List<Condition> where = new ArrayList<>();
            agentId.ifPresent(a -> where.add(AUDIT_LOG.ACTOR_ID.eq(a).or(AUDIT_LOG.TARGET_AGENT_ID.eq(a))));
            from.ifPresent(f -> where.add(AUDIT_LOG.AT.ge(f)));
            to.ifPresent(t -> where.add(AUDIT_LOG.AT.lt(t)));
            return find(dsl, DSL.and(where), limit, offset);
        });
    }

    private static Page<Entry> find(org.jooq.DSLContext dsl, Condition where, int limit, int offset) {
        var actor = AGENTS.as("actor");
        var target = AGENTS.as("target");
        List<Entry> items = dsl.select(AUDIT_LOG.asterisk(), actor.ID, actor.USERNAME, actor.NAME, target.ID, target.USERNAME,
                target.NAME).from(AUDIT_LOG).join(actor).on(actor.ID.eq(AUDIT_LOG.ACTOR_ID))
                .leftJoin(target).on(target.ID.eq(AUDIT_LOG.TARGET_AGENT_ID))
                .where(where).orderBy(AUDIT_LOG.ID.desc()).limit(limit).offset(offset)
                .fetch(r -> new Entry(r.get(AUDIT_LOG.ID), r.get(AUDIT_LOG.AT),
                        new Who(r.get(actor.ID), r.get(actor.USERNAME), r.get(actor.NAME)),
                        r.get(target.ID) == null ? null : new Who(r.get(target.ID), r.get(target.USERNAME), r.get(target.NAME)),
                        r.get(AUDIT_LOG.ACTION), r.get(AUDIT_LOG.DETAIL), r.get(AUDIT_LOG.PBX), r.get(AUDIT_LOG.SUCCESS),
                        r.get(AUDIT_LOG.PBX_RESPONSE)));
        long total = dsl.fetchCount(AUDIT_LOG, where);
        return new Page<>(items, total, limit, offset);
    }

    private static String clip(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 499) + "…";
    }

    private static String clip64(String s) {
        return s == null || s.length() <= 64 ? s : s.substring(0, 64);
    }
}
