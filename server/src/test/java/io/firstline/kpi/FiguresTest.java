package io.firstline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the queue KPIs as docs/kpis.md defines them")
class FiguresTest {

    private static final Instant T = Instant.parse("2026-11-24T09:00:00Z");

    private static CallFact answered(int wait, Integer talk, Integer wrapup, String disposition) {
        return new CallFact("software", 7L, T, CallFact.Result.ANSWERED, wait, talk, wrapup, disposition, "software");
    }

    private static CallFact lost(CallFact.Result r, int wait) {
        return new CallFact("software", null, T, r, wait, null, null, null, "hardware");
    }

    @Test
    @DisplayName("nothing offered: counts are zero and shares and averages are unknown, not zero")
    void empty() {
        Figures f = new Figures(20);
        assertThat(f.offered()).isZero();
        assertThat(f.abandonedPercent()).isNull();
        assertThat(f.serviceLevelPercent()).isNull();
        assertThat(f.averageWaitSeconds()).isNull();
        assertThat(f.averageHandleSeconds()).isNull();
        assertThat(f.firstCallResolutionPercent()).isNull();
    }

    @Test
    @DisplayName("service level counts answers within the threshold among decided calls; waiting calls do not count yet")
    void serviceLevel() {
        Figures f = new Figures(20)
                .add(answered(20, 100, 30, "resolved"))   // in time (the threshold itself counts)
                .add(answered(21, 200, null, "escalated")) // late
                .add(lost(CallFact.Result.ABANDONED, 5))
                .add(lost(CallFact.Result.UNANSWERED, 300))
                .add(new CallFact("software", null, T, CallFact.Result.WAITING, null, null, null, null, null));
        assertThat(f.offered()).isEqualTo(5);
        assertThat(f.answered()).isEqualTo(2);
        assertThat(f.abandoned()).isEqualTo(1);
        assertThat(f.unanswered()).isEqualTo(1);
        assertThat(f.serviceLevelPercent()).isEqualTo(25.0);
        assertThat(f.abandonedPercent()).isEqualTo(20.0);
        assertThat(f.averageWaitSeconds()).isEqualTo(20.5);
        assertThat(f.averageHandleSeconds()).isEqualTo(165.0); // (100 + 30 + 200) / 2
        assertThat(f.firstCallResolutionPercent()).isEqualTo(50.0);
        assertThat(f.topCategories(1)).extracting(e -> e.getKey()).containsExactly("hardware");
    }

    @Test
    @DisplayName("a call still talking counts as answered, but its handle time only once it ends")
    void talking() {
        Figures f = new Figures(20).add(answered(3, null, null, null)).add(answered(5, 60, 0, null));
        assertThat(f.answered()).isEqualTo(2);
        assertThat(f.averageHandleSeconds()).isEqualTo(60.0);
        assertThat(f.firstCallResolutionPercent()).isNull();
    }

    @Test
    @DisplayName("calls of several queues are each measured against their own queue's threshold")
    void perQueueThresholds() {
        Figures mixed = new Figures(q -> q.equals("vip") ? 10 : 30)
                .add(new CallFact("vip", 1L, T, CallFact.Result.ANSWERED, 15, 60, null, null, null))      // late for vip
                .add(new CallFact("software", 1L, T, CallFact.Result.ANSWERED, 25, 60, null, null, null)); // in time
        assertThat(mixed.serviceLevelPercent()).isEqualTo(50.0);
        assertThat(mixed.serviceLevelSeconds()).as("no single threshold").isNull();
        Figures one = new Figures(q -> 30).add(new CallFact("software", 1L, T, CallFact.Result.ANSWERED, 25, 60, null, null, null));
        assertThat(one.serviceLevelSeconds()).isEqualTo(30);
        assertThat(new Figures(20).serviceLevelSeconds()).isEqualTo(20);
    }

    @Test
    @DisplayName("calls that ended while Firstline was down: counted by what is known, and counted as endedUnobserved")
    void endedUnobserved() {
        Figures f = new Figures(20)
                .add(new CallFact("software", 1L, T, CallFact.Result.ANSWERED, 10, null, null, null, null, true))
                .add(new CallFact("software", 1L, T, CallFact.Result.ANSWERED, 30, 90, 10, "resolved", null, true))
                .add(new CallFact("software", null, T, CallFact.Result.ABANDONED, 5, null, null, null, null, true))
                .add(new CallFact("software", null, T, CallFact.Result.UNKNOWN, null, null, null, null, null, true))
                .add(answered(4, 60, 0, null));
        assertThat(f.offered()).isEqualTo(5);
        assertThat(f.endedUnobserved()).isEqualTo(4);
        assertThat(f.answered()).isEqualTo(3);
        assertThat(f.abandoned()).isEqualTo(1);
        assertThat(f.unanswered()).as("a call of unknown fate is not unanswered").isZero();
        // Decided: 3 answered (2 in time) and 1 abandoned; the one of unknown fate counts neither for nor against.
        assertThat(f.serviceLevelPercent()).isEqualTo(50.0);
        assertThat(f.abandonedPercent()).isEqualTo(20.0);
        // The handle time only of those whose talk time is known: (90 + 10 + 60) / 2.
        assertThat(f.averageHandleSeconds()).isEqualTo(80.0);
        assertThat(f.asMap()).containsEntry("endedUnobserved", 4);
    }
}
