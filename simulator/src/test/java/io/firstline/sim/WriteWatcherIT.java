// The write watcher of the load run's AMI backlog: told of each write to a client's socket; real sockets, JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WriteWatcherIT {

    private record Write(int bytes, long waitedNanos, long queuedBytes) {
    }

    @Test
    void eachWriteIsToldWithItsBytesAndWhatWasQueuedBeforeIt() throws Exception {
        List<Write> writes = new CopyOnWriteArrayList<>();
        try (AmiSimulator sim = AmiSimulator.builder().build()) {
            sim.watchWrites((bytes, waited, queued) -> writes.add(new Write(bytes, waited, queued)));
            try (RawAmiClient c = new RawAmiClient(sim.port())) {
                c.login();
            }
            // told once a write has returned, which can be after the client read it: the greeting, the response, SuccessfulAuth
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (writes.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(writes).hasSizeGreaterThanOrEqualTo(3);
        assertThat(writes.get(0).bytes()).isEqualTo(AmiSimulator.GREETING.getBytes(StandardCharsets.US_ASCII).length);
        assertThat(writes).allSatisfy(w -> {
            assertThat(w.queuedBytes()).isGreaterThanOrEqualTo(w.bytes());
            assertThat(w.waitedNanos()).isNotNegative();
        });
    }
}
