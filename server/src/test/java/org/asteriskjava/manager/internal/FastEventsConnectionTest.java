package org.asteriskjava.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.firstline.TestTraces;
import io.firstline.sim.AmiSimulator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("the AMI connection's reader builds events with Firstline's builder (an Asterisk-Java upgrade that breaks this fails here)")
class FastEventsConnectionTest {

    @Test
    @DisplayName("the reader it creates is Firstline's, with the fast builder")
    void readerIsFirstlines() {
        FastEventsConnection connection = new FastEventsConnection("127.0.0.1", 5038, "firstline", "secret");
        assertThat(connection.buildsEventsFast()).isFalse();

        ManagerReader reader = connection.createReader(connection, connection);

        assertThat(reader).isInstanceOf(DirectManagerReader.class);
        assertThat(connection.buildsEventsFast()).isTrue();
        assertThat(connection.getHostname()).isEqualTo("127.0.0.1");
        assertThat(connection.getPort()).isEqualTo(5038);
        assertThat(connection.getUsername()).isEqualTo("firstline");
    }

    @Test
    @DisplayName("logged in to a PBX over a real socket, its reader builds the events it hands on with the fast builder,"
            + " and Asterisk-Java logs no ERROR up to the Goodbye of its Logoff")
    void eventsOverASocketAreBuiltFast() throws Exception {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger asteriskJava = logging.getLogger("org.asteriskjava");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.setContext(logging);
        logged.start();
        asteriskJava.addAppender(logged);
        try (AmiSimulator pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build()) {
            FastEventsConnection connection = new FastEventsConnection("127.0.0.1", pbx.port(), "firstline",
                    "firstline-secret");
            List<ManagerEvent> events = new CopyOnWriteArrayList<>();
            connection.addEventListener(events::add);
            connection.login("on");
            try {
                pbx.replay(TestTraces.amiRaw("answered-software"), false).get(30, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (events.stream().noneMatch(e -> e instanceof NewChannelEvent n && "1795483013.0".equals(
                        n.getLinkedid())) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(events).as("the trace's events").anyMatch(NewChannelEvent.class::isInstance);
                assertThat(connection.buildsEventsFast()).isTrue();
                assertThat(connection.eventsBuiltFast()).as("events built by the fast builder").isPositive();
            } finally {
                connection.logoff();
            }
            // Logoff waited for its Goodbye, which came after every replayed message on the socket and was dispatched
            // after them: whatever Asterisk-Java had to say about those is logged by now.
            assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                    .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        } finally {
            asteriskJava.detachAppender(logged);
        }
    }

}
