// Checks that the traces the simulator carries in its jar are the repository's recordings, byte for byte; runs on the JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BundledTracesTest {

    @Test
    @DisplayName("every trace the simulator replays is the recording in traces/, byte for byte, with its timings")
    void bundledTracesAreTheRecordings() throws IOException {
        for (String name : AmiTrace.bundledNames()) {
            for (String file : List.of(name + ".ami.raw", name + ".recv.tsv")) {
                try (InputStream in = AmiTrace.class.getResourceAsStream("/io/firstline/sim/traces/" + file)) {
                    assertThat(in).as("bundled %s", file).isNotNull();
                    assertThat(in.readAllBytes()).as(file).isEqualTo(Files.readAllBytes(TraceFiles.dir().resolve(file)));
                }
            }
        }
    }

    @Test
    @DisplayName("the recordings keep Asterisk's CRLF line ends (no checkout converted them)")
    void recordingsKeepTheirLineEnds() throws IOException {
        byte[] greeting = Files.readAllBytes(TraceFiles.dir().resolve("ami-greeting.raw"));
        assertThat(new String(greeting, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("Asterisk Call Manager/11.0.0\r\n");
        String sent = Files.readString(TraceFiles.sent("answered-software"));
        assertThat(sent).contains("\r\n");
    }
}
