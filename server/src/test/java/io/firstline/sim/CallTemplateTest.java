// Checks that compiling the bundled traces into templates loses nothing and puts slots where values must change; runs on the JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallTemplateTest {

    @Test
    void everyTemplateEventRendersBackToTheCapturedMessage() {
        for (String name : List.of("answered-software", "abandoned-hardware", "ring-no-answer-software",
                "ticket-status-ivr", "blind-transfer-action", "supervisor-listen")) {
            AmiTrace trace = AmiTrace.bundled(name);
            CallTemplate t = CallTemplate.compile(trace);
            List<String> captured = new ArrayList<>();
            for (AmiTrace.Entry e : trace.entries()) {
                captured.add(e.message().toWire());
            }
            int pos = 0;
            int checked = 0;
            for (CallTemplate.Event e : t.events()) {
                if (e.isMemberStatus()) {
                    continue;
                }
                String wire = CallTemplate.recorded(e).toWire();
                int found = captured.subList(pos, captured.size()).indexOf(wire);
                assertThat(found).as("%s event %d (%s) in order", name, e.index(), e.name()).isGreaterThanOrEqualTo(0);
                pos += found + 1;
                checked++;
            }
            assertThat(checked).as(name).isGreaterThan(50);
        }
    }

    @Test
    void idsCallerQueueAndAgentBecomeSlots() {
        CallTemplate t = CallTemplate.compile(AmiTrace.bundled("answered-software"));
        List<String> literalsLeft = new ArrayList<>();
        for (CallTemplate.Event e : t.events()) {
            for (CallTemplate.Field f : e.fields()) {
                for (CallTemplate.Part p : f.parts()) {
                    if (p.slot() == null) {
                        literalsLeft.add(p.literal());
                    }
                }
            }
        }
        assertThat(literalsLeft).noneMatch(s -> s.contains("1795483"));
        assertThat(literalsLeft).noneMatch(s -> s.contains("+15551234567") || s.contains("Jane Doe"));
        assertThat(literalsLeft).noneMatch(s -> s.contains("helpdesk-ivr-0000") || s.contains("agents-0000"));
        assertThat(literalsLeft).noneMatch(s -> s.contains("Alice") || s.contains("1001"));
        assertThat(literalsLeft).noneMatch(s -> s.contains("software"));
        assertThat(literalsLeft).noneMatch(s -> s.contains("a4fdedef"));
        assertThat(t.legs()).containsOnlyKeys("A0");
    }

    @Test
    void segmentsOfTheLibraryAreFound() {
        TemplateLibrary lib = TemplateLibrary.get();
        assertThat(lib.answeredRing.indices()).isNotEmpty();
        assertThat(lib.answeredTalk.template().events().get(lib.answeredTalk.indices()[0]).name()).isEqualTo("Newexten");
        assertThat(lib.rnaFirstRingEnd.template().events().get(lib.rnaFirstRingEnd.indices()[0]).name())
                .isEqualTo("AgentRingNoAnswer");
        assertThat(lib.transferTail.template().events().get(lib.transferTail.indices()[0]).name()).isEqualTo("Unhold");
        assertThat(lib.spyStop.indices()).isNotEmpty();
        assertThat(lib.answeredRing.recordedMillis()).isBetween(1900L, 2100L);
    }
}
