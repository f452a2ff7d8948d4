package io.firstline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Clocks for servers under test: they tick at the real pace (timeouts, waits and durations stay true) but start at a
 * chosen moment, so that a test does not depend on today's date, on crossing midnight or on the machine's zone.
 */
public final class TestClock {

    /** The day tests that count "today" run on: a Tuesday, far from midnight and from daylight-saving changes. */
    public static final LocalDate DAY = LocalDate.of(2026, 11, 24);

    private TestClock() {
    }

    /** A ticking clock that reads 10:00 on {@link #DAY} in {@code zone} now: a test has fourteen hours before midnight. */
    public static Clock morning(ZoneId zone) {
        return startingAt(DAY.atTime(10, 0), zone);
    }

    /** A ticking UTC clock that reads {@code start} (in {@code zone}) now. */
    public static Clock startingAt(LocalDateTime start, ZoneId zone) {
        return startingAt(start.atZone(zone).toInstant());
    }

    /** A ticking UTC clock that reads {@code start} (in {@code zone}) now and that the test may move on. */
    public static Adjustable adjustable(LocalDateTime start, ZoneId zone) {
        return new Adjustable(Duration.between(Instant.now(), start.atZone(zone).toInstant()));
    }

    /** A ticking UTC clock that a test moves on, e.g. over midnight, instead of waiting for it. */
    public static final class Adjustable extends Clock {

        private volatile Duration offset;

        private Adjustable(Duration offset) {
            this.offset = offset;
        }

        /** From now on the clock reads {@code moment}, and ticks on from there. */
        public void jumpTo(Instant moment) {
            offset = Duration.between(Instant.now(), moment);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.offset(Clock.system(zone), offset);
        }
    }

    /** A ticking UTC clock that reads {@code start} now. */
    public static Clock startingAt(Instant start) {
        return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), start));
    }
}
