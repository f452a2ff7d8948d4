package io.firstline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the rules of the run-time settings, shared by the start and the administrators' API")
class RunTimeRulesTest {

    @Test
    @DisplayName("pause reasons and desk queues are stripped, blanks and repeats dropped, order kept; bad or none refused")
    void lists() {
        assertThat(RunTimeRules.pauseReasons(List.of(" lunch", "break", "", "lunch", "team meeting")))
                .containsExactly("lunch", "break", "team meeting");
        assertThatThrownBy(() -> RunTimeRules.pauseReasons(List.of("Lunch"))).hasMessageContaining("'Lunch' is not a reason");
        assertThatThrownBy(() -> RunTimeRules.pauseReasons(List.of(" "))).hasMessageStartingWith("empty");
        assertThat(RunTimeRules.deskQueues(List.of("Sales", "sales", "help_desk"))).containsExactly("Sales", "sales", "help_desk");
        assertThatThrownBy(() -> RunTimeRules.deskQueues(List.of("a,b"))).hasMessageContaining("'a,b' is not a queue name");
    }

    @Test
    @DisplayName("thresholds: amber before red (rising counts and seconds, falling percent), within bounds; the wrong part is named")
    void thresholds() {
        Settings.Thresholds ok = new Settings.Thresholds(20, 3, 3, 0, 0, 80, 80);
        assertThat(RunTimeRules.thresholds(ok)).isEqualTo(ok);
        assertThat(part(new Settings.Thresholds(0, 3, 6, 60, 120, 80, 60))).isEqualTo("serviceLevelSeconds");
        assertThat(part(new Settings.Thresholds(20, 7, 6, 60, 120, 80, 60))).isEqualTo("waiting");
        assertThat(part(new Settings.Thresholds(20, 3, 6, 60, 86_401, 80, 60))).isEqualTo("longestWaitSeconds");
        assertThat(part(new Settings.Thresholds(20, 3, 6, 60, 120, 60, 80))).isEqualTo("serviceLevelPercent");
        assertThat(part(new Settings.Thresholds(20, -1, 6, 60, 120, 80, 60))).isEqualTo("waiting");
    }

    private static String part(Settings.Thresholds t) {
        try {
            RunTimeRules.thresholds(t);
            throw new AssertionError("accepted " + t);
        } catch (RunTimeRules.Broken e) {
            return e.part();
        }
    }
}
