package io.firstline.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.calls.CallTracker;
import io.firstline.calls.PbxEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the presence log: which intervals open and close as the call tracker follows the queue members")
class PresenceLogTest {

    private static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");
    private static final String ALICE = "Local/1001@agents/n";

    private final Vertx vertx = Vertx.vertx();
    private final List<PresenceStep> written = new ArrayList<>();
    private final PresenceWriter writer = new PresenceWriter(vertx, steps -> {
        synchronized (written) {
            written.addAll(steps);
        }
        return Future.succeededFuture();
    }, Duration.ofMillis(1), Duration.ofMillis(1));
    private final PresenceLog log = new PresenceLog(vertx, writer, Clock.fixed(T0, ZoneOffset.UTC));
    private final CallTracker tracker = new CallTracker();

    @AfterEach
    void close() {
        vertx.close();
    }

    private void feed(PbxEvent e) {
        log.apply(e, tracker.apply(e), tracker::members);
    }

    private static Instant min(int m) {
        return T0.plusSeconds(60L * m);
    }

    private List<PresenceStep> steps() {
        synchronized (written) {
            List<PresenceStep> out = List.copyOf(written);
            written.clear();
            return out;
        }
    }

    @Test
    @DisplayName("signed in, paused for lunch, the reason changed, unpaused, signed out of one queue then the other")
    void dayOfAnAgent() {
        feed(new PbxEvent.MemberAdded("pbx", min(0), "software", ALICE, "Alice", false));
        feed(new PbxEvent.MemberAdded("pbx", min(1), "hardware", ALICE, "Alice", false));
        assertThat(steps()).containsExactly(new PresenceStep.Open("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(0)));

        feed(new PbxEvent.MemberPaused("pbx", min(10), "software", ALICE, "Alice", true, "lunch"));
        feed(new PbxEvent.MemberPaused("pbx", min(10), "hardware", ALICE, "Alice", true, "lunch"));
        feed(new PbxEvent.MemberPaused("pbx", min(20), "software", ALICE, "Alice", true, "training"));
        feed(new PbxEvent.MemberPaused("pbx", min(30), "software", ALICE, "Alice", false, null));
        assertThat(steps()).containsExactly(
                new PresenceStep.Open("pbx", ALICE, PresenceKind.PAUSED, "lunch", min(10)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.PAUSED, min(20)),
                new PresenceStep.Open("pbx", ALICE, PresenceKind.PAUSED, "training", min(20)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.PAUSED, min(30)));

        feed(new PbxEvent.MemberPaused("pbx", min(40), "software", ALICE, "Alice", true, null));
        feed(new PbxEvent.MemberRemoved("pbx", min(50), "software", ALICE, "Alice"));
        feed(new PbxEvent.MemberRemoved("pbx", min(51), "hardware", ALICE, "Alice"));
        assertThat(steps()).containsExactly(
                new PresenceStep.Open("pbx", ALICE, PresenceKind.PAUSED, null, min(40)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.PAUSED, min(51)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.SIGNED_IN, min(51)));
    }

    @Test
    @DisplayName("during a resync nothing is written; at its end the members' state says which intervals are open")
    void resync() {
        feed(new PbxEvent.MemberAdded("pbx", min(0), "software", ALICE, "Alice", false));
        steps();
        feed(new PbxEvent.SnapshotStarted("pbx", min(5)));
        feed(new PbxEvent.MemberStatus("pbx", min(5), "software", ALICE, "Alice", 1, true, "lunch", false, "PJSIP/1001"));
        feed(new PbxEvent.MemberStatus("pbx", min(5), "software", "Local/1002@agents/n", "Bob", 1, false, null, false, null));
        assertThat(steps()).isEmpty();
        feed(new PbxEvent.SnapshotDone("pbx", min(6), true, true));
        assertThat(steps()).containsExactly(new PresenceStep.Resync("pbx", Set.of(
                new PresenceStep.OpenInterval(ALICE, PresenceKind.SIGNED_IN, null),
                new PresenceStep.OpenInterval(ALICE, PresenceKind.PAUSED, "lunch"),
                new PresenceStep.OpenInterval("Local/1002@agents/n", PresenceKind.SIGNED_IN, null)), min(6)));

        // After the resync, changes are steps again, from the state the snapshot gave.
        feed(new PbxEvent.MemberPaused("pbx", min(7), "software", ALICE, "Alice", false, null));
        assertThat(steps()).containsExactly(new PresenceStep.Close("pbx", ALICE, PresenceKind.PAUSED, min(7)));
    }

    @Test
    @DisplayName("a lost link confirms the open intervals at the loss; a member the resync no longer lists ends there")
    void linkLost() {
        feed(new PbxEvent.SnapshotStarted("pbx", min(0)));
        feed(new PbxEvent.SnapshotDone("pbx", min(0), true, true));
        feed(new PbxEvent.MemberAdded("pbx", min(1), "software", ALICE, "Alice", false));
        steps();
        feed(new PbxEvent.LinkLost("pbx", min(10)));
        feed(new PbxEvent.SnapshotStarted("pbx", min(12)));
        feed(new PbxEvent.SnapshotDone("pbx", min(13), true, true));
        assertThat(steps()).containsExactly(new PresenceStep.Confirm("pbx", min(10)),
                new PresenceStep.Resync("pbx", Set.of(), min(13)));
    }

    @Test
    @DisplayName("a paused flag on a member of no queue is no pause: Asterisk keeps it after the member leaves")
    void pausedOutOfEveryQueue() {
        feed(new PbxEvent.MemberAdded("pbx", min(0), "software", ALICE, "Alice", true));
        feed(new PbxEvent.MemberRemoved("pbx", min(3), "software", ALICE, "Alice"));
        feed(new PbxEvent.MemberPaused("pbx", min(4), "", ALICE, "Alice", true, "lunch"));
        assertThat(steps()).containsExactly(
                new PresenceStep.Open("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(0)),
                new PresenceStep.Open("pbx", ALICE, PresenceKind.PAUSED, null, min(0)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.PAUSED, min(3)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.SIGNED_IN, min(3)));
    }
}
