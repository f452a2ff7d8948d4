// The simulated PBX's current state (queues, members, channels, bridges, queue callers, statistics); confined to the ami-sim-clock thread.
package io.firstline.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

final class PbxState {

    static final int DEVICE_NOT_INUSE = 1;
    static final int DEVICE_INUSE = 2;
    private static final int SERVICE_LEVEL = 60;

    /** A member of every queue from the start: static (a {@code member =>} line) or dynamic (restored by persistentmembers). */
    record AgentDef(String interfaceName, String memberName, String stateInterface, boolean dynamic) {
        /** A static member whose state interface is its interface. */
        AgentDef(String interfaceName, String memberName) {
            this(interfaceName, memberName, interfaceName, false);
        }
    }

    record QueueDef(String name, String strategy) {
    }

    static final class Member {
        final String interfaceName;
        String memberName;
        String stateInterface;
        final boolean dynamic;
        int penalty;
        int callsTaken;
        long lastCall;
        long lastPause;
        final long loginTime;
        int inCall;
        boolean paused;
        String pausedReason = "";

        Member(String interfaceName, String memberName, String stateInterface, boolean dynamic, long loginTime) {
            this.interfaceName = interfaceName;
            this.memberName = memberName;
            this.stateInterface = stateInterface;
            this.dynamic = dynamic;
            this.loginTime = loginTime;
        }
    }

    static final class QueueEntry {
        final String channel;
        final String uniqueid;
        final long joinedMs;

        QueueEntry(String channel, String uniqueid, long joinedMs) {
            this.channel = channel;
            this.uniqueid = uniqueid;
            this.joinedMs = joinedMs;
        }
    }

    static final class Queue {
        final String name;
        final String strategy;
        final Map<String, Member> members = new LinkedHashMap<>();
        final List<QueueEntry> entries = new ArrayList<>();
        int holdtime;
        int talktime;
        int completed;
        int abandoned;
        int completedInSl;
        int abandonedInSl;
        String lastAvailState;

        Queue(String name, String strategy) {
            this.name = name;
            this.strategy = strategy;
        }
    }

    static final class Channel {
        final String name;
        final Map<String, String> snapshot = new LinkedHashMap<>();
        String application = "";
        String appData = "";
        String bridgeId = "";
        boolean musicOnHold;
        final long createdMs;

        Channel(String name, long createdMs) {
            this.name = name;
            this.createdMs = createdMs;
        }
    }

    static final class Bridge {
        final String id;
        int channels;

        Bridge(String id) {
            this.id = id;
        }
    }

    private static final List<String> SNAPSHOT_FIELDS = List.of("ChannelState", "ChannelStateDesc", "CallerIDNum",
            "CallerIDName", "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode", "Context", "Exten",
            "Priority", "Uniqueid", "Linkedid");

    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final Map<String, Integer> deviceStatus = new LinkedHashMap<>();
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final Map<String, Bridge> bridges = new LinkedHashMap<>();
    private final long startMs;
    private int processedCalls;

    PbxState(List<QueueDef> queueDefs, List<AgentDef> agents, long startMs) {
        this.startMs = startMs;
        for (QueueDef q : queueDefs) {
            Queue queue = new Queue(q.name(), q.strategy());
            for (AgentDef a : agents) {
                queue.members.put(a.interfaceName(),
                        new Member(a.interfaceName(), a.memberName(), a.stateInterface(), a.dynamic(), startMs / 1000));
            }
            queues.put(q.name(), queue);
        }
    }

    // ---------------------------------------------------------------- queries used by the call generator

    List<String> queueNames() {
        return new ArrayList<>(queues.keySet());
    }

    Queue queue(String name) {
        return queues.get(name);
    }

    int deviceStatus(String iface) {
        return deviceStatus.getOrDefault(iface, DEVICE_NOT_INUSE);
    }

    void setDeviceStatus(String iface, int status) {
        deviceStatus.put(iface, status);
    }

    Channel channel(String name) {
        return channels.get(name);
    }

    int channelCount() {
        return channels.size();
    }

    // ---------------------------------------------------------------- event observation (generated and replayed events)

    /** Keeps channels, bridges, queue callers and queue statistics in step with an event just sent to the clients. */
    void observe(AmiMessage ev, long nowMs) {
        String name = ev.eventName();
        if (name == null) {
            return;
        }
        String chanName = ev.get("Channel");
        switch (name) {
            case "Newchannel" -> {
                Channel c = new Channel(chanName, nowMs);
                channels.put(chanName, c);
                processedCalls++;
            }
            case "Hangup" -> channels.remove(chanName);
            case "BridgeCreate" -> bridges.put(ev.getOrEmpty("BridgeUniqueid"), new Bridge(ev.getOrEmpty("BridgeUniqueid")));
            case "BridgeDestroy" -> bridges.remove(ev.getOrEmpty("BridgeUniqueid"));
            default -> {
            }
        }
        Channel c = chanName == null ? null : channels.get(chanName);
        if (c != null && ev.get("ChannelState") != null) {
            for (String f : SNAPSHOT_FIELDS) {
                String v = ev.get(f);
                if (v != null) {
                    c.snapshot.put(f, v);
                }
            }
        }
        switch (name) {
            case "Newexten" -> {
                if (c != null) {
                    c.application = ev.getOrEmpty("Application");
                    c.appData = ev.get("AppData") == null ? "" : ev.get("AppData");
                }
            }
            case "MusicOnHoldStart" -> {
                if (c != null) {
                    c.musicOnHold = true;
                }
            }
            case "MusicOnHoldStop" -> {
                if (c != null) {
                    c.musicOnHold = false;
                }
            }
            case "BridgeEnter", "BridgeLeave" -> {
                Bridge b = bridges.get(ev.getOrEmpty("BridgeUniqueid"));
                if (b != null) {
                    b.channels = parseInt(ev.get("BridgeNumChannels"), b.channels);
                }
                if (c != null) {
                    c.bridgeId = name.equals("BridgeEnter") ? ev.getOrEmpty("BridgeUniqueid") : "";
                }
            }
            case "QueueCallerJoin" -> {
                Queue q = queues.get(ev.getOrEmpty("Queue"));
                if (q != null) {
                    q.entries.add(new QueueEntry(chanName, ev.getOrEmpty("Uniqueid"), nowMs));
                }
            }
            case "QueueCallerLeave" -> {
                Queue q = queues.get(ev.getOrEmpty("Queue"));
                if (q != null) {
                    q.entries.removeIf(e -> e.channel.equals(chanName));
                }
            }
            case "QueueCallerAbandon" -> {
                Queue q = queues.get(ev.getOrEmpty("Queue"));
                if (q != null) {
                    int hold = parseInt(ev.get("HoldTime"), 0);
                    recalcHoldtime(q, hold);
                    q.abandoned++;
                    if (hold <= SERVICE_LEVEL) {
                        q.abandonedInSl++;
                    }
                }
            }
            case "AgentConnect" -> {
                Queue q = queues.get(ev.getOrEmpty("Queue"));
                if (q != null) {
                    recalcHoldtime(q, parseInt(ev.get("HoldTime"), 0));
                    Member m = q.members.get(ev.getOrEmpty("Interface"));
                    if (m != null) {
                        m.inCall = 1;
                    }
                }
            }
            case "AgentComplete" -> {
                Queue q = queues.get(ev.getOrEmpty("Queue"));
                if (q != null) {
                    int talk = parseInt(ev.get("TalkTime"), 0);
                    if (q.completed == 0) {
                        q.talktime = talk;
                    } else {
                        q.talktime = ((q.talktime << 2) - q.talktime + talk) >> 2;
                    }
                    q.completed++;
                    if (parseInt(ev.get("HoldTime"), 0) <= SERVICE_LEVEL) {
                        q.completedInSl++;
                    }
                    Member m = q.members.get(ev.getOrEmpty("Interface"));
                    if (m != null) {
                        m.inCall = 0;
                        m.callsTaken++;
                        m.lastCall = nowMs / 1000;
                    }
                }
            }
            default -> {
            }
        }
    }

    private static void recalcHoldtime(Queue q, int newHoldtime) {
        if (q.completed + q.abandoned == 0) {
            q.holdtime = newHoldtime;
        } else {
            q.holdtime = ((q.holdtime << 2) - q.holdtime + newHoldtime) >> 2;
        }
    }

    private static int parseInt(String s, int dflt) {
        if (s == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    // ---------------------------------------------------------------- member events

    AmiMessage memberEvent(String eventName, Queue q, Member m) {
        return AmiMessage.builder()
                .add("Event", eventName)
                .add("Privilege", "agent,all")
                .add("Queue", q.name)
                .add("MemberName", m.memberName)
                .add("Interface", m.interfaceName)
                .add("StateInterface", m.stateInterface)
                .add("Membership", m.dynamic ? "dynamic" : "static")
                .add("Penalty", m.penalty)
                .add("CallsTaken", m.callsTaken)
                .add("LastCall", m.lastCall)
                .add("LastPause", m.lastPause)
                .add("LoginTime", m.loginTime)
                .add("InCall", m.inCall)
                .add("Status", deviceStatus(m.stateInterface))
                .add("Paused", m.paused ? 1 : 0)
                .add("PausedReason", m.pausedReason)
                .add("Ringinuse", 0)
                .add("Wrapuptime", 0)
                .build();
    }

    private static AmiMessage deviceStateChange(String device, String state) {
        return AmiMessage.builder().add("Event", "DeviceStateChange").add("Privilege", "call,all")
                .add("Device", device).add("State", state).build();
    }

    /**
     * The QueueMemberStatus events Asterisk sends when a member's device state changes: one per queue the member
     * is in, each (when {@code withAvailability}) followed by the queue's "_avail" device state if it changed.
     */
    List<AmiMessage> memberStatusEvents(String iface, int status, boolean withAvailability) {
        List<AmiMessage> out = new ArrayList<>();
        Member any = null;
        for (Queue q : queues.values()) {
            Member m = q.members.get(iface);
            if (m != null) {
                any = m;
            }
        }
        setDeviceStatus(any == null ? iface : any.stateInterface, status);
        for (Queue q : queues.values()) {
            Member m = q.members.get(iface);
            if (m == null) {
                continue;
            }
            out.add(memberEvent("QueueMemberStatus", q, m));
            if (withAvailability) {
                String avail = availableMembers(q) > 0 ? "NOT_INUSE" : "INUSE";
                if (!avail.equals(q.lastAvailState)) {
                    q.lastAvailState = avail;
                    out.add(deviceStateChange("Queue:" + q.name + "_avail", avail));
                }
            }
        }
        return out;
    }

    private int availableMembers(Queue q) {
        int n = 0;
        for (Member m : q.members.values()) {
            if (!m.paused && deviceStatus(m.stateInterface) == DEVICE_NOT_INUSE) {
                n++;
            }
        }
        return n;
    }

    boolean isAvailable(String queue, String iface) {
        Queue q = queues.get(queue);
        Member m = q == null ? null : q.members.get(iface);
        return m != null && !m.paused;
    }

    // ---------------------------------------------------------------- member management actions

    /** Result of a member action: an error message, or events to broadcast after the success response. */
    record Outcome(String error, String message, List<AmiMessage> events) {
        static Outcome error(String msg) {
            return new Outcome(msg, null, List.of());
        }
    }

    Outcome pause(String queueName, String iface, boolean paused, String reason, long nowMs) {
        List<AmiMessage> events = new ArrayList<>();
        for (Queue q : queues.values()) {
            if (!queueName.isEmpty() && !q.name.equalsIgnoreCase(queueName)) {
                continue;
            }
            Member m = q.members.get(iface);
            if (m == null) {
                continue;
            }
            m.paused = paused;
            m.pausedReason = paused ? reason : "";
            m.lastPause = nowMs / 1000;
            events.add(deviceStateChange("Queue:" + q.name + "_pause_" + m.interfaceName, paused ? "INUSE" : "NOT_INUSE"));
            events.add(memberEvent("QueueMemberPause", q, m));
        }
        if (events.isEmpty()) {
            return Outcome.error("Interface not found");
        }
        return new Outcome(null, paused ? "Interface paused successfully" : "Interface unpaused successfully", events);
    }

    Outcome add(String queueName, String iface, String memberName, String stateInterface, int penalty, boolean paused,
            long nowMs) {
        Queue q = findQueue(queueName);
        if (q == null) {
            return Outcome.error("Unable to add interface to queue: No such queue");
        }
        if (q.members.containsKey(iface)) {
            return Outcome.error("Unable to add interface: Already there");
        }
        Member m = new Member(iface, memberName.isEmpty() ? iface : memberName,
                stateInterface.isEmpty() ? iface : stateInterface, true, nowMs / 1000);
        m.penalty = penalty;
        m.paused = paused;
        q.members.put(iface, m);
        List<AmiMessage> events = List.of(
                deviceStateChange("Queue:" + q.name + "_pause_" + iface, paused ? "INUSE" : "NOT_INUSE"),
                memberEvent("QueueMemberAdded", q, m));
        return new Outcome(null, "Added interface to queue", events);
    }

    Outcome remove(String queueName, String iface) {
        Queue q = findQueue(queueName);
        if (q == null) {
            return Outcome.error("Unable to remove interface from queue: No such queue");
        }
        Member m = q.members.get(iface);
        if (m == null) {
            return Outcome.error("Unable to remove interface: Not there");
        }
        if (!m.dynamic) {
            return Outcome.error("Member not dynamic");
        }
        q.members.remove(iface);
        return new Outcome(null, "Removed interface from queue", List.of(memberEvent("QueueMemberRemoved", q, m)));
    }

    Outcome penalty(String queueName, String iface, int penalty) {
        List<AmiMessage> events = new ArrayList<>();
        for (Queue q : queues.values()) {
            if (!queueName.isEmpty() && !q.name.equalsIgnoreCase(queueName)) {
                continue;
            }
            Member m = q.members.get(iface);
            if (m == null) {
                continue;
            }
            m.penalty = penalty;
            events.add(memberEvent("QueueMemberPenalty", q, m));
        }
        if (events.isEmpty() || penalty < 0) {
            return Outcome.error("Invalid interface, queuename or penalty");
        }
        return new Outcome(null, "Interface penalty set successfully", events);
    }

    private Queue findQueue(String name) {
        for (Queue q : queues.values()) {
            if (q.name.equalsIgnoreCase(name)) {
                return q;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- list actions (snapshots of the current state)

    static AmiMessage listAck(String actionId, String message) {
        return AmiMessage.builder().add("Response", "Success").actionId(actionId).add("EventList", "start")
                .add("Message", message).build();
    }

    static AmiMessage listComplete(String event, String actionId, int items) {
        return AmiMessage.builder().add("Event", event).actionId(actionId).add("EventList", "Complete")
                .add("ListItems", items).build();
    }

    List<AmiMessage> queueStatus(String queueFilter, String memberFilter, String actionId, long nowMs) {
        List<AmiMessage> out = new ArrayList<>();
        out.add(listAck(actionId, "Queue status will follow"));
        int items = 0;
        for (Queue q : queues.values()) {
            if (!queueFilter.isEmpty() && !q.name.equalsIgnoreCase(queueFilter)) {
                continue;
            }
            float sl = q.completed > 0 ? 100f * q.completedInSl / q.completed : 0;
            float sl2 = q.completed + q.abandoned > 0
                    ? 100f * (q.abandonedInSl + q.completedInSl) / (q.abandoned + q.completed) : 0;
            out.add(AmiMessage.builder().add("Event", "QueueParams").add("Queue", q.name).add("Max", 0)
                    .add("Strategy", q.strategy).add("Calls", q.entries.size()).add("Holdtime", q.holdtime)
                    .add("TalkTime", q.talktime).add("Completed", q.completed).add("Abandoned", q.abandoned)
                    .add("ServiceLevel", SERVICE_LEVEL).add("ServicelevelPerf", String.format(Locale.ROOT, "%2.1f", sl))
                    .add("ServicelevelPerf2", String.format(Locale.ROOT, "%2.1f", sl2)).add("Weight", 0)
                    .actionId(actionId).build());
            items++;
            for (Member m : q.members.values()) {
                if (!memberFilter.isEmpty() && !m.interfaceName.equals(memberFilter) && !m.memberName.equals(memberFilter)) {
                    continue;
                }
                out.add(AmiMessage.builder().add("Event", "QueueMember").add("Queue", q.name).add("Name", m.memberName)
                        .add("Location", m.interfaceName).add("StateInterface", m.stateInterface)
                        .add("Membership", m.dynamic ? "dynamic" : "static").add("Penalty", m.penalty)
                        .add("CallsTaken", m.callsTaken).add("LastCall", m.lastCall).add("LastPause", m.lastPause)
                        .add("LoginTime", m.loginTime).add("InCall", m.inCall)
                        .add("Status", deviceStatus(m.stateInterface)).add("Paused", m.paused ? 1 : 0)
                        .add("PausedReason", m.pausedReason).add("Wrapuptime", 0).actionId(actionId).build());
                items++;
            }
            int pos = 1;
            for (QueueEntry e : q.entries) {
                Channel c = channels.get(e.channel);
                Map<String, String> s = c == null ? Map.of() : c.snapshot;
                out.add(AmiMessage.builder().add("Event", "QueueEntry").add("Queue", q.name).add("Position", pos++)
                        .add("Channel", e.channel).add("Uniqueid", e.uniqueid)
                        .add("CallerIDNum", s.getOrDefault("CallerIDNum", "unknown"))
                        .add("CallerIDName", s.getOrDefault("CallerIDName", "unknown"))
                        .add("ConnectedLineNum", s.getOrDefault("ConnectedLineNum", "unknown"))
                        .add("ConnectedLineName", s.getOrDefault("ConnectedLineName", "unknown"))
                        .add("Wait", (nowMs - e.joinedMs) / 1000).add("Priority", 0).actionId(actionId).build());
                items++;
            }
        }
        out.add(listComplete("QueueStatusComplete", actionId, items));
        return out;
    }

    List<AmiMessage> queueSummary(String queueFilter, String actionId, long nowMs) {
        List<AmiMessage> out = new ArrayList<>();
        out.add(listAck(actionId, "Queue summary will follow"));
        int items = 0;
        for (Queue q : queues.values()) {
            if (!queueFilter.isEmpty() && !q.name.equalsIgnoreCase(queueFilter)) {
                continue;
            }
            long longest = 0;
            for (QueueEntry e : q.entries) {
                longest = Math.max(longest, (nowMs - e.joinedMs) / 1000);
            }
            out.add(AmiMessage.builder().add("Event", "QueueSummary").add("Queue", q.name)
                    .add("LoggedIn", q.members.size()).add("Available", availableMembers(q))
                    .add("Callers", q.entries.size()).add("HoldTime", q.holdtime).add("TalkTime", q.talktime)
                    .add("LongestHoldTime", longest).actionId(actionId).build());
            items++;
        }
        out.add(listComplete("QueueSummaryComplete", actionId, items));
        return out;
    }

    private static String hms(long seconds) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }

    private List<Channel> channelsNewestFirst() {
        List<Channel> list = new ArrayList<>(channels.values());
        java.util.Collections.reverse(list);
        return list;
    }

    List<AmiMessage> coreShowChannels(String actionId, long nowMs) {
        List<AmiMessage> out = new ArrayList<>();
        out.add(listAck(actionId, "Channels will follow"));
        int items = 0;
        for (Channel c : channelsNewestFirst()) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "CoreShowChannel").actionId(actionId)
                    .add("Channel", c.name);
            addSnapshot(b, c);
            b.add("Application", c.application).add("ApplicationData", c.appData)
                    .add("Duration", hms((nowMs - c.createdMs) / 1000)).add("BridgeId", c.bridgeId);
            out.add(b.build());
            items++;
        }
        out.add(listComplete("CoreShowChannelsComplete", actionId, items));
        return out;
    }

    private static void addSnapshot(AmiMessage.Builder b, Channel c) {
        for (String f : SNAPSHOT_FIELDS) {
            b.add(f, c.snapshot.getOrDefault(f, ""));
        }
    }

    /** Status for all channels, or for one (null when that channel does not exist). */
    List<AmiMessage> status(String channelFilter, String actionId, long nowMs) {
        List<Channel> selected = new ArrayList<>();
        for (Channel c : channelsNewestFirst()) {
            if (channelFilter.isEmpty() || c.name.equals(channelFilter)) {
                selected.add(c);
            }
        }
        if (!channelFilter.isEmpty() && selected.isEmpty()) {
            return null;
        }
        List<AmiMessage> out = new ArrayList<>();
        out.add(listAck(actionId, "Channel status will follow"));
        for (Channel c : selected) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "Status").add("Privilege", "Call")
                    .add("Channel", c.name);
            addSnapshot(b, c);
            b.add("Type", "Local").add("DNID", "")
                    .add("EffectiveConnectedLineNum", c.snapshot.getOrDefault("ConnectedLineNum", ""))
                    .add("EffectiveConnectedLineName", c.snapshot.getOrDefault("ConnectedLineName", ""))
                    .add("TimeToHangup", 0).add("BridgeID", c.bridgeId).add("Application", c.application)
                    .add("Data", c.appData).add("Nativeformats", "(slin)").add("Readformat", "slin")
                    .add("Readtrans", "").add("Writeformat", c.musicOnHold ? "gsm" : "slin")
                    .add("Writetrans", c.musicOnHold ? "(gsm@8000)->(slin@8000)" : "").add("Callgroup", 0)
                    .add("Pickupgroup", 0).add("Seconds", (nowMs - c.createdMs) / 1000).actionId(actionId);
            out.add(b.build());
        }
        out.add(AmiMessage.builder().add("Event", "StatusComplete").actionId(actionId).add("EventList", "Complete")
                .add("ListItems", selected.size()).add("Items", selected.size()).build());
        return out;
    }

    List<AmiMessage> bridgeList(String actionId) {
        List<AmiMessage> out = new ArrayList<>();
        out.add(listAck(actionId, "Bridge listing will follow"));
        for (Bridge b : bridges.values()) {
            out.add(AmiMessage.builder().add("Event", "BridgeListItem").actionId(actionId).add("BridgeUniqueid", b.id)
                    .add("BridgeType", "basic").add("BridgeTechnology", "simple_bridge")
                    .add("BridgeCreator", "<unknown>").add("BridgeName", "<unknown>")
                    .add("BridgeNumChannels", b.channels).add("BridgeVideoSourceMode", "none").build());
        }
        out.add(listComplete("BridgeListComplete", actionId, bridges.size()));
        return out;
    }

    AmiMessage coreStatus(String actionId, long nowMs) {
        java.time.ZonedDateTime start = java.time.Instant.ofEpochMilli(startMs).atZone(java.time.ZoneOffset.UTC);
        String date = start.toLocalDate().toString();
        String time = String.format(Locale.ROOT, "%02d:%02d:%02d", start.getHour(), start.getMinute(), start.getSecond());
        return AmiMessage.builder().add("Response", "Success").actionId(actionId).add("CoreStartupDate", date)
                .add("CoreStartupTime", time).add("CoreReloadDate", date).add("CoreReloadTime", time)
                .add("CoreCurrentCalls", channels.size()).add("CoreProcessedCalls", processedCalls).build();
    }
}
