package io.firstline.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the presence writer: in order, in batches, and nothing lost while the database is away")
class PresenceWriterTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    private static PresenceStep step(int i) {
        return new PresenceStep.Confirm("pbx", Instant.EPOCH.plusSeconds(i));
    }

    @Test
    @DisplayName("failed batches are written again with a backoff until they succeed; every step once, in order")
    void retriesInOrder() throws Exception {
        List<PresenceStep> written = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(3);
        PresenceWriter writer = new PresenceWriter(vertx, steps -> {
            synchronized (written) {
                if (failuresLeft.getAndDecrement() > 0) {
                    return Future.failedFuture("database away");
                }
                written.addAll(steps);
                batchSizes.add(steps.size());
                return Future.succeededFuture();
            }
        }, Duration.ofMillis(1), Duration.ofMillis(4));
        int n = PresenceWriter.BATCH + 20;
        for (int i = 0; i < n; i++) {
            writer.submit(step(i));
        }
        writer.flushed().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        synchronized (written) {
            assertThat(written).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(written.get(i)).isEqualTo(step(i));
            }
            assertThat(batchSizes).allMatch(s -> s <= PresenceWriter.BATCH);
        }
        assertThat(writer.backlog()).isZero();
    }

    @Test
    @DisplayName("the backoff doubles from its first delay up to its cap")
    void backoff() {
        PresenceWriter writer = new PresenceWriter(vertx, steps -> Future.succeededFuture(), Duration.ofMillis(500),
                Duration.ofSeconds(30));
        assertThat(List.of(writer.delayAfter(1), writer.delayAfter(2), writer.delayAfter(3), writer.delayAfter(8),
                writer.delayAfter(100))).containsExactly(500L, 1000L, 2000L, 30_000L, 30_000L);
    }

    @Test
    @DisplayName("cluster mode: a batch the fence refuses for a PBX loses that PBX's steps, counted, and the others are written at once")
    void fencedStepsDropped() throws Exception {
        List<PresenceStep> written = new ArrayList<>();
        PresenceWriter writer = new PresenceWriter(vertx, steps -> {
            synchronized (written) {
                if (steps.stream().anyMatch(st -> st.pbx().equals("b"))) {
                    return Future.failedFuture(new io.firstline.db.FencedException("b", "another node owns b"));
                }
                written.addAll(steps);
                return Future.succeededFuture();
            }
        }, Duration.ofMinutes(1), Duration.ofMinutes(1)); // a backoff would outlast the test: there must be none
        PresenceStep a1 = new PresenceStep.Confirm("a", Instant.EPOCH.plusSeconds(1));
        PresenceStep b2 = new PresenceStep.Confirm("b", Instant.EPOCH.plusSeconds(2));
        PresenceStep a3 = new PresenceStep.Confirm("a", Instant.EPOCH.plusSeconds(3));
        writer.submit(a1);
        writer.submit(b2);
        writer.submit(a3);
        writer.flushed().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        synchronized (written) {
            assertThat(written).containsSubsequence(a1, a3).doesNotContain(b2);
        }
        assertThat(writer.fenced()).isEqualTo(1);
        assertThat(writer.backlog()).isZero();
    }

    @Test
    @DisplayName("cluster mode: a PBX's steps not yet written are discarded when its link is given up")
    void discard() throws Exception {
        io.vertx.core.Promise<Void> held = io.vertx.core.Promise.promise();
        List<List<PresenceStep>> batches = new ArrayList<>();
        PresenceWriter writer = new PresenceWriter(vertx, steps -> {
            synchronized (batches) {
                batches.add(List.copyOf(steps));
                return batches.size() == 1 ? held.future() : Future.succeededFuture();
            }
        }, Duration.ofMillis(1), Duration.ofMillis(4));
        PresenceStep a1 = new PresenceStep.Confirm("a", Instant.EPOCH.plusSeconds(1));
        PresenceStep b2 = new PresenceStep.Confirm("b", Instant.EPOCH.plusSeconds(2));
        PresenceStep a3 = new PresenceStep.Confirm("a", Instant.EPOCH.plusSeconds(3));
        writer.submit(a1); // being written (held)
        writer.submit(b2);
        writer.submit(a3);
        assertThat(writer.discard("a")).as("a3 waits; a1 is in flight").isEqualTo(1);
        held.fail("database away"); // the write in flight fails: a1 is dropped, not written again
        writer.flushed().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        synchronized (batches) {
            assertThat(batches).containsExactly(List.of(a1), List.of(b2));
        }
        assertThat(writer.backlog()).isZero();
    }
}
