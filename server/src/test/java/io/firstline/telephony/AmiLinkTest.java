package io.firstline.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.calls.PbxEvent;
import io.firstline.config.Settings;
import io.firstline.sim.AmiSimulator;
import java.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the AMI link, logged in to the simulator over a real socket")
class AmiLinkTest {

    @Test
    @DisplayName("connects through FastEventsConnection, whose reader builds the events without reflection")
    void connectsThroughTheFastConnection() throws Exception {
        BlockingQueue<PbxEvent> events = new LinkedBlockingQueue<>();
        try (AmiSimulator pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
             AmiLink link = new AmiLink(new Settings.Pbx("west", "127.0.0.1", pbx.port(), "firstline", "firstline-secret"),
                     events::add, AmiLink.Timing.standard(), Clock.systemUTC())) {
            assertThat(link.buildsEventsFast()).as("before the login").isFalse();
            link.start();
            // logged in and Asterisk's state read
            PbxEvent e;
            do {
                e = events.poll(20, TimeUnit.SECONDS);
                assertThat(e).as("the snapshot after the login").isNotNull();
            } while (!(e instanceof PbxEvent.SnapshotDone));
            assertThat(link.health().status()).isEqualTo(PbxHealth.Status.CONNECTED);
            assertThat(link.buildsEventsFast()).isTrue();
        }
    }

    @Test
    @DisplayName("a close in the middle of the snapshot does not wait for its listing's timeout")
    void closesDuringTheSnapshot() throws Exception {
        BlockingQueue<PbxEvent> events = new LinkedBlockingQueue<>();
        AmiLink.Timing slowLists = new AmiLink.Timing(AmiLink.Timing.standard().pingEvery(), AmiLink.Timing.standard().readTimeout(),
                AmiLink.Timing.standard().firstRetry(), AmiLink.Timing.standard().maxRetry(), java.time.Duration.ofMinutes(5));
        try (AmiSimulator pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build()) {
            AmiLink link = new AmiLink(new Settings.Pbx("west", "127.0.0.1", pbx.port(), "firstline", "firstline-secret"),
                    events::add, slowLists, Clock.systemUTC());
            pbx.setListsUnfinished(true); // the listing never ends: its timeout stays scheduled
            link.start();
            pbx.awaitAction("CoreShowChannels", java.time.Duration.ofSeconds(20)); // sent once its timeout is scheduled
            link.close(); // waits up to 5 s for the link's thread
            assertThat(link.closedDown()).as("the link's thread ended, its listing's timeout (5 min) not waited for").isTrue();
        }
    }
}
