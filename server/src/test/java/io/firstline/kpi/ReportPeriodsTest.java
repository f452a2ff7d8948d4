package io.firstline.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstline.kpi.ReportPeriods.By;
import io.firstline.kpi.ReportPeriods.Period;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("report periods: days and hours of the help desk's time zone, right across clock changes")
class ReportPeriodsTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    @DisplayName("a day runs from local midnight to local midnight, and the last day is included")
    void days() {
        List<Period> p = ReportPeriods.of(PARIS, LocalDate.parse("2026-11-23"), LocalDate.parse("2026-11-24"), By.DAY);
        assertThat(p).extracting(Period::label).containsExactly("2026-11-23", "2026-11-24");
        assertThat(p.get(0).start()).isEqualTo(Instant.parse("2026-11-22T23:00:00Z"));
        assertThat(p.get(1).end()).isEqualTo(Instant.parse("2026-11-24T23:00:00Z"));
        assertThat(p.get(0).end()).isEqualTo(p.get(1).start());
    }

    @Test
    @DisplayName("the day the clocks go back has 25 hours, two of them labelled 02:00 with different offsets")
    void autumn() {
        LocalDate day = LocalDate.parse("2026-10-25");
        List<Period> days = ReportPeriods.of(PARIS, day, day, By.DAY);
        assertThat(Duration.between(days.get(0).start(), days.get(0).end())).isEqualTo(Duration.ofHours(25));
        List<Period> hours = ReportPeriods.of(PARIS, day, day, By.HOUR);
        assertThat(hours).hasSize(25);
        assertThat(hours).extracting(Period::label).contains("2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00");
        assertThat(hours.get(0).start()).isEqualTo(days.get(0).start());
        assertThat(hours.get(24).end()).isEqualTo(days.get(0).end());
        hours.forEach(h -> assertThat(Duration.between(h.start(), h.end())).isEqualTo(Duration.ofHours(1)));
    }

    @Test
    @DisplayName("the day the clocks go forward has 23 hours and no 02:00")
    void spring() {
        LocalDate day = LocalDate.parse("2026-03-29");
        List<Period> hours = ReportPeriods.of(PARIS, day, day, By.HOUR);
        assertThat(hours).hasSize(23);
        assertThat(hours).extracting(Period::label).doesNotContain("2026-03-29T02:00+01:00", "2026-03-29T02:00+02:00")
                .contains("2026-03-29T01:00+01:00", "2026-03-29T03:00+02:00");
    }

    @Test
    @DisplayName("where the clocks skip midnight (Santiago), the day starts at 01:00 and has 23 hours")
    void noMidnight() {
        LocalDate day = LocalDate.parse("2026-09-06");
        ZoneId santiago = ZoneId.of("America/Santiago");
        List<Period> hours = ReportPeriods.of(santiago, day.minusDays(1), day, By.HOUR);
        assertThat(hours).hasSize(24 + 23);
        assertThat(hours.get(24).label()).isEqualTo("2026-09-06T01:00-03:00");
        assertThat(hours.get(23).end()).isEqualTo(hours.get(24).start());
        List<Period> days = ReportPeriods.of(santiago, day, day, By.DAY);
        assertThat(Duration.between(days.get(0).start(), days.get(0).end())).isEqualTo(Duration.ofHours(23));
    }

    @Test
    @DisplayName("a zone half an hour off UTC still gets whole local hours")
    void halfHourZone() {
        LocalDate day = LocalDate.parse("2026-11-24");
        List<Period> hours = ReportPeriods.of(ZoneId.of("Asia/Kolkata"), day, day, By.HOUR);
        assertThat(hours).hasSize(24);
        assertThat(hours.get(0).start()).isEqualTo(Instant.parse("2026-11-23T18:30:00Z"));
        assertThat(hours.get(9).label()).isEqualTo("2026-11-24T09:00+05:30");
    }

    @Test
    @DisplayName("an instant falls in exactly one period: starts included, ends excluded, outside is -1")
    void indexOf() {
        LocalDate day = LocalDate.parse("2026-10-25");
        List<Period> hours = ReportPeriods.of(PARIS, day, day.plusDays(1), By.HOUR);
        assertThat(ReportPeriods.indexOf(hours, hours.get(0).start())).isZero();
        assertThat(ReportPeriods.indexOf(hours, Instant.parse("2026-10-25T00:59:59Z"))).isEqualTo(2); // the first 02:00
        assertThat(ReportPeriods.indexOf(hours, Instant.parse("2026-10-25T01:00:00Z"))).isEqualTo(3); // the second 02:00
        assertThat(ReportPeriods.indexOf(hours, hours.get(hours.size() - 1).end())).isEqualTo(-1);
        assertThat(ReportPeriods.indexOf(hours, hours.get(0).start().minusMillis(1))).isEqualTo(-1);
        for (int i = 0; i < hours.size(); i++) {
            assertThat(ReportPeriods.indexOf(hours, hours.get(i).start().plusSeconds(1799))).isEqualTo(i);
        }
    }

    @Test
    @DisplayName("a range that ends before it starts is refused")
    void backwards() {
        assertThatThrownBy(() -> ReportPeriods.of(PARIS, LocalDate.parse("2026-11-24"), LocalDate.parse("2026-11-23"), By.DAY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
