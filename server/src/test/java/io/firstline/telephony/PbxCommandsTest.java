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
    @DisplayName("ChanSpy's target is the member interface without FreePBX's /n; each mode has its options")
    void spy() {
        assertThat(PbxCommands.spyTarget("Local/1002@agents/n")).isEqualTo("Local/1002@agents");
        assertThat(PbxCommands.spyTarget("PJSIP/1002")).isEqualTo("PJSIP/1002");
        assertThat(PbxCommands.SpyMode.of("whisper").orElseThrow().options()).isEqualTo("qwE");
        assertThat(PbxCommands.SpyMode.of("listen").orElseThrow().options()).isEqualTo("qE");
        assertThat(PbxCommands.SpyMode.of("barge").orElseThrow().options()).isEqualTo("qBE");
        assertThat(PbxCommands.SpyMode.of("shout")).isEmpty();
    }
}
