// Replays the actions of the agent-pause-and-membership capture and compares every byte answered with the capture; real sockets, JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberActionsIT {

    private static String maskTimes(String s) {
        return s.replaceAll("(LastPause|LoginTime): [0-9]+", "$1: <t>");
    }

    @Test
    void pauseAddPenaltyRemoveAndTheirErrorsMatchTheCapture() throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            List<List<String>> actions = TraceFiles.sentActions("agent-pause-and-membership");
            c.login();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (List<String> action : actions.subList(1, actions.size())) {
                c.send(action.toArray(String[]::new));
                String id = action.stream().filter(l -> l.startsWith("ActionID: ")).findFirst().orElseThrow().substring(10);
                // read the response (and the member events that follow it) up to the next action's answer
                while (true) {
                    byte[] raw = c.nextRaw();
                    got.write(raw);
                    String text = new String(raw, StandardCharsets.US_ASCII);
                    if (text.startsWith("Response: ") && text.contains("ActionID: " + id + "\r\n")) {
                        break;
                    }
                }
            }
            c.timeout(Duration.ofMillis(200));
            // member events that follow the last responses are already in; nothing else may arrive
            String expected = new String(AmiTrace.bundled("agent-pause-and-membership").bytesAfterLogin(),
                    StandardCharsets.US_ASCII);
            String actual = new String(got.toByteArray(), StandardCharsets.US_ASCII);
            // the events after a response arrive before the next response; compare as one stream
            assertThat(maskTimes(actual)).isEqualTo(maskTimes(expected));
        }
    }
}
