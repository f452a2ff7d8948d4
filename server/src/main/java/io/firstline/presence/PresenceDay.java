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
        return millis(spans) / 1000;
    }

    /** The milliseconds the spans cover, overlaps counted once (each merged span's counted in whole milliseconds). */
    private static long millis(List<Instant[]> spans) {
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
        return millis;
    }

    /**
     * Today's intervals gone over once, when they are read, so that a member's totals at any later moment take no pass
     * over everybody's intervals: the board asks for them at every update, for every agent. What was closed when they
     * were read is summed once; what was open grows with now. The same figures as {@link #totals}.
     */
    public static final class Prepared {

        private final Instant dayStart;
        /** No interval starts or ends after this: from then on, only the open ones grow. */
        private final Instant settledAt;
        private final Map<String, List<PresenceInterval>> byMember = new HashMap<>();
        private final Map<String, Member> members = new HashMap<>();

        /** @param dayStart the start of the day the intervals were read for */
        public Prepared(List<PresenceInterval> intervals, Instant dayStart) {
            this.dayStart = dayStart;
            Instant settled = dayStart;
            for (PresenceInterval i : intervals) {
                byMember.computeIfAbsent(MemberView.interfaceKey(i.memberInterface()), k -> new ArrayList<>()).add(i);
                settled = later(settled, i.start());
                if (i.end() != null) {
                    settled = later(settled, i.end());
                }
            }
            settledAt = settled;
            byMember.forEach((key, mine) -> members.put(key, Member.of(mine, dayStart)));
        }

        /** A member's totals (by interface key) over [dayStart, now]; {@link Totals#NONE} for one without intervals. */
        public Totals totals(String key, Instant dayStart, Instant now) {
            if (!dayStart.equals(this.dayStart) || now.isBefore(settledAt)) {
                // A new day not read yet, or a clock behind the intervals: go over this member's intervals.
                List<PresenceInterval> mine = byMember.get(key);
                return mine == null ? Totals.NONE : PresenceDay.totals(mine, dayStart, now).getOrDefault(key, Totals.NONE);
            }
            Member m = members.get(key);
            return m == null ? Totals.NONE : m.at(now);
        }

        private static Instant later(Instant a, Instant b) {
            return b.isAfter(a) ? b : a;
        }
    }

    /** One member's day, ready for any now after its last interval began or ended. */
    private record Member(Running signedIn, Running paused, Map<String, Running> byReason) {

        static Member of(List<PresenceInterval> intervals, Instant dayStart) {
            List<PresenceInterval> signedIn = new ArrayList<>();
            List<PresenceInterval> paused = new ArrayList<>();
            Map<String, List<PresenceInterval>> byReason = new HashMap<>();
            for (PresenceInterval i : intervals) {
                if (i.kind() == PresenceKind.SIGNED_IN) {
                    signedIn.add(i);
                } else {
                    paused.add(i);
                    byReason.computeIfAbsent(i.reason() == null ? "" : i.reason(), r -> new ArrayList<>()).add(i);
                }
            }
            Map<String, Running> reasons = new HashMap<>();
            byReason.forEach((r, list) -> reasons.put(r, Running.of(list, dayStart)));
            return new Member(Running.of(signedIn, dayStart), Running.of(paused, dayStart), reasons);
        }

        Totals at(Instant now) {
            if (!signedIn.counts(now) && !paused.counts(now)) {
                return Totals.NONE;
            }
            Map<String, Long> reasons = new LinkedHashMap<>();
            byReason.entrySet().stream().filter(e -> e.getValue().counts(now))
                    .map(e -> Map.entry(e.getKey(), e.getValue().millis(now) / 1000))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> reasons.put(e.getKey().isEmpty() ? null : e.getKey(), e.getValue()));
            return new Totals(signedIn.millis(now) / 1000, paused.millis(now) / 1000, reasons);
        }
    }

    /**
     * Spans of one kind: the closed ones' cover before the earliest open one began, and that beginning (null when none
     * is open): at any later now they cover that plus the open one's time up to now.
     *
     * @param closedSpans whether any closed span had some length in the day (a total is shown for it even when 0 s)
     */
    private record Running(long closedMillis, boolean closedSpans, Instant openFrom) {

        static Running of(List<PresenceInterval> intervals, Instant dayStart) {
            Instant openFrom = null;
            for (PresenceInterval i : intervals) {
                if (i.end() == null) {
                    Instant from = i.start().isBefore(dayStart) ? dayStart : i.start();
                    openFrom = openFrom == null || from.isBefore(openFrom) ? from : openFrom;
                }
            }
            List<Instant[]> before = new ArrayList<>();
            boolean closedSpans = false;
            for (PresenceInterval i : intervals) {
                if (i.end() == null) {
                    continue;
                }
                Instant from = i.start().isBefore(dayStart) ? dayStart : i.start();
                closedSpans |= i.end().isAfter(from);
                Instant to = openFrom != null && i.end().isAfter(openFrom) ? openFrom : i.end();
                if (to.isAfter(from)) {
                    before.add(new Instant[] {from, to});
                }
            }
            return new Running(PresenceDay.millis(before), closedSpans, openFrom);
        }

        boolean counts(Instant now) {
            return closedSpans || openFrom != null && now.isAfter(openFrom);
        }

        long millis(Instant now) {
            return openFrom == null || !now.isAfter(openFrom) ? closedMillis : closedMillis + Duration.between(openFrom, now).toMillis();
        }
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
