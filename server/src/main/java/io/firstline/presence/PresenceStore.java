package io.firstline.presence;

import static io.firstline.db.schema.Tables.AGENT_PRESENCE;

import io.firstline.db.Database;
import io.firstline.db.Fence;
import io.firstline.db.FencedException;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The queue members' presence intervals (table agent_presence). Any thread; one blocking call each. */
public final class PresenceStore {

    private final Database db;

    private final Fence fence;

    public PresenceStore(Database db) {
        this(db, Fence.NONE);
    }

    /** @param fence what a write of a PBX's steps checks first in its transaction (cluster mode: that this node owns its link) */
    public PresenceStore(Database db, Fence fence) {
        this.db = db;
        this.fence = fence;
    }

    /** Applies the steps in order, in one transaction; refused whole ({@link FencedException}) if a PBX's fence refuses. */
    Future<Void> write(List<PresenceStep> steps) {
        List<Fence.Check> checks = new java.util.ArrayList<>();
        steps.stream().map(PresenceStep::pbx).distinct().forEach(pbx -> {
            Fence.Check c = fence.check(pbx);
            if (c != null) {
                checks.add(c);
            }
        });
        return db.transaction(dsl -> {
            checks.forEach(c -> c.verify(dsl));
            for (PresenceStep step : steps) {
                if (step instanceof PresenceStep.Open o) {
                    open(dsl, o.pbx(), o.memberInterface(), o.kind(), o.reason(), o.at());
                } else if (step instanceof PresenceStep.Close c) {
                    dsl.update(AGENT_PRESENCE)
                            .set(AGENT_PRESENCE.ENDED_AT, DSL.greatest(AGENT_PRESENCE.STARTED_AT, DSL.val(c.at(), AGENT_PRESENCE.STARTED_AT)))
                            .where(AGENT_PRESENCE.PBX.eq(c.pbx())).and(AGENT_PRESENCE.INTERFACE.eq(c.memberInterface()))
                            .and(AGENT_PRESENCE.KIND.eq(c.kind().wire())).and(AGENT_PRESENCE.ENDED_AT.isNull())
                            .execute();
                } else if (step instanceof PresenceStep.Confirm c) {
                    confirm(dsl, c.pbx(), c.at());
                } else if (step instanceof PresenceStep.Resync r) {
                    resync(dsl, r);
                }
            }
            return null;
        });
    }

    /** Intervals that overlap [from, to): begun before {@code to} and still open or ended after {@code from}. */
    public Future<List<PresenceInterval>> overlapping(Instant from, Instant to) {
        return db.query(dsl -> dsl.select(AGENT_PRESENCE.PBX, AGENT_PRESENCE.INTERFACE, AGENT_PRESENCE.KIND,
                        AGENT_PRESENCE.REASON, AGENT_PRESENCE.STARTED_AT, AGENT_PRESENCE.ENDED_AT)
                .from(AGENT_PRESENCE)
                .where(AGENT_PRESENCE.STARTED_AT.lt(to))
                .and(AGENT_PRESENCE.ENDED_AT.isNull().or(AGENT_PRESENCE.ENDED_AT.gt(from)))
                .fetch(r -> new PresenceInterval(r.value1(), r.value2(), PresenceKind.ofWire(r.value3()), r.value4(),
                        r.value5(), r.value6())));
    }

    private static void open(DSLContext dsl, String pbx, String iface, PresenceKind kind, String reason, Instant at) {
        var open = dsl.select(AGENT_PRESENCE.ID, AGENT_PRESENCE.REASON).from(AGENT_PRESENCE)
                .where(AGENT_PRESENCE.PBX.eq(pbx)).and(AGENT_PRESENCE.INTERFACE.eq(iface))
                .and(AGENT_PRESENCE.KIND.eq(kind.wire())).and(AGENT_PRESENCE.ENDED_AT.isNull())
                .forUpdate().fetch();
        boolean goesOn = false;
        for (var r : open) {
            if (!goesOn && Objects.equals(r.value2(), reason)) {
                goesOn = true;
            } else {
                dsl.update(AGENT_PRESENCE)
                        .set(AGENT_PRESENCE.ENDED_AT, DSL.greatest(AGENT_PRESENCE.STARTED_AT, DSL.val(at, AGENT_PRESENCE.STARTED_AT)))
                        .where(AGENT_PRESENCE.ID.eq(r.value1())).execute();
            }
        }
        if (!goesOn) {
            insert(dsl, pbx, iface, kind, reason, at);
        }
    }

    /**
     * A new open interval. One that began at the very same millisecond (a pause whose reason changed at once) is taken
     * over rather than doubled.
     */
    private static void insert(DSLContext dsl, String pbx, String iface, PresenceKind kind, String reason, Instant at) {
        dsl.insertInto(AGENT_PRESENCE)
                .set(AGENT_PRESENCE.PBX, pbx).set(AGENT_PRESENCE.INTERFACE, iface).set(AGENT_PRESENCE.KIND, kind.wire())
                .set(AGENT_PRESENCE.REASON, reason).set(AGENT_PRESENCE.STARTED_AT, at).set(AGENT_PRESENCE.CONFIRMED_AT, at)
                .onDuplicateKeyUpdate()
                .set(AGENT_PRESENCE.REASON, reason).setNull(AGENT_PRESENCE.ENDED_AT)
                .execute();
    }

    private static void confirm(DSLContext dsl, String pbx, Instant at) {
        dsl.update(AGENT_PRESENCE)
                .set(AGENT_PRESENCE.CONFIRMED_AT, DSL.greatest(AGENT_PRESENCE.CONFIRMED_AT, DSL.val(at, AGENT_PRESENCE.CONFIRMED_AT)))
                .where(AGENT_PRESENCE.PBX.eq(pbx)).and(AGENT_PRESENCE.ENDED_AT.isNull())
                .execute();
    }

    private static void resync(DSLContext dsl, PresenceStep.Resync r) {
        var open = dsl.select(AGENT_PRESENCE.ID, AGENT_PRESENCE.INTERFACE, AGENT_PRESENCE.KIND, AGENT_PRESENCE.REASON)
                .from(AGENT_PRESENCE)
                .where(AGENT_PRESENCE.PBX.eq(r.pbx())).and(AGENT_PRESENCE.ENDED_AT.isNull())
                .forUpdate().fetch();
        Set<PresenceStep.OpenInterval> goOn = new HashSet<>();
        for (var row : open) {
            var interval = new PresenceStep.OpenInterval(row.value2(), PresenceKind.ofWire(row.value3()), row.value4());
            if (r.open().contains(interval) && goOn.add(interval)) {
                continue;
            }
            // Over while nobody watched: it ends when it was last known to hold.
            dsl.update(AGENT_PRESENCE).set(AGENT_PRESENCE.ENDED_AT, AGENT_PRESENCE.CONFIRMED_AT)
                    .where(AGENT_PRESENCE.ID.eq(row.value1())).execute();
        }
        for (PresenceStep.OpenInterval i : r.open()) {
            if (!goOn.contains(i)) {
                insert(dsl, r.pbx(), i.memberInterface(), i.kind(), i.reason(), r.at());
            }
        }
        confirm(dsl, r.pbx(), r.at());
    }
}
