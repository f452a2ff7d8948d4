package io.firstline.kpi;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The periods of a report: the days or hours of a range of days in the help desk's time zone,
 * as instants, so that a day is 23 or 25 hours long when the clocks change. Pure; any thread.
 */
public final class ReportPeriods {

    /** How a report is broken down. */
    public enum By {
        DAY, HOUR;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One period, [start, end).
     *
     * @param label the local day ({@code 2026-11-24}) or the local hour with its offset
     *     ({@code 2026-10-25T02:00+01:00}; the offset tells apart the two 02:00 of the autumn change)
     */
    public record Period(String label, Instant start, Instant end) {
    }

    private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmxxx");

    private ReportPeriods() {
    }

    /** The periods from the start of {@code from} to the end of {@code toInclusive}, both local days in {@code zone}. */
    public static List<Period> of(ZoneId zone, LocalDate from, LocalDate toInclusive, By by) {
        if (toInclusive.isBefore(from)) {
            throw new IllegalArgumentException("the range ends (" + toInclusive + ") before it starts (" + from + ")");
        }
        List<Period> periods = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(toInclusive); day = day.plusDays(1)) {
            Instant dayStart = day.atStartOfDay(zone).toInstant();
            Instant dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
            if (by == By.DAY) {
                periods.add(new Period(day.toString(), dayStart, dayEnd));
                continue;
            }
            // Hours are counted on the time line, not the wall clock, so a skipped hour has no period
            // and a repeated one has two.
            for (Instant h = dayStart; h.isBefore(dayEnd); ) {
                ZonedDateTime local = h.atZone(zone);
                Instant next = local.truncatedTo(ChronoUnit.HOURS).toInstant().plus(1, ChronoUnit.HOURS);
                if (next.isAfter(dayEnd)) {
                    next = dayEnd;
                }
                periods.add(new Period(local.format(HOUR_LABEL), h, next));
                h = next;
            }
        }
        return List.copyOf(periods);
    }

    /** The index of the period holding {@code t}, or -1 when {@code t} is outside them all. */
    public static int indexOf(List<Period> periods, Instant t) {
        int i = Collections.binarySearch(periods, null, (p, ignored) -> {
            if (t.isBefore(p.start())) {
                return 1;
            }
            return t.isBefore(p.end()) ? 0 : -1;
        });
        return i >= 0 ? i : -1;
    }
}
