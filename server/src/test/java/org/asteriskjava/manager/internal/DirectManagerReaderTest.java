package org.asteriskjava.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestTraces;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.asteriskjava.manager.event.BridgeEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.asteriskjava.util.SocketConnectionFacade;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Firstline's AMI reader makes from the real Asterisk 22 recordings what Asterisk-Java's own reader makes")
class DirectManagerReaderTest {

    /** A socket that gives the lines of a recording (cut at CRLF, as Asterisk-Java's scanner does), then its end. */
    private static final class Lines implements SocketConnectionFacade {
        private final Iterator<String> lines;

        Lines(List<String> lines) {
            this.lines = lines.iterator();
        }

        @Override
        public String readLine() {
            return lines.hasNext() ? lines.next() : null;
        }

        @Override
        public void write(String s) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isConnected() {
            return lines.hasNext();
        }

        @Override
        public InetAddress getLocalAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public int getLocalPort() {
            return 0;
        }

        @Override
        public InetAddress getRemoteAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public int getRemotePort() {
            return 5038;
        }
    }

    /** What a reader hands on, each as its class and fields but the time received and the object's identity. */
    private static final class Recorded implements Dispatcher {
        final List<Object> all = new CopyOnWriteArrayList<>();

        @Override
        public void dispatchResponse(ManagerResponse response, Integer requiredHandlingTime) {
            all.add(response);
        }

        @Override
        public void dispatchEvent(ManagerEvent event, Integer requiredHandlingTime) {
            all.add(event);
        }

        @Override
        public void stop() {
        }

        List<String> seen() {
            List<String> out = new ArrayList<>();
            for (Object o : all) {
                // The stock reader adds the bridge events of Asterisk before 12 that it makes up; Firstline reads none.
                if (!(o instanceof BridgeEvent)) {
                    out.add(o.toString().replaceAll("dateReceived=[^,\\]]*,?", "").replaceAll("systemHashcode=\\d+", ""));
                }
            }
            return out;
        }
    }

    private static Recorded read(ManagerReader reader, Recorded into, List<String> lines) throws Exception {
        reader.setSocket(new Lines(lines));
        reader.run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The stock reader hands on through its own thread: wait for its last event.
        while (into.all.stream().noneMatch(DisconnectEvent.class::isInstance) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return into;
    }

    @Test
    @DisplayName("every recording: the same events and responses, in the same order, with the same fields")
    void sameAsAsteriskJava() throws Exception {
        List<Path> recordings;
        try (Stream<Path> files = Files.list(TestTraces.dir())) {
            recordings = files.filter(p -> p.getFileName().toString().endsWith(".ami.raw")).sorted().toList();
        }
        assertThat(recordings).hasSizeGreaterThan(5);
        long events = 0;
        for (Path recording : recordings) {
            String text = Files.readString(recording, StandardCharsets.ISO_8859_1);
            List<String> lines = Arrays.asList(text.split("\r\n", -1));
            Recorded stock = new Recorded();
            Recorded direct = new Recorded();
            read(new ManagerReaderImpl(stock, this), stock, lines);
            read(new DirectManagerReader(direct, this), direct, lines);
            assertThat(direct.seen()).as(recording.getFileName().toString()).isEqualTo(stock.seen());
            events += direct.all.size();
        }
        assertThat(events).as("events and responses compared").isGreaterThan(1000);
    }

    @Test
    @DisplayName("odd lines: no colon, an empty name, spaces around, a repeated name, a Command's output")
    void oddLines() throws Exception {
        List<String> lines = List.of("Asterisk Call Manager/9.0.0", "Response: Success", "ActionID: 1", "Message: ok", "",
                "Event: VarSet", "Privilege: dialplan,all", "  Channel :  PJSIP/1001-00000001  ", "no colon here",
                ": no name", "Variable: FIRSTLINE_MENU_PATH", "Value: main/software: printers", "", "Event: Newchannel",
                "ChanVariable: A=1", "ChanVariable: B=2", "ChanVariable: C=3", "Channel: Local/1001@agents-00000001;1", "",
                "Response: Follows", "Privilege: Command", "ActionID: 2", "line one\nline two\n--END COMMAND--", "", "");
        Recorded stock = new Recorded();
        Recorded direct = new Recorded();
        read(new ManagerReaderImpl(stock, this), stock, lines);
        read(new DirectManagerReader(direct, this), direct, lines);
        assertThat(direct.seen()).isEqualTo(stock.seen()).hasSizeGreaterThanOrEqualTo(5);
    }
}
