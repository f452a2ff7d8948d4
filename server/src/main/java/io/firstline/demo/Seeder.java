package io.firstline.demo;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.CALLERS;
import static io.firstline.db.schema.Tables.CALLER_PHONES;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.TICKETS;

import io.firstline.db.BulkInsert;
import io.firstline.db.Database;
import io.firstline.db.StoreException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Loads synthetic callers (with phone numbers), tickets and calls for load tests: batches of
 * thousands of rows (one round trip each, see {@link BulkInsert}), one transaction each, on one
 * connection whose unique and foreign-key checks are off while it seeds, which made callers 30%
 * faster (safe because every row is made consistent here: ids are given, numbers and Linkedids
 * derive from them). Caller n gets numbers +1555 followed by a permutation of
 * 2n (and 2n+1 for every third caller), so numbers stay unique for up to 5 million callers.
 * Blocking: the main thread runs it for the {@code seed} command, not alongside a running server.
 */
public final class Seeder {

    public static final int MAX_CALLERS = 5_000_000;
    static final String PBX = "seed";

    /** Rows a batch; measured: 1,000 gave 12k callers/s, 5,000 18k/s, 10,000 and 20,000 no more. */
    private static final int CHUNK = 5000;
    private static final long NUMBERS = 10_000_000;
    /** Numbers of the recorded Asterisk traces, kept for their callers. */
    private static final Set<String> RESERVED = Set.of(DemoData.JANE_DOE_PHONE, "+15557770001", "+15557770002",
            "+15557654321");
    private static final String[] QUEUES = {"software", "hardware", "network", "helpdesk"};
    private static final String[] CATEGORIES = {"hardware", "software", "network", "account", "other"};
    private static final String[] PRIORITIES = {"low", "normal", "normal", "normal", "high", "urgent"};
    private static final String[] STATUSES = {"open", "pending", "resolved", "closed", "closed", "closed"};

    private final Database db;
    private final PrintStream progress;
    private final SplittableRandom random = new SplittableRandom(7);
    private final Instant now;
    private final List<String> firstNames = DemoResources.words("first-names.txt");
    private final List<String> lastNames = DemoResources.words("last-names.txt");
    private final List<String> stems = DemoResources.words("organisation-stems.txt");
    private final List<String> trades = DemoResources.words("organisation-trades.txt");
    private final List<String> subjects;

    /** How many of each to add. */
    public record Counts(int callers, int tickets, int calls) {
    }

    /** What was added, and how long it took. */
    public record Result(Counts counts, long phones, Duration took, double callersPerSecond) {
    }

    public Seeder(Database db, PrintStream progress) {
        this.db = db;
        this.now = db.now();
        this.progress = progress;
        this.subjects = DemoResources.articles().stream().map(DemoResources.Article::title).toList();
    }

    /** Adds the callers, then the tickets and calls of those callers. */
    public Result run(Counts counts) {
        if (counts.callers() < 1 || counts.callers() > MAX_CALLERS || counts.tickets() < 0 || counts.calls() < 0) {
            throw new IllegalArgumentException("bad counts " + counts);
        }
        long t0 = System.nanoTime();
        long[] phones = new long[1];
        double[] callersPerSecond = new double[1];
        try {
            seed(counts, phones, callersPerSecond);
        } catch (DataAccessException e) {
            throw new StoreException("seeding failed: " + Database.oneLine(e.getMessage()), e);
        }
        return new Result(counts, phones[0], Duration.ofNanos(System.nanoTime() - t0), callersPerSecond[0]);
    }

    private void seed(Counts counts, long[] phones, double[] callersPerSecond) {
        db.dsl().connection(connection -> {
            DSLContext dsl = DSL.using(connection, db.dsl().dialect(), db.dsl().settings());
            dsl.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0");
            try {
                long firstCaller = nextId(dsl, CALLERS.ID);
                List<Long> agents = dsl.select(AGENTS.ID).from(AGENTS).where(AGENTS.ROLE.eq("agent"))
                        .and(AGENTS.ACTIVE.isTrue()).fetch(AGENTS.ID);
                long c0 = System.nanoTime();
                phones[0] = seedCallers(dsl, firstCaller, counts.callers());
                callersPerSecond[0] = counts.callers() / seconds(System.nanoTime() - c0);
                seedTickets(dsl, nextId(dsl, TICKETS.ID), firstCaller, counts, agents);
                seedCalls(dsl, nextId(dsl, CALLS.ID), firstCaller, counts, agents);
            } finally {
                dsl.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1");
            }
        });
    }

    private long seedCallers(DSLContext dsl, long first, int count) {
        List<Field<?>> callerColumns = List.of(CALLERS.ID, CALLERS.NAME, CALLERS.ORGANISATION, CALLERS.EMAIL,
                CALLERS.VIP, CALLERS.CREATED_AT, CALLERS.UPDATED_AT);
        List<Field<?>> phoneColumns = List.of(CALLER_PHONES.CALLER_ID, CALLER_PHONES.PHONE);
        long phones = 0;
        Progress p = new Progress("callers", count);
        for (int done = 0; done < count; ) {
            int n = Math.min(CHUNK, count - done);
            List<Object[]> callers = new ArrayList<>(n);
            List<Object[]> numbers = new ArrayList<>(n * 4 / 3 + 1);
            for (int i = 0; i < n; i++) {
                long id = first + done + i;
                String firstName = pick(firstNames);
                String lastName = pick(lastNames);
                String stem = pick(stems);
                String trade = pick(trades);
                Instant created = now.minusSeconds(random.nextLong(730L * 86_400));
                callers.add(new Object[] {id, firstName + " " + lastName, stem + " " + trade,
                        slug(firstName) + "." + slug(lastName) + "." + id + "@" + slug(stem) + ".example",
                        random.nextInt(20) == 0, created, created});
                addNumber(numbers, id, phoneOf(2 * id));
                if (id % 3 == 0) {
                    addNumber(numbers, id, phoneOf(2 * id + 1));
                }
            }
            phones += numbers.size();
            dsl.transaction(cfg -> {
                BulkInsert.batch(cfg.dsl(), CALLERS, callerColumns, callers);
                BulkInsert.batch(cfg.dsl(), CALLER_PHONES, phoneColumns, numbers);
            });
            done += n;
            p.show(done);
        }
        p.finish();
        return phones;
    }

    private static void addNumber(List<Object[]> numbers, long callerId, String phone) {
        if (!RESERVED.contains(phone)) {
            numbers.add(new Object[] {callerId, phone});
        }
    }

    private void seedTickets(DSLContext dsl, long first, long firstCaller, Counts counts, List<Long> agents) {
        List<Field<?>> columns = List.of(TICKETS.ID, TICKETS.CALLER_ID, TICKETS.CATEGORY, TICKETS.PRIORITY,
                TICKETS.STATUS, TICKETS.SUBJECT, TICKETS.PROBLEM, TICKETS.CREATED_BY, TICKETS.CREATED_AT,
                TICKETS.UPDATED_AT, TICKETS.RESOLVED_AT);
        seed(dsl, TICKETS, columns, "tickets", counts.tickets(), i -> {
            Instant created = now.minusSeconds(random.nextLong(365L * 86_400));
            String status = STATUSES[random.nextInt(STATUSES.length)];
            Instant resolved = status.equals("resolved") || status.equals("closed")
                    ? created.plusSeconds(600 + random.nextLong(5L * 86_400)) : null;
            String subject = pick(subjects);
            return new Object[] {first + i, firstCaller + random.nextInt(counts.callers()),
                    CATEGORIES[random.nextInt(CATEGORIES.length)], PRIORITIES[random.nextInt(PRIORITIES.length)], status,
                    subject, "Synthetic load-test ticket: " + subject + ".", agentOrNull(agents), created,
                    resolved != null ? resolved : created, resolved};
        });
    }

    private void seedCalls(DSLContext dsl, long first, long firstCaller, Counts counts, List<Long> agents) {
        List<Field<?>> columns = List.of(CALLS.ID, CALLS.PBX, CALLS.LINKEDID, CALLS.CALLER_NUMBER, CALLS.CALLER_NAME,
                CALLS.CALLER_ID, CALLS.MENU_PATH, CALLS.QUEUE, CALLS.STATUS, CALLS.AGENT_ID, CALLS.ENTERED_AT,
                CALLS.QUEUED_AT, CALLS.ANSWERED_AT, CALLS.ENDED_AT, CALLS.END_REASON, CALLS.WAIT_SECONDS,
                CALLS.TALK_SECONDS, CALLS.UPDATED_AT);
        seed(dsl, CALLS, columns, "calls", counts.calls(), i -> {
            long id = first + i;
            Instant entered = now.minusSeconds(3600 + random.nextLong(90L * 86_400));
            Long callerId = random.nextInt(100) < 85 ? firstCaller + random.nextInt(counts.callers()) : null;
            String number = callerId != null ? phoneOf(2 * callerId)
                    : "+1555" + String.format("%07d", random.nextLong(NUMBERS));
            String queue = QUEUES[random.nextInt(QUEUES.length)];
            boolean answered = random.nextInt(100) < 90;
            Instant queued = entered.plusSeconds(5 + random.nextInt(20));
            int wait = 3 + random.nextInt(answered ? 120 : 300);
            Integer talk = answered ? 30 + random.nextInt(1200) : null;
            Instant answeredAt = answered ? queued.plusSeconds(wait) : null;
            Instant ended = answered ? answeredAt.plusSeconds(talk) : queued.plusSeconds(wait);
            return new Object[] {id, PBX, entered.getEpochSecond() + "." + id, number,
                    null, callerId, DemoData.menuPath(queue), queue,
                    answered ? "answered" : "abandoned", answered ? agentOrNull(agents) : null, entered, queued,
                    answeredAt, ended, answered ? "caller-hangup" : "abandoned", wait, talk, ended};
        });
    }

    private <R extends org.jooq.Record> void seed(DSLContext dsl, Table<R> table, List<Field<?>> columns, String what,
            int count, IntFunction<Object[]> row) {
        if (count == 0) {
            return;
        }
        Progress p = new Progress(what, count);
        for (int done = 0; done < count; ) {
            int n = Math.min(CHUNK, count - done);
            List<Object[]> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(row.apply(done + i));
            }
            dsl.transaction(cfg -> BulkInsert.batch(cfg.dsl(), table, columns, rows));
            done += n;
            p.show(done);
        }
        p.finish();
    }

    /** +1555 and seven digits, a different number for every slot below ten million. */
    static String phoneOf(long slot) {
        // 3,000,017 shares no factor with 10^7, so this permutes 0..9,999,999.
        long n = Math.floorMod(slot * 3_000_017L + 4_567_891L, NUMBERS);
        return "+1555" + String.format("%07d", n);
    }

    private Long agentOrNull(List<Long> agents) {
        return agents.isEmpty() ? null : agents.get(random.nextInt(agents.size()));
    }

    private String pick(List<String> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static long nextId(DSLContext dsl, TableField<?, Long> id) {
        Long max = dsl.select(DSL.max(id)).from(id.getTable()).fetchOne(0, Long.class);
        return max == null ? 1 : max + 1;
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static double seconds(long nanos) {
        return Math.max(nanos, 1) / 1e9;
    }

    /** The progress line on stderr: "\rcallers 350000/1000000 (35%) 42000/s", at most four times a second. */
    private final class Progress {
        private final String what;
        private final int total;
        private final long start = System.nanoTime();
        private long lastShown;

        Progress(String what, int total) {
            this.what = what;
            this.total = total;
        }

        void show(int done) {
            long t = System.nanoTime();
            if (done < total && t - lastShown < 250_000_000L) {
                return;
            }
            lastShown = t;
            progress.printf("\r%s %d/%d (%d%%) %.0f/s   ", what, done, total, done * 100L / total,
                    done / seconds(t - start));
            progress.flush();
        }

        void finish() {
            progress.println();
        }
    }
}
