package io.firstline.records;

import io.firstline.TestDatabase;
import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.db.Database;
import io.firstline.phone.PhoneNumbers;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What writing a call costs, apart from the machine's latency: records N synthetic calls, each in
 * five successive writes as the recorder makes them (menu, queue, ring, answer, end), one at a time,
 * and prints the JVM's CPU and allocation per call, the statements MariaDB ran per call, and its CPU for
 * them (from its query profiler, which slows it). Run by hand (main thread), against
 * FIRSTLINE_TEST_DB_URL, in a database of its own that it drops:
 * {@code java -cp server/target/firstline.jar:server/target/test-classes io.firstline.records.RecordWriteBench 3000}.
 */
public final class RecordWriteBench {

    private static final int AGENTS = 300;

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Vertx vertx = Vertx.vertx();
        try (TestDatabase.Fresh fresh = TestDatabase.fresh()) {
            // One connection: its session's counters are the statements of these writes.
            Database db = Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 1, Optional.empty());
            try (Connection c = fresh.connect(); Statement s = c.createStatement()) {
                for (int a = 1; a <= AGENTS; a++) {
                    s.execute("INSERT INTO agents (username, name, password_hash, role, interface, created_at) VALUES ('a" + a
                            + "', 'Agent " + a + "', 'x', 'agent', 'PJSIP/" + (1000 + a) + "', NOW(3))");
                }
                for (int k = 0; k < 1000; k++) {
                    s.execute("INSERT INTO callers (name, created_at) VALUES ('Caller " + k + "', NOW(3))");
                    s.execute("INSERT INTO caller_phones (caller_id, phone) VALUES (LAST_INSERT_ID(), '+1555" + (1000000 + k) + "')");
                }
            }
            CallStore store = new CallStore(db, new PhoneNumbers("US"));
            run(store, 0, Math.max(500, calls / 3)); // warm-up
            Map<String, Long> before = counters(db);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long cpu0 = processCpu();
            long alloc0 = allocated(threads);
            long t0 = System.nanoTime();
            run(store, 1_000_000, calls);
            long wall = System.nanoTime() - t0;
            long cpu = processCpu() - cpu0;
            long alloc = allocated(threads) - alloc0;
            Map<String, Long> after = counters(db);
            System.out.printf("calls %d, writes %d%n", calls, calls * 5);
            System.out.printf("JVM CPU per call %.3f ms, allocated per call %.1f kB, wall per call %.3f ms%n",
                    cpu / 1e6 / calls, alloc / 1024.0 / calls, wall / 1e6 / calls);
            for (String k : after.keySet()) {
                long d = after.get(k) - before.getOrDefault(k, 0L) - (k.equals("Questions") || k.equals("Com_show_status") ? 1 : 0);
                if (d > 0) {
                    System.out.printf("  %s per call %.2f%n", k, (double) d / calls);
                }
            }
            mariaDbCpu(db, store);
            db.close();
        } finally {
            vertx.close().await();
        }
    }

    /** Each call: in the menu, queued, ringing an agent, answered, ended answered; a timeline entry each. */
    private static void run(CallStore store, int from, int n) throws Exception {
        Instant base = Instant.parse("2026-12-01T09:00:00Z");
        for (int i = from; i < from + n; i++) {
            String linkedid = "bench." + i;
            String number = "+1555" + (1000000 + i % 1000);
            String agent = "PJSIP/" + (1001 + i % AGENTS);
            Instant in = base.plusSeconds(i);
            Instant queued = in.plusSeconds(8);
            Instant answered = queued.plusSeconds(12);
            Instant ended = answered.plusSeconds(180);
            write(store, view(linkedid, number, CallStatus.IN_MENU, in, null, null, null, null, null, List.of()),
                    entry(in, "entered", null, linkedid + ":entered"));
            write(store, view(linkedid, number, CallStatus.QUEUED, in, queued, null, null, null, null, List.of()),
                    entry(queued, "queued", null, linkedid + ":queued"));
            write(store, view(linkedid, number, CallStatus.RINGING, in, queued, null, null, null, null, List.of()),
                    entry(queued.plusSeconds(1), "ringing", agent, linkedid + ":ring"));
            List<CallView.Talk> talking = List.of(new CallView.Talk(agent, "Agent", answered, null));
            write(store, view(linkedid, number, CallStatus.CONNECTED, in, queued, answered, null, agent, null, talking),
                    entry(answered, "answered", agent, linkedid + ":answered"));
            List<CallView.Talk> talked = List.of(new CallView.Talk(agent, "Agent", answered, 180));
            write(store, view(linkedid, number, CallStatus.ANSWERED, in, queued, answered, ended, agent, 180, talked),
                    entry(ended, "ended", agent, linkedid + ":ended"));
        }
    }

    private static CallView view(String linkedid, String number, CallStatus status, Instant in, Instant queued,
            Instant answered, Instant ended, String agent, Integer talk, List<CallView.Talk> talks) {
        return new CallView("pbx1", linkedid, number, "Caller", null, "1", null, queued == null ? null : "support", null,
                status, in, queued, answered, ended, agent, agent == null ? null : "Agent", answered == null ? null : 12,
                talk, ended == null ? null : "caller-hangup", false, List.of(), null, talks, false);
    }

    private static CallChange.Timeline entry(Instant at, String type, String agent, String key) {
        return new CallChange.Timeline(at, type, "support", agent, null, key);
    }

    private static void write(CallStore store, CallView call, CallChange.Timeline entry) throws Exception {
        store.record(call, List.of(entry)).toCompletionStage().toCompletableFuture().get();
    }

    private static Map<String, Long> counters(Database db) throws Exception {
        return db.query(dsl -> {
            Map<String, Long> out = new HashMap<>();
            dsl.connection(c -> {
                try (Statement s = c.createStatement();
                        ResultSet r = s.executeQuery("SHOW SESSION STATUS WHERE Variable_name = 'Questions'"
                                + " OR Variable_name LIKE 'Com\\_%' OR Variable_name LIKE 'Handler\\_%'")) {
                    while (r.next()) {
                        out.put(r.getString(1), r.getLong(2));
                    }
                }
            });
            return out;
        }).toCompletionStage().toCompletableFuture().get();
    }

    /**
     * MariaDB's CPU for a call's writes, from its query profiler (the session's last 100 statements, so two calls
     * at a time), over 50 rounds; the profiler's own statements left out.
     */
    private static void mariaDbCpu(Database db, CallStore store) throws Exception {
        double cpu = 0;
        double busy = 0;
        int rounds = 50;
        for (int round = 0; round < rounds; round++) {
            db.query(dsl -> dsl.execute("SET profiling_history_size = 0, profiling = 0")).toCompletionStage().toCompletableFuture().get();
            db.query(dsl -> dsl.execute("SET profiling_history_size = 100, profiling = 1")).toCompletionStage().toCompletableFuture().get();
            run(store, 2_000_000 + round * 2, 2);
            double[] sums = db.query(dsl -> {
                double[] out = new double[2];
                dsl.connection(c -> {
                    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                            "SELECT SUM(CPU_USER + CPU_SYSTEM), SUM(DURATION) FROM information_schema.PROFILING")) {
                        r.next();
                        out[0] = r.getDouble(1);
                        out[1] = r.getDouble(2);
                    }
                });
                return out;
            }).toCompletionStage().toCompletableFuture().get();
            cpu += sums[0];
            busy += sums[1];
        }
        db.query(dsl -> dsl.execute("SET profiling = 0")).toCompletionStage().toCompletableFuture().get();
        System.out.printf("MariaDB per call (query profiler): CPU %.3f ms, statement time %.3f ms%n",
                cpu * 1000 / (rounds * 2), busy * 1000 / (rounds * 2));
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long allocated(com.sun.management.ThreadMXBean threads) {
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }
}
