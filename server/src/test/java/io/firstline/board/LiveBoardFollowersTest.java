package io.firstline.board;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.bus.Bus;
import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.calls.PbxEvent;
import io.firstline.config.Settings;
import io.firstline.telephony.PbxHealth;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The board is built only for the forms someone on this node follows. */
class LiveBoardFollowersTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();
    private final BoardFollowers followers = new BoardFollowers();
    private final CallView caller = new CallView("north", "1700000000.1", "+41445550101", "Ada Caller", null, "1", null,
            "software", 1, CallStatus.QUEUED, NOW, NOW, null, null, null, null, null, null, null, false, List.of());
    private final LiveBoard board = new LiveBoard(vertx, () -> new Settings.Board(Settings.Thresholds.STANDARD, Map.of(), 30),
            ZoneOffset.UTC, Clock.fixed(NOW, ZoneOffset.UTC), null, null, null, () -> List.of(caller), List::of,
            () -> List.of(new PbxHealth("north", PbxHealth.Status.CONNECTED)), () -> Future.succeededFuture(), followers);

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A caller joins a queue, as the call flow tells the board; returns whether an update is then due. */
    private boolean callerQueued() throws Exception {
        return on(() -> {
            board.apply(new PbxEvent.QueueJoined("north", NOW, "1700000000.1", "1700000000.1", "PJSIP/trunk-1", "+41445550101", "Ada Caller",
                    "software", 1), List.of(new CallChange.CallUpdated(caller, null)));
            return board.publishPending();
        });
    }

    private <T> T on(Supplier<T> work) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        context.runOnContext(v -> done.complete(work.get()));
        return done.get(10, TimeUnit.SECONDS);
    }

    /** Frames published on an address, in the order they came, received on the board's context. */
    private List<String> listen(Bus.Notice<String> address, CompletableFuture<String> first) throws Exception {
        List<String> frames = new CopyOnWriteArrayList<>();
        MessageConsumer<String> consumer = on(() -> Bus.listen(vertx, address, frame -> {
            frames.add(frame);
            first.complete(frame);
        }));
        consumer.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return frames;
    }

    @Test
    @DisplayName("while nobody follows the board, calls that change build and encode no board")
    void nobodyFollows() throws Exception {
        assertThat(callerQueued()).isFalse();
        assertThat(followers.updatesBuilt()).isZero();
    }

    @Test
    @DisplayName("a supervisor's board that follows gets the changes; once it stops, changes build nothing again")
    void boardFollows() throws Exception {
        Runnable unfollow = followers.follow(false);
        CompletableFuture<String> update = new CompletableFuture<>();
        listen(Bus.BOARD_UPDATES, update);

        assertThat(callerQueued()).isTrue();
        JsonObject frame = new JsonObject(update.get(10, TimeUnit.SECONDS));
        assertThat(frame.getString("type")).isEqualTo("board.update");
        assertThat(frame.getJsonArray("waiting").getJsonObject(0).getString("callerNumber")).isEqualTo("+41445550101");
        assertThat(followers.updatesBuilt()).isEqualTo(1);

        unfollow.run();
        unfollow.run(); // ending twice counts once
        assertThat(callerQueued()).isFalse();
    }

    @Test
    @DisplayName("with only a wall screen following, only the wall screen's form (without who is calling) is published")
    void onlyWallScreenFollows() throws Exception {
        followers.follow(true);
        CompletableFuture<String> anyBoard = new CompletableFuture<>();
        List<String> boards = listen(Bus.BOARD_UPDATES, anyBoard);
        CompletableFuture<String> update = new CompletableFuture<>();
        listen(Bus.WALL_SCREEN_UPDATES, update);

        assertThat(callerQueued()).isTrue();
        JsonObject frame = new JsonObject(update.get(10, TimeUnit.SECONDS));
        assertThat(frame.getJsonArray("waiting").getJsonObject(0).containsKey("callerNumber")).isFalse();
        assertThat(frame.getJsonArray("waiting").getJsonObject(0).getString("queue")).isEqualTo("software");
        // Both forms are published in one go, the full one first, to consumers on one context: none came before.
        assertThat(boards).isEmpty();
    }
}
