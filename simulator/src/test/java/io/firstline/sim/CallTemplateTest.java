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
                "ticket-status-ivr", "blind-transfer-action", "supervisor-listen", "pjsip-trunk-answered",
                "pjsip-trunk-abandoned")) {
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
    void eventsBelongOnlyToTheCallerTheSupervisorAndTheAgentLegs() {
        for (CallTemplate t : TemplateLibrary.get().all()) {
            for (CallTemplate.Event e : t.events()) {
                assertThat(e.roles()).as("%s event %d (%s)", t.name(), e.index(), e.name())
                        .allMatch(role -> role.equals("C") || role.equals("S") || t.legs().containsKey(role));
            }
        }
        CallTemplate ticket = TemplateLibrary.get().ticket;
        List<CallTemplate.Event> keys = ticket.events().stream().filter(e -> e.name().startsWith("DTMF")).toList();
        assertThat(keys).hasSize(12).allMatch(e -> e.roles().equals(java.util.Set.of("C")));
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
        assertThat(lib.answeredLocal.ring().indices()).isNotEmpty();
        assertThat(first(lib.answeredLocal.talk()).name()).isEqualTo("Newexten");
        assertThat(lib.rnaFirstRingEnd.template().events().get(lib.rnaFirstRingEnd.indices()[0]).name())
                .isEqualTo("AgentRingNoAnswer");
        assertThat(lib.transferTail.template().events().get(lib.transferTail.indices()[0]).name()).isEqualTo("Unhold");
        assertThat(lib.spyStop.indices()).isNotEmpty();
        assertThat(lib.answeredLocal.ring().recordedMillis()).isBetween(1900L, 2100L);
    }

    @Test
    void pjsipTrunkCallsAreSplitWhereTheRecordingChanges() {
        TemplateLibrary lib = TemplateLibrary.get();
        // the menu ends where the queue creates Alice's Local leg; she answers when her phone's channel is Up
        assertThat(first(lib.answeredPjsip.ring()).name()).isEqualTo("Newchannel");
        assertThat(CallTemplate.literalOf(first(lib.answeredPjsip.ring()), "Channel")).isEqualTo("Local/1001@agents-0000000c;1");
        CallTemplate.Event answer = first(lib.answeredPjsip.talk());
        assertThat(answer.name()).isEqualTo("Newstate");
        assertThat(CallTemplate.literalOf(answer, "Channel")).isEqualTo("PJSIP/1001-0000001a");
        assertThat(CallTemplate.literalOf(answer, "ChannelStateDesc")).isEqualTo("Up");
        assertThat(lib.answeredPjsip.ring().recordedMillis()).isBetween(1000L, 4000L);
        assertThat(first(lib.answeredPjsip.hangup()).name()).isEqualTo("HangupRequest");
        assertThat(CallTemplate.literalOf(first(lib.answeredPjsip.hangup()), "Channel")).isEqualTo("PJSIP/trunk-00000019");
        assertThat(first(lib.abandonedPjsip.hangup()).name()).isEqualTo("HangupRequest");
        // the second phone rings some 20 s after the first
        assertThat(lib.abandonedPjsip.ring().startsWithin("A1", 15_000)).isFalse();
        assertThat(lib.abandonedPjsip.ring().startsWithin("A1", 25_000)).isTrue();
    }

    @Test
    void pjsipTrunkAndPhoneChannelsBecomeSlots() {
        for (String name : List.of("pjsip-trunk-answered", "pjsip-trunk-abandoned")) {
            CallTemplate t = CallTemplate.compile(AmiTrace.bundled(name));
            List<String> literalsLeft = new ArrayList<>();
            List<CallTemplate.Slot> slots = new ArrayList<>();
            for (CallTemplate.Event e : t.events()) {
                for (CallTemplate.Field f : e.fields()) {
                    for (CallTemplate.Part p : f.parts()) {
                        if (p.slot() == null) {
                            literalsLeft.add(f.name() + ": " + p.literal());
                        } else {
                            slots.add(p.slot());
                        }
                    }
                }
            }
            assertThat(literalsLeft).as(name).noneMatch(s -> s.contains("+15551234567") || s.contains("Jane Doe"));
            assertThat(literalsLeft).as(name).noneMatch(s -> s.contains("trunk-0000") || s.contains("agents-0000"));
            assertThat(literalsLeft).as(name).noneMatch(s -> s.matches(".*PJSIP/100[0-9].*") || s.matches(".*: 100[0-9]"));
            assertThat(literalsLeft).as(name).noneMatch(s -> s.contains("Agent") && !s.startsWith("Event: "));
            assertThat(slots).as(name).contains(CallTemplate.Slot.PHONE_CHAN, CallTemplate.Slot.AGENT_PHONE,
                    CallTemplate.Slot.CALLER_NUM, CallTemplate.Slot.CALLER_NAME, CallTemplate.Slot.UID);
        }
        assertThat(CallTemplate.compile(AmiTrace.bundled("pjsip-trunk-abandoned")).legs()).containsOnlyKeys("A0", "A1");
    }

    private static CallTemplate.Event first(TemplateLibrary.Segment seg) {
        return seg.template().events().get(seg.indices()[0]);
    }
}
