package org.asteriskjava.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asteriskjava.manager.event.ManagerEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Firstline's event builder makes the very events Asterisk-Java's own builder makes")
class PrecompiledEventBuilderTest {

    private final Object source = new Object();

    /** Builds each event with both builders; the fast one sees every event twice, so the second is its own work. */
    private static void assertSameEvents(List<Map<String, Object>> events, PrecompiledEventBuilder fast, Object source) {
        EventBuilderImpl stock = new EventBuilderImpl();
        for (int round = 0; round < 2; round++) {
            for (Map<String, Object> attributes : events) {
                ManagerEvent expected = stock.buildEvent(source, new HashMap<>(attributes));
                ManagerEvent actual = fast.buildEvent(source, new HashMap<>(attributes));
                if (expected == null) {
                    assertThat(actual).as("%s", attributes).isNull();
                    continue;
                }
                assertThat(actual).as("%s", attributes).isNotNull();
                assertThat(actual.getClass()).as("%s", attributes).isEqualTo(expected.getClass());
                assertThat(RecordedEvents.properties(actual)).as("%s", attributes)
                        .isEqualTo(RecordedEvents.properties(expected));
            }
        }
    }

    @Test
    @DisplayName("every event of every recording in traces/ has the same class and the same value in every property")
    void everyRecordedEventIsTheSame() throws Exception {
        List<Map<String, Object>> events = RecordedEvents.all();
        PrecompiledEventBuilder fast = new PrecompiledEventBuilder(new EventBuilderImpl());

        assertSameEvents(events, fast, source);

        assertThat(events).hasSizeGreaterThan(10_000);
        assertThat(fast.built()).as("events built without the stock builder").isGreaterThan(events.size() * 19L / 10);
    }

    @Test
    @DisplayName("repeated fields, empty and bad numbers, yes/no, unknown fields and odd names come out the same")
    void oddAttributesAreTheSame() {
        List<Map<String, Object>> events = new ArrayList<>();
        events.add(attrs("event", "Newchannel", "channel", "PJSIP/1001-00000001", "uniqueid", "", "linkedid",
                List.of("1.1", "1.2"), "priority", "", "calleridnum", "<unknown>", "exten", "s"));
        events.add(attrs("event", "QueueMember", "queue", "software", "penalty", "", "callstaken", "x", "paused", "yes",
                "incall", "1", "lastcall", "1795483013", "status", "1"));
        events.add(attrs("event", "QueueMember", "queue", "software", "penalty", "2", "paused", "no", "wrapuptime", "0"));
        events.add(attrs("event", "QueueEntry", "queue", "hardware", "position", "1", "wait", "12", "some-new-field", "x"));
        events.add(attrs("event", "VarSet", "variable", "FIRSTLINE_MENU_PATH", "value", "main/software", "source", "x"));
        events.add(attrs("event", "Cdr", "billableseconds", "4", "duration", "5", "userfield", "", "a-new-field", "v"));
        events.add(attrs("event", "Status", "actionid", "1234#42", "channel", "Local/1001@agents-0001;1", "seconds", "7"));
        events.add(attrs("event", "UserEvent", "userevent", "FirstlineMenu", "choice", "2"));
        events.add(attrs("event", "NoSuchEventInAsteriskJava", "x", "y"));
        events.add(attrs("event", "Newexten", "appdata", List.of("a", "", "b"), "extension", "s", "priority", "1"));
        events.add(attrs("event", "AgentCalled", "variable", List.of("A=1", "B=2"), "queue", "software"));
        events.add(attrs("event", "AgentCalled", "variable", "broken", "queue", "software"));
        events.add(attrs("event", "PeerEntry", "objectname", "1001", "port", "5060", "dynamic", "yes"));

        assertSameEvents(events, new PrecompiledEventBuilder(new EventBuilderImpl()), source);
    }

    @Test
    @DisplayName("an attribute converted differently is noticed: the comparison reads every property")
    void aDifferenceIsNoticed() {
        Map<String, Object> attributes = attrs("event", "QueueMember", "queue", "software", "penalty", "2");
        EventBuilderImpl stock = new EventBuilderImpl();
        ManagerEvent expected = stock.buildEvent(source, new HashMap<>(attributes));
        ManagerEvent other = stock.buildEvent(source, attrs("event", "QueueMember", "queue", "software", "penalty", "3"));
        assertThat(RecordedEvents.properties(other)).isNotEqualTo(RecordedEvents.properties(expected));
        assertThat(((Map<?, ?>) RecordedEvents.properties(expected)).get("penalty")).isEqualTo(2);
    }

    @Test
    @DisplayName("a user event class registered later is built as Asterisk-Java builds it")
    void registeredUserEvent() {
        PrecompiledEventBuilder fast = new PrecompiledEventBuilder(new EventBuilderImpl());
        Map<String, Object> menu = attrs("event", "UserEvent", "userevent", "FirstlineMenu", "choice", "2");
        assertThat(fast.buildEvent(source, new HashMap<>(menu))).isNull();
        fast.registerEventClass(FirstlineMenuEvent.class);
        ManagerEvent built = fast.buildEvent(source, new HashMap<>(menu));
        assertThat(built).isInstanceOf(FirstlineMenuEvent.class);
        assertThat(((FirstlineMenuEvent) fast.buildEvent(source, new HashMap<>(menu))).getChoice()).isEqualTo(2);
        assertThat(fast.built()).isEqualTo(1);
    }

    /** A user event as an application would register it. */
    @org.asteriskjava.manager.AsteriskMapping("FirstlineMenu")
    public static class FirstlineMenuEvent extends org.asteriskjava.manager.event.UserEvent {
        private static final long serialVersionUID = 1L;
        private Integer choice;

        public FirstlineMenuEvent(Object source) {
            super(source);
        }

        public Integer getChoice() {
            return choice;
        }

        public void setChoice(Integer choice) {
            this.choice = choice;
        }
    }

    private static Map<String, Object> attrs(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new HashMap<>(m);
    }

}
