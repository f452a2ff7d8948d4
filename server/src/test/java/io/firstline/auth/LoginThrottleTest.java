package io.firstline.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("slowing down password guessing")
class LoginThrottleTest {

    private final Vertx vertx = Vertx.vertx();
    /** Two nodes: their throttles count in the same shared data, as the nodes of a cluster do in the cluster's. */
    private final LoginThrottle throttle = new LoginThrottle(vertx);
    private final LoginThrottle otherNode = new LoginThrottle(vertx);
    private final Instant t0 = Instant.parse("2026-11-24T08:00:00Z");

    @AfterEach
    void close() throws Exception {
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.await(5, TimeUnit.SECONDS);
    }

    private Optional<Duration> waitBefore(LoginThrottle on, String username, String address, Instant now) throws Exception {
        return await(on.waitBefore(username, address, now));
    }

    @Test
    @DisplayName("a few failures cost nothing; then each failure doubles the wait; an hour later they are forgotten")
    void doubles() throws Exception {
        for (int i = 0; i < LoginThrottle.FREE_PER_USER; i++) {
            assertThat(waitBefore(throttle, "alice", "10.0.0.1", t0)).isEmpty();
            await(throttle.failed("alice", "10.0.0.1", t0));
        }
        assertThat(waitBefore(throttle, "alice", "10.0.0.2", t0)).contains(Duration.ofSeconds(1));
        await(throttle.failed("alice", "10.0.0.2", t0));
        await(throttle.failed("alice", "10.0.0.2", t0));
        assertThat(waitBefore(throttle, "alice", "10.0.0.3", t0)).contains(Duration.ofSeconds(4));
        assertThat(waitBefore(throttle, "alice", "10.0.0.3", t0.plusSeconds(5))).isEmpty();
        assertThat(waitBefore(throttle, "bob", "10.0.0.3", t0)).isEmpty();

        Instant later = t0.plus(LoginThrottle.FORGET_AFTER).plusSeconds(1);
        await(throttle.failed("alice", "10.0.0.3", later));
        assertThat(waitBefore(throttle, "alice", "10.0.0.3", later)).as("counted from one again").isEmpty();
    }

    @Test
    @DisplayName("guesses spread over the nodes are counted together, and a success on one node forgets them on all")
    void sharedByTheNodes() throws Exception {
        for (int i = 0; i < LoginThrottle.FREE_PER_USER + 2; i++) {
            await((i % 2 == 0 ? throttle : otherNode).failed("carol", "10.0.0." + i, t0));
        }
        assertThat(waitBefore(throttle, "carol", "10.0.0.9", t0)).contains(Duration.ofSeconds(4));
        assertThat(waitBefore(otherNode, "carol", "10.0.0.9", t0)).contains(Duration.ofSeconds(4));

        await(otherNode.succeeded("carol", "10.0.0.9"));
        assertThat(waitBefore(throttle, "carol", "10.0.0.9", t0)).isEmpty();
    }

    @Test
    @DisplayName("failures counted at the same time on several event loops are all counted")
    void concurrentFailures() throws Exception {
        List<Future<Void>> all = new ArrayList<>();
        for (int loop = 0; loop < 4; loop++) {
            Context context = vertx.getOrCreateContext();
            LoginThrottle node = loop % 2 == 0 ? throttle : otherNode;
            for (int i = 0; i < 10; i++) {
                all.add(Future.<Void>future(p -> context.runOnContext(v -> node.failed("dave", "10.1.1.1", t0).onComplete(p))));
            }
        }
        await(Future.all(all));
        AsyncMap<String, String> map = await(vertx.sharedData().<String, String>getAsyncMap(LoginThrottle.MAP));
        assertThat(LoginThrottle.Failures.of(await(map.get("u:dave"))).count()).isEqualTo(40);
        assertThat(LoginThrottle.Failures.of(await(map.get("a:10.1.1.1"))).count()).isEqualTo(40);
    }

    @Test
    @DisplayName("a success forgets the failures")
    void successResets() throws Exception {
        for (int i = 0; i < 10; i++) {
            await(throttle.failed("carol", "10.0.0.9", t0));
        }
        await(throttle.succeeded("carol", "10.0.0.9"));
        assertThat(waitBefore(throttle, "carol", "10.0.0.9", t0)).isEmpty();
    }

    @Test
    @DisplayName("many usernames tried from one address slow that address down too, never beyond 15 minutes")
    void perAddress() throws Exception {
        for (int i = 0; i < 60; i++) {
            await(throttle.failed("user" + i, "10.6.6.6", t0));
        }
        assertThat(waitBefore(throttle, "someone-new", "10.6.6.6", t0)).hasValueSatisfying(
                w -> assertThat(w).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(15)));
        assertThat(waitBefore(throttle, "someone-new", "10.7.7.7", t0)).isEmpty();
    }

    @Test
    @DisplayName("while the shared map is out of reach each node throttles on its own count: "
            + "nobody is locked out, guessing is still slowed")
    void sharedMapOutage() throws Exception {
        AtomicBoolean down = new AtomicBoolean();
        LoginThrottle node = new LoginThrottle(() -> down.get() ? Future.failedFuture("the cluster is out of reach")
                : vertx.sharedData().getAsyncMap(LoginThrottle.MAP));
        for (int i = 0; i < LoginThrottle.FREE_PER_USER; i++) {
            await(node.failed("erin", "10.2.2.2", t0));
        }
        down.set(true);
        assertThat(waitBefore(node, "erin", "10.2.2.2", t0)).as("this node's own count").contains(Duration.ofSeconds(1));
        assertThat(waitBefore(node, "frank", "10.3.3.3", t0)).as("anyone else may sign in").isEmpty();
        await(node.failed("erin", "10.2.2.2", t0));
        assertThat(waitBefore(node, "erin", "10.2.2.2", t0)).contains(Duration.ofSeconds(2));

        down.set(false);
        assertThat(waitBefore(node, "erin", "10.2.2.2", t0)).as("the shared count again, which missed the outage's failure")
                .contains(Duration.ofSeconds(1));
        assertThat(waitBefore(otherNode, "erin", "10.2.2.2", t0)).contains(Duration.ofSeconds(1));
    }
}
