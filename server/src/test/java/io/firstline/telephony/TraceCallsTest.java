package io.firstline.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallTracker;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberState;
import io.firstline.calls.MemberView;
import io.firstline.calls.PbxEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the real Asterisk traces become calls and member states")
class TraceCallsTest {

    private final CallTracker tracker = new CallTracker();

    private List<CallChange> replay(String trace) throws Exception {
        List<CallChange> changes = new ArrayList<>();
        for (PbxEvent e : Traces.pbxEvents(trace)) {
            changes.addAll(tracker.apply(e));
        }
        return changes;
    }

    private static <T> List<T> only(List<CallChange> changes, Class<T> type) {
        return changes.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    @DisplayName("answered-software: Jane Doe chooses software, Alice's phone rings, Alice answers, the caller hangs up")
    void answered() throws Exception {
        List<CallChange> changes = replay("answered-software");
        List<CallChange.CallEnded> ended = only(changes, CallChange.CallEnded.class);
        assertThat(ended).hasSize(1);
        CallView call = ended.get(0).call();
        assertThat(call.linkedid()).isEqualTo("1795483013.0");
        assertThat(call.callerNumber()).isEqualTo("+15551234567");
        assertThat(call.callerName()).isEqualTo("Jane Doe");
        assertThat(call.callerIdHint()).isEqualTo("42");
        assertThat(call.queue()).isEqualTo("software");
        assertThat(call.menuPath()).isEqualTo("main/software");
        assertThat(call.status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(call.memberInterface()).isEqualTo("Local/1001@agents/n");
        assertThat(call.memberName()).isEqualTo("Alice Agent");
        assertThat(call.endReason()).isEqualTo("caller");
        assertThat(call.waitSeconds()).isNotNull();
        assertThat(call.talkSeconds()).isNotNull();
        assertThat(call.endedAtEstimated()).as("its end was seen").isFalse();

        assertThat(only(changes, CallChange.MemberRang.class)).extracting(CallChange.MemberRang::memberInterface)
                .containsExactly("Local/1001@agents/n");
        List<CallChange.CallAnswered> answered = only(changes, CallChange.CallAnswered.class);
        assertThat(answered).hasSize(1);
        assertThat(answered.get(0).call().menuPath()).isEqualTo("main/software");
        assertThat(only(changes, CallChange.CallWithdrawn.class)).isEmpty();
        assertThat(only(changes, CallChange.CallStarted.class)).hasSize(1);
        assertThat(tracker.activeCalls()).isEmpty();

        MemberView alice = tracker.members().stream().filter(m -> m.memberInterface().equals("Local/1001@agents/n"))
                .findFirst().orElseThrow();
        assertThat(alice.state()).isEqualTo(MemberState.AVAILABLE);
        assertThat(alice.queues()).contains("software", "hardware", "network");
    }

    @Test
    @DisplayName("abandoned-hardware: three phones ring (ringall), the caller hangs up, every ringing phone is withdrawn")
    void abandoned() throws Exception {
        List<CallChange> changes = replay("abandoned-hardware");
        CallView call = only(changes, CallChange.CallEnded.class).get(0).call();
        assertThat(call.status()).isEqualTo(CallStatus.ABANDONED);
        assertThat(call.queue()).isEqualTo("hardware");
        assertThat(call.answeredAt()).isNull();
        assertThat(call.waitSeconds()).isBetween(3, 10);
        assertThat(only(changes, CallChange.MemberRang.class)).extracting(CallChange.MemberRang::memberInterface)
                .containsExactlyInAnyOrder("Local/1001@agents/n", "Local/1002@agents/n", "Local/1003@agents/n");
        assertThat(only(changes, CallChange.CallWithdrawn.class)).extracting(CallChange.CallWithdrawn::memberInterface)
                .containsExactlyInAnyOrder("Local/1001@agents/n", "Local/1002@agents/n", "Local/1003@agents/n");
        assertThat(only(changes, CallChange.CallAnswered.class)).isEmpty();
        assertThat(tracker.members()).allSatisfy(m -> assertThat(m.state()).isNotIn(MemberState.RINGING, MemberState.IN_CALL));
    }

    @Test
    @DisplayName("ring-no-answer-software: Alice rings 15 s unanswered (RingTime in ms), Bob answers, the agent hangs up")
    void ringNoAnswer() throws Exception {
        List<CallChange> changes = replay("ring-no-answer-software");
        List<CallChange.MemberMissed> missed = only(changes, CallChange.MemberMissed.class);
        assertThat(missed).hasSize(1);
        assertThat(missed.get(0).memberInterface()).isEqualTo("Local/1001@agents/n");
        assertThat(missed.get(0).ringMillis()).isBetween(14_000L, 16_000L);
        CallView call = only(changes, CallChange.CallEnded.class).get(0).call();
        assertThat(call.status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(call.memberInterface()).isEqualTo("Local/1002@agents/n");
        assertThat(call.endReason()).isEqualTo("agent");
        assertThat(only(changes, CallChange.CallAnswered.class)).extracting(CallChange.CallAnswered::memberInterface)
                .containsExactly("Local/1002@agents/n");
    }

    @Test
    @DisplayName("ticket-status-ivr: the caller types a ticket number and never reaches a queue")
    void ticketStatus() throws Exception {
        List<CallChange> changes = replay("ticket-status-ivr");
        CallView call = only(changes, CallChange.CallEnded.class).get(0).call();
        assertThat(call.ticketTyped()).isEqualTo("1234");
        assertThat(call.menuPath()).startsWith("main/");
        assertThat(call.status()).isEqualTo(CallStatus.MENU_ONLY);
        assertThat(call.queue()).isNull();
    }

    @Test
    @DisplayName("blind-transfer-action: the agent's leg is transferred; the call is marked transferred")
    void blindTransfer() throws Exception {
        List<CallChange> changes = replay("blind-transfer-action");
        List<CallChange.CallEnded> ended = only(changes, CallChange.CallEnded.class);
        assertThat(ended).isNotEmpty();
        assertThat(ended).anySatisfy(e -> assertThat(e.call().transferred()).isTrue());
        assertThat(only(changes, CallChange.MemberDone.class)).anySatisfy(d -> assertThat(d.reason()).isEqualTo("transfer"));
    }

    @Test
    @DisplayName("agent-pause-and-membership: pauses with a reason, unpauses and membership changes reach the members")
    void pauses() throws Exception {
        List<CallChange> changes = replay("agent-pause-and-membership");
        List<MemberView> states = only(changes, CallChange.MemberChanged.class).stream().map(CallChange.MemberChanged::member).toList();
        assertThat(states).anySatisfy(m -> {
            assertThat(m.state()).isEqualTo(MemberState.PAUSED);
            assertThat(m.pauseReason()).isNotBlank();
        });
        assertThat(states.get(states.size() - 1).state()).isNotEqualTo(MemberState.RINGING);
    }

    @Test
    @DisplayName("status-snapshot: a fresh login learns the connected and the waiting call from Asterisk's lists")
    void snapshot() throws Exception {
        List<CallChange> changes = new ArrayList<>();
        changes.addAll(tracker.apply(new PbxEvent.SnapshotStarted("pbx", java.time.Instant.parse("2026-11-24T08:59:00Z"))));
        for (PbxEvent e : Traces.pbxEvents("status-snapshot")) {
            changes.addAll(tracker.apply(e));
        }
        changes.addAll(tracker.apply(new PbxEvent.SnapshotDone("pbx", java.time.Instant.parse("2026-11-24T09:10:00Z"), true, true)));
        assertThat(tracker.activeCalls()).anySatisfy(c -> {
            assertThat(c.queue()).isEqualTo("hardware");
            assertThat(c.callerNumber()).isEqualTo("+15557654321");
            assertThat(c.status()).isEqualTo(CallStatus.QUEUED);
        });
        assertThat(tracker.members()).anySatisfy(m -> {
            assertThat(m.memberInterface()).isEqualTo("Local/1001@agents/n");
            assertThat(m.queues()).contains("hardware", "software");
        });
    }

    /** The trace's events up to and including the first one of the given type. */
    private static List<PbxEvent> until(String trace, Class<? extends PbxEvent> last) throws Exception {
        List<PbxEvent> out = new ArrayList<>();
        for (PbxEvent e : Traces.pbxEvents(trace)) {
            out.add(e);
            if (last.isInstance(e)) {
                return out;
            }
        }
        throw new AssertionError(trace + " has no " + last.getSimpleName());
    }

    /** The link drops after {@code before}; it comes back and Asterisk's snapshot (status-snapshot) no longer has those calls. */
    private List<CallChange> dropAndResync(List<PbxEvent> before) throws Exception {
        List<CallChange> changes = new ArrayList<>();
        before.forEach(e -> changes.addAll(tracker.apply(e)));
        java.time.Instant lost = before.get(before.size() - 1).at().plusSeconds(30);
        changes.addAll(tracker.apply(new PbxEvent.LinkLost("pbx", lost)));
        changes.addAll(tracker.apply(new PbxEvent.SnapshotStarted("pbx", lost.plusSeconds(60))));
        for (PbxEvent e : Traces.pbxEvents("status-snapshot")) {
            changes.addAll(tracker.apply(e));
        }
        changes.addAll(tracker.apply(new PbxEvent.SnapshotDone("pbx", lost.plusSeconds(61), true, true)));
        return changes;
    }

    @Test
    @DisplayName("answered-software, the link drops while Alice talks and the call ends meanwhile: after the resync it"
            + " is answered, ended at its last event seen (estimated), ended-while-link-was-down, talk time unknown")
    void answeredCallEndedWhileTheLinkWasDown() throws Exception {
        List<PbxEvent> before = until("answered-software", PbxEvent.MemberConnected.class);
        java.time.Instant answeredAt = before.get(before.size() - 1).at();
        List<CallChange> changes = dropAndResync(before);

        List<CallChange.CallEnded> ended = only(changes, CallChange.CallEnded.class).stream()
                .filter(e -> e.call().linkedid().equals("1795483013.0")).toList();
        assertThat(ended).hasSize(1);
        CallView call = ended.get(0).call();
        assertThat(call.status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(call.answeredAt()).isEqualTo(answeredAt);
        assertThat(call.memberInterface()).isEqualTo("Local/1001@agents/n");
        assertThat(call.endedAtEstimated()).isTrue();
        assertThat(call.endedAt()).as("the last event seen of it: the answer").isEqualTo(answeredAt);
        assertThat(call.endReason()).isEqualTo(CallTracker.ENDED_WHILE_LINK_WAS_DOWN);
        assertThat(call.talkSeconds()).as("not guessed").isNull();
        assertThat(call.waitSeconds()).as("as AgentConnect said").isNotNull();
        assertThat(ended.get(0).timeline().at()).isEqualTo(answeredAt);
        assertThat(ended.get(0).timeline().detail()).startsWith("answered, ended-while-link-was-down").contains("end not seen");

        assertThat(tracker.call("pbx", "1795483013.0")).isEmpty();
        assertThat(tracker.members()).filteredOn(m -> m.memberInterface().equals("Local/1001@agents/n"))
                .allSatisfy(m -> assertThat(m.state()).isNotEqualTo(MemberState.IN_CALL));
        // The calls Asterisk still has are adopted as before.
        assertThat(tracker.activeCalls()).extracting(CallView::linkedid).contains("1795483095.20", "1795483095.18");
    }

    @Test
    @DisplayName("abandoned-hardware, the link drops while three phones ring: the call ends at its last event seen,"
            + " unanswered as last seen, with no wait time guessed, and every ringing phone is withdrawn")
    void ringingCallEndedWhileTheLinkWasDown() throws Exception {
        List<PbxEvent> before = new ArrayList<>(until("abandoned-hardware", PbxEvent.MemberRinging.class));
        List<CallChange> changes = dropAndResync(before);
        CallView call = only(changes, CallChange.CallEnded.class).stream().map(CallChange.CallEnded::call)
                .filter(c -> c.queue() != null && c.queue().equals("hardware") && c.answeredAt() == null
                        && !c.linkedid().startsWith("1795483095"))
                .findFirst().orElseThrow();
        assertThat(call.status()).isEqualTo(CallStatus.UNANSWERED);
        assertThat(call.endedAtEstimated()).isTrue();
        assertThat(call.endedAt()).isEqualTo(before.get(before.size() - 1).at());
        assertThat(call.waitSeconds()).isNull();
        assertThat(call.endReason()).isEqualTo(CallTracker.ENDED_WHILE_LINK_WAS_DOWN);
        assertThat(only(changes, CallChange.CallWithdrawn.class)).isNotEmpty()
                .allSatisfy(w -> assertThat(w.timeline().at()).isEqualTo(call.endedAt()));
    }

    @Test
    @DisplayName("login-failure-and-bad-action and the greeting carry no calls")
    void noCalls() throws Exception {
        assertThat(only(replay("login-failure-and-bad-action"), CallChange.CallStarted.class)).isEmpty();
    }

    // --- real PJSIP phones (pjsip-e2e-scenarios: Firstline's own dialplans, Local/100X@agents/n members) ---

    private static final String PJSIP = "pjsip-e2e-scenarios";

    /** Every change the whole PJSIP recording makes about one call (selected by its Linkedid). */
    private static List<CallChange> ofCall(List<CallChange> changes, String linkedid) {
        return changes.stream().filter(c -> c.call() != null && c.call().linkedid().equals(linkedid)).toList();
    }

    private static CallView endOf(List<CallChange> changes, String linkedid) {
        List<CallChange.CallEnded> ended = only(ofCall(changes, linkedid), CallChange.CallEnded.class);
        assertThat(ended).as("the end of call %s", linkedid).hasSize(1);
        return ended.get(0).call();
    }

    @Test
    @DisplayName("pjsip: Carol on a direct call (2000 → PJSIP/1003, QueueMemberStatus Status 2 with no queue call) is busy,"
            + " not available, until her phone is free again; a queue call of her own shows as ringing and in-call")
    void pjsipBusyOnADirectCall() throws Exception {
        String carol = "Local/1003@agents/n";
        String queueCall = "e2e-pbx-1796416318.81";
        MemberState beforeTheQueueRang = null;
        MemberState afterTheQueueCall = null;
        List<MemberState> seen = new ArrayList<>();
        for (PbxEvent e : Traces.pbxEvents(PJSIP)) {
            MemberState before = stateOf(carol);
            List<CallChange> changes = tracker.apply(e);
            for (CallChange c : changes) {
                if (c instanceof CallChange.MemberRang r && r.memberInterface().equals(carol) && r.call().linkedid().equals(queueCall)) {
                    beforeTheQueueRang = before;
                }
                if (c instanceof CallChange.CallEnded end && end.call().linkedid().equals(queueCall)) {
                    afterTheQueueCall = stateOf(carol);
                }
                if (c instanceof CallChange.MemberChanged m && m.member().memberInterface().equals(carol)) {
                    seen.add(m.member().state());
                }
            }
        }
        assertThat(beforeTheQueueRang).as("while on the direct call, before the queue rang her").isEqualTo(MemberState.BUSY);
        assertThat(afterTheQueueCall).as("the queue call is over, the direct call is not").isEqualTo(MemberState.BUSY);
        assertThat(seen).contains(MemberState.BUSY, MemberState.RINGING, MemberState.IN_CALL);
        assertThat(stateOf(carol)).as("at the end of the recording").isNotEqualTo(MemberState.BUSY);
    }

    private MemberState stateOf(String memberInterface) {
        return tracker.members().stream().filter(m -> m.memberInterface().equals(memberInterface)).map(MemberView::state)
                .findFirst().orElse(null);
    }

    @Test
    @DisplayName("pjsip: a known caller answered by Alice keeps his own number; her phone's caller id (1001) never becomes the caller's")
    void pjsipAnsweredKeepsTheCaller() throws Exception {
        List<CallChange> call = ofCall(replay(PJSIP), "e2e-pbx-1796415571.0");
        List<CallChange.CallAnswered> answered = only(call, CallChange.CallAnswered.class);
        assertThat(answered).hasSize(1);
        assertThat(answered.get(0).memberInterface()).isEqualTo("Local/1001@agents/n");
        assertThat(answered.get(0).call().callerNumber()).isEqualTo("+15551234567");
        assertThat(answered.get(0).call().callerName()).isEqualTo("Jane Doe");
        assertThat(answered.get(0).call().callerIdHint()).isEqualTo("42");
        assertThat(call).allSatisfy(c -> assertThat(c.call().callerNumber()).isIn(null, "+15551234567"));
        CallView end = endOf(call, "e2e-pbx-1796415571.0");
        assertThat(end.status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(end.callerNumber()).isEqualTo("+15551234567");
        assertThat(end.callerName()).isEqualTo("Jane Doe");
    }

    @Test
    @DisplayName("pjsip: a caller who abandons while Bob's phone rings is recorded (and waits on the board) with her own number, not Bob's 1002")
    void pjsipAbandonedKeepsTheCaller() throws Exception {
        List<CallChange> call = ofCall(replay(PJSIP), "e2e-pbx-1796415615.5");
        assertThat(only(call, CallChange.MemberRang.class)).extracting(CallChange.MemberRang::memberInterface)
                .containsExactly("Local/1002@agents/n");
        assertThat(call).allSatisfy(c -> {
            assertThat(c.call().callerNumber()).isIn(null, "+15552502194");
            assertThat(c.call().callerName()).isIn(null, "Abigail Smith");
        });
        CallView end = endOf(call, "e2e-pbx-1796415615.5");
        assertThat(end.status()).isEqualTo(CallStatus.ABANDONED);
        assertThat(end.callerNumber()).isEqualTo("+15552502194");
        assertThat(end.callerName()).isEqualTo("Abigail Smith");
    }

    @Test
    @DisplayName("pjsip: no call of the recording that reached a queue takes a phone's extension for the caller's number")
    void pjsipNoQueuedCallIsNamedAfterAnAgent() throws Exception {
        List<CallView> queued = only(replay(PJSIP), CallChange.CallEnded.class).stream().map(CallChange.CallEnded::call)
                .filter(c -> c.queuedAt() != null).toList();
        assertThat(queued).hasSizeGreaterThan(10);
        assertThat(queued).allSatisfy(c -> assertThat(c.callerNumber()).as("caller of %s", c.linkedid()).startsWith("+1555"));
    }

    @Test
    @DisplayName("pjsip: a supervisor's listen, whisper and barge legs (ChanSpy from 9000) are internal, not callers' calls")
    void pjsipSpyLegsAreInternal() throws Exception {
        List<CallChange> changes = replay(PJSIP);
        for (String spy : List.of("e2e-pbx-1796416058.42", "e2e-pbx-1796416067.45", "e2e-pbx-1796416077.48")) {
            CallView end = endOf(changes, spy);
            assertThat(end.status()).as("spy leg %s", spy).isEqualTo(CallStatus.INTERNAL);
            assertThat(end.queue()).isNull();
        }
        assertThat(endOf(changes, "e2e-pbx-1796416049.37").status()).isEqualTo(CallStatus.ANSWERED);
    }

    @Test
    @DisplayName("pjsip: a one-click callback's call rings and is answered by Alice's phone (Dial of PJSIP/1001 from the Originate's other half), is hers, is a callback linked to request 521, and takes no name from Firstline's 'Callback …' label")
    void pjsipCallbackCall() throws Exception {
        List<CallChange> call = ofCall(replay(PJSIP), "e2e-pbx-1796416226.60");
        assertThat(only(call, CallChange.MemberRang.class)).singleElement().satisfies(r -> {
            assertThat(r.memberInterface()).isEqualTo("Local/1001@agents/n");
            assertThat(r.call().status()).isEqualTo(CallStatus.RINGING);
        });
        assertThat(only(call, CallChange.CallAnswered.class)).extracting(CallChange.CallAnswered::memberInterface)
                .containsExactly("Local/1001@agents/n");
        assertThat(only(call, CallChange.MemberDone.class)).extracting(CallChange.MemberDone::memberInterface)
                .containsExactly("Local/1001@agents/n");
        CallView end = endOf(call, "e2e-pbx-1796416226.60");
        assertThat(end.status()).isEqualTo(CallStatus.CALLBACK);
        assertThat(end.callbackId()).isEqualTo(521L);
        assertThat(end.callerNumber()).isEqualTo("+15557650001");
        assertThat(call).allSatisfy(c -> assertThat(c.call().callerName()).isNull());
        assertThat(end.memberInterface()).isEqualTo("Local/1001@agents/n");
        assertThat(end.talks()).extracting(CallView.Talk::memberInterface).containsExactly("Local/1001@agents/n");
        assertThat(end.talks().get(0).talkSeconds()).isNotNull();
        assertThat(end.callbackDialStatus()).isEqualTo("ANSWER");
    }

    @Test
    @DisplayName("pjsip: key 1 while waiting in software: the menu's ok (FIRSTLINE_CALLBACK_STATUS on channel .33) ties the callback request to the caller's call")
    void pjsipKeyOneCallbackRequest() throws Exception {
        List<CallChange> call = ofCall(replay(PJSIP), "e2e-pbx-1796415981.32");
        assertThat(call.stream().map(CallChange::timeline).filter(t -> t != null && t.type().equals("callback-requested")))
                .singleElement().satisfies(t -> assertThat(t.detail()).isEqualTo("while waiting in software"));
        assertThat(endOf(call, "e2e-pbx-1796415981.32").callbackRequestChannel()).isEqualTo("e2e-pbx-1796415981.33");
        assertThat(endOf(replay(PJSIP), "e2e-pbx-1796415571.0").callbackRequestChannel()).isNull();
    }

    @Test
    @DisplayName("pjsip: Alice sends the caller blind to the network queue: Bob's phone rings (pre-pop), Bob gets the pop, the record keeps Alice's 28 s and Bob's 34 s")
    void pjsipBlindTransferToAQueue() throws Exception {
        String linkedid = "e2e-pbx-1796416049.37";
        List<CallChange> call = ofCall(replay(PJSIP), linkedid);
        assertThat(only(call, CallChange.MemberRang.class)).extracting(CallChange.MemberRang::memberInterface)
                .containsExactly("Local/1001@agents/n", "Local/1002@agents/n");
        List<CallChange.CallAnswered> answered = only(call, CallChange.CallAnswered.class);
        assertThat(answered).extracting(CallChange.CallAnswered::memberInterface)
                .containsExactly("Local/1001@agents/n", "Local/1002@agents/n");
        assertThat(answered.get(1).call().callerNumber()).isEqualTo("+15551234567");
        assertThat(answered.get(1).call().queue()).isEqualTo("network");
        assertThat(only(call, CallChange.MemberDone.class)).extracting(CallChange.MemberDone::memberInterface,
                CallChange.MemberDone::reason).containsExactly(org.assertj.core.groups.Tuple.tuple("Local/1001@agents/n", "transfer"),
                org.assertj.core.groups.Tuple.tuple("Local/1002@agents/n", "caller"));

        List<CallChange.Timeline> timeline = call.stream().map(CallChange::timeline).filter(t -> t != null).toList();
        assertThat(timeline).extracting(CallChange.Timeline::key).doesNotHaveDuplicates();
        assertThat(timeline).filteredOn(t -> t.type().equals("answered")).extracting(CallChange.Timeline::memberInterface)
                .containsExactly("Local/1001@agents/n", "Local/1002@agents/n");
        assertThat(timeline).filteredOn(t -> t.type().equals("transferred")).singleElement()
                .satisfies(t -> assertThat(t.detail()).isEqualTo("to network@firstline-transfer"));

        CallView end = endOf(call, linkedid);
        assertThat(end.status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(end.transferred()).isTrue();
        assertThat(end.endReason()).isEqualTo("caller");
        assertThat(end.memberInterface()).isEqualTo("Local/1002@agents/n");
        assertThat(end.talks()).extracting(CallView.Talk::memberInterface, CallView.Talk::talkSeconds).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Local/1001@agents/n", 28), org.assertj.core.groups.Tuple.tuple("Local/1002@agents/n", 34));
        assertThat(end.talkSeconds()).isEqualTo(62);
        assertThat(end.answeredAt()).isEqualTo(answered.get(0).call().answeredAt());
    }

    @Test
    @DisplayName("pjsip: Alice transfers the caller to her colleague Carol (Dial of PJSIP/1003): Carol's phone rings, Carol gets the pop, the record moves to Carol with both talk times")
    void pjsipTransferToAColleague() throws Exception {
        String linkedid = "e2e-pbx-1796416148.54";
        List<CallChange> call = ofCall(replay(PJSIP), linkedid);
        assertThat(only(call, CallChange.MemberRang.class)).extracting(CallChange.MemberRang::memberInterface)
                .containsExactly("Local/1001@agents/n", "Local/1003@agents/n");
        assertThat(only(call, CallChange.MemberRang.class)).extracting(r -> r.call().status())
                .containsExactly(CallStatus.RINGING, CallStatus.RINGING);
        List<CallChange.CallAnswered> answered = only(call, CallChange.CallAnswered.class);
        assertThat(answered).extracting(CallChange.CallAnswered::memberInterface)
                .containsExactly("Local/1001@agents/n", "Local/1003@agents/n");
        assertThat(answered.get(1).memberName()).isEqualTo("Carol Agent");
        assertThat(answered.get(1).call().callerNumber()).isEqualTo("+15551234567");
        assertThat(only(call, CallChange.MemberDone.class)).extracting(CallChange.MemberDone::memberInterface,
                CallChange.MemberDone::reason).containsExactly(org.assertj.core.groups.Tuple.tuple("Local/1001@agents/n", "transfer"),
                org.assertj.core.groups.Tuple.tuple("Local/1003@agents/n", "caller"));
        assertThat(call.stream().map(CallChange::timeline).filter(t -> t != null).map(CallChange.Timeline::key))
                .doesNotHaveDuplicates();

        CallView end = endOf(call, linkedid);
        assertThat(end.status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(end.transferred()).isTrue();
        assertThat(end.endReason()).isEqualTo("caller");
        assertThat(end.memberInterface()).isEqualTo("Local/1003@agents/n");
        assertThat(end.talks()).extracting(CallView.Talk::memberInterface).containsExactly("Local/1001@agents/n",
                "Local/1003@agents/n");
        assertThat(end.talks().get(0).talkSeconds()).isZero();
        // The helper spaces events 100 ms apart, so Carol's 55 s shrink; her part is still measured.
        assertThat(end.talks().get(1).talkSeconds()).isPositive();
        assertThat(end.talkSeconds()).isEqualTo(end.talks().get(1).talkSeconds());
        assertThat(tracker.members()).filteredOn(m -> m.memberInterface().equals("Local/1003@agents/n")).singleElement()
                .satisfies(m -> assertThat(m.state()).isNotIn(MemberState.IN_CALL, MemberState.RINGING));
    }

    @Test
    @DisplayName("pjsip attended transfer: Alice's phone consults Carol, then REFERs with Replaces; the caller's call moves to Carol (ring-free answer, pop), keeps Alice's part up to the transfer, and the consultation is internal")
    void pjsipAttendedTransfer() throws Exception {
        String customer = "1796481488.11";
        String consult = "1796481504.15";
        List<CallChange> changes = replay("pjsip-attended-transfer");
        List<CallChange> call = ofCall(changes, customer);
        assertThat(only(call, CallChange.CallAnswered.class)).extracting(CallChange.CallAnswered::memberInterface)
                .containsExactly("Local/1001@agents/n", "Local/1003@agents/n");
        CallChange.CallAnswered carol = only(call, CallChange.CallAnswered.class).get(1);
        assertThat(carol.memberName()).isEqualTo("Carol Agent");
        assertThat(carol.call().callerNumber()).isEqualTo("+15551234567");
        assertThat(only(call, CallChange.MemberDone.class)).extracting(CallChange.MemberDone::memberInterface,
                CallChange.MemberDone::reason).containsExactly(org.assertj.core.groups.Tuple.tuple("Local/1001@agents/n", "transfer"),
                org.assertj.core.groups.Tuple.tuple("Local/1003@agents/n", "caller"));
        List<CallChange.Timeline> timeline = call.stream().map(CallChange::timeline).filter(t -> t != null).toList();
        assertThat(timeline).extracting(CallChange.Timeline::key).doesNotHaveDuplicates();
        assertThat(timeline).filteredOn(t -> t.type().equals("transferred")).singleElement()
                .satisfies(t -> assertThat(t.detail()).isEqualTo("attended, to Carol Agent"));
        CallView end = endOf(call, customer);
        assertThat(end.status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(end.transferred()).isTrue();
        assertThat(end.memberInterface()).isEqualTo("Local/1003@agents/n");
        assertThat(end.talks()).extracting(CallView.Talk::memberInterface).containsExactly("Local/1001@agents/n",
                "Local/1003@agents/n");
        assertThat(end.talks()).allSatisfy(t -> assertThat(t.talkSeconds()).isNotNull());
        // Alice's part ends at the transfer, not when app_queue's leg goes at the very end (AgentComplete, 73 s).
        assertThat(end.talks().get(0).talkSeconds()).isLessThan(73);

        List<CallChange> inner = ofCall(changes, consult);
        assertThat(inner).noneMatch(c -> c instanceof CallChange.MemberRang || c instanceof CallChange.CallAnswered);
        assertThat(endOf(inner, consult).status()).isEqualTo(CallStatus.INTERNAL);
        assertThat(tracker.members()).allSatisfy(m -> assertThat(m.state()).isNotIn(MemberState.IN_CALL, MemberState.RINGING));
    }

    @Test
    @DisplayName("pjsip trunk, key 1 while waiting in software: the request's channel is the trunk channel (its uniqueid is the Linkedid), and the call says so")
    void pjsipTrunkKeyOne() throws Exception {
        List<CallChange> call = ofCall(replay("pjsip-callback-key1"), "1796482402.27");
        CallView end = endOf(call, "1796482402.27");
        assertThat(end.callbackRequestChannel()).isEqualTo("1796482402.27");
        assertThat(end.callerNumber()).isEqualTo("+15557650001");
        assertThat(end.menuPath()).isEqualTo("main/software/callback");
        assertThat(end.status()).isEqualTo(CallStatus.UNANSWERED);
    }

    @Test
    @DisplayName("pjsip one-click callback (recorded after the fix): Alice's phone rings and answers, the customer is reached, the call is hers")
    void pjsipOneClickCallback() throws Exception {
        List<CallChange> call = ofCall(replay("pjsip-callback-oneclick"), "1796482440.31");
        assertThat(only(call, CallChange.CallAnswered.class)).extracting(CallChange.CallAnswered::memberInterface)
                .containsExactly("Local/1001@agents/n");
        CallView end = endOf(call, "1796482440.31");
        assertThat(end.status()).isEqualTo(CallStatus.CALLBACK);
        assertThat(end.callbackId()).isEqualTo(521L);
        assertThat(end.callbackDialStatus()).isEqualTo("ANSWER");
        assertThat(end.callerName()).isNull();
        assertThat(end.talks()).extracting(CallView.Talk::memberInterface).containsExactly("Local/1001@agents/n");
    }

    @Test
    @DisplayName("pjsip: Alice dials the help desk from her own phone, picks software and hangs up while waiting: an internal call, not an abandoned one")
    void pjsipAgentTryingTheQueue() throws Exception {
        CallView end = endOf(replay("pjsip-internal-abandon"), "1796482679.42");
        assertThat(end.queue()).isEqualTo("software");
        assertThat(end.status()).isEqualTo(CallStatus.INTERNAL);
    }
}
