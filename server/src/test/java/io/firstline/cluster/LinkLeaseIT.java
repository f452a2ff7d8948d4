package io.firstline.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firstline.TestDatabase;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.db.Database;
import io.firstline.db.Fence;
import io.firstline.db.FencedException;
import io.firstline.phone.PhoneNumbers;
import io.firstline.records.CallRecorder;
import io.firstline.records.CallStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

@DisplayName("PBX link ownership: one lease holder per PBX, taken over when it dies, fenced writes")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkLeaseIT {

    /** Short leases, so that the takeovers take a second or two; the proportions are production's. */
    private static final LinkLease.Timing FAST = new LinkLease.Timing(Duration.ofMillis(1500), Duration.ofMillis(250),
            Duration.ofMillis(1000));
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private Vertx vertx;
    private TestDatabase.Fresh fresh;
    private Database db;
    private WorkerExecutor workers;
    private PbxOwnerStore store;
    private final List<LinkLease> leases = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    /** Each test's own PBX, so that the tests share one database. */
    private String pbx;

    @BeforeAll
    void start() {
        vertx = Vertx.vertx();
        fresh = TestDatabase.fresh();
        db = Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 4, Optional.empty());
        workers = vertx.createSharedWorkerExecutor("test-lease", 2);
        store = new PbxOwnerStore(db, workers);
    }

    @BeforeEach
    void pbx(TestInfo test) {
        pbx = "pbx-" + test.getTestMethod().orElseThrow().getName();
        events.clear();
    }

    @AfterEach
    void halt() {
        leases.forEach(l -> vertx.runOnContext(v -> l.halt()));
        leases.clear();
    }

    @AfterAll
    void stop() throws Exception {
        workers.close();
        db.close();
        fresh.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private LinkLease lease(String node, LinkLease.Timing timing) {
        LinkLease lease = new LinkLease(vertx, store, pbx, node, timing, new LinkLease.Listener() {
            @Override
            public void acquired(String pbx, long epoch, boolean takeover) {
                events.add(node + " acquired " + epoch + (takeover ? " takeover" : ""));
            }

            @Override
            public void lost(String pbx, String why) {
                events.add(node + " lost");
            }
        });
        leases.add(lease);
        vertx.runOnContext(v -> lease.start());
        return lease;
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private long count(String sql, Object... args) {
        return fresh.count(sql, args);
    }

    private CallView call(String linkedid) {
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        return new CallView(pbx, linkedid, "+15551234567", "Jane Doe", null, "main/software", null, "software", null,
                CallStatus.QUEUED, t0, t0.plusSeconds(1), null, null, null, null, null, null, null, false, List.of());
    }

    @Test
    @DisplayName("two nodes: exactly one owns; when it stops renewing the other owns within the lease, under a higher epoch, and never both")
    void oneOwnerAndTakeover() throws Exception {
        LinkLease a = lease("node-a", FAST);
        waitFor("node-a owns the link", () -> a.epoch().isPresent());
        long first = a.epoch().getAsLong();
        LinkLease b = lease("node-b", FAST);
        waitFor("node-b sees node-a own the link", () -> "node-a".equals(b.owner()));
        assertThat(b.epoch()).as("the standby does not own the link").isEmpty();
        assertThat(a.epoch()).as("the owner renews its lease").hasValue(first);

        // node-a dies: no more renewals, and no release.
        vertx.runOnContext(v -> a.halt());
        waitFor("node-b takes the link over", () -> {
            boolean bOwns = b.epoch().isPresent();
            // Checked at every look: the dead owner stops acting (its own clock) before anyone can take over.
            assertThat(bOwns && a.epoch().isPresent()).as("two owners at once").isFalse();
            return bOwns;
        });
        assertThat(b.epoch().getAsLong()).isGreaterThan(first);
        assertThat(events).contains("node-a acquired " + first, "node-b acquired " + (first + 1) + " takeover");
        assertThat(count("SELECT COUNT(*) FROM pbx_owners WHERE pbx = ? AND node = 'node-b' AND epoch = ?", pbx, first + 1))
                .isEqualTo(1);
    }

    @Test
    @DisplayName("a clean release hands the link over at once, without waiting for the lease to run out")
    void releaseHandsOver() throws Exception {
        // node-a's lease would last a minute: node-c can have the link within the deadline only by its release.
        LinkLease a = lease("node-a", new LinkLease.Timing(Duration.ofSeconds(60), Duration.ofMillis(250), Duration.ofSeconds(1)));
        waitFor("node-a owns the link", () -> a.epoch().isPresent());
        LinkLease c = lease("node-c", FAST);
        waitFor("node-c sees node-a own the link", () -> "node-a".equals(c.owner()));
        Future<Void> released = Future.future(p -> vertx.runOnContext(v -> a.release().onComplete(p)));
        await(released);
        assertThat(a.epoch()).isEmpty();
        waitFor("node-c owns the link", () -> c.epoch().isPresent());
        assertThat(events).contains("node-c acquired 2 takeover");
    }

    @Test
    @DisplayName("fencing: a write the old owner started before the takeover is refused after it, and nothing of it is committed")
    void staleWriteRefused() throws Exception {
        LinkOwnership ownerA = new LinkOwnership(vertx, store, "node-a", FAST, List.of(pbx), () -> 2);
        vertx.runOnContext(v -> ownerA.start(quiet()));
        waitFor("node-a owns the link", () -> ownerA.owns(pbx));
        // A write as the owner: committed.
        CallStore storeA = new CallStore(db, new PhoneNumbers("US"), ownerA);
        await(storeA.record(call("L-before"), List.of()));
        assertThat(count("SELECT COUNT(*) FROM calls WHERE linkedid = 'L-before'")).isEqualTo(1);

        // A write that started while node-a owned the link (its check taken then), whose transaction runs only later.
        Fence.Check startedAsOwner = ownerA.check(pbx);
        CallStore lateA = new CallStore(db, new PhoneNumbers("US"), p -> startedAsOwner);

        // node-a gives the link up; node-b takes over.
        vertx.runOnContext(v -> ownerA.release().onComplete(x -> { }));
        LinkOwnership ownerB = new LinkOwnership(vertx, store, "node-b", FAST, List.of(pbx), () -> 2);
        vertx.runOnContext(v -> ownerB.start(quiet()));
        waitFor("node-b owns the link", () -> ownerB.owns(pbx));
        assertThat(ownerA.owns(pbx)).isFalse();

        Throwable refused = catchThrowable(() -> await(lateA.record(call("L-stale"), List.of())));
        assertThat(FencedException.in(refused)).as("the stale owner's write is refused").isNotNull();
        assertThat(count("SELECT COUNT(*) FROM calls WHERE linkedid = 'L-stale'")).as("nothing of it committed").isZero();
        // And node-a's own store, now that it does not own the link, refuses without asking the database.
        assertThat(FencedException.in(catchThrowable(() -> await(storeA.record(call("L-after"), List.of()))))).isNotNull();

        // Through the recorder: a refused write is dropped and counted, not retried for ever.
        CallRecorder recorder = new CallRecorder(vertx, lateA::record, 2, Duration.ZERO);
        recorder.submit(call("L-recorded"), null);
        await(recorder.flushed());
        assertThat(recorder.fenced()).isEqualTo(1);
        assertThat(recorder.backlog()).isZero();
        assertThat(count("SELECT COUNT(*) FROM calls WHERE linkedid = 'L-recorded'")).isZero();

        // The new owner writes.
        await(new CallStore(db, new PhoneNumbers("US"), ownerB).record(call("L-new-owner"), List.of()));
        assertThat(count("SELECT COUNT(*) FROM calls WHERE linkedid = 'L-new-owner'")).isEqualTo(1);
        vertx.runOnContext(v -> ownerB.release());
    }

    @Test
    @DisplayName("several PBXs: a node alone holds them all; with two members each holds its share; the survivor takes them back")
    void linksSpread() throws Exception {
        List<String> four = List.of(pbx + "-1", pbx + "-2", pbx + "-3", pbx + "-4");
        java.util.concurrent.atomic.AtomicInteger members = new java.util.concurrent.atomic.AtomicInteger(1);
        LinkOwnership ownerA = new LinkOwnership(vertx, store, "node-a", FAST, four, members::get);
        vertx.runOnContext(v -> ownerA.start(quiet()));
        waitFor("node-a, alone, holds every lease", () -> ownerA.owned() == 4);

        members.set(2);
        LinkOwnership ownerB = new LinkOwnership(vertx, store, "node-b", FAST, four, members::get);
        vertx.runOnContext(v -> ownerB.start(quiet()));
        waitFor("two each", () -> ownerA.owned() == 2 && ownerB.owned() == 2);
        assertThat(ownerA.owns(four.get(0))).as("the first (the leader's) moves last").isTrue();
        for (String p : four) {
            assertThat(ownerA.owns(p)).as(p + " held by one node").isNotEqualTo(ownerB.owns(p));
            String owner = ownerA.owns(p) ? "node-a" : "node-b";
            waitFor("both see who holds " + p, () -> ownerA.owner(p).equals(Optional.of(owner)) && ownerB.owner(p).equals(Optional.of(owner)));
        }
        Thread.sleep(FAST.lease().toMillis());
        assertThat(ownerA.owned() + ownerB.owned()).as("settled: no lease goes back and forth").isEqualTo(4);
        assertThat(ownerB.takeovers()).as("node-b took over the two node-a gave back").isEqualTo(2);

        members.set(1);
        vertx.runOnContext(v -> ownerA.release()); // node-a stops
        waitFor("node-b, alone now, holds every lease", () -> ownerB.owned() == 4);
        vertx.runOnContext(v -> ownerB.release());
    }

    @Test
    @DisplayName("fencing: a takeover cannot commit while a write of the old owner holds the owner row's share lock")
    void takeoverWaitsForTheWriteInFlight() throws Exception {
        LinkLease a = lease("node-a", FAST);
        waitFor("node-a owns the link", () -> a.epoch().isPresent());
        long epoch = a.epoch().getAsLong();
        Fence.Check check = PbxOwnerStore.owned(pbx, "node-a", epoch);
        vertx.runOnContext(v -> a.halt());
        try (Connection c = fresh.connect()) {
            c.setAutoCommit(false);
            // The old owner's write transaction, begun while it owned the link: its check passed and holds the lock.
            check.verify(DSL.using(c));
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM pbx_owners WHERE pbx = ? AND lease_until < NOW(3)")) {
                s.setString(1, pbx);
                // Once the lease has run out, a takeover is due, yet it cannot happen while this write is open.
                waitFor("node-a's lease runs out", () -> {
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        return rs.getLong(1) == 1;
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            Throwable blocked = catchThrowable(() -> await(store.hold(pbx, "node-b", 0, FAST.lease())));
            assertThat(blocked).as("the takeover waits for the lock, and gives up after its lock wait")
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("Lock wait timeout");
            c.commit();
        }
        PbxOwnerStore.Holding h = await(store.hold(pbx, "node-b", 0, FAST.lease()));
        assertThat(h.owned()).isTrue();
        assertThat(h.epoch()).isEqualTo(epoch + 1);
        assertThat(h.takeover()).isTrue();
    }

    @Test
    @DisplayName("a single node's write path is unchanged (Fence.NONE adds no statement); a fenced write adds exactly its one locking select")
    void statementsPerWrite() throws Exception {
        assertThat(Fence.NONE.check("pbx")).isNull();
        // One connection: the session's counters are those of the writes.
        Database one = Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 1, Optional.empty());
        try {
            PbxOwnerStore.Holding h = await(store.hold(pbx, "node-a", 0, Duration.ofMinutes(1)));
            CallStore plain = new CallStore(one, new PhoneNumbers("US"));
            CallStore fenced = new CallStore(one, new PhoneNumbers("US"), p -> PbxOwnerStore.owned(p, "node-a", h.epoch()));
            await(plain.record(call("S-warm"), List.of())); // the first write of the pool's connection
            long[] single = statements(one, () -> plain.record(call("S-1"), List.of()));
            long[] cluster = statements(one, () -> fenced.record(call("S-2"), List.of()));
            assertThat(cluster[0]).as("statements").isEqualTo(single[0] + 1);
            assertThat(cluster[1]).as("selects").isEqualTo(single[1] + 1);
        } finally {
            one.close();
        }
    }

    /** The statements and the selects a write sent on the database's one connection. */
    private long[] statements(Database one, java.util.function.Supplier<Future<?>> write) throws Exception {
        long[] before = counters(one);
        await(write.get());
        long[] after = counters(one);
        return new long[] {after[0] - before[0] - 1, after[1] - before[1]}; // less the SHOW STATUS itself
    }

    private long[] counters(Database one) throws Exception {
        return await(one.query(dsl -> {
            long[] out = new long[2];
            dsl.fetch("SHOW SESSION STATUS WHERE Variable_name IN ('Questions', 'Com_select')").forEach(r -> {
                if (r.get(0, String.class).equals("Questions")) {
                    out[0] = r.get(1, Long.class);
                } else {
                    out[1] = r.get(1, Long.class);
                }
            });
            return out;
        }));
    }

    private static LinkLease.Listener quiet() {
        return new LinkLease.Listener() {
            @Override
            public void acquired(String pbx, long epoch, boolean takeover) {
            }

            @Override
            public void lost(String pbx, String why) {
            }
        };
    }
}
