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
}
