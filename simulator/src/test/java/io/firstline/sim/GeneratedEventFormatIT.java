// Every event the simulator sends (generated calls, transfers, ChanSpy, member actions, status lists) has the field names and order Asterisk 22 used for that event in the traces; real sockets, JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class GeneratedEventFormatIT {

    @Test
    void generatedEventsUseTheCapturedLayouts() throws Exception {
        Map<String, Set<List<String>>> layouts = TraceFiles.eventLayouts();
        List<AmiMessage> seen = new ArrayList<>();
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(100).build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.traffic().start(TrafficConfig.builder().seed(3).callsPerSecond(0.5).maxCalls(16)
                    .outcomes(1, 1, 1).talkTime(Duration.ofSeconds(60), Duration.ofSeconds(90)).build());
            // wait for a connected call, then listen in with ChanSpy and ask for the status lists
            AmiMessage connect = collectUntil(c, seen, m -> "AgentConnect".equals(m.eventName()));
            String agentLeg = connect.get("DestChannel");
            String device = connect.get("Interface").replace("/n", "");
            c.send("Action: Originate", "ActionID: spy-1", "Channel: Local/9000@supervisor", "Application: ChanSpy",
                    "Data: " + device + ",qE", "CallerID: \"Supervisor\" <9000>", "Variable: SUPERVISOR_STAY=6",
                    "Async: true");
            collectUntil(c, seen, m -> "ChanSpyStart".equals(m.eventName()));
            for (String action : List.of("QueueStatus", "QueueSummary", "CoreShowChannels", "Status", "BridgeList")) {
                c.send("Action: " + action, "ActionID: list-" + action);
                collectUntil(c, seen, m -> "Complete".equals(m.get("EventList")));
            }
            // a second connected call gets blind-transferred by its agent
            AmiMessage second = collectUntil(c, seen, m -> "AgentConnect".equals(m.eventName())
                    && !m.get("DestChannel").equals(agentLeg));
            c.send("Action: BlindTransfer", "ActionID: bt-1", "Channel: " + second.get("DestChannel"),
                    "Context: transfer-targets", "Exten: 2000");
            collectUntil(c, seen, m -> "BlindTransfer".equals(m.eventName()));
            c.send("Action: QueuePause", "ActionID: qp-1", "Interface: Local/1003@agents/n", "Paused: true", "Reason: x");
            c.send("Action: QueueAdd", "ActionID: qa-1", "Queue: software", "Interface: Local/1004@agents/n",
                    "MemberName: Dave Agent");
            c.send("Action: QueuePenalty", "ActionID: qy-1", "Queue: software", "Interface: Local/1004@agents/n",
                    "Penalty: 1");
            c.send("Action: QueueRemove", "ActionID: qr-1", "Queue: software", "Interface: Local/1004@agents/n");
            collectUntil(c, seen, m -> "QueueMemberRemoved".equals(m.eventName()));
            c.send("Action: QueuePause", "ActionID: qp-2", "Interface: Local/1003@agents/n", "Paused: false");
            assertThat(sim.traffic().awaitFinished(16, Duration.ofSeconds(60))).isTrue();
            c.send("Action: Ping", "ActionID: last");
            collectUntil(c, seen, m -> "last".equals(m.get("ActionID")));
        }
        Set<String> names = checkLayouts(layouts, seen);
        assertThat(names).contains("Newchannel", "VarSet", "AgentCalled", "AgentConnect", "AgentComplete",
                "AgentRingNoAnswer", "QueueCallerAbandon", "QueueCallerJoin", "QueueCallerLeave", "QueueMemberStatus",
                "DTMFBegin", "Cdr", "BlindTransfer", "ChanSpyStart", "ChanSpyStop", "OriginateResponse",
                "QueueParams", "QueueMember", "QueueSummary", "CoreShowChannel", "Status", "BridgeListItem",
                "QueueMemberPause", "QueueMemberAdded", "QueueMemberPenalty", "QueueMemberRemoved");
        assertThat(seen.size()).isGreaterThan(1000);
    }

    @Test
    void generatedPjsipTrunkCallsUseTheCapturedLayouts() throws Exception {
        List<AmiMessage> seen = new ArrayList<>();
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(200).build(); RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.traffic().start(TrafficConfig.builder().seed(4).callsPerSecond(0.5).maxCalls(10).outcomes(1, 1, 0)
                    .pjsipShare(1).build());
            assertThat(sim.traffic().awaitFinished(10, Duration.ofSeconds(60))).isTrue();
            c.send("Action: Ping", "ActionID: last");
            collectUntil(c, seen, m -> "last".equals(m.get("ActionID")));
        }
        Set<String> names = checkLayouts(TraceFiles.eventLayouts(), seen);
        assertThat(names).contains("Newchannel", "DialBegin", "DialState", "AgentConnect", "QueueCallerAbandon",
                "RTCPSent", "RTCPReceived", "NewConnectedLine", "DeviceStateChange");
    }

    /** Asserts that each event has a layout Asterisk used for that event; returns the event names seen. */
    private static Set<String> checkLayouts(Map<String, Set<List<String>>> layouts, List<AmiMessage> seen) {
        Set<String> names = new TreeSet<>();
        for (AmiMessage m : seen) {
            String ev = m.eventName();
            if (ev == null) {
                continue;
            }
            names.add(ev);
            assertThat(layouts).as("event name %s appears in the traces", ev).containsKey(ev);
            assertThat(layouts.get(ev)).as("field layout of %s:%n%s", ev, m).contains(m.names());
        }
        return names;
    }

    private static AmiMessage collectUntil(RawAmiClient c, List<AmiMessage> seen,
            java.util.function.Predicate<AmiMessage> stop) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            AmiMessage m = c.next();
            seen.add(m);
            if (stop.test(m)) {
                return m;
            }
        }
        throw new AssertionError("not seen in time");
    }
}
