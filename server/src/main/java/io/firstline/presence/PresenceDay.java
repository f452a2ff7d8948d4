package io.firstline.presence;

import io.firstline.calls.MemberView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long each member was signed in and paused in one day so far: the intervals clipped to [day start, now], open
 * ones counted up to now. Overlaps count once: a member of queues on two PBXs is signed in once, and a pause whose
 * reason changed is not paused twice at the change. Members are keyed as the board compares interfaces
 * ({@link MemberView#interfaceKey}). Pure; any thread.
 */
public final class PresenceDay {

    /**
     * One member's day.
     *
     * @param pausedByReason paused seconds per reason, the longest first; the key is null for pauses without one
     */
    public record Totals(long signedInSeconds, long pausedSeconds, Map<String, Long> pausedByReason) {
        /** A member with no interval today: neither signed in nor paused at all. */
        public static final Totals NONE = new Totals(0, 0, Map.of());
    }

    private PresenceDay() {
    }

    /** The day's totals per member (by interface key) of the given intervals, over [dayStart, now]. */
    public static Map<String, Totals> totals(List<PresenceInterval> intervals, Instant dayStart, Instant now) {
        Map<String, List<Instant[]>> signedIn = new HashMap<>();
        Map<String, List<Instant[]>> paused = new HashMap<>();
        Map<String, Map<String, List<Instant[]>>> byReason = new HashMap<>();
        for (PresenceInterval i : intervals) {
            Instant from = i.start().isBefore(dayStart) ? dayStart : i.start();
            Instant to = i.end() == null || i.end().isAfter(now) ? now : i.end();
            if (!to.isAfter(from)) {
                continue;
            }
            String key = MemberView.interfaceKey(i.memberInterface());
            Instant[] span = {from, to};
            if (i.kind() == PresenceKind.SIGNED_IN) {
                signedIn.computeIfAbsent(key, k -> new ArrayList<>()).add(span);
            } else {
                paused.computeIfAbsent(key, k -> new ArrayList<>()).add(span);
                byReason.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(i.reason(), r -> new ArrayList<>())
                        .add(span);
            }
        }
        Map<String, Totals> out = new TreeMap<>();
        for (String key : union(signedIn.keySet(), paused.keySet())) {
            Map<String, Long> reasons = new LinkedHashMap<>();
            byReason.getOrDefault(key, Map.of()).entrySet().stream()
                    .map(e -> Map.entry(e.getKey() == null ? "" : e.getKey(), seconds(e.getValue())))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> reasons.put(e.getKey().isEmpty() ? null : e.getKey(), e.getValue()));
            out.put(key, new Totals(seconds(signedIn.getOrDefault(key, List.of())), seconds(paused.getOrDefault(key, List.of())),
                    reasons));
        }
        return out;
    }

    /** The whole seconds the spans cover, overlaps counted once. */
    static long seconds(List<Instant[]> spans) {
        List<Instant[]> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparing((Instant[] s) -> s[0]));
        long millis = 0;
        Instant from = null;
        Instant to = null;
        for (Instant[] s : sorted) {
            if (to == null || s[0].isAfter(to)) {
                if (to != null) {
                    millis += Duration.between(from, to).toMillis();
                }
                from = s[0];
                to = s[1];
            } else if (s[1].isAfter(to)) {
                to = s[1];
            }
        }
        if (to != null) {
            millis += Duration.between(from, to).toMillis();
        }
        return millis / 1000;
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
