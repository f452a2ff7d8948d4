package org.asteriskjava.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the AMI connection's reader builds events with Firstline's builder (an Asterisk-Java upgrade that breaks this fails here)")
class FastEventsConnectionTest {

    @Test
    @DisplayName("the reader it creates holds the fast builder, wrapping Asterisk-Java's own")
    void readerGetsTheFastBuilder() throws Exception {
        FastEventsConnection connection = new FastEventsConnection("127.0.0.1", 5038, "firstline", "secret");
        assertThat(connection.buildsEventsFast()).isFalse();

        ManagerReader reader = connection.createReader(connection, connection);

        assertThat(reader).isInstanceOf(ManagerReaderImpl.class);
        Field field = ManagerReaderImpl.class.getDeclaredField("eventBuilder");
        field.setAccessible(true);
        assertThat(field.get(reader)).isInstanceOf(PrecompiledEventBuilder.class);
        assertThat(connection.buildsEventsFast()).isTrue();
        assertThat(connection.getHostname()).isEqualTo("127.0.0.1");
        assertThat(connection.getPort()).isEqualTo(5038);
        assertThat(connection.getUsername()).isEqualTo("firstline");
    }

    @Test
    @DisplayName("a reader it cannot change keeps its own builder: the connection still works, only slower")
    void otherReaderKeepsItsBuilder() {
        assertThat(FastEventsConnection.install(null)).isNull();
    }
}
