package io.firstline.settings;

import static io.firstline.db.schema.Tables.BOARD_THRESHOLDS;
import static io.firstline.db.schema.Tables.DESK_QUEUES;
import static io.firstline.db.schema.Tables.PAUSE_REASONS;

import io.firstline.audit.AuditStore;
import io.firstline.config.Settings;
import io.firstline.db.Database;
import io.firstline.db.schema.tables.records.BoardThresholdsRecord;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * The run-time settings' tables (V12): read whole, replaced whole, each change written with its audit entry in one
 * transaction. Any thread.
 */
public final class SettingsStore {

    /** The thresholds row that holds the defaults of every queue. */
    private static final String DEFAULTS = "";

    private final Database db;

    public SettingsStore(Database db) {
        this.db = db;
    }

    /** A change made: what was in force before and what is now. */
    public record Change<T>(T before, T after) {
    }

    /**
     * Fills each empty table from {@code first} (the environment or the defaults) and reads what is in force. Two
     * servers starting at once on one database: the second one's rows are ignored, and both read the same.
     */
    public Future<RunSettings> seedAndLoad(RunSettings first) {
        return db.transaction(dsl -> {
            if (!dsl.fetchExists(PAUSE_REASONS)) {
                writeReasons(dsl, first.pauseReasons());
            }
            if (!dsl.fetchExists(DESK_QUEUES)) {
                writeQueues(dsl, first.deskQueues());
            }
            if (!dsl.fetchExists(BOARD_THRESHOLDS, BOARD_THRESHOLDS.QUEUE.eq(DEFAULTS))) {
                writeThresholds(dsl, first.board().defaults(), first.board().queues());
            }
            return read(dsl, first.board().kioskDays());
        });
    }

    public Future<RunSettings> load(int kioskDays) {
        return db.query(dsl -> read(dsl, kioskDays));
    }

    public Future<Change<List<String>>> replacePauseReasons(List<String> reasons, long actorId) {
        return replace(actorId, "settings.pause-reasons", dsl -> readReasons(dsl), dsl -> {
            dsl.deleteFrom(PAUSE_REASONS).execute();
            writeReasons(dsl, reasons);
        }, SettingsStore::listDetail);
    }

    public Future<Change<List<String>>> replaceDeskQueues(List<String> queues, long actorId) {
        return replace(actorId, "settings.queues", dsl -> readQueues(dsl), dsl -> {
            dsl.deleteFrom(DESK_QUEUES).execute();
            writeQueues(dsl, queues);
        }, SettingsStore::listDetail);
    }

    /** @param queues each queue's own thresholds, keyed by {@link Settings.Board#normalQueue} names */
    public Future<Change<Settings.Board>> replaceThresholds(Settings.Thresholds defaults, Map<String, Settings.Thresholds> queues,
            int kioskDays, long actorId) {
        return replace(actorId, "settings.thresholds", dsl -> readBoard(dsl, kioskDays), dsl -> {
            dsl.deleteFrom(BOARD_THRESHOLDS).execute();
            writeThresholds(dsl, defaults, queues);
        }, SettingsStore::thresholdsDetail);
    }

    private <T> Future<Change<T>> replace(long actorId, String action, Function<DSLContext, T> read,
            java.util.function.Consumer<DSLContext> write, java.util.function.BiFunction<T, T, String> detail) {
        java.time.Instant now = db.now();
        return db.transaction(dsl -> {
            // Locks the rows read, so that two administrators' changes are made one after the other.
            T before = read.apply(dsl);
            write.accept(dsl);
            T after = read.apply(dsl);
            AuditStore.addIn(dsl, new AuditStore.NewEntry(actorId, null, action, detail.apply(before, after), null, true, null), now);
            return new Change<>(before, after);
        });
    }

    private static RunSettings read(DSLContext dsl, int kioskDays) {
        return new RunSettings(readReasons(dsl), readQueues(dsl), readBoard(dsl, kioskDays));
    }

    private static List<String> readReasons(DSLContext dsl) {
        return dsl.select(PAUSE_REASONS.REASON).from(PAUSE_REASONS).orderBy(PAUSE_REASONS.POSITION).forUpdate()
                .fetch(PAUSE_REASONS.REASON);
    }

    private static List<String> readQueues(DSLContext dsl) {
        return dsl.select(DESK_QUEUES.NAME).from(DESK_QUEUES).orderBy(DESK_QUEUES.POSITION).forUpdate().fetch(DESK_QUEUES.NAME);
    }

    private static Settings.Board readBoard(DSLContext dsl, int kioskDays) {
        Settings.Thresholds defaults = Settings.Thresholds.STANDARD;
        Map<String, Settings.Thresholds> queues = new LinkedHashMap<>();
        for (BoardThresholdsRecord r : dsl.selectFrom(BOARD_THRESHOLDS).orderBy(BOARD_THRESHOLDS.QUEUE).forUpdate().fetch()) {
            Settings.Thresholds t = new Settings.Thresholds(r.getServiceLevelSeconds(), r.getWaitingAmber(), r.getWaitingRed(),
                    r.getLongestWaitAmber(), r.getLongestWaitRed(), r.getServiceLevelAmber(), r.getServiceLevelRed());
            if (r.getQueue().equals(DEFAULTS)) {
                defaults = t;
            } else {
                queues.put(r.getQueue(), t);
            }
        }
        return new Settings.Board(defaults, queues, kioskDays);
    }

    private static void writeReasons(DSLContext dsl, List<String> reasons) {
        for (int i = 0; i < reasons.size(); i++) {
            dsl.insertInto(PAUSE_REASONS).set(PAUSE_REASONS.POSITION, i + 1).set(PAUSE_REASONS.REASON, reasons.get(i))
                    .onDuplicateKeyIgnore().execute();
        }
    }

    private static void writeQueues(DSLContext dsl, List<String> queues) {
        for (int i = 0; i < queues.size(); i++) {
            dsl.insertInto(DESK_QUEUES).set(DESK_QUEUES.POSITION, i + 1).set(DESK_QUEUES.NAME, queues.get(i))
                    .onDuplicateKeyIgnore().execute();
        }
    }

    private static void writeThresholds(DSLContext dsl, Settings.Thresholds defaults, Map<String, Settings.Thresholds> queues) {
        writeThresholds(dsl, DEFAULTS, defaults);
        queues.forEach((q, t) -> writeThresholds(dsl, q, t));
    }

    private static void writeThresholds(DSLContext dsl, String queue, Settings.Thresholds t) {
        dsl.insertInto(BOARD_THRESHOLDS).set(BOARD_THRESHOLDS.QUEUE, queue)
                .set(BOARD_THRESHOLDS.SERVICE_LEVEL_SECONDS, t.serviceLevelSeconds())
                .set(BOARD_THRESHOLDS.WAITING_AMBER, t.waitingAmber()).set(BOARD_THRESHOLDS.WAITING_RED, t.waitingRed())
                .set(BOARD_THRESHOLDS.LONGEST_WAIT_AMBER, t.longestWaitAmber())
                .set(BOARD_THRESHOLDS.LONGEST_WAIT_RED, t.longestWaitRed())
                .set(BOARD_THRESHOLDS.SERVICE_LEVEL_AMBER, t.serviceLevelAmber())
                .set(BOARD_THRESHOLDS.SERVICE_LEVEL_RED, t.serviceLevelRed())
                .onDuplicateKeyIgnore().execute();
    }

    private static String listDetail(List<String> before, List<String> after) {
        return "before: " + String.join(", ", before) + "; after: " + String.join(", ", after);
    }

    /** Only what changed: the defaults and each queue whose own thresholds were added, changed or removed. */
    private static String thresholdsDetail(Settings.Board before, Settings.Board after) {
        List<String> parts = new java.util.ArrayList<>();
        if (!before.defaults().equals(after.defaults())) {
            parts.add("defaults: " + brief(before.defaults()) + " -> " + brief(after.defaults()));
        }
        java.util.SortedSet<String> names = new java.util.TreeSet<>(before.queues().keySet());
        names.addAll(after.queues().keySet());
        for (String q : names) {
            Settings.Thresholds b = before.queues().get(q);
            Settings.Thresholds a = after.queues().get(q);
            if (!java.util.Objects.equals(a, b)) {
                parts.add(q + ": " + (b == null ? "defaults" : brief(b)) + " -> " + (a == null ? "defaults" : brief(a)));
            }
        }
        return parts.isEmpty() ? "no change" : String.join("; ", parts);
    }

    /** Thresholds in a few characters: {@code SL 20s, waiting 3/6, longest 60/120 s, level 80/60 %}. */
    static String brief(Settings.Thresholds t) {
        return "SL " + t.serviceLevelSeconds() + "s, waiting " + t.waitingAmber() + "/" + t.waitingRed() + ", longest "
                + t.longestWaitAmber() + "/" + t.longestWaitRed() + " s, level " + t.serviceLevelAmber() + "/"
                + t.serviceLevelRed() + " %";
    }
}
