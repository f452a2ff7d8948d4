package io.firstline.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("slowing down password guessing")
class LoginThrottleTest {

    private final LoginThrottle throttle = new LoginThrottle();
    private final Instant t0 = Instant.parse("2026-11-24T08:00:00Z");

    @Test
    @DisplayName("a few failures cost nothing; then each failure doubles the wait")
    void doubles() {
        for (int i = 0; i < LoginThrottle.FREE_PER_USER; i++) {
            assertThat(throttle.waitBefore("alice", "10.0.0.1", t0)).isEmpty();
            throttle.failed("alice", "10.0.0.1", t0);
        }
        assertThat(throttle.waitBefore("alice", "10.0.0.2", t0)).contains(Duration.ofSeconds(1));
        throttle.failed("alice", "10.0.0.2", t0);
        throttle.failed("alice", "10.0.0.2", t0);
        assertThat(throttle.waitBefore("alice", "10.0.0.3", t0)).contains(Duration.ofSeconds(4));
        assertThat(throttle.waitBefore("alice", "10.0.0.3", t0.plusSeconds(5))).isEmpty();
        assertThat(throttle.waitBefore("bob", "10.0.0.3", t0)).isEmpty();
    }

    @Test
    @DisplayName("a success forgets the failures")
    void successResets() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("carol", "10.0.0.9", t0);
        }
        throttle.succeeded("carol", "10.0.0.9");
        assertThat(throttle.waitBefore("carol", "10.0.0.9", t0)).isEmpty();
    }

    @Test
    @DisplayName("many usernames tried from one address slow that address down too, never beyond 15 minutes")
    void perAddress() {
        for (int i = 0; i < 60; i++) {
            throttle.failed("user" + i, "10.6.6.6", t0);
        }
        assertThat(throttle.waitBefore("someone-new", "10.6.6.6", t0)).hasValueSatisfying(
                w -> assertThat(w).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(15)));
        assertThat(throttle.waitBefore("someone-new", "10.7.7.7", t0)).isEmpty();
    }
}
