package io.firstline.cluster;

import io.firstline.db.Database;
import io.firstline.db.Fence;
import io.firstline.db.FencedException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * The leases on the PBX links (table pbx_owners). Every time is the database's ({@code NOW(3)}), so the nodes' clocks
 * may disagree. The lease work runs on a worker pool of its own, so that a queue of slow queries on the database pool
 * does not delay a renewal (the connections are still the shared pool's).
 */
public final class PbxOwnerStore {

    /** How long a lease statement may wait for a row lock (a write in flight of the old owner) before it gives up. */
    private static final int LOCK_WAIT_SECONDS = 2;

    /** What an attempt to hold a PBX's lease found. */
    public record Holding(boolean owned, long epoch, String owner, boolean takeover) {
    }

    private final Database db;
    private final WorkerExecutor workers;

    /** @param workers where the blocking lease work runs (one thread is enough for every PBX of a node) */
    public PbxOwnerStore(Database db, WorkerExecutor workers) {
        this.db = db;
        this.workers = workers;
    }

    /**
     * Renews the lease if {@code node} holds it under {@code epoch} (one statement); else takes it if nobody has it
     * or its lease has run out, under the next epoch; else says who has it.
     *
     * @param epoch the epoch this node holds, 0 for none (a node that lost its lease acquires anew, under a new epoch)
     */
    public Future<Holding> hold(String pbx, String node, long epoch, Duration lease) {
        long micros = lease.toNanos() / 1000;
        return workers.executeBlocking(() -> {
            DSLContext dsl = db.dsl();
            if (epoch > 0 && dsl.execute("SET STATEMENT innodb_lock_wait_timeout = " + LOCK_WAIT_SECONDS + " FOR"
                    + " UPDATE pbx_owners SET lease_until = NOW(3) + INTERVAL ? MICROSECOND"
                    + " WHERE pbx = ? AND node = ? AND epoch = ?", micros, pbx, node, epoch) == 1) {
                return new Holding(true, epoch, node, false);
            }
            // A plain read first: a standby asking every 2 s takes no lock that the owner's writes would wait for.
            Record seen = dsl.fetchOne("SELECT node, epoch, lease_until < NOW(3) AS expired FROM pbx_owners WHERE pbx = ?", pbx);
            if (seen != null && !seen.get(2, Boolean.class)) {
                return new Holding(false, seen.get(1, Long.class), seen.get(0, String.class), false);
            }
            // On its own (autocommit), so that no transaction holds the shared lock an INSERT IGNORE of a row that
            // exists takes: two nodes that then both wanted the row for update would deadlock.
            if (seen == null && dsl.execute("INSERT IGNORE INTO pbx_owners (pbx, node, epoch, lease_until, acquired_at)"
                    + " VALUES (?, ?, 1, NOW(3) + INTERVAL ? MICROSECOND, NOW(3))", pbx, node, micros) == 1) {
                return new Holding(true, 1, node, false);
            }
            return dsl.transactionResult(cfg -> {
                DSLContext tx = cfg.dsl();
                Record r = tx.fetchOne("SET STATEMENT innodb_lock_wait_timeout = " + LOCK_WAIT_SECONDS + " FOR"
                        + " SELECT node, epoch, lease_until < NOW(3) AS expired FROM pbx_owners WHERE pbx = ? FOR UPDATE", pbx);
                String owner = r.get(0, String.class);
                long current = r.get(1, Long.class);
                if (!r.get(2, Boolean.class)) {
                    return new Holding(false, current, owner, false);
                }
                tx.execute("UPDATE pbx_owners SET node = ?, epoch = epoch + 1, lease_until = NOW(3) + INTERVAL ? MICROSECOND,"
                        + " acquired_at = NOW(3) WHERE pbx = ?", node, micros, pbx);
                return new Holding(true, current + 1, node, !owner.equals(node));
            });
        }, false);
    }

    /** Who holds the PBX's lease now (a plain read, no lock); empty when nobody ever did or it has run out. */
    public Future<java.util.Optional<String>> owner(String pbx) {
        return workers.executeBlocking(() -> java.util.Optional.ofNullable(db.dsl().fetchOne(
                "SELECT node FROM pbx_owners WHERE pbx = ? AND lease_until >= NOW(3)", pbx)).map(r -> r.get(0, String.class)), false);
    }

    /** Ends the lease at once if {@code node} still holds it under {@code epoch}, so that another node takes over without waiting. */
    public Future<Boolean> release(String pbx, String node, long epoch) {
        return workers.executeBlocking(() -> db.dsl().execute("SET STATEMENT innodb_lock_wait_timeout = "
                + LOCK_WAIT_SECONDS + " FOR UPDATE pbx_owners SET lease_until = NOW(3) - INTERVAL 1 SECOND"
                + " WHERE pbx = ? AND node = ? AND epoch = ?", pbx, node, epoch) == 1, false);
    }

    /**
     * The check a write of {@code pbx} by {@code node} under {@code epoch} runs first in its transaction.
     *
     * <p>Why a share lock makes it a fence: a locking read sees the latest committed row (not the transaction's
     * snapshot), and holds its lock until the write commits. A takeover changes the row, so it needs the exclusive
     * lock, which it gets only once every write holding the share lock has committed or rolled back; a write that
     * starts after the takeover committed reads the new node and epoch and is refused. So every write of the old
     * owner either commits before the takeover does (while it still owned the link) or not at all. A share lock, not
     * FOR UPDATE, so that the owner's own writes (two call writers and the presence writer) do not queue behind one
     * another; the renewal, an update, waits only for the writes in flight (milliseconds). A node cut off from the
     * database in the middle of a write would hold its lock until the server drops the connection: cluster mode
     * sets idle_transaction_timeout on every connection for that (see Database).
     */
    public static Fence.Check owned(String pbx, String node, long epoch) {
        return dsl -> {
            Record r = dsl.fetchOne("SELECT node, epoch FROM pbx_owners WHERE pbx = ? LOCK IN SHARE MODE", pbx);
            if (r == null || !node.equals(r.get(0, String.class)) || r.get(1, Long.class) != epoch) {
                throw new FencedException(pbx, "PBX " + pbx + ": this node (" + node + ") no longer owns the link under epoch "
                        + epoch + (r == null ? "" : "; " + r.get(0, String.class) + " does, under epoch " + r.get(1, Long.class)));
            }
        };
    }

    /** The check of a write started while this node did not own the PBX: refused without asking the database. */
    public static Fence.Check notOwned(String pbx, String node) {
        return dsl -> {
            throw new FencedException(pbx, "PBX " + pbx + ": this node (" + node + ") does not own the link");
        };
    }
}
