package io.firstline.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("today's time signed in and paused, from the stored intervals")
class PresenceDayTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final LocalDate DAY = LocalDate.of(2026, 11, 24);
    private static final Instant DAY_START = DAY.atStartOfDay(ZONE).toInstant();
    private static final String ALICE = "Local/1001@agents/n";

    private static Instant at(int hour, int minute) {
        return DAY.atTime(LocalTime.of(hour, minute)).atZone(ZONE).toInstant();
    }

    private static PresenceInterval in(String iface, Instant start, Instant end) {
        return new PresenceInterval("pbx", iface, PresenceKind.SIGNED_IN, null, start, end);
    }

    private static PresenceInterval paused(String reason, Instant start, Instant end) {
        return new PresenceInterval("pbx", ALICE, PresenceKind.PAUSED, reason, start, end);
    }

    @Test
    @DisplayName("an interval begun yesterday counts from midnight in the server's zone; one that ended yesterday not at all")
    void dayBoundaryClips() {
        Instant yesterdayEvening = DAY.minusDays(1).atTime(22, 0).atZone(ZONE).toInstant();
        Map<String, PresenceDay.Totals> t = PresenceDay.totals(List.of(
                in(ALICE, yesterdayEvening, at(1, 30)),
                in("Local/1002@agents/n", yesterdayEvening, DAY_START.minusSeconds(60))), DAY_START, at(12, 0));
        assertThat(t.get("local/1001@agents").signedInSeconds()).isEqualTo(90 * 60);
        assertThat(t).doesNotContainKey("local/1002@agents");
    }

    @Test
    @DisplayName("an open interval counts up to now, and only up to now")
    void openIntervalsCountToNow() {
        Map<String, PresenceDay.Totals> t = PresenceDay.totals(List.of(in(ALICE, at(8, 0), null),
                paused("lunch", at(11, 50), null)), DAY_START, at(12, 0));
        assertThat(t.get("local/1001@agents")).isEqualTo(new PresenceDay.Totals(4 * 3600, 600, Map.of("lunch", 600L)));
    }

    @Test
    @DisplayName("a pause whose reason changed counts once in all, each part under its reason, the longest first")
    void reasonChanges() {
        Map<String, PresenceDay.Totals> t = PresenceDay.totals(List.of(in(ALICE, at(8, 0), at(17, 0)),
                paused("break", at(10, 0), at(10, 5)), paused("lunch", at(10, 5), at(10, 45)),
                // a pause without a reason, and one overlapping the lunch by a minute (a late close written after the open)
                paused(null, at(15, 0), at(15, 10)), paused("training", at(10, 44), at(11, 0))), DAY_START, at(18, 0));
        PresenceDay.Totals alice = t.get("local/1001@agents");
        assertThat(alice.signedInSeconds()).isEqualTo(9 * 3600);
        assertThat(alice.pausedSeconds()).isEqualTo((60 + 10) * 60);
        assertThat(alice.pausedByReason()).containsEntry("lunch", 40 * 60L).containsEntry("training", 16 * 60L)
                .containsEntry(null, 10 * 60L).containsEntry("break", 5 * 60L).hasSize(4);
        assertThat(new java.util.ArrayList<>(alice.pausedByReason().keySet())).containsExactly("lunch", "training", null, "break");
    }

    @Test
    @DisplayName("a member of queues on two PBXs, or reported as Local/…/n and local/…, is signed in once")
    void overlapsCountOnce() {
        Map<String, PresenceDay.Totals> t = PresenceDay.totals(List.of(in(ALICE, at(9, 0), at(11, 0)),
                new PresenceInterval("south", "local/1001@agents", PresenceKind.SIGNED_IN, null, at(10, 0), at(12, 0)),
                in(ALICE, at(14, 0), at(14, 30))), DAY_START, at(18, 0));
        assertThat(t).containsOnlyKeys("local/1001@agents");
        assertThat(t.get("local/1001@agents").signedInSeconds()).isEqualTo(3 * 3600 + 1800);
        assertThat(t.get("local/1001@agents").pausedSeconds()).isZero();
    }

    @Test
    @DisplayName("parts of a second add up before they are cut to whole seconds")
    void wholeSeconds() {
        assertThat(PresenceDay.seconds(List.of(new Instant[] {at(9, 0), at(9, 0).plusMillis(700)},
                new Instant[] {at(9, 1), at(9, 1).plusMillis(700)}))).isEqualTo(1);
        assertThat(PresenceDay.seconds(List.of())).isZero();
    }

    @Test
    @DisplayName("prepared once when read, the totals at any later moment are those of going over every interval then")
    void preparedGivesTheSameTotals() {
        java.util.Random random = new java.util.Random(13);
        List<String> members = List.of(ALICE, "local/1001@agents", "Local/1002@agents/n", "PJSIP/2001", "PJSIP/2002");
        List<String> reasons = java.util.Arrays.asList("lunch", "coffee", null, "training");
        Instant yesterday = DAY_START.minusSeconds(3 * 3600);
        Instant readAt = at(12, 0);
        List<PresenceInterval> intervals = new java.util.ArrayList<>();
        for (int n = 0; n < 400; n++) {
            Instant start = yesterday.plusMillis(random.nextLong((readAt.toEpochMilli() - yesterday.toEpochMilli())));
            Instant end = random.nextInt(5) == 0 ? null
                    : start.plusMillis(random.nextLong(3_600_000)).isAfter(readAt) ? readAt : start.plusMillis(random.nextLong(3_600_000));
            String member = members.get(random.nextInt(members.size()));
            intervals.add(random.nextBoolean() ? in(member, start, end)
                    : new PresenceInterval("pbx", member, PresenceKind.PAUSED, reasons.get(random.nextInt(reasons.size())), start, end));
        }
        // One member with nothing open and one with nothing at all today.
        intervals.add(in("PJSIP/3001", at(8, 0), at(9, 0)));
        intervals.add(in("PJSIP/3002", yesterday, DAY_START.minusSeconds(1)));
        PresenceDay.Prepared prepared = new PresenceDay.Prepared(intervals, DAY_START);
        List<String> keys = List.of("local/1001@agents", "local/1002@agents", "pjsip/2001", "pjsip/2002", "pjsip/3001",
                "pjsip/3002", "pjsip/9999");
        for (Instant now : List.of(readAt, readAt.plusMillis(1), readAt.plusMillis(999), at(12, 30), at(23, 59),
                // before the read (a clock put back) and the next day before it is read: worked out from the intervals
                at(10, 0), DAY_START.plusSeconds(86_400 + 60))) {
            Instant dayStart = now.isBefore(DAY_START.plusSeconds(86_400)) ? DAY_START : DAY_START.plusSeconds(86_400);
            Map<String, PresenceDay.Totals> all = PresenceDay.totals(intervals, dayStart, now);
            for (String key : keys) {
                assertThat(prepared.totals(key, dayStart, now)).as(key + " at " + now)
                        .isEqualTo(all.getOrDefault(key, PresenceDay.Totals.NONE));
                assertThat(new java.util.ArrayList<>(prepared.totals(key, dayStart, now).pausedByReason().keySet()))
                        .as("reasons' order").isEqualTo(new java.util.ArrayList<>(all.getOrDefault(key, PresenceDay.Totals.NONE)
                                .pausedByReason().keySet()));
            }
        }
    }
}
