// Behaviour of generated traffic over a socket: ids, agent selection (busy, paused), durations, counters, determinism; JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallGeneratorIT {

    /** Runs traffic until {@code calls} calls finished and returns every event a client received. */
    private static List<AmiMessage> run(AmiSimulator sim, TrafficConfig cfg, long calls, List<String> beforeTraffic)
            throws Exception {
        List<AmiMessage> events = new ArrayList<>();
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            for (String action : beforeTraffic) {
                c.send(action.split("\n"));
            }
            sim.traffic().start(cfg);
            assertThat(sim.traffic().awaitFinished(calls, Duration.ofSeconds(60))).isTrue();
            c.send("Action: Ping", "ActionID: end");
            for (AmiMessage m : c.until(m -> "end".equals(m.get("ActionID")), Duration.ofSeconds(30))) {
                if (m.eventName() != null) {
                    events.add(m);
                }
            }
        }
        return events;
    }

    private static long[] uid(String u) {
        String[] p = u.split("\\.");
        return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])};
    }

    @Test
    void idsAreUniqueAndIncreasingAndCountersMatchTheCalls() throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(500).build()) {
            List<AmiMessage> events = run(sim, TrafficConfig.builder().seed(11).callsPerSecond(1).maxCalls(25).build(), 25,
                    List.of());
            List<String> created = new ArrayList<>();
            Set<String> linkedids = new LinkedHashSet<>();
            Set<String> channels = new LinkedHashSet<>();
            for (AmiMessage m : events) {
                if (m.eventName().equals("Newchannel")) {
                    created.add(m.get("Uniqueid"));
                    assertThat(channels.add(m.get("Channel"))).as("channel name reused").isTrue();
                    if (m.get("Channel").startsWith("Local/s@helpdesk-ivr-")) {
                        linkedids.add(m.get("Linkedid"));
                    }
                }
            }
            assertThat(created).doesNotHaveDuplicates();
            for (int i = 1; i < created.size(); i++) {
                long[] a = uid(created.get(i - 1));
                long[] b = uid(created.get(i));
                assertThat(b[0]).isGreaterThanOrEqualTo(a[0]);
                assertThat(b[1]).isGreaterThan(a[1]);
            }
            assertThat(sim.traffic().callsGenerated()).isEqualTo(25);
            assertThat(sim.traffic().linkedids()).containsExactlyElementsOf(linkedids);
            // every channel that was created was hung up
            long hangups = events.stream().filter(m -> m.eventName().equals("Hangup")).count();
            assertThat(hangups).isEqualTo(created.size());
        }
    }

    @Test
    void pausedAgentsAreNotRungAndBusyAgentsAreNotRungTwice() throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(500).build()) {
            List<AmiMessage> events = run(sim, TrafficConfig.builder().seed(5).callsPerSecond(0.5).maxCalls(30)
                    .outcomes(1, 1, 1).talkTime(Duration.ofSeconds(20), Duration.ofSeconds(120))
                    .maxQueueWait(Duration.ofSeconds(30)).build(), 30,
                    List.of("Action: QueuePause\nInterface: Local/1003@agents/n\nPaused: true\nReason: break"));
            Map<String, String> ringingLegByAgent = new HashMap<>();
            int called = 0;
            long gaveUp = events.stream().filter(m -> m.eventName().equals("QueueCallerAbandon")).count();
            assertThat(gaveUp).as("callers had to wait for busy agents").isGreaterThan(0);
            for (AmiMessage m : events) {
                switch (m.eventName()) {
                    case "AgentCalled" -> {
                        called++;
                        assertThat(m.get("Interface")).isNotEqualTo("Local/1003@agents/n");
                        String other = ringingLegByAgent.put(m.get("Interface"), m.get("DestChannel"));
                        assertThat(other).as("%s rung while busy with %s", m.get("Interface"), other).isNull();
                    }
                    case "Hangup" -> ringingLegByAgent.values().remove(m.get("Channel"));
                    default -> {
                    }
                }
            }
            assertThat(called).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void durationFieldsFollowTheConfiguredTimes() throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(500).build()) {
            List<AmiMessage> events = run(sim, TrafficConfig.builder().seed(9).callsPerSecond(0.05).maxCalls(6)
                    .outcomes(1, 0, 1).menuChoice("2", "software", "main/software", 1)
                    .ringTime(Duration.ofSeconds(3)).talkTime(Duration.ofSeconds(40), Duration.ofSeconds(40))
                    .memberTimeout(Duration.ofSeconds(15)).build(), 6, List.of());
            int connects = 0;
            for (AmiMessage m : events) {
                switch (m.eventName()) {
                    case "AgentConnect" -> {
                        connects++;
                        assertThat(m.get("RingTime")).isIn("3", "4");
                    }
                    case "AgentComplete" -> assertThat(Integer.parseInt(m.get("TalkTime"))).isBetween(40, 41);
                    case "AgentRingNoAnswer" -> assertThat(m.get("RingTime")).isEqualTo("15000");
                    case "VarSet" -> {
                        if ("QUEUEWAIT_MS".equals(m.get("Variable")) && !m.get("Value").isEmpty()) {
                            assertThat(Long.parseLong(m.get("Value")) % 1000).isZero();
                        }
                    }
                    default -> {
                    }
                }
            }
            assertThat(connects).isEqualTo(6);
        }
    }

    @Test
    void pjsipShapedCallsComeOverTheTrunkAndRingEachAgentsPhone() throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(500).build()) {
            List<AmiMessage> events = run(sim, TrafficConfig.builder().seed(31).callsPerSecond(0.2).maxCalls(20)
                    .outcomes(1, 1, 0).pjsipShare(1).menuChoice("1", "hardware", "main/hardware", 1)
                    .waitTime(Duration.ofSeconds(5), Duration.ofSeconds(40)).caller("+15557654321", "Ann Caller").build(),
                    20, List.of());
            Set<String> trunkUids = new LinkedHashSet<>();
            Set<String> open = new LinkedHashSet<>();
            Map<String, String> phoneOfLeg = new HashMap<>();
            Map<String, String> bridgeOf = new HashMap<>();
            int answered = 0;
            for (AmiMessage m : events) {
                String chan = m.get("Channel");
                switch (m.eventName()) {
                    case "Newchannel" -> {
                        assertThat(open.add(chan)).as("channel name reused: %s", chan).isTrue();
                        assertThat(chan).matches("PJSIP/trunk-[0-9a-f]{8}|Local/100[1-3]@agents-[0-9a-f]{8};[12]"
                                + "|PJSIP/100[1-3]-[0-9a-f]{8}");
                        if (chan.startsWith("PJSIP/trunk-")) {
                            trunkUids.add(m.get("Uniqueid"));
                            assertThat(m.get("CallerIDNum")).isEqualTo("+15557654321");
                            assertThat(m.get("CallerIDName")).isEqualTo("Ann Caller");
                            assertThat(m.get("Linkedid")).isEqualTo(m.get("Uniqueid"));
                        } else if (chan.startsWith("PJSIP/")) {
                            // the phone's own number is its extension
                            assertThat(m.get("CallerIDNum")).isEqualTo(chan.substring(6, 10));
                        }
                    }
                    case "DialBegin" -> {
                        if (chan.startsWith("Local/")) {
                            String ext = chan.substring(6, 10);
                            assertThat(chan).endsWith(";2");
                            assertThat(m.get("DestChannel")).startsWith("PJSIP/" + ext + "-");
                            assertThat(m.get("DialString")).isEqualTo(ext);
                            phoneOfLeg.put(chan.substring(0, chan.length() - 2), m.get("DestChannel"));
                        } else {
                            assertThat(chan).startsWith("PJSIP/trunk-");
                            assertThat(m.get("DialString")).matches("Local/100[1-3]@agents/n");
                        }
                    }
                    case "AgentConnect" -> {
                        answered++;
                        String leg = m.get("DestChannel");
                        assertThat(phoneOfLeg).containsKey(leg.substring(0, leg.length() - 2));
                        assertThat(m.get("Interface")).isEqualTo("Local/" + leg.substring(6, 10) + "@agents/n");
                    }
                    case "BridgeEnter" -> bridgeOf.put(chan, m.get("BridgeUniqueid"));
                    case "Hangup" -> assertThat(open.remove(chan)).as("hangup of %s", chan).isTrue();
                    case "QueueCallerJoin", "QueueCallerAbandon", "AgentComplete" ->
                            assertThat(chan).startsWith("PJSIP/trunk-");
                    default -> {
                    }
                }
            }
            assertThat(open).as("channels never hung up").isEmpty();
            assertThat(trunkUids).containsExactlyElementsOf(sim.traffic().linkedids());
            assertThat(answered).isGreaterThan(3);
            assertThat(events).anyMatch(m -> m.eventName().equals("QueueCallerAbandon"));
            // two bridges per answered call: the trunk with the leg's ;1 half, the leg's ;2 half with the phone
            int bridged = 0;
            for (Map.Entry<String, String> e : phoneOfLeg.entrySet()) {
                if (bridgeOf.containsKey(e.getValue())) {
                    bridged++;
                    assertThat(bridgeOf.get(e.getKey() + ";2")).isEqualTo(bridgeOf.get(e.getValue()));
                    assertThat(bridgeOf.get(e.getKey() + ";1")).isNotEqualTo(bridgeOf.get(e.getValue()));
                }
            }
            assertThat(bridged).isEqualTo(answered);
        }
    }

    @Test
    void anAgentTheCallerHangsUpBeforeIsNeverRung() throws Exception {
        // the Local recording rings the ringall queue's three agents a millisecond apart
        assertThat(agentsRungPerCall(0, Duration.ZERO)).allMatch(n -> n <= 1).contains(1);
        assertThat(agentsRungPerCall(0, Duration.ofSeconds(3))).contains(3);
        // the PJSIP one rings the second phone some 20 s after the first
        assertThat(agentsRungPerCall(1, Duration.ofSeconds(10))).allMatch(n -> n <= 1).contains(1);
        assertThat(agentsRungPerCall(1, Duration.ofSeconds(25))).contains(2);
    }

    /** Abandoned calls to the ringall hardware queue, each caller waiting {@code wait}: how many agents each rang. */
    private static List<Integer> agentsRungPerCall(double pjsipShare, Duration wait) throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(2000).build()) {
            List<AmiMessage> events = run(sim, TrafficConfig.builder().seed(3).callsPerSecond(0.01).maxCalls(6)
                    .outcomes(0, 1, 0).pjsipShare(pjsipShare).menuChoice("1", "hardware", "main/hardware", 1)
                    .waitTime(wait, wait).build(), 6, List.of());
            Map<String, Set<String>> rung = new HashMap<>();
            Set<String> open = new LinkedHashSet<>();
            for (AmiMessage m : events) {
                switch (m.eventName()) {
                    case "AgentCalled" -> rung.computeIfAbsent(m.get("Linkedid"), k -> new LinkedHashSet<>())
                            .add(m.get("Interface"));
                    case "Newchannel" -> open.add(m.get("Channel"));
                    case "Hangup" ->
                            assertThat(open.remove(m.get("Channel"))).as("hangup of %s", m.get("Channel")).isTrue();
                    default -> {
                    }
                }
            }
            assertThat(open).as("channels never hung up").isEmpty();
            List<Integer> counts = new ArrayList<>();
            for (String call : sim.traffic().linkedids()) {
                counts.add(rung.getOrDefault(call, Set.of()).size());
            }
            return counts;
        }
    }

    @Test
    void ticketStatusCallsKeyInTheTicketTheyAskAbout() throws Exception {
        Map<String, List<String>> recordedLayout = new HashMap<>();
        for (AmiTrace.Entry e : AmiTrace.bundled("ticket-status-ivr").entries()) {
            String ev = e.message().eventName();
            if ("DTMFBegin".equals(ev) || "DTMFEnd".equals(ev)) {
                recordedLayout.putIfAbsent(ev, e.message().names());
            }
        }
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(500).build()) {
            List<AmiMessage> events = run(sim, TrafficConfig.builder().seed(13).callsPerSecond(0.2).maxCalls(6)
                    .menuChoice("4", null, "main/ticket-status", 1).build(), 6, List.of());
            // per call (linkedid): the caller's ;2 half, which runs the menu, and what it keyed, typed and asked
            Map<String, String> menuChannel = new HashMap<>();
            Map<String, String> menuUniqueid = new HashMap<>();
            Map<String, List<String>> keyed = new HashMap<>();
            Map<String, String> typed = new HashMap<>();
            Map<String, String> asked = new HashMap<>();
            for (AmiMessage m : events) {
                String call = m.get("Linkedid");
                String chan = m.get("Channel");
                switch (m.eventName()) {
                    case "Newchannel" -> {
                        if (chan.matches("Local/s@helpdesk-ivr-[0-9a-f]{8};2")) {
                            menuChannel.put(call, chan);
                            menuUniqueid.put(call, m.get("Uniqueid"));
                        }
                    }
                    case "DTMFBegin", "DTMFEnd" -> {
                        assertThat(m.names()).as("layout of %s", m).isEqualTo(recordedLayout.get(m.eventName()));
                        assertThat(chan).isEqualTo(menuChannel.get(call));
                        assertThat(m.get("Uniqueid")).isEqualTo(menuUniqueid.get(call));
                        assertThat(m.get("Direction")).isEqualTo("Received");
                        keyed.computeIfAbsent(call, k -> new ArrayList<>()).add(m.eventName() + " " + m.get("Digit"));
                    }
                    case "VarSet" -> {
                        if ("FIRSTLINE_TICKET".equals(m.get("Variable"))) {
                            typed.put(call, m.get("Value"));
                        }
                    }
                    case "Newexten" -> {
                        String agi = m.get("AppData");
                        if ("AGI".equals(m.get("Application")) && agi.contains("/ticket-status?ticket=")) {
                            asked.put(call, agi.substring(agi.indexOf("ticket=") + "ticket=".length()));
                        }
                    }
                    default -> {
                    }
                }
            }
            List<String> calls = sim.traffic().linkedids();
            assertThat(calls).hasSize(6);
            for (String call : calls) {
                String ticket = typed.get(call);
                assertThat(ticket).as("ticket typed in %s", call).matches("[0-9]{4}");
                assertThat(asked.get(call)).as("ticket the menu asks about in %s", call).isEqualTo(ticket);
                List<String> keys = new ArrayList<>();
                for (char key : ("4" + ticket + "#").toCharArray()) {
                    keys.add("DTMFBegin " + key);
                    keys.add("DTMFEnd " + key);
                }
                assertThat(keyed.get(call)).as("keys pressed in %s", call).containsExactlyElementsOf(keys);
            }
            assertThat(new HashSet<>(typed.values())).as("tickets typed").hasSizeGreaterThan(1);
        }
    }

    @Test
    void theSameSeedGivesTheSameCalls() throws Exception {
        List<List<String>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (AmiSimulator sim = AmiSimulator.builder().timeScale(500).build()) {
                List<String> shape = new ArrayList<>();
                for (AmiMessage m : run(sim, TrafficConfig.builder().seed(77).callsPerSecond(0.3).maxCalls(8)
                        .outcomes(1, 1, 1).build(), 8, List.of())) {
                    shape.add(m.eventName() + "|" + m.get("Channel") + "|" + m.get("CallerIDNum") + "|" + m.get("Queue")
                            + "|" + m.get("MemberName") + "|" + m.get("Value"));
                }
                runs.add(shape);
            }
        }
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }
}
