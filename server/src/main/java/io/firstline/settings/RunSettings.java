package io.firstline.settings;

import io.firstline.config.Settings;
import java.util.List;

/**
 * The settings administrators change at run time, as they are in force now: the pause reasons, the desk's queues
 * and the wallboard's thresholds (with the start-only kiosk days). Immutable: a change makes a new one.
 */
public record RunSettings(List<String> pauseReasons, List<String> deskQueues, Settings.Board board) {

    public RunSettings {
        pauseReasons = List.copyOf(pauseReasons);
        deskQueues = List.copyOf(deskQueues);
    }

    /** What the environment (or the defaults) gave at start: the first values of a database that has none. */
    public static RunSettings fromStart(Settings s) {
        return new RunSettings(s.pauseReasons(), s.desk().queues(), s.board());
    }
}
