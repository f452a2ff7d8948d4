// The --demo PBX over a socket: its traffic's service level and queues, its dynamic members' actions, its bounded memory; JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoHelpDeskIT {

    private static final int CALLS = 400;

    /** Every message a client receives until the answer to its Ping "end". */
    private static List<AmiMessage> drain(RawAmiClient c, String id) throws Exception {
        c.send("Action: Ping", "ActionID: " + id);
        return c.until(m -> id.equals(m.get("ActionID")), Duration.ofSeconds(60));
    }

    @Test
    void theDemoTrafficKeepsTheServiceLevelAroundTheTargetWithAShortQueueNowAndThen() throws Exception {
        // a demo morning of 400 calls (about 7 hours) in about 15 s
        try (AmiSimulator sim = DemoHelpDesk.pbx().timeScale(2000).build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.traffic().start(DemoHelpDesk.traffic().seed(2026).maxCalls(CALLS).build());
            assertThat(sim.traffic().awaitFinished(CALLS, Duration.ofSeconds(120))).isTrue();
            int answered = 0;
            int withinTwentySeconds = 0;
            int abandoned = 0;
            int waiting = 0;
            int mostWaiting = 0;
            Set<String> queues = new HashSet<>();
            Map<String, Integer> answeredBy = new HashMap<>();
            for (AmiMessage m : drain(c, "end")) {
                String event = m.eventName() == null ? "" : m.eventName();
                switch (event) {
                    case "QueueCallerJoin" -> {
                        queues.add(m.get("Queue"));
                        mostWaiting = Math.max(mostWaiting, ++waiting);
                    }
                    case "QueueCallerLeave" -> waiting--;
                    case "AgentConnect" -> {
                        answered++;
                        if (Integer.parseInt(m.get("HoldTime")) <= 20) {
                            withinTwentySeconds++;
                        }
                        answeredBy.merge(m.get("MemberName"), 1, Integer::sum);
                    }
                    case "QueueCallerAbandon" -> abandoned++;
                    default -> {
                    }
                }
            }
            double serviceLevel = 100.0 * withinTwentySeconds / (answered + abandoned);
            System.out.printf("demo traffic: %d answered, %d abandoned, service level %.1f%%, at most %d waiting%n",
                    answered, abandoned, serviceLevel, mostWaiting);
            assertThat(queues).containsExactlyInAnyOrder(DemoHelpDesk.QUEUES);
            assertThat(serviceLevel).isBetween(72.0, 90.0);
            assertThat(100.0 * abandoned / (answered + abandoned)).isBetween(2.0, 9.0);
            // a short queue now and then: more callers than agents at times, never a long line
            assertThat(mostWaiting).isBetween(DemoHelpDesk.AGENTS + 1, 10);
            assertThat(answeredBy.keySet()).containsExactlyInAnyOrder("Alice Agent", "Bob Agent", "Carol Agent");

            // nothing is left over once the calls have ended: no channel, no bridge, no caller in a queue
            c.send("Action: CoreShowChannels", "ActionID: ch");
            assertThat(c.until(m -> "CoreShowChannelsComplete".equals(m.eventName()), Duration.ofSeconds(10)))
                    .last().satisfies(m -> assertThat(m.get("ListItems")).isEqualTo("0"));
            c.send("Action: BridgeList", "ActionID: br");
            assertThat(c.until(m -> "BridgeListComplete".equals(m.eventName()), Duration.ofSeconds(10)))
                    .last().satisfies(m -> assertThat(m.get("ListItems")).isEqualTo("0"));
            c.send("Action: QueueStatus", "ActionID: qs");
            assertThat(c.until(m -> "QueueStatusComplete".equals(m.eventName()), Duration.ofSeconds(10)))
                    .noneMatch(m -> "QueueEntry".equals(m.eventName()));
            assertThat(sim.traffic().linkedids()).hasSize(CALLS);
        }
    }

    @Test
    void theDemoMembersAreDynamicAndAnswerAsAsteriskDoes() throws Exception {
        Map<String, Set<List<String>>> layouts = TraceFiles.eventLayouts();
        try (AmiSimulator sim = DemoHelpDesk.pbx().build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            c.send("Action: QueueStatus", "ActionID: qs", "Queue: helpdesk");
            List<AmiMessage> status = c.until(m -> "QueueStatusComplete".equals(m.eventName()), Duration.ofSeconds(5));
            assertThat(status).filteredOn(m -> "QueueMember".equals(m.eventName()))
                    .extracting(m -> m.get("Name") + " " + m.get("Location") + " " + m.get("StateInterface") + " "
                            + m.get("Membership"))
                    .containsExactly("Alice Agent Local/1001@agents/n PJSIP/1001 dynamic",
                            "Bob Agent Local/1002@agents/n PJSIP/1002 dynamic",
                            "Carol Agent Local/1003@agents/n PJSIP/1003 dynamic");

            // the board's sign-out: the member leaves every queue
            c.send("Action: QueueRemove", "ActionID: r1", "Queue: helpdesk", "Interface: Local/1001@agents/n");
            List<AmiMessage> removed = drain(c, "after-r1");
            assertThat(removed.get(0).get("Response")).isEqualTo("Success");
            assertThat(removed.get(0).get("Message")).isEqualTo("Removed interface from queue");
            AmiMessage removedEvent = removed.get(1);
            assertThat(removedEvent.eventName()).isEqualTo("QueueMemberRemoved");
            assertThat(layouts.get("QueueMemberRemoved")).contains(removedEvent.names());
            assertThat(removedEvent.get("Membership")).isEqualTo("dynamic");
            assertThat(removedEvent.get("StateInterface")).isEqualTo("PJSIP/1001");

            // joining again, as the desk's Join sends it
            c.send("Action: QueueAdd", "ActionID: a1", "Queue: helpdesk", "Interface: Local/1001@agents/n", "Penalty: 0",
                    "MemberName: Alice Agent", "StateInterface: PJSIP/1001", "Paused: false");
            List<AmiMessage> added = drain(c, "after-a1");
            assertThat(added.get(0).get("Message")).isEqualTo("Added interface to queue");
            assertThat(added.get(1).eventName()).isEqualTo("DeviceStateChange");
            assertThat(added.get(1).get("Device")).isEqualTo("Queue:helpdesk_pause_Local/1001@agents/n");
            assertThat(added.get(2).eventName()).isEqualTo("QueueMemberAdded");
            assertThat(layouts.get("QueueMemberAdded")).contains(added.get(2).names());
            assertThat(added.get(2).get("Membership")).isEqualTo("dynamic");

            c.send("Action: QueuePause", "ActionID: p1", "Interface: Local/1002@agents/n", "Paused: true",
                    "Reason: Lunch break");
            List<AmiMessage> paused = drain(c, "after-p1");
            assertThat(paused.get(0).get("Message")).isEqualTo("Interface paused successfully");
            assertThat(paused).filteredOn(m -> "QueueMemberPause".equals(m.eventName())).hasSize(DemoHelpDesk.QUEUES.length)
                    .allSatisfy(m -> assertThat(m.get("PausedReason")).isEqualTo("Lunch break"));

            // the errors keep Asterisk's words
            c.send("Action: QueueAdd", "ActionID: a2", "Queue: general", "Interface: Local/1001@agents/n");
            assertThat(c.next().get("Message")).isEqualTo("Unable to add interface to queue: No such queue");
            c.send("Action: QueueAdd", "ActionID: a3", "Queue: software", "Interface: Local/1001@agents/n");
            assertThat(c.next().get("Message")).isEqualTo("Unable to add interface: Already there");
        }
    }

    @Test
    void theActionLogKeepsTheLastActionsOnly() throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().keptActions(50).build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            for (int i = 0; i < 120; i++) {
                c.send("Action: Ping", "ActionID: p" + i);
                c.next();
            }
            assertThat(sim.receivedCount()).isEqualTo(121);
            List<ReceivedAction> kept = sim.receivedActions();
            assertThat(kept).hasSize(50);
            assertThat(kept.get(0).get("ActionID")).isEqualTo("p70");
            assertThat(kept.get(49).get("ActionID")).isEqualTo("p119");
            // "after" counts every action received, those no longer kept included
            c.send("Action: QueuePause", "ActionID: x", "Interface: Local/1001@agents/n", "Paused: true");
            assertThat(sim.awaitAction(121, "QueuePause", a -> true, Duration.ofSeconds(5)).get("ActionID")).isEqualTo("x");
        }
    }

    @Test
    void generatedLinkedidsKeepTheLastOnly() throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(5000).build()) {
            List<String> all = new ArrayList<>();
            sim.traffic().start(TrafficConfig.builder().seed(3).callsPerSecond(50).maxCalls(CallGenerator.KEPT_LINKEDIDS + 20)
                    .outcomes(0, 1, 0).waitTime(Duration.ofMillis(10), Duration.ofMillis(20)).build());
            assertThat(sim.traffic().awaitFinished(CallGenerator.KEPT_LINKEDIDS + 20, Duration.ofSeconds(120))).isTrue();
            all.addAll(sim.traffic().linkedids());
            assertThat(all).hasSize(CallGenerator.KEPT_LINKEDIDS);
            assertThat(sim.traffic().callsGenerated()).isEqualTo(CallGenerator.KEPT_LINKEDIDS + 20);
        }
    }
}
