// One generated help-desk call: its caller, chosen agents, ids and instants, and the rendering of template events into AMI events; used only on the ami-sim-clock thread.
package io.firstline.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

final class SimulatedCall {

    private static final DateTimeFormatter CDR_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** A queue member rung by this call: its Local channel pair and when it started ringing. */
    static final class AgentLeg {
        final String iface;
        final String memberName;
        final String ext;
        final String context;
        String base;
        /** The agent's phone channel (PJSIP/ext-XXXXXXXX) that the leg's ;2 half dials, in a PJSIP-shaped call. */
        String phoneChannel;
        final String[] uids = new String[3];
        long calledMs;

        AgentLeg(String iface, String memberName) {
            this.iface = iface;
            this.memberName = memberName;
            String inner = iface.substring("Local/".length(), iface.length() - "/n".length());
            this.ext = inner.substring(0, inner.indexOf('@'));
            this.context = inner.substring(inner.indexOf('@') + 1);
        }

        String device() {
            return iface.substring(0, iface.length() - "/n".length());
        }

        /** The phone the dialplans' [agents] context dials for this extension. */
        String phone() {
            return "PJSIP/" + ext;
        }
    }

    /** The supervisor's ChanSpy call attached to this call. */
    static final class Supervisor {
        final String extAtContext;
        final String num;
        final String name;
        final String spyData;
        final String actionId;
        String base;
        final String[] uids = new String[2];

        Supervisor(String extAtContext, String num, String name, String spyData, String actionId) {
            this.extAtContext = extAtContext;
            this.num = num;
            this.name = name;
            this.spyData = spyData;
            this.actionId = actionId;
        }
    }

    enum Phase { IVR, QUEUED, RINGING, TALKING, ENDING, DONE }

    final long number;
    final boolean hasCaller;
    final String callerNum;
    final String callerName;
    final String callerId;
    final String digit;
    final String queue;
    final String menuPath;
    final String ticket;
    String simHangupAfter = "";
    String transferContext = "";
    String transferExten = "";
    Supervisor supervisor;
    /** Which recordings the call is played from: Local channels end to end, or a PJSIP trunk and phones. */
    final TemplateLibrary.CallShape shape;
    Phase phase = Phase.IVR;
    AgentLeg connectedLeg;
    final List<AgentLeg> reservedLegs = new ArrayList<>();
    /** Incremented to cancel the segments still scheduled (e.g. when a transfer replaces the rest of the call). */
    int generation;

    private final CallGenerator generator;
    private final Random random;
    private String callerBase;
    private final String[] callerUids = new String[2];
    private final Map<String, String> bridgeIds = new HashMap<>();
    private final Map<String, String> commandIds = new HashMap<>();
    private final Map<String, Long> createdMs = new HashMap<>();
    private final Map<String, Long> answeredMs = new HashMap<>();
    long joinedMs = -1;
    long connectedMs = -1;

    SimulatedCall(CallGenerator generator, long number, boolean hasCaller, String callerNum, String callerName,
            String callerId, String digit, String queue, String menuPath, String ticket,
            TemplateLibrary.CallShape shape) {
        this.generator = generator;
        this.random = generator.random();
        this.number = number;
        this.hasCaller = hasCaller;
        this.callerNum = callerNum;
        this.callerName = callerName;
        this.callerId = callerId;
        this.digit = digit;
        this.queue = queue;
        this.menuPath = menuPath;
        this.ticket = ticket;
        this.shape = shape;
    }

    String linkedid() {
        return callerUids[0];
    }

    /** The caller's channel that waits in the queue: the ;2 half of a Local caller, or the trunk's channel itself. */
    String queuedChannel() {
        if (callerBase == null) {
            return null;
        }
        return callerBase.startsWith("Local/") ? callerBase + ";2" : callerBase;
    }

    // ------------------------------------------------------------------------------------ rendering

    /** Renders one template event with this call's values; empty when the event concerns a leg this call lacks. */
    List<AmiMessage> render(CallTemplate.Event e, Map<String, AgentLeg> legs, long nowMs, PbxState pbx) {
        for (String role : e.roles()) {
            if (role.equals("C") ? !hasCaller : role.equals("S") ? supervisor == null : !legs.containsKey(role)) {
                return List.of();
            }
        }
        if (e.isMemberStatus()) {
            AgentLeg leg = legs.get(e.memberStatusLeg());
            return pbx.memberStatusEvents(leg.iface, e.memberStatus(), e.memberAvailability());
        }
        AmiMessage.Builder b = AmiMessage.builder();
        for (CallTemplate.Field f : e.fields()) {
            StringBuilder v = new StringBuilder();
            for (CallTemplate.Part p : f.parts()) {
                v.append(p.slot() == null ? p.literal() : resolve(p, e, legs, nowMs, pbx));
            }
            b.add(f.name(), v.toString());
        }
        AmiMessage m = b.build();
        noteInstants(m, legs, nowMs);
        return List.of(m);
    }

    private void noteInstants(AmiMessage m, Map<String, AgentLeg> legs, long nowMs) {
        String uid = m.get("Uniqueid");
        String ev = m.eventName();
        if (uid != null) {
            if (ev.equals("Newchannel")) {
                createdMs.put(uid, nowMs);
            }
            if ("6".equals(m.get("ChannelState"))) {
                answeredMs.putIfAbsent(uid, nowMs);
            }
        }
        switch (ev) {
            case "QueueCallerJoin" -> joinedMs = nowMs;
            case "AgentConnect" -> connectedMs = nowMs;
            default -> {
            }
        }
    }

    private String nextUid(long nowMs) {
        return generator.nextUniqueid(nowMs);
    }

    private String resolve(CallTemplate.Part p, CallTemplate.Event e, Map<String, AgentLeg> legs, long nowMs, PbxState pbx) {
        String key = p.key();
        switch (p.slot()) {
            case CHAN -> {
                if (key.equals("C")) {
                    if (callerBase == null) {
                        // the recorded channel's name up to Asterisk's counter: Local/s@helpdesk-ivr- or PJSIP/trunk-
                        callerBase = p.literal().substring(0, p.literal().lastIndexOf('-') + 1) + generator.nextLocalId();
                    }
                    return callerBase;
                }
                if (key.equals("S")) {
                    if (supervisor.base == null) {
                        supervisor.base = "Local/" + supervisor.extAtContext + "-" + generator.nextLocalId();
                    }
                    return supervisor.base;
                }
                AgentLeg leg = legs.get(key);
                if (leg.base == null) {
                    leg.base = "Local/" + leg.ext + "@" + leg.context + "-" + generator.nextLocalId();
                }
                return leg.base;
            }
            case PHONE_CHAN -> {
                AgentLeg leg = legs.get(key);
                if (leg.phoneChannel == null) {
                    leg.phoneChannel = leg.phone() + "-" + generator.nextLocalId();
                }
                return leg.phoneChannel;
            }
            case UID -> {
                String role = key.substring(0, key.indexOf(';'));
                int half = uidIndex(key);
                String[] uids = role.equals("C") ? callerUids : role.equals("S") ? supervisor.uids : legs.get(role).uids;
                if (uids[half] == null) {
                    uids[half] = nextUid(nowMs);
                    if (role.equals("C") && half == 0) {
                        generator.callStarted(this);
                    }
                }
                return uids[half];
            }
            case BRIDGE -> {
                return bridgeIds.computeIfAbsent(key, k -> new java.util.UUID(random.nextLong(), random.nextLong()).toString());
            }
            case COMMAND_ID -> {
                return commandIds.computeIfAbsent(key, k -> Integer.toString(100_000_000 + random.nextInt(2_000_000_000)));
            }
            case CALLER_NUM -> {
                return callerNum;
            }
            case CALLER_NAME -> {
                return callerName;
            }
            case CALLER_ID -> {
                return callerId;
            }
            case DIGIT -> {
                return digit;
            }
            case MENU_PATH -> {
                return menuPath;
            }
            case QUEUE -> {
                return queue == null ? p.literal() : queue;
            }
            case TICKET -> {
                return ticket;
            }
            case TICKET_DIGIT -> {
                int i = Integer.parseInt(key);
                return i < ticket.length() ? String.valueOf(ticket.charAt(i)) : p.literal();
            }
            case AGENT_IFACE -> {
                return legs.get(key).iface;
            }
            case AGENT_DIAL -> {
                return legs.get(key).iface.substring("Local/".length());
            }
            case AGENT_DEVICE -> {
                return legs.get(key).device();
            }
            case AGENT_PHONE -> {
                return legs.get(key).phone();
            }
            case AGENT_EXT -> {
                AgentLeg leg = legOrEarlier(key, legs);
                return leg == null ? "<unknown>" : leg.ext;
            }
            case AGENT_NAME -> {
                AgentLeg leg = legOrEarlier(key, legs);
                return leg == null ? "<unknown>" : leg.memberName;
            }
            case AGENT_CONTEXT -> {
                return legs.get(key).context;
            }
            case TRANSFER_CONTEXT -> {
                return transferContext;
            }
            case TRANSFER_EXTEN -> {
                return transferExten;
            }
            case SUP_NUM -> {
                return supervisor.num;
            }
            case SUP_NAME -> {
                return supervisor.name;
            }
            case SUP_DEVICE -> {
                return "Local/" + supervisor.extAtContext;
            }
            case SPY_DATA -> {
                return supervisor.spyData;
            }
            case ACTION_ID -> {
                return supervisor.actionId;
            }
            case SIM_HANGUP -> {
                return simHangupAfter.isEmpty() ? p.literal() : simHangupAfter;
            }
            case COMPUTED -> {
                return computed(key, p.literal(), legs, nowMs, pbx);
            }
            default -> throw new IllegalStateException("unhandled slot " + p.slot());
        }
    }

    private static long sec(long ms) {
        return Math.floorDiv(ms, 1000);
    }

    private String computed(String key, String literal, Map<String, AgentLeg> legs, long nowMs, PbxState pbx) {
        String[] k = key.split(":");
        switch (k[0]) {
            case "holdTime" -> {
                return Long.toString(sec(connectedMs < 0 ? nowMs : connectedMs) - sec(joinedMs));
            }
            case "holdTimeNow" -> {
                return Long.toString(sec(nowMs) - sec(joinedMs));
            }
            case "talkTime" -> {
                return Long.toString(sec(nowMs) - sec(connectedMs));
            }
            case "ringSeconds" -> {
                AgentLeg leg = legs.get(k[1]);
                return Long.toString(sec(nowMs) - sec(leg.calledMs));
            }
            case "ringMillis" -> {
                AgentLeg leg = legs.get(k[1]);
                return Long.toString(nowMs - leg.calledMs);
            }
            case "joinCount" -> {
                PbxState.Queue q = pbx.queue(queue);
                return Integer.toString(q == null ? 1 : q.entries.size() + 1);
            }
            case "position" -> {
                return Integer.toString(positionInQueue(pbx));
            }
            case "leaveCount" -> {
                PbxState.Queue q = pbx.queue(queue);
                return Integer.toString(q == null ? 0 : Math.max(0, q.entries.size() - 1));
            }
            case "var" -> {
                switch (k[1]) {
                    case "QUEUEWAIT" -> {
                        return Long.toString(sec(nowMs) - sec(joinedMs));
                    }
                    case "QUEUEWAIT_MS" -> {
                        return Long.toString((sec(nowMs) - sec(joinedMs)) * 1000);
                    }
                    case "ANSWEREDTIME" -> {
                        return Long.toString((nowMs - connectedMs) / 1000);
                    }
                    case "ANSWEREDTIME_MS" -> {
                        return Long.toString(nowMs - connectedMs);
                    }
                    case "DIALEDTIME" -> {
                        return Long.toString((nowMs - createdMs.getOrDefault(callerUids[1], nowMs)) / 1000);
                    }
                    case "DIALEDTIME_MS" -> {
                        return Long.toString(nowMs - createdMs.getOrDefault(callerUids[1], nowMs));
                    }
                    case "QUEUEPOSITION" -> {
                        return Integer.toString(positionInQueue(pbx));
                    }
                    default -> {
                        return literal;
                    }
                }
            }
            case "cdr" -> {
                String uid = uidOfRole(k[2], legs);
                long start = createdMs.getOrDefault(uid, nowMs);
                long answer = answeredMs.getOrDefault(uid, start);
                switch (k[1]) {
                    case "StartTime" -> {
                        return CDR_TIME.format(Instant.ofEpochMilli(start));
                    }
                    case "AnswerTime" -> {
                        return CDR_TIME.format(Instant.ofEpochMilli(answer));
                    }
                    case "EndTime" -> {
                        return CDR_TIME.format(Instant.ofEpochMilli(nowMs));
                    }
                    case "Duration" -> {
                        return Long.toString((nowMs - start) / 1000);
                    }
                    case "BillableSeconds" -> {
                        return Long.toString((nowMs - answer) / 1000);
                    }
                    default -> {
                        return literal;
                    }
                }
            }
            default -> {
                return literal;
            }
        }
    }

    private String uidOfRole(String roleHalf, Map<String, AgentLeg> legs) {
        if (roleHalf == null || roleHalf.equals("null")) {
            return null;
        }
        String role = roleHalf.substring(0, roleHalf.indexOf(';'));
        int half = uidIndex(roleHalf);
        if (role.equals("C")) {
            return callerUids[half];
        }
        if (role.equals("S")) {
            return supervisor == null ? null : supervisor.uids[half];
        }
        AgentLeg leg = legs.get(role);
        return leg == null ? null : leg.uids[half];
    }

    /**
     * The leg, or when this call did not ring it, the last one before it that did: the agent a connected-line
     * field names when the call rang fewer agents than the recording.
     */
    private static AgentLeg legOrEarlier(String key, Map<String, AgentLeg> legs) {
        AgentLeg leg = legs.get(key);
        for (int i = Integer.parseInt(key.substring(1)) - 1; leg == null && i >= 0; i--) {
            leg = legs.get("A" + i);
        }
        return leg;
    }

    /** Index in a uids array of a uniqueid key: ";1" and ";2" the Local halves, ";P" an agent leg's phone. */
    private static int uidIndex(String key) {
        return key.endsWith(";1") ? 0 : key.endsWith(";P") ? 2 : 1;
    }

    private int positionInQueue(PbxState pbx) {
        PbxState.Queue q = pbx.queue(queue);
        if (q == null) {
            return 1;
        }
        String chan = queuedChannel();
        for (int i = 0; i < q.entries.size(); i++) {
            if (q.entries.get(i).channel.equals(chan)) {
                return i + 1;
            }
        }
        return 1;
    }
}
