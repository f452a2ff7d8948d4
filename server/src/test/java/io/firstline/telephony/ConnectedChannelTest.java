package io.firstline.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.calls.CallTracker;
import io.firstline.calls.PbxEvent;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The member's leg of a connected call, which a blind transfer acts on, from the real traces. */
@DisplayName("the tracker knows the agent's channel of the call they are talking on")
class ConnectedChannelTest {

    private static final String ALICE = "Local/1001@agents/n";

    @Test
    @DisplayName("blind-transfer-action: once Alice answers, her leg is Local/1001@agents-00000028;1, as Asterisk's BlindTransfer was given")
    void channelOfTheAnsweredCall() throws Exception {
        CallTracker tracker = new CallTracker();
        List<PbxEvent> events = Traces.pbxEvents("blind-transfer-action");
        boolean seen = false;
        for (PbxEvent e : events) {
            tracker.apply(e);
            if (e instanceof PbxEvent.MemberConnected) {
                assertThat(tracker.connectedChannel("pbx", ALICE)).contains("Local/1001@agents-00000028;1");
                seen = true;
            }
            if (!seen) {
                assertThat(tracker.connectedChannel("pbx", ALICE)).as("before the answer").isEmpty();
            }
        }
        assertThat(seen).isTrue();
        assertThat(tracker.connectedChannel("pbx", ALICE)).as("after the call").isEmpty();
    }

    @Test
    @DisplayName("ring-no-answer-software: a member whose phone only rang has no call channel; the one who answered has")
    void onlyTheAnsweringMember() throws Exception {
        CallTracker tracker = new CallTracker();
        for (PbxEvent e : Traces.pbxEvents("ring-no-answer-software")) {
            tracker.apply(e);
            if (e instanceof PbxEvent.MemberConnected c) {
                assertThat(tracker.connectedChannel("pbx", c.memberInterface())).contains(c.memberChannel());
                assertThat(tracker.connectedChannel("pbx", ALICE)).isEmpty();
                assertThat(tracker.connectedChannel("pbx", "Local/1003@agents/n")).isEmpty();
            }
        }
    }
}
