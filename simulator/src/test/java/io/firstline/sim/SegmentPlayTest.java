// A segment cut short plays only the agent legs it starts before the cut, Local and PJSIP alike; plays on the clock thread, checks on the JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SegmentPlayTest {

    private static final List<PbxState.AgentDef> AGENTS = List.of(
            new PbxState.AgentDef("Local/1001@agents/n", "Alice Agent"),
            new PbxState.AgentDef("Local/1002@agents/n", "Bob Agent"),
            new PbxState.AgentDef("Local/1003@agents/n", "Carol Agent"));

    private final TemplateLibrary lib = TemplateLibrary.get();

    @Test
    void aLegStartsWhenItsFirstEventComes() {
        // the Local recording rings its three agents together, the second a millisecond after the first
        assertThat(lib.abandonedLocal.ring().startsWithin("A0", 0)).isTrue();
        assertThat(lib.abandonedLocal.ring().startsWithin("A1", 0)).isFalse();
        assertThat(lib.abandonedLocal.ring().startsWithin("A1", 100)).isTrue();
        // a leg without events in the segment has nothing to start there
        assertThat(lib.answeredLocal.ring().startsWithin("A1", 0)).isTrue();
    }

    @Test
    void aLocalRingCutShortBeforeTheSecondLegRingsOnlyTheFirstAgent() throws Exception {
        TemplateLibrary.Segment ring = lib.abandonedLocal.ring();
        assertThat(agentChannels(play(ring, TemplateLibrary.CallShape.LOCAL, 3, 0)))
                .allMatch(c -> c.startsWith("Local/1001@agents-")).hasSize(2);
        assertThat(agentChannels(play(ring, TemplateLibrary.CallShape.LOCAL, 3, 100)))
                .anyMatch(c -> c.startsWith("Local/1002@agents-")).anyMatch(c -> c.startsWith("Local/1003@agents-"))
                .hasSize(6);
    }

    @Test
    void aPjsipRingCutShortBeforeTheSecondLegRingsOnlyTheFirstPhone() throws Exception {
        TemplateLibrary.Segment ring = lib.abandonedPjsip.ring();
        assertThat(agentChannels(play(ring, TemplateLibrary.CallShape.PJSIP, 2, 10_000)))
                .allMatch(c -> c.startsWith("Local/1001@agents-") || c.startsWith("PJSIP/1001-")).hasSize(3);
        assertThat(agentChannels(play(ring, TemplateLibrary.CallShape.PJSIP, 2, 25_000)))
                .anyMatch(c -> c.startsWith("Local/1002@agents-")).anyMatch(c -> c.startsWith("PJSIP/1002-"))
                .hasSize(6);
    }

    /** The agents' channels created (every channel but the caller's), in order. */
    private static Set<String> agentChannels(List<AmiMessage> events) {
        Set<String> channels = new LinkedHashSet<>();
        for (AmiMessage m : events) {
            if (m.eventName().equals("Newchannel") && !m.get("Channel").startsWith("Local/s@")
                    && !m.get("Channel").startsWith("PJSIP/trunk-")) {
                channels.add(m.get("Channel"));
            }
        }
        return channels;
    }

    /** Plays the segment cut at {@code durationMs}, its legs A0, A1, … ringing Alice, Bob, …; the events it sent. */
    private static List<AmiMessage> play(TemplateLibrary.Segment seg, TemplateLibrary.CallShape shape, int legCount,
            long durationMs) throws InterruptedException {
        long start = 1_700_000_000_000L;
        try (SimScheduler clock = new SimScheduler(1_000_000, start)) {
            PbxState pbx = new PbxState(List.of(new PbxState.QueueDef("hardware", "ringall")), AGENTS, start);
            List<AmiMessage> sent = Collections.synchronizedList(new ArrayList<>());
            CallGenerator generator = new CallGenerator(clock, pbx, m -> {
                pbx.observe(m, clock.nowMs());
                sent.add(m);
            });
            CountDownLatch played = new CountDownLatch(1);
            clock.run(() -> {
                SimulatedCall call = new SimulatedCall(generator, 1, true, "+15557654321", "Ann Caller", "4711", "1",
                        "hardware", "main/hardware", "0000", shape);
                Map<String, SimulatedCall.AgentLeg> legs = new HashMap<>();
                for (int i = 0; i < legCount; i++) {
                    PbxState.AgentDef agent = AGENTS.get(i);
                    legs.put("A" + i, new SimulatedCall.AgentLeg(agent.interfaceName(), agent.memberName()));
                }
                generator.play(call, seg, durationMs, legs, played::countDown);
            });
            assertThat(played.await(30, TimeUnit.SECONDS)).isTrue();
            synchronized (sent) {
                return List.copyOf(sent);
            }
        }
    }
}
