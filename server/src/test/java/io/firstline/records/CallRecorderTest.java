package io.firstline.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the call recorder keeps every change until it is written")
class CallRecorderTest {

    private static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        vertx.close();
    }

    static CallView view(String linkedid, CallStatus status, int second) {
        return new CallView("pbx", linkedid, "+15551234567", "Jane Doe", null, "main/software", null, "software", null,
                status, T0, T0.plusSeconds(1), null, status.finished() ? T0.plusSeconds(second) : null, null, null, null,
                null, null, false, List.of());
    }

    static CallChange.Timeline entry(int n) {
        return new CallChange.Timeline(T0.plusSeconds(n), "step", null, null, null, "step:" + n);
    }

    /** A database stand-in: holds each write until released, or fails a number of times first. */
    static final class FakeWriter implements CallRecorder.Writer {
        final Map<String, CallView> rows = Collections.synchronizedMap(new HashMap<>());
        final Map<String, List<String>> keys = Collections.synchronizedMap(new HashMap<>());
        final List<Promise<Void>> held = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        final java.util.Set<String> inFlight = Collections.synchronizedSet(new java.util.HashSet<>());
        final AtomicInteger overlaps = new AtomicInteger();
        volatile int failuresLeft;
        volatile boolean hold;

        @Override
        public Future<?> write(CallView call, List<CallChange.Timeline> entries) {
            attempts.incrementAndGet();
            if (failuresLeft > 0) {
                failuresLeft--;
                return Future.failedFuture(new IllegalStateException("Connection refused"));
            }
            rows.put(call.linkedid(), call);
            List<String> written = keys.computeIfAbsent(call.linkedid(), k -> Collections.synchronizedList(new ArrayList<>()));
            entries.forEach(e -> {
                if (!written.contains(e.key())) {
                    written.add(e.key());
                }
            });
            if (!hold) {
                return Future.succeededFuture();
            }
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            if (!inFlight.add(call.linkedid())) {
                overlaps.incrementAndGet();
            }
            Promise<Void> p = Promise.promise();
            held.add(p);
            return p.future().onComplete(x -> {
                inFlight.remove(call.linkedid());
                concurrent.decrementAndGet();
            });
        }

        void releaseAll() {
            List<Promise<Void>> now;
            synchronized (held) {
                now = List.copyOf(held);
                held.clear();
            }
            now.forEach(Promise::complete);
        }
    }

    private static void await(Future<?> f) throws Exception {
        f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("changes that arrive while a call is being written are coalesced into one next write, in order")
    void coalesces() throws Exception {
        FakeWriter db = new FakeWriter();
        db.hold = true;
        CallRecorder recorder = new CallRecorder(vertx, db, 1, Duration.ZERO);
        recorder.submit(view("a", CallStatus.QUEUED, 0), entry(1));
        for (int i = 2; i <= 50; i++) {
            recorder.submit(view("a", i == 50 ? CallStatus.ANSWERED : CallStatus.CONNECTED, i), entry(i));
        }
        assertThat(db.attempts.get()).isEqualTo(1);
        assertThat(recorder.backlog()).isEqualTo(1);
        db.hold = false;
        db.releaseAll();
        await(recorder.flushed());
        assertThat(db.attempts.get()).isEqualTo(2);
        assertThat(db.rows.get("a").status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(db.keys.get("a")).hasSize(50).first().isEqualTo("step:1");
        assertThat(db.keys.get("a")).last().isEqualTo("step:50");
        assertThat(recorder.backlog()).isZero();
    }

    @Test
    @DisplayName("a call's burst of changes waits out the settle time and is written once; flushed() does not wait for it")
    void settles() throws Exception {
        FakeWriter db = new FakeWriter();
        CallRecorder recorder = new CallRecorder(vertx, db, 2, Duration.ofHours(1));
        for (int i = 1; i <= 6; i++) {
            recorder.submit(view("burst", i == 6 ? CallStatus.ANSWERED : CallStatus.QUEUED, i), entry(i));
            recorder.submit(view("other", CallStatus.IN_MENU, i), entry(i));
        }
        assertThat(db.attempts.get()).isZero();
        assertThat(recorder.pending("pbx", "burst")).isTrue();
        assertThat(recorder.backlog()).isEqualTo(2);
        await(recorder.flushed());
        assertThat(db.attempts.get()).isEqualTo(2);
        assertThat(recorder.writes()).isEqualTo(2);
        assertThat(db.keys.get("burst")).containsExactly("step:1", "step:2", "step:3", "step:4", "step:5", "step:6");
        assertThat(db.rows.get("burst").status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(recorder.backlog()).isZero();
    }

    @Test
    @DisplayName("a settling change is written when the settle time has passed, without anyone asking")
    void settledChangesAreWrittenByThemselves() throws Exception {
        FakeWriter db = new FakeWriter();
        CallRecorder recorder = new CallRecorder(vertx, db, 1, Duration.ofMillis(20));
        recorder.submit(view("quiet", CallStatus.QUEUED, 1), entry(1));
        recorder.submit(view("quiet", CallStatus.RINGING, 2), entry(2));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (recorder.backlog() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(recorder.backlog()).isZero();
        assertThat(db.keys.get("quiet")).containsExactly("step:1", "step:2");
        assertThat(db.rows.get("quiet").status()).isEqualTo(CallStatus.RINGING);
    }

    @Test
    @DisplayName("while the database is down everything waits in memory, then lands once, in order")
    void retriesUntilTheDatabaseIsBack() throws Exception {
        FakeWriter db = new FakeWriter();
        db.failuresLeft = 4;
        CallRecorder recorder = new CallRecorder(vertx, db, 2, Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(40));
        for (int call = 0; call < 20; call++) {
            for (int i = 1; i <= 5; i++) {
                recorder.submit(view("c" + call, i == 5 ? CallStatus.ABANDONED : CallStatus.QUEUED, i), entry(i));
            }
        }
        await(recorder.flushed());
        assertThat(db.rows).hasSize(20);
        for (int call = 0; call < 20; call++) {
            assertThat(db.rows.get("c" + call).status()).isEqualTo(CallStatus.ABANDONED);
            assertThat(db.keys.get("c" + call)).containsExactly("step:1", "step:2", "step:3", "step:4", "step:5");
        }
        assertThat(db.attempts.get()).isGreaterThanOrEqualTo(24);
        assertThat(recorder.backlog()).isZero();
    }

    @Test
    @DisplayName("a write that throws instead of failing its future is retried like any failure")
    void writerThatThrows() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        CallRecorder recorder = new CallRecorder(vertx, (call, entries) -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("pool closed");
            }
            entries.forEach(e -> written.add(e.key()));
            return Future.succeededFuture();
        }, 1, Duration.ZERO, Duration.ofMillis(5), Duration.ofMillis(10));
        recorder.submit(view("x", CallStatus.IN_MENU, 0), entry(1));
        await(recorder.flushed());
        assertThat(written).containsExactly("step:1");
    }

    @Test
    @DisplayName("several calls are written at once, but never one call twice at the same time")
    void oneWritePerCall() throws Exception {
        FakeWriter db = new FakeWriter();
        db.hold = true;
        CallRecorder recorder = new CallRecorder(vertx, db, 3, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            recorder.submit(view("p" + i, CallStatus.QUEUED, 0), entry(1));
            recorder.submit(view("p" + i, CallStatus.RINGING, 1), entry(2));
        }
        assertThat(db.attempts.get()).isEqualTo(3);
        while (recorder.backlog() > 0) {
            Thread.sleep(5);
            db.releaseAll();
        }
        await(recorder.flushed());
        assertThat(db.maxConcurrent.get()).isEqualTo(3);
        assertThat(db.overlaps.get()).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(db.keys.get("p" + i)).containsExactly("step:1", "step:2");
            assertThat(db.rows.get("p" + i).status()).isEqualTo(CallStatus.RINGING);
        }
    }

    /** Records each call of the writer (one call, or several together) and holds it until the test completes it. */
    static final class BatchWriter implements CallRecorder.Writer {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<Promise<Void>> held = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Future<?> write(CallView call, List<CallChange.Timeline> entries) {
            return writeAll(List.of(new CallRecorder.Item(call, entries)));
        }

        @Override
        public Future<?> writeAll(List<CallRecorder.Item> items) {
            batches.add(items.stream().map(i -> i.call().pbx() + "/" + i.call().linkedid()).toList());
            Promise<Void> p = Promise.promise();
            held.add(p);
            return p.future();
        }
    }

    static CallView view(String pbx, String linkedid) {
        return new CallView(pbx, linkedid, "+15551234567", "Jane Doe", null, "main/software", null, "software", null,
                CallStatus.QUEUED, T0, T0.plusSeconds(1), null, null, null, null, null, null, null, false, List.of());
    }

    @Test
    @DisplayName("calls ready while the writers are busy go together: up to 25 of one PBX a write, in the order they came")
    void batchesWhileBusy() {
        BatchWriter db = new BatchWriter();
        CallRecorder recorder = new CallRecorder(vertx, db, 1, Duration.ZERO);
        recorder.submit(view("a", "first"), entry(1));
        List<String> a = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            recorder.submit(view("a", "c" + i), entry(1));
            a.add("a/c" + i);
            if (i == 9) {
                for (int j = 0; j < 3; j++) {
                    recorder.submit(view("b", "o" + j), entry(1));
                }
            }
        }
        assertThat(db.batches).containsExactly(List.of("a/first"));
        db.held.get(0).complete();
        assertThat(db.batches.get(1)).isEqualTo(a.subList(0, 25));
        db.held.get(1).complete();
        assertThat(db.batches.get(2)).containsExactly("b/o0", "b/o1", "b/o2");
        db.held.get(2).complete();
        assertThat(db.batches.get(3)).isEqualTo(a.subList(25, 30));
        db.held.get(3).complete();
        assertThat(db.batches).hasSize(4);
        assertThat(recorder.backlog()).isZero();
        assertThat(recorder.writes()).isEqualTo(34);
        assertThat(recorder.batches()).isEqualTo(4);
    }

    @Test
    @DisplayName("a batch that fails is retried call by call: a call the database refuses holds up no other")
    void failedBatchGoesCallByCall() throws Exception {
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        CallRecorder.Writer db = new CallRecorder.Writer() {
            @Override
            public Future<?> write(CallView call, List<CallChange.Timeline> entries) {
                return writeAll(List.of(new CallRecorder.Item(call, entries)));
            }

            @Override
            public Future<?> writeAll(List<CallRecorder.Item> items) {
                sizes.add(items.size());
                if (items.stream().anyMatch(i -> i.call().linkedid().equals("bad"))) {
                    return Future.failedFuture(new IllegalStateException("Data too long for column 'detail'"));
                }
                items.forEach(i -> written.add(i.call().linkedid()));
                return Future.succeededFuture();
            }
        };
        CallRecorder recorder = new CallRecorder(vertx, db, 1, Duration.ofHours(1), Duration.ofMillis(5), Duration.ofMillis(10));
        recorder.submit(view("g1", CallStatus.QUEUED, 0), entry(1));
        recorder.submit(view("bad", CallStatus.QUEUED, 0), entry(1));
        recorder.submit(view("g2", CallStatus.QUEUED, 0), entry(1));
        recorder.submit(view("g3", CallStatus.QUEUED, 0), entry(1));
        recorder.flushed(); // the settle time is over: all four are ready, written together, and that fails
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (written.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(written).containsExactlyInAnyOrder("g1", "g2", "g3");
        List<Integer> tried;
        synchronized (sizes) { // "bad" is still being retried meanwhile, on the timer's thread
            tried = List.copyOf(sizes);
        }
        assertThat(tried.get(0)).isEqualTo(4);
        assertThat(tried.subList(1, tried.size())).containsOnly(1);
        assertThat(recorder.pending("pbx", "bad")).isTrue();
        assertThat(recorder.backlog()).isEqualTo(1);
    }

    @Test
    @DisplayName("the wait between retries doubles from the first delay up to the longest")
    void backoff() {
        CallRecorder recorder = new CallRecorder(vertx, (c, e) -> Future.succeededFuture(), 1, Duration.ZERO);
        assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 8, 50).stream().map(recorder::delayAfter).toList())
                .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
    }

    @Test
    @DisplayName("the oldest change waiting grows while writes fail, and is zero once everything is written")
    void oldestWaiting() throws Exception {
        FakeWriter db = new FakeWriter();
        db.hold = true;
        CallRecorder recorder = new CallRecorder(vertx, db, 1, Duration.ZERO);
        assertThat(recorder.oldestWaiting()).isZero();
        recorder.submit(view("old", CallStatus.QUEUED, 0), entry(1));
        Thread.sleep(60);
        recorder.submit(view("new", CallStatus.QUEUED, 0), entry(1));
        Duration first = recorder.oldestWaiting();
        assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(60));
        Thread.sleep(20);
        assertThat(recorder.oldestWaiting()).isGreaterThan(first);
        db.hold = false;
        db.releaseAll();
        await(recorder.flushed());
        assertThat(recorder.oldestWaiting()).isZero();
        assertThat(recorder.backlog()).isZero();
    }

    @Test
    @DisplayName("flushed() is complete at once when nothing waits")
    void flushedWhenIdle() {
        CallRecorder recorder = new CallRecorder(vertx, (c, e) -> Future.succeededFuture(), 1, Duration.ZERO);
        assertThat(recorder.flushed().succeeded()).isTrue();
    }

    @Test
    @DisplayName("cluster mode: a write the fence refuses is dropped and counted, not retried; a PBX's changes are discarded when its link is given up")
    void fencedAndDiscarded() throws Exception {
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        CallRecorder recorder = new CallRecorder(vertx, (call, entries) -> {
            if (call.linkedid().startsWith("stale")) {
                return Future.failedFuture(new io.firstline.db.FencedException("pbx", "another node owns pbx"));
            }
            written.add(call.linkedid());
            return Future.succeededFuture();
        }, 2, Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(1)); // a backoff would outlast the test
        recorder.submit(view("stale-1", CallStatus.QUEUED, 1), entry(1));
        recorder.submit(view("fresh-1", CallStatus.QUEUED, 1), entry(1));
        recorder.flushed().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(recorder.fenced()).isEqualTo(1);
        assertThat(recorder.backlog()).isZero();
        assertThat(written).containsExactly("fresh-1");

        CallRecorder settling = new CallRecorder(vertx, (call, entries) -> {
            written.add(call.linkedid());
            return Future.succeededFuture();
        }, 2, Duration.ofMinutes(1));
        settling.submit(view("later-1", CallStatus.QUEUED, 1), entry(1));
        settling.submit(view("later-2", CallStatus.QUEUED, 1), entry(1));
        assertThat(settling.discard("other-pbx")).isZero();
        assertThat(settling.discard("pbx")).isEqualTo(2);
        assertThat(settling.backlog()).isZero();
        settling.flushed().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(written).containsExactly("fresh-1");
    }
}
