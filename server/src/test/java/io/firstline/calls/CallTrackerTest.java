package io.firstline.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the call tracker with odd and hostile input")
class CallTrackerTest {

    private final CallTracker tracker = new CallTracker();
    private Instant t = Instant.parse("2026-11-24T10:00:00Z");

    private List<CallChange> apply(PbxEvent... events) {
        List<CallChange> out = new ArrayList<>();
        for (PbxEvent e : events) {
            out.addAll(tracker.apply(e));
        }
        return out;
    }

    private Instant next() {
        t = t.plusSeconds(1);
        return t;
    }

    private List<CallChange> answeredCall(String linkedid, String number, String name) {
        return apply(
                new PbxEvent.ChannelCreated("p", next(), linkedid + ".1", linkedid, "PJSIP/trunk-01", number, name, "helpdesk", "s"),
                new PbxEvent.QueueJoined("p", next(), linkedid + ".1", linkedid, "PJSIP/trunk-01", number, name, "software", 1),
                new PbxEvent.MemberRinging("p", next(), linkedid + ".1", linkedid, "software", "PJSIP/1001", "Alice", "PJSIP/1001-01"),
                new PbxEvent.MemberConnected("p", next(), linkedid + ".1", linkedid, "software", "PJSIP/1001", "Alice", "PJSIP/1001-01", 2, 1));
    }

    @Test
    @DisplayName("a FreePBX-style call without FIRSTLINE_* variables is still a correct call, just without a menu path")
    void foreignDialplan() {
        answeredCall("900.1", "+15550001111", "Sam Caller");
        List<CallChange> end = apply(new PbxEvent.MemberCompleted("p", next(), "900.1.1", "900.1", "software", "PJSIP/1001", "Alice", 2, 30, "caller"),
                new PbxEvent.ChannelHungUp("p", next(), "900.1.1", "900.1", "PJSIP/trunk-01", 16, "Normal Clearing"));
        CallView call = ((CallChange.CallEnded) end.get(end.size() - 1)).call();
        assertThat(call.status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(call.menuPath()).isNull();
        assertThat(call.talkSeconds()).isEqualTo(30);
    }

    @Test
    @DisplayName("an AgentComplete without the caller's Linkedid (leg redirected away) finds the call by its member")
    void agentCompleteWithoutIds() {
        answeredCall("901.1", "+15550002222", "Kim");
        List<CallChange> done = apply(new PbxEvent.MemberCompleted("p", next(), null, null, "software", "PJSIP/1001", "Alice", 2, 44, "transfer"));
        assertThat(done).anySatisfy(c -> {
            assertThat(c).isInstanceOf(CallChange.MemberDone.class);
            assertThat(c.call().linkedid()).isEqualTo("901.1");
            assertThat(c.call().transferred()).isTrue();
        });
        assertThat(tracker.members()).anySatisfy(m -> assertThat(m.state()).isNotEqualTo(MemberState.IN_CALL));
    }

    @Test
    @DisplayName("events for calls never seen (begun before we connected) are skipped without harm")
    void unknownCalls() {
        assertThat(apply(
                new PbxEvent.MemberConnected("p", next(), "1.2", "unknown.9", "software", "PJSIP/1002", "Bob", null, 1, 1),
                new PbxEvent.ChannelHungUp("p", next(), "1.2", "unknown.9", "PJSIP/x", 16, ""),
                new PbxEvent.VariableSet("p", next(), "1.2", "unknown.9", "PJSIP/x", "FIRSTLINE_MENU_PATH", "main/x"),
                new PbxEvent.CallerAbandoned("p", next(), "1.2", "unknown.9", "software", 3)))
                .noneMatch(c -> c instanceof CallChange.CallStarted || c instanceof CallChange.CallEnded);
        assertThat(tracker.activeCalls()).isEmpty();
    }

    @Test
    @DisplayName("'<unknown>' and 'anonymous' are no number; names in any script are kept; absurd lengths are cut")
    void callerIds() {
        answeredCall("902.1", "<unknown>", "anonymous");
        assertThat(tracker.call("p", "902.1")).hasValueSatisfying(c -> {
            assertThat(c.callerNumber()).isNull();
            assertThat(c.callerName()).isNull();
        });
        answeredCall("903.1", "+41446681800", "Zoë Ångström 山田");
        assertThat(tracker.call("p", "903.1").orElseThrow().callerName()).isEqualTo("Zoë Ångström 山田");
        answeredCall("904.1", "+15550003333", "x".repeat(100_000));
        assertThat(tracker.call("p", "904.1").orElseThrow().callerName()).hasSizeLessThanOrEqualTo(200);
    }

    @Test
    @DisplayName("bad menu paths and tickets from the dialplan are ignored; the last good value counts")
    void badVariables() {
        apply(new PbxEvent.ChannelCreated("p", next(), "905.1", "905", "PJSIP/t", "+15550004444", "Lee", "helpdesk", "s"));
        apply(new PbxEvent.VariableSet("p", next(), "905.1", "905", "PJSIP/t", "FIRSTLINE_MENU_PATH", "main/software"),
                new PbxEvent.VariableSet("p", next(), "905.1", "905", "PJSIP/t", "FIRSTLINE_MENU_PATH", "main/<script>"),
                new PbxEvent.VariableSet("p", next(), "905.1", "905", "PJSIP/t", "FIRSTLINE_TICKET", "12a34#"),
                new PbxEvent.VariableSet("p", next(), "905.1", "905", "PJSIP/t", "FIRSTLINE_TICKET", "9".repeat(40)),
                new PbxEvent.VariableSet("p", next(), "905.1", "905", "PJSIP/t", "FIRSTLINE_CALLER_ID", "42; DROP TABLE"));
        CallView c = tracker.call("p", "905").orElseThrow();
        assertThat(c.menuPath()).isEqualTo("main/software");
        assertThat(c.ticketTyped()).isEqualTo("1234");
        assertThat(c.callerIdHint()).isNull();
    }

    @Test
    @DisplayName("two interleaved calls stay apart: each answer and each end belongs to its own call")
    void interleaved() {
        apply(new PbxEvent.ChannelCreated("p", next(), "a.1", "a", "PJSIP/t-a", "+15550000001", "A", "helpdesk", "s"),
                new PbxEvent.ChannelCreated("p", next(), "b.1", "b", "PJSIP/t-b", "+15550000002", "B", "helpdesk", "s"),
                new PbxEvent.QueueJoined("p", next(), "a.1", "a", "PJSIP/t-a", "+15550000001", "A", "software", 1),
                new PbxEvent.QueueJoined("p", next(), "b.1", "b", "PJSIP/t-b", "+15550000002", "B", "software", 2),
                new PbxEvent.MemberRinging("p", next(), "a.1", "a", "software", "PJSIP/1001", "Alice", "PJSIP/1001-1"),
                new PbxEvent.MemberRinging("p", next(), "b.1", "b", "software", "PJSIP/1002", "Bob", "PJSIP/1002-1"),
                new PbxEvent.MemberConnected("p", next(), "b.1", "b", "software", "PJSIP/1002", "Bob", "PJSIP/1002-1", 4, 1),
                new PbxEvent.CallerAbandoned("p", next(), "a.1", "a", "software", 5));
        List<CallChange> ends = apply(new PbxEvent.ChannelHungUp("p", next(), "a.1", "a", "PJSIP/t-a", 16, ""),
                new PbxEvent.ChannelHungUp("p", next(), "b.1", "b", "PJSIP/t-b", 16, ""));
        List<CallView> ended = ends.stream().filter(c -> c instanceof CallChange.CallEnded).map(CallChange::call).toList();
        assertThat(ended).extracting(CallView::linkedid, CallView::status, CallView::memberInterface).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", CallStatus.ABANDONED, null),
                org.assertj.core.groups.Tuple.tuple("b", CallStatus.ANSWERED, "PJSIP/1002"));
    }

    // --- queue memberships after a resync ---------------------------------------------------

    private static final String ALICE = "Local/1001@agents/n";

    private PbxEvent.MemberStatus listed(String pbx, String queue, String iface, boolean paused) {
        return new PbxEvent.MemberStatus(pbx, next(), queue, iface, "Alice", 1, paused, paused ? "lunch" : null, false);
    }

    private MemberView member(String pbx, String iface) {
        return tracker.members().stream().filter(m -> m.pbx().equals(pbx) && m.memberInterface().equals(iface))
                .findFirst().orElseThrow();
    }

    private List<CallChange> resync(String pbx, boolean membersListed, PbxEvent... listing) {
        List<CallChange> out = new ArrayList<>(apply(new PbxEvent.LinkLost(pbx, next()), new PbxEvent.SnapshotStarted(pbx, next())));
        out.addAll(apply(listing));
        out.addAll(apply(new PbxEvent.SnapshotDone(pbx, next(), true, membersListed)));
        return out;
    }

    @Test
    @DisplayName("a member taken out of every queue while the link was down is signed out once the snapshot is done")
    void removedWhileDown() {
        apply(new PbxEvent.MemberAdded("p", next(), "software", ALICE, "Alice", false));
        List<CallChange> changes = resync("p", true);
        assertThat(member("p", ALICE).state()).isEqualTo(MemberState.SIGNED_OUT);
        assertThat(member("p", ALICE).queues()).isEmpty();
        assertThat(changes).filteredOn(c -> c instanceof CallChange.MemberChanged).hasSize(1);
    }

    @Test
    @DisplayName("a member in two queues, one of them gone from the snapshot, stays in the other with the snapshot's pause")
    void oneQueueGone() {
        apply(new PbxEvent.MemberAdded("p", next(), "software", ALICE, "Alice", false),
                new PbxEvent.MemberAdded("p", next(), "hardware", ALICE, "Alice", false));
        resync("p", true, listed("p", "hardware", ALICE, true));
        MemberView alice = member("p", ALICE);
        assertThat(alice.queues()).containsExactly("hardware");
        assertThat(alice.state()).isEqualTo(MemberState.PAUSED);
        assertThat(alice.pauseReason()).isEqualTo("lunch");
    }

    @Test
    @DisplayName("another PBX's snapshot leaves this PBX's members alone")
    void otherPbxUntouched() {
        apply(new PbxEvent.MemberAdded("p", next(), "software", ALICE, "Alice", false),
                new PbxEvent.MemberAdded("q", next(), "software", ALICE, "Alice", false));
        resync("q", true);
        assertThat(member("p", ALICE).queues()).containsExactly("software");
        assertThat(member("p", ALICE).state()).isEqualTo(MemberState.AVAILABLE);
        assertThat(member("q", ALICE).state()).isEqualTo(MemberState.SIGNED_OUT);
    }

    @Test
    @DisplayName("a QueueStatus refused or cut short takes nobody out of a queue")
    void incompleteListing() {
        apply(new PbxEvent.MemberAdded("p", next(), "software", ALICE, "Alice", false),
                new PbxEvent.MemberAdded("p", next(), "hardware", ALICE, "Alice", false));
        List<CallChange> changes = resync("p", false, listed("p", "hardware", ALICE, false));
        assertThat(member("p", ALICE).queues()).containsExactlyInAnyOrder("hardware", "software");
        assertThat(member("p", ALICE).state()).isEqualTo(MemberState.AVAILABLE);
        assertThat(changes).filteredOn(c -> c instanceof CallChange.MemberChanged).isEmpty();
    }

    @Test
    @DisplayName("a member added live while the snapshot is being taken is not taken out by it")
    void addedDuringSnapshot() {
        apply(new PbxEvent.LinkLost("p", next()), new PbxEvent.SnapshotStarted("p", next()),
                new PbxEvent.MemberAdded("p", next(), "software", ALICE, "Alice", false),
                new PbxEvent.SnapshotDone("p", next(), true, true));
        assertThat(member("p", ALICE).queues()).containsExactly("software");
    }
}
