package io.firstline.board;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.config.Settings;
import io.firstline.kpi.CallFact;
import io.firstline.kpi.Figures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TodayFiguresTest {

    private static final Instant DAY = Instant.parse("2026-11-24T00:00:00Z");

    private static CallFact answered(String at, int wait, long agent) {
        return new CallFact("hardware", agent, Instant.parse(at), CallFact.Result.ANSWERED, wait, 60, null, null, null);
    }

    private static CallFact abandoned(String at) {
        return new CallFact("software", null, Instant.parse(at), CallFact.Result.ABANDONED, 30, null, null, null, null);
    }

    @Test
    @DisplayName("each quarter hour counts its own calls and shows the day's service level at its end, an empty one"
            + " the level before it")
    void chart() {
        Settings.Board settings = new Settings.Board(Settings.Thresholds.STANDARD,
                Map.of("software", new Settings.Thresholds(60, 3, 6, 60, 120, 80, 60)), 30);
        List<CallFact> calls = List.of(answered("2026-11-24T00:01:00Z", 5, 1), answered("2026-11-24T00:14:59Z", 50, 2),
                abandoned("2026-11-24T00:15:00Z"), answered("2026-11-24T00:50:00Z", 1, 1));
        Instant now = Instant.parse("2026-11-24T01:00:00Z");
        TodayFigures today = new TodayFigures(settings, DAY, now);
        calls.forEach(today::add);

        JsonArray buckets = today.chart().getJsonArray("buckets");
        assertThat(buckets).hasSize(4);
        for (int i = 0; i < 4; i++) {
            Instant start = DAY.plusSeconds(900L * i);
            Instant end = start.plusSeconds(900);
            Figures own = new Figures(q -> settings.forQueue(q).serviceLevelSeconds());
            Figures sofar = new Figures(q -> settings.forQueue(q).serviceLevelSeconds());
            calls.stream().filter(c -> !c.queuedAt().isBefore(start) && c.queuedAt().isBefore(end)).forEach(own::add);
            calls.stream().filter(c -> c.queuedAt().isBefore(end)).forEach(sofar::add);
            JsonObject b = buckets.getJsonObject(i);
            assertThat(b.getString("at")).isEqualTo(start.toString());
            assertThat(List.of(b.getInteger("offered"), b.getInteger("answered"), b.getInteger("abandoned")))
                    .as("quarter %d", i).containsExactly(own.offered(), own.answered(), own.abandoned());
            assertThat(b.getDouble("serviceLevelPercent")).as("quarter %d", i).isEqualTo(sofar.serviceLevelPercent());
        }
        assertThat(buckets.getJsonObject(2).getDouble("serviceLevelPercent")).as("nothing new in the third quarter")
                .isEqualTo(buckets.getJsonObject(1).getDouble("serviceLevelPercent"));
        assertThat(today.chart().getInteger("serviceLevelSeconds")).as("two queues, two thresholds").isNull();
        assertThat(today.byQueue().keySet()).containsExactly("hardware", "software");
        assertThat(today.handled()).isEqualTo(Map.of(1L, 2, 2L, 1));
    }

    @Test
    @DisplayName("today's figures are read at most once a second, and no sooner than ten times the last read took, up to 15 s")
    void slowReadsComeLessOften() {
        assertThat(LiveBoard.figuresGapMs(0)).isEqualTo(1_000);
        assertThat(LiveBoard.figuresGapMs(99)).isEqualTo(1_000);
        assertThat(LiveBoard.figuresGapMs(350)).isEqualTo(3_500);
        assertThat(LiveBoard.figuresGapMs(60_000)).isEqualTo(15_000);
    }
}
