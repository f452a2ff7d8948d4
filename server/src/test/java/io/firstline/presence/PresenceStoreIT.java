package io.firstline.presence;

import static io.firstline.db.FreshDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.db.FreshDatabase;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("presence intervals in MariaDB: steps written once even when written twice, and a resync after a restart")
class PresenceStoreIT {

    private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    private static final String ALICE = "Local/1001@agents/n";
    private static final String BOB = "Local/1002@agents/n";

    private FreshDatabase fresh;
    private PresenceStore store;

    @BeforeEach
    void open() {
        fresh = FreshDatabase.start();
        store = new PresenceStore(fresh.db);
    }

    @AfterEach
    void close() throws Exception {
        fresh.close();
    }

    private static Instant min(int m) {
        return T0.plusSeconds(60L * m);
    }

    private List<PresenceInterval> all() throws Exception {
        return await(store.overlapping(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))).stream()
                .sorted(Comparator.comparing(PresenceInterval::start).thenComparing(PresenceInterval::memberInterface)
                        .thenComparing(PresenceInterval::kind).thenComparing(PresenceInterval::pbx))
                .toList();
    }

    @Test
    @DisplayName("a batch written again (its answer was lost) leaves the same intervals; a reason change is two intervals")
    void idempotent() throws Exception {
        List<PresenceStep> batch = List.of(
                new PresenceStep.Open("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(0)),
                new PresenceStep.Open("pbx", ALICE, PresenceKind.PAUSED, "lunch", min(10)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.PAUSED, min(20)),
                new PresenceStep.Open("pbx", ALICE, PresenceKind.PAUSED, "training", min(20)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.PAUSED, min(30)),
                // the same reason opened again while open goes on
                new PresenceStep.Open("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(31)));
        await(store.write(batch));
        await(store.write(batch));
        assertThat(all()).containsExactly(
                new PresenceInterval("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(0), null),
                new PresenceInterval("pbx", ALICE, PresenceKind.PAUSED, "lunch", min(10), min(20)),
                new PresenceInterval("pbx", ALICE, PresenceKind.PAUSED, "training", min(20), min(30)));
    }

    @Test
    @DisplayName("after a restart the resync goes on with what still holds and ends the rest where it was last confirmed")
    void resyncAfterRestart() throws Exception {
        await(store.write(List.of(
                new PresenceStep.Open("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(0)),
                new PresenceStep.Open("pbx", ALICE, PresenceKind.PAUSED, "lunch", min(1)),
                new PresenceStep.Open("pbx", BOB, PresenceKind.SIGNED_IN, null, min(2)),
                new PresenceStep.Open("other", BOB, PresenceKind.SIGNED_IN, null, min(2)),
                new PresenceStep.Confirm("pbx", min(5)))));
        // Firstline stopped at about 08:05; at 08:30 the PBX says Alice is signed in, paused for a break; Bob is not.
        await(store.write(List.of(new PresenceStep.Resync("pbx", Set.of(
                new PresenceStep.OpenInterval(ALICE, PresenceKind.SIGNED_IN, null),
                new PresenceStep.OpenInterval(ALICE, PresenceKind.PAUSED, "break")), min(30)))));
        assertThat(all()).containsExactly(
                new PresenceInterval("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(0), null),
                new PresenceInterval("pbx", ALICE, PresenceKind.PAUSED, "lunch", min(1), min(5)),
                new PresenceInterval("other", BOB, PresenceKind.SIGNED_IN, null, min(2), null),
                new PresenceInterval("pbx", BOB, PresenceKind.SIGNED_IN, null, min(2), min(5)),
                new PresenceInterval("pbx", ALICE, PresenceKind.PAUSED, "break", min(30), null));
        // What went on is confirmed at the resync: closed at a later resync that no longer lists it, it ends there.
        await(store.write(List.of(new PresenceStep.Resync("pbx", Set.of(), min(40)))));
        assertThat(all()).filteredOn(i -> i.pbx().equals("pbx") && i.end() != null && i.end().equals(min(30))).hasSize(2);
    }

    @Test
    @DisplayName("a day's intervals: those ended in it or still open, not those ended before it or begun after it")
    void overlapping() throws Exception {
        await(store.write(List.of(
                new PresenceStep.Open("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(0)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.SIGNED_IN, min(10)),
                new PresenceStep.Open("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(20)),
                new PresenceStep.Close("pbx", ALICE, PresenceKind.SIGNED_IN, min(30)),
                new PresenceStep.Open("pbx", BOB, PresenceKind.SIGNED_IN, null, min(5)),
                new PresenceStep.Open("pbx", ALICE, PresenceKind.SIGNED_IN, null, min(60)))));
        assertThat(await(store.overlapping(min(10), min(60)))).extracting(PresenceInterval::start)
                .containsExactlyInAnyOrder(min(20), min(5));
    }
}
