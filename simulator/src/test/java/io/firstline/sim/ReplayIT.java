// Replaying a capture sends exactly its bytes after the login part; real sockets, JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayIT {

    @TempDir
    Path dir;

    @Test
    void replayOfAnsweredSoftwareSendsTheCapturedBytes() throws Exception {
        AmiTrace trace = AmiTrace.bundled("answered-software");
        Path raw = dir.resolve("answered-software.ami.raw");
        Files.write(raw, trace.raw());
        byte[] expected = trace.bytesAfterLogin();
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(100).build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.replay(raw, false).get();
            assertThat(c.readExactly(expected.length)).isEqualTo(expected);
        }
    }

    @Test
    void replayAtRecordedSpeedKeepsTheOrderAndBytes() throws Exception {
        AmiTrace trace = AmiTrace.bundled("ticket-status-ivr");
        Path raw = dir.resolve("ticket-status-ivr.ami.raw");
        Files.write(raw, trace.raw());
        Files.write(dir.resolve("ticket-status-ivr.recv.tsv"),
                AmiTrace.class.getResourceAsStream("/io/firstline/sim/traces/ticket-status-ivr.recv.tsv").readAllBytes());
        byte[] expected = trace.bytesAfterLogin();
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(1000).build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.replay(raw, true);
            assertThat(c.readExactly(expected.length)).isEqualTo(expected);
        }
    }
}
