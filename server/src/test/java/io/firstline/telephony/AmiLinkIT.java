package io.firstline.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.calls.PbxEvent;
import io.firstline.config.Settings;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.TrafficConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the AMI link survives drops and half-open sockets without losing or doubling a call")
class AmiLinkIT {

    private AmiSimulator pbx;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).timeScale(4).build();
        server = TestServer.withPbx(pbx, Map.of("FIRSTLINE_AMI_NAME", "north"));
        server.awaitPbx(s -> s.equals("connected"), Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (pbx != null) {
            pbx.close();
        }
    }

    private Set<String> recordedLinkedids(String where) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = server.db().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT linkedid FROM calls WHERE pbx = 'north'" + where)) {
            while (rs.next()) {
                assertThat(ids.add(rs.getString(1))).as("recorded twice: " + rs.getString(1)).isTrue();
            }
        }
        return ids;
    }

    @Test
    @DisplayName("dropping the AMI socket in the middle of calls: every call is recorded once and ended")
    void dropInTheMiddleOfCalls() throws Exception {
        pbx.traffic().start(TrafficConfig.builder().seed(3).callsPerSecond(3).outcomes(0.7, 0.2, 0.1)
                .talkTime(Duration.ofSeconds(4), Duration.ofSeconds(12)).waitTime(Duration.ofSeconds(1), Duration.ofSeconds(4))
                .build());
        Thread.sleep(2500);
        pbx.dropAllClients();
        server.awaitPbx(s -> !s.equals("connected"), Duration.ofSeconds(5));
        server.awaitPbx(s -> s.equals("connected"), Duration.ofSeconds(20));
        Thread.sleep(2500);
        pbx.dropAllClients();
        server.awaitPbx(s -> s.equals("connected"), Duration.ofSeconds(20));
        pbx.traffic().stop();
        long generated = pbx.traffic().callsGenerated();
        assertThat(pbx.traffic().awaitFinished(generated, Duration.ofSeconds(60))).isTrue();
        // The last calls end after the drops: give the link a moment, then wait for every write.
        Thread.sleep(1500);
        server.app().recorder().flushed().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(generated).isGreaterThan(5);
        Set<String> recorded = recordedLinkedids("");
        assertThat(recorded).containsExactlyInAnyOrderElementsOf(pbx.traffic().linkedids());
        assertThat(recordedLinkedids(" AND ended_at IS NULL")).as("calls still open").isEmpty();
        try (Connection c = server.db().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM call_events e JOIN calls k ON k.id = e.call_id"
                     + " WHERE k.pbx = 'north' AND e.type = 'entered'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("one 'entered' per call").isEqualTo(recorded.size());
        }
    }

    @Test
    @DisplayName("a half-open socket (Asterisk stops answering) is noticed within seconds, and the link comes back when it answers again")
    void halfOpenSocket() throws Exception {
        pbx.setResponsive(false);
        long t0 = System.nanoTime();
        server.awaitPbx(s -> !s.equals("connected"), Duration.ofSeconds(15));
        long noticedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(noticedMs).as("noticed after %d ms", noticedMs).isLessThan(12_000);
        pbx.setResponsive(true);
        server.awaitPbx(s -> s.equals("connected"), Duration.ofSeconds(40));
    }

    @Test
    @DisplayName("a silent socket is given up by the read timeout alone, long before an unanswered Ping would tell")
    void readTimeoutAloneEndsASilentLink() throws Exception {
        // Pings so rare that only the socket's read timeout can notice the silence within the test.
        AmiLink.Timing timing = new AmiLink.Timing(Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        try (AmiLink link = new AmiLink(new Settings.Pbx("south", "127.0.0.1", pbx.port(), "firstline", "firstline-secret"),
                event -> { }, timing, java.time.Clock.systemUTC())) {
            link.start();
            awaitStatus(link, s -> s == PbxHealth.Status.CONNECTED, Duration.ofSeconds(20));
            pbx.setResponsive(false);
            long t0 = System.nanoTime();
            awaitStatus(link, s -> s != PbxHealth.Status.CONNECTED, Duration.ofSeconds(30));
            long noticedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(link.reconnects()).as("noticed after %d ms", noticedMs).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    @DisplayName("a listener that stops taking events stops the reader (nothing is queued or dropped behind its back):"
            + " the unanswered pings end the link, which is made again and Asterisk's state read anew")
    void stuckListenerMakesTheLinkAgain() throws Exception {
        AmiLink.Timing timing = new AmiLink.Timing(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(200),
                Duration.ofSeconds(1), Duration.ofSeconds(5));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger snapshots = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean holding = new java.util.concurrent.atomic.AtomicBoolean();
        try (AmiLink link = new AmiLink(new Settings.Pbx("east", "127.0.0.1", pbx.port(), "firstline", "firstline-secret"),
                event -> {
                    if (event instanceof PbxEvent.SnapshotStarted) {
                        snapshots.incrementAndGet();
                    } else if (snapshots.get() == 1 && !(event instanceof PbxEvent.SnapshotDone)
                            && holding.compareAndSet(false, true)) {
                        // A listener that stops taking events, as a starved or paused thread would.
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }, timing, java.time.Clock.systemUTC())) {
            link.start();
            awaitStatus(link, s -> s == PbxHealth.Status.CONNECTED, Duration.ofSeconds(20));
            pbx.replay(io.firstline.TestTraces.amiRaw("answered-software"), false).get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((link.reconnects() == 0 || snapshots.get() < 2 || link.health().status() != PbxHealth.Status.CONNECTED)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(holding).as("the listener held an event").isTrue();
            assertThat(link.reconnects()).as("the link was made again, the listener still stuck").isEqualTo(1);
            assertThat(snapshots.get()).as("Asterisk's state read again").isEqualTo(2);
            assertThat(link.health().status()).isEqualTo(PbxHealth.Status.CONNECTED);
            release.countDown();
        }
    }

    private static void awaitStatus(AmiLink link, Predicate<PbxHealth.Status> wanted, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!wanted.test(link.health().status()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(wanted.test(link.health().status())).as("link status %s after %s", link.health().status(), within)
                .isTrue();
    }

    @Test
    @DisplayName("a QueueStatus Asterisk refuses makes a snapshot whose members are not listed in full; its channels are")
    void refusedQueueStatus() throws Exception {
        pbx.refuseAction("QueueStatus", "Permission denied");
        BlockingQueue<PbxEvent> events = new LinkedBlockingQueue<>();
        try (AmiLink link = new AmiLink(new Settings.Pbx("south", "127.0.0.1", pbx.port(), "firstline", "firstline-secret"),
                events::add, AmiLink.Timing.standard(), java.time.Clock.systemUTC())) {
            link.start();
            PbxEvent.SnapshotDone done = snapshotDone(events);
            assertThat(done.channelsListed()).isTrue();
            assertThat(done.membersListed()).isFalse();
        } finally {
            pbx.refuseAction("QueueStatus", null);
        }
    }

    @Test
    @DisplayName("lists Asterisk never completes end the snapshot after the action timeout, as not listed in full")
    void unfinishedLists() throws Exception {
        pbx.setListsUnfinished(true);
        AmiLink.Timing timing = new AmiLink.Timing(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(1));
        BlockingQueue<PbxEvent> events = new LinkedBlockingQueue<>();
        try (AmiLink link = new AmiLink(new Settings.Pbx("south", "127.0.0.1", pbx.port(), "firstline", "firstline-secret"),
                events::add, timing, java.time.Clock.systemUTC())) {
            link.start();
            PbxEvent.SnapshotDone done = snapshotDone(events);
            assertThat(done.channelsListed()).isFalse();
            assertThat(done.membersListed()).isFalse();
            assertThat(link.health().status()).isEqualTo(PbxHealth.Status.CONNECTED);
        } finally {
            pbx.setListsUnfinished(false);
        }
    }

    private static PbxEvent.SnapshotDone snapshotDone(
            BlockingQueue<PbxEvent> events) throws InterruptedException {
        while (true) {
            PbxEvent e = events.poll(20, TimeUnit.SECONDS);
            assertThat(e).as("a snapshot's end").isNotNull();
            if (e instanceof PbxEvent.SnapshotDone done) {
                return done;
            }
        }
    }

    @Test
    @DisplayName("a wrong AMI secret leaves the link down and says so, and the server keeps running")
    void wrongSecret() throws Exception {
        try (TestServer other = TestServer.start(Map.of("FIRSTLINE_AMI_HOST", "127.0.0.1",
                "FIRSTLINE_AMI_PORT", String.valueOf(pbx.port()), "FIRSTLINE_AMI_USER", "firstline",
                "FIRSTLINE_AMI_SECRET", "not-the-secret"))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String status = null;
            while (System.nanoTime() < deadline) {
                status = other.get("/health", null).json().getJsonArray("pbx").getJsonObject(0).getString("status");
                if (status.equals("down")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(status).isEqualTo("down");
            assertThat(other.get("/health", null).status()).isEqualTo(200);
        }
    }
}
