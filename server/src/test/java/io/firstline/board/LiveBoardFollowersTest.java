package io.firstline.board;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.bus.Bus;
import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberState;
import io.firstline.calls.MemberView;
import io.firstline.calls.PbxEvent;
import io.firstline.config.Settings;
import io.firstline.telephony.PbxHealth;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The board is built only for the forms someone on this node follows, and sent as what changed. */
class LiveBoardFollowersTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();
    private final BoardFollowers followers = new BoardFollowers();
    private final CallView caller = new CallView("north", "1700000000.1", "+41445550101", "Ada Caller", null, "1", null,
            "software", 1, CallStatus.QUEUED, NOW, NOW, null, null, null, null, null, null, null, false, List.of());
    private final List<MemberView> members = new CopyOnWriteArrayList<>();
    /** The board's clock: stands still unless a test moves it. */
    private volatile Instant now = NOW;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final LiveBoard board = new LiveBoard(vertx, () -> new Settings.Board(Settings.Thresholds.STANDARD, Map.of(), 30),
            ZoneOffset.UTC, clock, null, null, null, () -> List.of(caller), () -> List.copyOf(members),
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

    /** What a socket that starts to follow is answered: asked on the board's context, answered by its builder. */
    private JsonObject follow(boolean wallScreen) throws Exception {
        return on(() -> board.follow(wallScreen)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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
        JsonObject whole = follow(false);

        assertThat(callerQueued()).isTrue();
        JsonObject frame = new JsonObject(update.get(10, TimeUnit.SECONDS));
        assertThat(frame.getString("type")).isEqualTo("board.delta");
        assertThat(frame.getLong("base")).isEqualTo(whole.getLong("seq"));
        assertThat(frame.getJsonArray("waiting").getJsonObject(0).getString("callerNumber")).isEqualTo("+41445550101");
        assertThat(followers.updatesBuilt()).isEqualTo(1);

        unfollow.run();
        unfollow.run(); // ending twice counts once
        assertThat(callerQueued()).isFalse();
    }

    @Test
    @DisplayName("cluster mode: another node's word that its sockets follow a form has that form built here, as a new start")
    void followedOnAnotherNode() throws Exception {
        assertThat(callerQueued()).isFalse();
        long since = followers.followedSince();
        on(() -> {
            followers.followedElsewhere(false, true); // as the board does on Bus.BOARD_FOLLOWED
            return null;
        });
        assertThat(followers.wallScreens()).isTrue();
        assertThat(followers.boards()).isFalse();
        assertThat(followers.count(true)).as("this node's own sockets").isZero();
        assertThat(followers.followedSince()).as("the board is made anew for them").isEqualTo(since + 1);
        assertThat(callerQueued()).isTrue();
    }

    @Test
    @DisplayName("with only a wall screen following, only the wall screen's form (without who is calling) is published")
    void onlyWallScreenFollows() throws Exception {
        followers.follow(true);
        CompletableFuture<String> anyBoard = new CompletableFuture<>();
        List<String> boards = listen(Bus.BOARD_UPDATES, anyBoard);
        CompletableFuture<String> update = new CompletableFuture<>();
        listen(Bus.WALL_SCREEN_UPDATES, update);
        JsonObject whole = new JsonObject(follow(true).getString("text"));
        assertThat(whole.getJsonArray("waiting").getJsonObject(0).containsKey("callerNumber")).isFalse();

        assertThat(callerQueued()).isTrue();
        JsonObject frame = new JsonObject(update.get(10, TimeUnit.SECONDS));
        assertThat(frame.getJsonArray("waiting").getJsonObject(0).containsKey("callerNumber")).isFalse();
        assertThat(frame.getJsonArray("waiting").getJsonObject(0).getString("queue")).isEqualTo("software");
        // Both forms are published in one go, the full one first, to consumers on one context: none came before.
        assertThat(boards).isEmpty();
    }

    @Test
    @DisplayName("a follower that applies each delta to the whole board has the board as it is; a delta carries only the rows that changed")
    void deltas() throws Exception {
        members.addAll(List.of(member("PJSIP/1001", MemberState.AVAILABLE), member("PJSIP/1002", MemberState.AVAILABLE),
                member("PJSIP/1003", MemberState.PAUSED)));
        followers.follow(false);
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        MessageConsumer<String> consumer = on(() -> Bus.listenNumbered(vertx, Bus.BOARD_UPDATES, (frame, seq) -> frames.add(frame)));
        consumer.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        BoardReplica replica = new BoardReplica();
        replica.take(new JsonObject(follow(false).getString("text")));

        members.set(1, member("PJSIP/1002", MemberState.RINGING));
        callerQueued();
        JsonObject delta = new JsonObject(frames.poll(10, TimeUnit.SECONDS));
        assertThat(delta.getJsonArray("agents").stream().map(o -> ((JsonObject) o).getString("interface")))
                .containsExactly("PJSIP/1002");
        assertThat(delta.containsKey("agentOrder")).isFalse();
        assertThat(delta.containsKey("chart")).isFalse();
        assertThat(replica.take(delta)).isEqualTo(asFollowed(on(() -> board.snapshot(NOW))));

        callerQueued();
        delta = new JsonObject(frames.poll(10, TimeUnit.SECONDS));
        assertThat(delta.getJsonArray("agents")).isEmpty();
        assertThat(delta.getJsonArray("waiting")).hasSize(1);
        replica.take(delta);

        members.add(0, member("PJSIP/0999", MemberState.AVAILABLE));
        members.remove(3);
        callerQueued();
        delta = new JsonObject(frames.poll(10, TimeUnit.SECONDS));
        assertThat(delta.getJsonArray("agents").stream().map(o -> ((JsonObject) o).getString("interface")))
                .containsExactly("PJSIP/0999");
        JsonObject followed = replica.take(delta);
        assertThat(followed).isEqualTo(asFollowed(on(() -> board.snapshot(NOW))));
        assertThat(followed.getJsonArray("agents").stream().map(o -> ((JsonObject) o).getString("interface")))
                .as("the rows in the board's order, the one who left gone")
                .containsExactly("PJSIP/0999", "PJSIP/1001", "PJSIP/1002");
    }

    @Test
    @DisplayName("a socket that starts to follow gets a board of now, not the last one sent (a page sets its clock by it), and those who follow already get the delta to it")
    void newFollowerGetsABoardOfNow() throws Exception {
        followers.follow(false);
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        MessageConsumer<String> consumer = on(() -> Bus.listenNumbered(vertx, Bus.BOARD_UPDATES, (frame, seq) -> frames.add(frame)));
        consumer.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        JsonObject first = follow(false);
        assertThat(new JsonObject(follow(false).getString("text")).getString("at"))
                .as("a second follower within a quarter of a second gets the same board").isEqualTo(NOW.toString());

        now = NOW.plusSeconds(3);
        JsonObject second = follow(false);
        assertThat(new JsonObject(second.getString("text")).getString("at")).isEqualTo(NOW.plusSeconds(3).toString());
        JsonObject delta = new JsonObject(frames.poll(10, TimeUnit.SECONDS));
        assertThat(delta.getLong("base")).isEqualTo(first.getLong("seq"));
        assertThat(delta.getLong("seq")).isEqualTo(second.getLong("seq"));
    }

    @Test
    @DisplayName("the board is built on its own thread: while one is being built the call flow goes on, and the changes meanwhile make one more board, not one each")
    void builtOffTheCallFlow() throws Exception {
        followers.follow(false);
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        MessageConsumer<String> consumer = on(() -> Bus.listenNumbered(vertx, Bus.BOARD_UPDATES, (frame, seq) -> frames.add(frame)));
        consumer.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        JsonObject whole = follow(false);

        // The board's one thread is kept busy.
        WorkerExecutor boardThread = vertx.createSharedWorkerExecutor("firstline-board", 1);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        boardThread.executeBlocking(() -> {
            busy.countDown();
            return release.await(30, TimeUnit.SECONDS);
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(callerQueued()).as("the call flow takes the change at once").isTrue();
            awaitTrue(() -> !on(board::publishPending)); // the update fell due and waits for the board's thread
        }
        assertThat(frames).isEmpty();

        release.countDown();
        JsonObject first = new JsonObject(frames.poll(10, TimeUnit.SECONDS));
        JsonObject second = new JsonObject(frames.poll(10, TimeUnit.SECONDS));
        assertThat(first.getLong("base")).isEqualTo(whole.getLong("seq"));
        assertThat(second.getLong("base")).isEqualTo(first.getLong("seq"));
        now = NOW.plusSeconds(7);
        callerQueued();
        JsonObject next = new JsonObject(frames.poll(10, TimeUnit.SECONDS));
        assertThat(next.getString("at")).as("the changes while the thread was busy made two boards").isEqualTo(now.toString());
        assertThat(next.getLong("base")).isEqualTo(second.getLong("seq"));
        assertThat(followers.updatesBuilt()).isEqualTo(3);
        boardThread.close();
    }

    @Test
    @DisplayName("while nobody follows the board or asks for it, calls that end read no figures; the first who asks has them read, once")
    void figuresReadOnlyForSomeone() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        // Each read of today's figures first waits for the call records: that is what is counted here. The figures
        // themselves are not read (no database in this test): the board then says as of when they are.
        LiveBoard counted = new LiveBoard(vertx, () -> new Settings.Board(Settings.Thresholds.STANDARD, Map.of(), 30),
                ZoneOffset.UTC, clock, null, null, null, () -> List.of(caller), () -> List.copyOf(members),
                () -> List.of(new PbxHealth("north", PbxHealth.Status.CONNECTED)), () -> {
                    reads.incrementAndGet();
                    return Future.succeededFuture();
                }, followers);
        CallView ended = new CallView("north", "1700000000.1", "+41445550101", "Ada Caller", null, "1", null, "software", 1,
                CallStatus.ABANDONED, NOW, NOW, null, NOW.plusSeconds(20), null, null, 20, null, "caller", false, List.of());
        assertThat(on(() -> {
            counted.apply(new PbxEvent.QueueLeft("north", NOW.plusSeconds(20), "1700000000.1", "1700000000.1", "software"),
                    List.of(new CallChange.CallEnded(ended, null)));
            return counted.figuresPending();
        })).as("no read of today's figures planned").isFalse();
        assertThat(reads).hasValue(0);

        on(counted::figuresCurrent).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(reads).hasValue(1);
        assertThat(on(counted::figuresCurrent).succeeded()).as("nothing changed since: at once").isTrue();
        assertThat(reads).hasValue(1);
    }

    private void awaitTrue(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    @DisplayName("a row counts as changed by what the page shows: not by seconds that count on, by today's time in minutes")
    void rowsCompareAsShown() {
        JsonObject row = new JsonObject().put("key", "a1").put("state", "in-call").put("stateSeconds", 5L)
                .put("call", new JsonObject().put("linkedid", "1.1").put("seconds", 3L)).put("signedInTodaySeconds", 61L)
                .put("pausedTodayByReason", new JsonArray().add(new JsonObject().put("reason", "lunch").put("seconds", 130L)));
        JsonObject later = row.copy().put("stateSeconds", 9L).put("signedInTodaySeconds", 119L);
        later.getJsonObject("call").put("seconds", 7L);
        later.getJsonArray("pausedTodayByReason").getJsonObject(0).put("seconds", 179L);
        assertThat(LiveBoard.sameRow(row, later)).isTrue();
        assertThat(LiveBoard.sameRow(row, later.copy().put("signedInTodaySeconds", 120L))).isFalse();
        assertThat(LiveBoard.sameRow(row, later.copy().put("state", "available"))).isFalse();
        JsonObject otherCall = later.copy();
        otherCall.getJsonObject("call").put("linkedid", "1.2");
        assertThat(LiveBoard.sameRow(row, otherCall)).isFalse();
        JsonObject longerPause = later.copy();
        longerPause.getJsonArray("pausedTodayByReason").getJsonObject(0).put("seconds", 180L);
        assertThat(LiveBoard.sameRow(row, longerPause)).isFalse();
    }

    private static MemberView member(String iface, MemberState state) {
        return new MemberView("north", iface, "Member " + iface, Set.of("software"), state, state == MemberState.PAUSED,
                state == MemberState.PAUSED ? "lunch" : null, NOW.minusSeconds(30), null);
    }

    /** The board as its followers keep it: a whole board's type and number, as JSON that went over the wire. */
    private JsonObject asFollowed(JsonObject snapshot) throws Exception {
        JsonObject seq = follow(false);
        return new JsonObject(new JsonObject().put("type", "board.update").put("seq", seq.getLong("seq")).mergeIn(snapshot).encode());
    }
}
