package io.firstline.settings;

import io.firstline.bus.Bus;
import io.firstline.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-time settings in force, for every part of the server: an immutable {@link RunSettings} read from the
 * database at start and again on each {@link Bus#SETTINGS_CHANGED}. {@link #now()} never blocks and may be called
 * from any thread (the call flow's board reads it on its own context).
 */
public final class CurrentSettings {

    private static final Logger log = LoggerFactory.getLogger(CurrentSettings.class);

    private final SettingsStore store;
    private final int kioskDays;
    private volatile RunSettings now;
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    private long applied;

    private CurrentSettings(SettingsStore store, int kioskDays, RunSettings first) {
        this.store = store;
        this.kioskDays = kioskDays;
        this.now = first;
    }

    /**
     * Fills the database from the start's settings where it has none yet, reads what is in force, and says in the
     * log where a setting given at start is not the one in force (the administrators changed it since).
     */
    public static Future<CurrentSettings> start(SettingsStore store, Settings start) {
        RunSettings given = RunSettings.fromStart(start);
        return store.seedAndLoad(given).map(inForce -> {
            warnOverridden(start, given, inForce);
            return new CurrentSettings(store, start.board().kioskDays(), inForce);
        });
    }

    /** Reads the settings again on every notice that they changed (here or on another node). */
    public void listen(Vertx vertx) {
        Bus.listen(vertx, Bus.SETTINGS_CHANGED, none -> reload()
                .onFailure(e -> log.warn("settings: not read again after a change: {}", e.getMessage())));
    }

    public RunSettings now() {
        return now;
    }

    /** Reads what is in force from the database; once it completes, {@link #now()} is it. */
    public Future<RunSettings> reload() {
        long read = reads.incrementAndGet();
        return store.load(kioskDays).onSuccess(s -> keep(read, s));
    }

    /** Reads may end out of order: one begun later saw the later state, so an earlier one does not undo it. */
    private synchronized void keep(long read, RunSettings s) {
        if (read > applied) {
            applied = read;
            now = s;
        }
    }

    private static void warnOverridden(Settings start, RunSettings given, RunSettings inForce) {
        var where = start.runTimeGiven();
        if (where.containsKey("PAUSE_REASONS") && !given.pauseReasons().equals(inForce.pauseReasons())) {
            log.warn("{} is ignored: the pause reasons set on the admin page are in force ({}); change them on /admin/settings",
                    where.get("PAUSE_REASONS"), String.join(",", inForce.pauseReasons()));
        }
        if (where.containsKey("DESK_QUEUES") && !given.deskQueues().equals(inForce.deskQueues())) {
            log.warn("{} is ignored: the desk queues set on the admin page are in force ({}); change them on /admin/settings",
                    where.get("DESK_QUEUES"), String.join(",", inForce.deskQueues()));
        }
        var thresholdKeys = where.keySet().stream().filter(k -> !k.equals("PAUSE_REASONS") && !k.equals("DESK_QUEUES")).toList();
        if (!thresholdKeys.isEmpty() && (!given.board().defaults().equals(inForce.board().defaults())
                || !given.board().queues().equals(inForce.board().queues()))) {
            log.warn("{} ignored: the wallboard thresholds set on the admin page are in force; change them on /admin/settings",
                    String.join(", ", thresholdKeys.stream().map(where::get).toList()));
        }
    }
}
