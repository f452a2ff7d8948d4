package io.firstline.config;

import java.util.List;
import java.util.Optional;

/**
 * What makes a run-time setting valid (pause reasons, desk queues, wallboard thresholds): the one set of rules
 * that both the start-up settings ({@link SettingsLoader}) and the administrators' API apply. Pure; any thread.
 */
public final class RunTimeRules {

    public static final int MAX_PAUSE_REASONS = 50;
    public static final int MAX_DESK_QUEUES = 100;
    public static final int MAX_QUEUE_THRESHOLDS = 200;
    /** Bounds of the service level's threshold in seconds, callers waiting, and the longest wait in seconds. */
    public static final int SL_SECONDS_MIN = 1;
    public static final int SL_SECONDS_MAX = 3600;
    public static final int WAITING_MAX = 10_000;
    public static final int LONGEST_WAIT_MAX = 86_400;
    private static final String REASON = "[a-z0-9][a-z0-9 _-]{0,39}";
    private static final String QUEUE = "[A-Za-z0-9_-]{1,80}";

    /** A rule broken: what is wrong, for a person; the caller says where (an environment variable or a field). */
    public static final class Broken extends RuntimeException {
        private final String part;

        Broken(String part, String what) {
            super(what);
            this.part = part;
        }

        /** Which part of a thresholds set is wrong ({@code waiting}, {@code longestWait}, …), or null. */
        public String part() {
            return part;
        }
    }

    private RunTimeRules() {
    }

    /** Stripped, without empties and repeats, each checked; at least one. */
    public static List<String> pauseReasons(List<String> given) {
        List<String> reasons = given.stream().map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        for (String r : reasons) {
            if (!r.matches(REASON)) {
                throw new Broken(null, "'" + clip(r) + "' is not a reason (lower-case letters, digits, space, - and _, up to 40)");
            }
        }
        if (reasons.isEmpty()) {
            throw new Broken(null, "empty; give at least one reason, e.g. break,lunch");
        }
        if (reasons.size() > MAX_PAUSE_REASONS) {
            throw new Broken(null, "at most " + MAX_PAUSE_REASONS + " reasons");
        }
        return reasons;
    }

    /** Stripped, without empties and repeats, each a queue name; at least one. */
    public static List<String> deskQueues(List<String> given) {
        List<String> queues = given.stream().map(String::strip).filter(q -> !q.isEmpty()).distinct().toList();
        for (String q : queues) {
            queueName(q).ifPresent(why -> {
                throw new Broken(null, why);
            });
        }
        if (queues.isEmpty()) {
            throw new Broken(null, "empty; give at least one queue, e.g. helpdesk");
        }
        if (queues.size() > MAX_DESK_QUEUES) {
            throw new Broken(null, "at most " + MAX_DESK_QUEUES + " queues");
        }
        return queues;
    }

    /** Why a text is not a queue name, or empty when it is one. */
    public static Optional<String> queueName(String q) {
        return q.matches(QUEUE) ? Optional.empty()
                : Optional.of("'" + clip(q) + "' is not a queue name (letters, digits, _ and -, up to 80)");
    }

    /**
     * An amber/red pair: within [min, max], amber before red: {@code amber <= red} when the value rises towards red
     * (callers waiting, seconds), {@code amber >= red} when it falls (service level percent).
     */
    public static boolean pairInOrder(int amber, int red, int min, int max, boolean rising) {
        return amber >= min && amber <= max && red >= min && red <= max && (rising ? amber <= red : amber >= red);
    }

    /** Checks a whole set of thresholds; {@link Broken#part()} names the wrong part. */
    public static Settings.Thresholds thresholds(Settings.Thresholds t) {
        if (t.serviceLevelSeconds() < SL_SECONDS_MIN || t.serviceLevelSeconds() > SL_SECONDS_MAX) {
            throw new Broken("serviceLevelSeconds", t.serviceLevelSeconds() + " is out of range (" + SL_SECONDS_MIN + "-"
                    + SL_SECONDS_MAX + ")");
        }
        if (!pairInOrder(t.waitingAmber(), t.waitingRed(), 0, WAITING_MAX, true)) {
            throw new Broken("waiting", "amber " + t.waitingAmber() + ", red " + t.waitingRed()
                    + ": give amber <= red, within 0-" + WAITING_MAX + " (0: never)");
        }
        if (!pairInOrder(t.longestWaitAmber(), t.longestWaitRed(), 0, LONGEST_WAIT_MAX, true)) {
            throw new Broken("longestWaitSeconds", "amber " + t.longestWaitAmber() + ", red " + t.longestWaitRed()
                    + ": give amber <= red, within 0-" + LONGEST_WAIT_MAX + " (0: never)");
        }
        if (!pairInOrder(t.serviceLevelAmber(), t.serviceLevelRed(), 0, 100, false)) {
            throw new Broken("serviceLevelPercent", "amber " + t.serviceLevelAmber() + ", red " + t.serviceLevelRed()
                    + ": give amber >= red (the level falls towards red), within 0-100");
        }
        return t;
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
