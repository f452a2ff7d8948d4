// Replaying a capture sends exactly its events' bytes after the login part, not its responses; real sockets, JUnit thread.
package io.firstline.sim;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayIT {

    @TempDir
    Path dir;

    /**
     * The bytes of the events after the login part. The responses answered the recording session's actions (its
     * Originate, its Logoff's Goodbye): no other client gets them from Asterisk.
     */
    private static byte[] eventsAfterLogin(AmiTrace trace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<AmiTrace.Entry> entries = trace.entries();
        for (AmiTrace.Entry e : entries.subList(trace.firstEntryAfterLogin(), entries.size())) {
            if (!e.isResponse()) {
                out.writeBytes(trace.bytesOf(e));
            }
        }
        byte[] events = out.toByteArray();
        assertThat(events.length).as("the trace has responses after its login").isLessThan(trace.bytesAfterLogin().length);
        return events;
    }

    @Test
    void replayOfAnsweredSoftwareSendsTheCapturedEvents() throws Exception {
        AmiTrace trace = AmiTrace.bundled("answered-software");
        Path raw = dir.resolve("answered-software.ami.raw");
        Files.write(raw, trace.raw());
        byte[] expected = eventsAfterLogin(trace);
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(100).build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.replay(raw, false).get();
            assertThat(new String(c.readExactly(expected.length), US_ASCII)).isEqualTo(new String(expected, US_ASCII));
        }
    }

    @Test
    void replayAtRecordedSpeedKeepsTheOrderAndBytes() throws Exception {
        AmiTrace trace = AmiTrace.bundled("ticket-status-ivr");
        Path raw = dir.resolve("ticket-status-ivr.ami.raw");
        Files.write(raw, trace.raw());
        Files.write(dir.resolve("ticket-status-ivr.recv.tsv"),
                AmiTrace.class.getResourceAsStream("/io/firstline/sim/traces/ticket-status-ivr.recv.tsv").readAllBytes());
        byte[] expected = eventsAfterLogin(trace);
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(1000).build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.replay(raw, true);
            assertThat(new String(c.readExactly(expected.length), US_ASCII)).isEqualTo(new String(expected, US_ASCII));
        }
    }
}
