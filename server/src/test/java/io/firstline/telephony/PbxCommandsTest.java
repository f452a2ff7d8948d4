package io.firstline.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("actions sent on someone's behalf")
class PbxCommandsTest {

    @Test
    @DisplayName("a line break in a name or reason cannot add AMI headers of its own")
    void oneLine() {
        assertThat(PbxCommands.line("Alice\r\nAction: Originate")).isEqualTo("Alice  Action: Originate").doesNotContain("\n");
        assertThat(PbxCommands.line(null)).isNull();
    }

    @Test
    @DisplayName("the phone behind a member: configured, or derived only where [agents] makes it certain")
    void stateInterface() {
        assertThat(PbxCommands.stateInterface("Local/1003@agents/n", null)).contains("PJSIP/1003");
        assertThat(PbxCommands.stateInterface("Local/1003@agents", null)).contains("PJSIP/1003");
        assertThat(PbxCommands.stateInterface("PJSIP/1003", null)).contains("PJSIP/1003");
        assertThat(PbxCommands.stateInterface("SIP/alice", null)).contains("SIP/alice");
        // FreePBX's from-queue follows follow-me and DND: the phone is not certain, so it must be configured
        assertThat(PbxCommands.stateInterface("Local/1003@from-queue/n", null)).isEmpty();
        assertThat(PbxCommands.stateInterface("Local/1003@from-queue/n", "hint:1003@ext-local")).contains("hint:1003@ext-local");
        assertThat(PbxCommands.stateInterface("Local/1003@agents/n", "PJSIP/carol-desk")).contains("PJSIP/carol-desk");
        assertThat(PbxCommands.stateInterface(null, null)).isEmpty();
    }

    @Test
    @DisplayName("ChanSpy is aimed at the agent's phone channel only: PJSIP/1001- never picks PJSIP/10010 or a Local half")
    void spySpec() {
        String spec = PbxCommands.spySpec("PJSIP/1001").orElseThrow();
        assertThat(spec).isEqualTo("PJSIP/1001-");
        // ChanSpy takes every channel whose name starts with the spec (app_chanspy.c, iterator by name prefix)
        assertThat("PJSIP/1001-00000005").startsWith(spec);
        assertThat("PJSIP/10010-00000007").doesNotStartWith(spec);
        assertThat("Local/1001@agents-00000011;2").doesNotStartWith(spec);
        assertThat(PbxCommands.spySpec("Local/1001@agents/n")).isEmpty();
        assertThat(PbxCommands.spySpec("Local/1001@agents")).isEmpty();
        assertThat(PbxCommands.spySpec("hint:1001@ext-local")).isEmpty();
        assertThat(PbxCommands.spySpec(null)).isEmpty();
    }

    @Test
    @DisplayName("each spy mode has its ChanSpy options and says who hears the supervisor")
    void spyModes() {
        PbxCommands.SpyMode listen = PbxCommands.SpyMode.of("listen").orElseThrow();
        PbxCommands.SpyMode whisper = PbxCommands.SpyMode.of("whisper").orElseThrow();
        PbxCommands.SpyMode barge = PbxCommands.SpyMode.of("barge").orElseThrow();
        assertThat(listen.options()).isEqualTo("bqES");
        assertThat(whisper.options()).isEqualTo("bqwES");
        assertThat(barge.options()).isEqualTo("bqBES");
        assertThat(listen.agentHears()).isFalse();
        assertThat(listen.callerHears()).isFalse();
        assertThat(whisper.agentHears()).isTrue();
        assertThat(whisper.callerHears()).isFalse();
        assertThat(barge.agentHears()).isTrue();
        assertThat(barge.callerHears()).isTrue();
        assertThat(PbxCommands.SpyMode.of("shout")).isEmpty();
    }
}
