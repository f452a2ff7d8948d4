// A captured call trace compiled into event templates whose values have slots (ids, caller, agent, queue, times); immutable after load, rendered on the ami-sim-clock thread.
package io.firstline.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class CallTemplate {

    /** What a slot in a value stands for; the key says which channel, leg or computed value. */
    enum Slot {
        CHAN, UID, BRIDGE, COMMAND_ID, CALLER_NUM, CALLER_NAME, CALLER_ID, DIGIT, MENU_PATH, QUEUE, TICKET, TICKET_DIGIT,
        AGENT_IFACE, AGENT_DIAL, AGENT_DEVICE, AGENT_PHONE, PHONE_CHAN, AGENT_EXT, AGENT_NAME, AGENT_CONTEXT, TRANSFER_CONTEXT, TRANSFER_EXTEN,
        SUP_NUM, SUP_NAME, SUP_DEVICE, SPY_DATA, SIM_HANGUP, ACTION_ID, COMPUTED
    }

    /** A literal piece of a value, or a slot (then {@code literal} is what the trace had there). */
    record Part(String literal, Slot slot, String key) {
        static Part text(String s) {
            return new Part(s, null, null);
        }
    }

    record Field(String name, List<Part> parts) {
    }

    /** One template event; a member-status event stands for the QueueMemberStatus group of one agent. */
    record Event(int index, String name, List<Field> fields, double seconds, Set<String> roles, String memberStatusLeg,
            int memberStatus, boolean memberAvailability) {
        boolean isMemberStatus() {
            return memberStatusLeg != null;
        }
    }

    /**
     * An agent leg of the trace (Local/ext@ctx-XXXXXXXX;1/;2) with the member it rang; in a PJSIP-shaped trace the
     * leg's ;2 half dials the agent's phone (PJSIP/ext-XXXXXXXX), whose uniqueid key is "leg;P".
     */
    record Leg(String key, String ext, String context, String iface, String memberName) {
    }

    private static final Pattern CHANNEL_BASE = Pattern.compile("Local/([^@;/\\s,]+)@([A-Za-z0-9_-]+?)-([0-9a-f]{8})(?=;)");
    /** A PJSIP channel: endpoint, then Asterisk's 8-hex-digit channel counter. */
    private static final Pattern PJSIP_CHANNEL = Pattern.compile("PJSIP/([^\\s,;/]+)-([0-9a-f]{8})(?![0-9A-Za-z])");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final String name;
    private final List<Event> events;
    private final Map<String, Leg> legs;
    private final String queue;

    private CallTemplate(String name, List<Event> events, Map<String, Leg> legs, String queue) {
        this.name = name;
        this.events = events;
        this.legs = legs;
        this.queue = queue;
    }

    String name() {
        return name;
    }

    List<Event> events() {
        return events;
    }

    Map<String, Leg> legs() {
        return legs;
    }

    String queue() {
        return queue;
    }

    /** Index of the first event (from {@code from}) matching the predicate, or -1. */
    int find(int from, java.util.function.Predicate<Event> p) {
        for (int i = Math.max(0, from); i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    static String literalOf(Event e, String field) {
        for (Field f : e.fields()) {
            if (f.name().equals(field)) {
                StringBuilder sb = new StringBuilder();
                for (Part p : f.parts()) {
                    sb.append(p.literal());
                }
                return sb.toString();
            }
        }
        return null;
    }

    /** The event as it was captured (all slots back to their recorded values); member-status groups excluded. */
    static AmiMessage recorded(Event e) {
        AmiMessage.Builder b = AmiMessage.builder();
        for (Field f : e.fields()) {
            StringBuilder sb = new StringBuilder();
            for (Part p : f.parts()) {
                sb.append(p.literal());
            }
            b.add(f.name(), sb.toString());
        }
        return b.build();
    }

    // ------------------------------------------------------------------------------------------ compiler

    static CallTemplate compile(AmiTrace trace) {
        return new Compiler(trace).compile();
    }

    private static final class Compiler {
        private final AmiTrace trace;
        private final List<AmiMessage> msgs = new ArrayList<>();
        private final List<Double> times = new ArrayList<>();
        private final Map<String, String> uidRole = new LinkedHashMap<>();
        private final Map<String, String> baseRole = new LinkedHashMap<>();
        private final Map<String, Leg> legs = new LinkedHashMap<>();
        private final Map<String, String> extToLeg = new LinkedHashMap<>();
        private final Map<String, String> phoneLeg = new LinkedHashMap<>();
        /** Each bridge (or other uuid) of the trace gets its own key, so that a call's two bridges stay two. */
        private final Map<String, String> bridgeKeys = new LinkedHashMap<>();
        private String callerBase;
        private String callerNum;
        private final Set<String> callerNames = new LinkedHashSet<>();
        private String digit;
        private String menuPath;
        private String queue;
        private String callerId;
        private String ticket;
        private String simHangup;
        private String supNum;
        private String supName;
        private String supDevice;
        private String spyData;
        private String transferContext;
        private String transferExten;
        private int dtmfCount;
        private Pattern scan;
        private final List<Slot> scanSlots = new ArrayList<>();
        private final List<String> scanKeys = new ArrayList<>();

        Compiler(AmiTrace trace) {
            this.trace = trace;
        }

        CallTemplate compile() {
            for (AmiTrace.Entry e : trace.entries()) {
                AmiMessage m = e.message();
                String ev = m.eventName();
                if (ev == null || ev.equals("FullyBooted") || ev.equals("SuccessfulAuth")
                        || "none".equals(m.get("Channel"))) {
                    continue;
                }
                if (ev.equals("OriginateResponse") && !"ChanSpy".equals(m.get("Application"))) {
                    continue; // answers the capture client's own Originate of the caller
                }
                msgs.add(m);
                times.add(e.seconds());
            }
            discover();
            buildScanner();
            List<Event> events = new ArrayList<>();
            int i = 0;
            while (i < msgs.size()) {
                if (isMemberGroupPart(msgs.get(i))) {
                    int j = i;
                    Map<String, boolean[]> byIface = new LinkedHashMap<>();
                    Map<String, Integer> statusByIface = new LinkedHashMap<>();
                    boolean avail = false;
                    while (j < msgs.size() && isMemberGroupPart(msgs.get(j))) {
                        AmiMessage m = msgs.get(j);
                        if (m.eventName().equals("QueueMemberStatus")) {
                            byIface.putIfAbsent(m.get("Interface"), new boolean[1]);
                            statusByIface.put(m.get("Interface"), Integer.parseInt(m.get("Status")));
                        } else {
                            avail = true;
                        }
                        j++;
                    }
                    for (String iface : byIface.keySet()) {
                        String leg = legForIface(iface);
                        if (leg != null) {
                            events.add(new Event(events.size(), "QueueMemberStatus", List.of(), times.get(i),
                                    Set.of(leg), leg, statusByIface.get(iface), avail));
                        }
                    }
                    i = j;
                    continue;
                }
                events.add(compileEvent(events.size(), msgs.get(i), times.get(i)));
                i++;
            }
            return new CallTemplate(trace.name(), List.copyOf(events), legs, queue);
        }

        private static boolean isMemberGroupPart(AmiMessage m) {
            String ev = m.eventName();
            return ev.equals("QueueMemberStatus")
                    || (ev.equals("DeviceStateChange") && m.getOrEmpty("Device").matches("Queue:.*_avail"));
        }

        private String legForIface(String iface) {
            for (Leg l : legs.values()) {
                if (l.iface().equals(iface)) {
                    return l.key();
                }
            }
            return null;
        }

        private static String baseOf(String channel) {
            if (channel == null) {
                return null;
            }
            Matcher m = CHANNEL_BASE.matcher(channel);
            if (m.find()) {
                return m.group();
            }
            Matcher p = PJSIP_CHANNEL.matcher(channel);
            return p.find() ? p.group() : null;
        }

        private void discover() {
            Map<String, String[]> calledIfaces = new LinkedHashMap<>();
            for (AmiMessage m : msgs) {
                if ("AgentCalled".equals(m.eventName())) {
                    String iface = m.get("Interface");
                    Matcher im = Pattern.compile("Local/([^@]+)@([^/]+)/n").matcher(iface);
                    if (im.matches()) {
                        calledIfaces.putIfAbsent(im.group(1) + "@" + im.group(2), new String[] {iface, m.get("MemberName")});
                    }
                }
            }
            int legCount = 0;
            for (AmiMessage m : msgs) {
                String ev = m.eventName();
                if (ev.equals("Newchannel") && PJSIP_CHANNEL.matcher(m.get("Channel")).matches()) {
                    discoverPjsipChannel(m);
                } else if (ev.equals("Newchannel")) {
                    String chan = m.get("Channel");
                    String base = baseOf(chan);
                    String half = chan.endsWith(";1") ? "1" : "2";
                    if (callerBase == null) {
                        callerBase = base;
                    }
                    String role = baseRole.get(base);
                    if (role == null) {
                        Matcher bm = CHANNEL_BASE.matcher(chan);
                        bm.find();
                        String[] called = calledIfaces.get(bm.group(1) + "@" + bm.group(2));
                        if (base.equals(callerBase)) {
                            role = "C";
                        } else if (called != null) {
                            role = "A" + legCount++;
                            legs.put(role, new Leg(role, bm.group(1), bm.group(2), called[0], called[1]));
                            extToLeg.putIfAbsent(bm.group(1), role);
                        } else {
                            role = "S";
                            supDevice = "Local/" + bm.group(1) + "@" + bm.group(2);
                        }
                        baseRole.put(base, role);
                    }
                    uidRole.put(m.get("Uniqueid"), role + ";" + half);
                } else if (ev.equals("NewCallerid") && callerNum == null && callerBase != null
                        && callerBase.equals(baseOf(m.get("Channel")))) {
                    callerNum = m.get("CallerIDNum");
                    callerNames.add(m.get("CallerIDName"));
                } else if (ev.equals("VarSet")) {
                    String var = m.get("Variable");
                    String val = m.get("Value");
                    switch (var) {
                        case "IVR_CHOICE" -> digit = val;
                        case "FIRSTLINE_MENU_PATH" -> menuPath = val;
                        case "FIRSTLINE_CALLER_ID" -> callerId = val;
                        case "FIRSTLINE_CALLER_NAME" -> callerNames.add(val);
                        case "FIRSTLINE_TICKET" -> ticket = val;
                        case "SIM_HANGUP_AFTER" -> {
                            if (simHangup == null) {
                                simHangup = val;
                            }
                        }
                        default -> {
                        }
                    }
                } else if (ev.equals("QueueCallerJoin") && queue == null) {
                    queue = m.get("Queue");
                } else if (ev.equals("OriginateResponse")) {
                    supNum = m.get("CallerIDNum");
                    supName = m.get("CallerIDName");
                    spyData = m.get("Data");
                } else if (ev.equals("BlindTransfer")) {
                    transferContext = m.get("Context");
                    transferExten = m.get("Extension");
                }
            }
            callerNames.removeIf(n -> n == null || n.isEmpty());
        }

        /**
         * A PJSIP channel is the caller's when it comes first (a trunk call: its number and name are in its
         * Newchannel), else the phone of the agent leg whose extension is its endpoint.
         */
        private void discoverPjsipChannel(AmiMessage m) {
            String chan = m.get("Channel");
            Matcher pm = PJSIP_CHANNEL.matcher(chan);
            pm.matches();
            if (callerBase == null) {
                callerBase = chan;
                baseRole.put(chan, "C");
                uidRole.put(m.get("Uniqueid"), "C;1");
                callerNum = m.get("CallerIDNum");
                callerNames.add(m.get("CallerIDName"));
                return;
            }
            String leg = extToLeg.get(pm.group(1));
            if (leg == null) {
                throw new IllegalStateException("trace " + trace.name() + ": PJSIP channel " + chan
                        + " is neither the caller's nor an agent leg's phone");
            }
            phoneLeg.put(chan, leg);
            uidRole.put(m.get("Uniqueid"), leg + ";P");
        }

        private void alt(String regex, Slot slot, String key) {
            scanSlots.add(slot);
            scanKeys.add(key);
            regexes.add(regex);
        }

        private final List<String> regexes = new ArrayList<>();

        private void buildScanner() {
            // channel bases first: they are the longest literals and contain agent strings
            for (Map.Entry<String, String> e : baseRole.entrySet()) {
                alt(Pattern.quote(e.getKey()), Slot.CHAN, e.getValue());
            }
            for (Map.Entry<String, String> e : phoneLeg.entrySet()) {
                alt(Pattern.quote(e.getKey()), Slot.PHONE_CHAN, e.getValue());
            }
            alt(UUID.pattern(), Slot.BRIDGE, "B");
            for (Leg l : legs.values()) {
                if (extToLeg.get(l.ext()) != l.key()) {
                    continue;
                }
                alt(Pattern.quote(l.iface()), Slot.AGENT_IFACE, l.key());
                alt(Pattern.quote(l.iface().substring("Local/".length())), Slot.AGENT_DIAL, l.key());
                alt(Pattern.quote("Local/" + l.ext() + "@" + l.context()) + "(?![\\w-])", Slot.AGENT_DEVICE, l.key());
                if (phoneLeg.containsValue(l.key())) {
                    alt(Pattern.quote("PJSIP/" + l.ext()) + "(?![\\w-])", Slot.AGENT_PHONE, l.key());
                }
                alt(Pattern.quote(l.memberName()), Slot.AGENT_NAME, l.key());
                alt("(?<=Agent phone )" + Pattern.quote(l.ext()) + "(?= )", Slot.AGENT_EXT, l.key());
            }
            if (supDevice != null) {
                alt(Pattern.quote(supDevice) + "(?![\\w-])", Slot.SUP_DEVICE, "S");
                alt("(?<=\")" + Pattern.quote(supName) + "(?=\" <)", Slot.SUP_NAME, "S");
                alt("(?<=\" <)" + Pattern.quote(supNum) + "(?=>)", Slot.SUP_NUM, "S");
            }
            if (callerNum != null) {
                alt(Pattern.quote(callerNum), Slot.CALLER_NUM, "C");
            }
            for (String n : callerNames) {
                alt(Pattern.quote(n), Slot.CALLER_NAME, "C");
            }
            if (menuPath != null && !menuPath.equals("main")) {
                alt("(?<=FIRSTLINE_MENU_PATH=)" + Pattern.quote(menuPath) + "$", Slot.MENU_PATH, "C");
            }
            if (digit != null) {
                for (String before : List.of("choice-", "Choice: ", "SendDTMF\\(", "digits=")) {
                    alt("(?<=" + before + ")" + Pattern.quote(digit) + "(?![0-9])", Slot.DIGIT, "C");
                }
            }
            if (callerId != null && !callerId.isEmpty()) {
                alt("(?<=FIRSTLINE_CALLER_ID \")" + Pattern.quote(callerId) + "(?=\")", Slot.CALLER_ID, "C");
                alt("(?<=FirstlineCallerId: )" + Pattern.quote(callerId) + "(?![0-9])", Slot.CALLER_ID, "C");
            }
            if (ticket != null && !ticket.isEmpty()) {
                alt("(?<![0-9+])" + Pattern.quote(ticket) + "(?![0-9])", Slot.TICKET, "C");
            }
            if (queue != null) {
                alt("(?<=queue-)" + Pattern.quote(queue) + "(?![\\w-])", Slot.QUEUE, "C");
                alt("(?<=Queue:)" + Pattern.quote(queue) + "(?=$|_)", Slot.QUEUE, "C");
                alt("^" + Pattern.quote(queue) + "(?=,)", Slot.QUEUE, "C");
            }
            StringBuilder sb = new StringBuilder();
            for (String r : regexes) {
                sb.append(sb.length() == 0 ? "" : "|").append('(').append(r).append(')');
            }
            scan = Pattern.compile(sb.toString());
        }

        private Event compileEvent(int index, AmiMessage m, double seconds) {
            String ev = m.eventName();
            Set<String> roles = new LinkedHashSet<>();
            List<Field> fields = new ArrayList<>();
            if (ev.equals("DTMFBegin")) {
                dtmfCount++;
            }
            for (AmiMessage.Header h : m.headers()) {
                List<Part> parts = compileValue(m, ev, h.name(), h.value());
                boolean partyId = isPartyId(h.name());
                for (Part p : parts) {
                    // who a channel is connected to names the last agent rung; the event still happens when the
                    // call rang fewer agents than the recording (the value then falls back to one that did ring)
                    boolean connectedAgent = partyId && (p.slot() == Slot.AGENT_EXT || p.slot() == Slot.AGENT_NAME);
                    if (p.key() != null && keyNamesParty(p.slot()) && !connectedAgent) {
                        String k = p.key();
                        int semi = k.indexOf(';');
                        roles.add(semi < 0 ? k : k.substring(0, semi));
                    }
                }
                fields.add(new Field(h.name(), parts));
            }
            return new Event(index, ev, List.copyOf(fields), seconds, Set.copyOf(roles), null, 0, false);
        }

        /**
         * Whether a slot's key names the party (caller, supervisor, agent leg) whose value it is, making the event one
         * that call plays only with that party. The others hold ids of their own (bridges, commands, the ActionID the
         * client chose), computed values, or a digit of the ticket number keyed by its place: no party's.
         */
        private static boolean keyNamesParty(Slot slot) {
            return switch (slot) {
                case COMPUTED, COMMAND_ID, BRIDGE, ACTION_ID, TICKET_DIGIT -> false;
                default -> true;
            };
        }

        private static boolean isPartyId(String field) {
            return field.endsWith("CallerIDNum") || field.endsWith("CallerIDName") || field.endsWith("ConnectedLineNum")
                    || field.endsWith("ConnectedLineName");
        }

        private static List<Part> one(String literal, Slot slot, String key) {
            return List.of(new Part(literal, slot, key));
        }

        private String roleOfChannelField(AmiMessage m, String field) {
            String base = baseOf(m.get(field));
            return base == null ? null : baseRole.getOrDefault(base, phoneLeg.get(base));
        }

        private List<Part> compileValue(AmiMessage m, String ev, String field, String value) {
            // 1. values computed from the simulated times and state
            String computed = computedKey(m, ev, field, value);
            if (computed != null) {
                return one(value, Slot.COMPUTED, computed);
            }
            if (field.equals("ActionID") && ev.equals("OriginateResponse")) {
                return one(value, Slot.ACTION_ID, "S");
            }
            // 2. whole values that are ids or short tokens
            String uidRoleKey = uidRole.get(value);
            if (uidRoleKey != null && (field.endsWith("id") || field.endsWith("ID"))) {
                return one(value, Slot.UID, uidRoleKey);
            }
            if (field.equals("CommandId")) {
                return one(value, Slot.COMMAND_ID, value);
            }
            if (ev.equals("VarSet") && field.equals("Value")) {
                String var = m.get("Variable");
                if ((var.equals("IVR_CHOICE") || var.equals("SIM_DIGITS")) && value.equals(digit)) {
                    return one(value, Slot.DIGIT, "C");
                }
                if (var.equals("FIRSTLINE_CALLER_ID") && !value.isEmpty()) {
                    return one(value, Slot.CALLER_ID, "C");
                }
                if (var.equals("FIRSTLINE_MENU_PATH") && value.equals(menuPath) && !value.equals("main")) {
                    return one(value, Slot.MENU_PATH, "C");
                }
                if (var.equals("SIM_HANGUP_AFTER")) {
                    return one(value, Slot.SIM_HANGUP, "C");
                }
                if (var.equals("DIALEDPEERNUMBER") && extToLeg.containsKey(value)) {
                    return one(value, Slot.AGENT_EXT, extToLeg.get(value));
                }
            }
            if (ev.equals("Newexten") && field.equals("AppData") && "Wait".equals(m.get("Application"))
                    && value.equals(simHangup) && "C;1".equals(uidRole.get(m.get("Uniqueid")))) {
                return one(value, Slot.SIM_HANGUP, "C");
            }
            if ((ev.equals("DTMFBegin") || ev.equals("DTMFEnd")) && field.equals("Digit")) {
                if (dtmfCount == 1) {
                    return one(value, Slot.DIGIT, "C");
                }
                if (!value.equals("#")) {
                    return one(value, Slot.TICKET_DIGIT, Integer.toString(dtmfCount - 2));
                }
                return List.of(Part.text(value));
            }
            if (field.equals("Queue") && value.equals(queue)) {
                return one(value, Slot.QUEUE, "C");
            }
            if (spyData != null && value.equals(spyData) && (field.equals("Data") || field.equals("AppData")
                    || field.equals("LastData"))) {
                return one(value, Slot.SPY_DATA, "S");
            }
            if (transferContext != null && value.equals(transferContext) && field.endsWith("Context")) {
                return one(value, Slot.TRANSFER_CONTEXT, "C");
            }
            if (transferExten != null && value.equals(transferExten)
                    && (field.endsWith("Exten") || field.equals("Extension") || field.equals("Destination"))) {
                return one(value, Slot.TRANSFER_EXTEN, "C");
            }
            if (field.endsWith("Exten") || field.equals("Extension") || field.equals("Destination")
                    || !phoneLeg.isEmpty() && (field.endsWith("CallerIDNum") || field.endsWith("ConnectedLineNum")
                    || field.equals("DialString"))) {
                String leg = extToLeg.get(value);
                if (leg != null) {
                    return one(value, Slot.AGENT_EXT, leg);
                }
                if (supNum != null && value.equals(supNum)) {
                    return one(value, Slot.SUP_NUM, "S");
                }
            }
            if (field.endsWith("Context") && !legs.isEmpty()) {
                String prefix = field.substring(0, field.length() - "Context".length());
                String chanField = prefix.equals("Destination") ? "Channel" : prefix + "Channel";
                String role = roleOfChannelField(m, chanField);
                if (role != null && legs.containsKey(role) && value.equals(legs.get(role).context())) {
                    return one(value, Slot.AGENT_CONTEXT, role);
                }
            }
            if (supNum != null && value.equals(supNum) && (field.endsWith("CallerIDNum")
                    || field.endsWith("ConnectedLineNum") || field.equals("Source"))) {
                return one(value, Slot.SUP_NUM, "S");
            }
            if (supName != null && value.equals(supName) && (field.endsWith("CallerIDName")
                    || field.endsWith("ConnectedLineName"))) {
                return one(value, Slot.SUP_NAME, "S");
            }
            // 3. slots inside longer values
            List<Part> parts = new ArrayList<>();
            Matcher sm = scan.matcher(value);
            int last = 0;
            while (sm.find()) {
                if (sm.start() == sm.end()) {
                    continue;
                }
                int g = 1;
                while (sm.group(g) == null) {
                    g++;
                }
                Slot slot = scanSlots.get(g - 1);
                String key = scanKeys.get(g - 1);
                if (sm.start() > last) {
                    parts.add(Part.text(value.substring(last, sm.start())));
                }
                if (slot == Slot.BRIDGE) {
                    key = bridgeKeys.computeIfAbsent(sm.group(), u -> "B" + bridgeKeys.size());
                }
                parts.add(new Part(sm.group(), slot, key));
                last = sm.end();
            }
            if (last < value.length() || parts.isEmpty()) {
                parts.add(Part.text(value.substring(last)));
            }
            return parts;
        }

        /** Keys of the values that depend on simulated times or queue state, or null. */
        private String computedKey(AmiMessage m, String ev, String field, String value) {
            switch (ev) {
                case "VarSet" -> {
                    if (field.equals("Value") && !value.isEmpty() && !value.equals("0")) {
                        String var = m.get("Variable");
                        if (List.of("QUEUEWAIT", "QUEUEWAIT_MS", "ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME",
                                "DIALEDTIME_MS", "QUEUEPOSITION").contains(var)) {
                            return "var:" + var;
                        }
                    }
                }
                case "AgentConnect" -> {
                    if (field.equals("HoldTime")) {
                        return "holdTime";
                    }
                    if (field.equals("RingTime")) {
                        return "ringSeconds:" + roleOfChannelField(m, "DestChannel");
                    }
                }
                case "AgentComplete" -> {
                    if (field.equals("HoldTime")) {
                        return "holdTime";
                    }
                    if (field.equals("TalkTime")) {
                        return "talkTime";
                    }
                }
                case "AgentRingNoAnswer" -> {
                    if (field.equals("RingTime")) {
                        return "ringMillis:" + roleOfChannelField(m, "DestChannel");
                    }
                }
                case "QueueCallerAbandon" -> {
                    if (field.equals("HoldTime")) {
                        return "holdTimeNow";
                    }
                    if (field.equals("Position") || field.equals("OriginalPosition")) {
                        return "position";
                    }
                }
                case "QueueCallerJoin" -> {
                    if (field.equals("Position") || field.equals("Count")) {
                        return "joinCount";
                    }
                }
                case "QueueCallerLeave" -> {
                    if (field.equals("Position")) {
                        return "position";
                    }
                    if (field.equals("Count")) {
                        return "leaveCount";
                    }
                }
                case "Cdr" -> {
                    if (List.of("StartTime", "AnswerTime", "EndTime", "Duration", "BillableSeconds").contains(field)
                            && !value.isEmpty()) {
                        return "cdr:" + field + ":" + uidRole.get(m.get("UniqueID"));
                    }
                }
                default -> {
                }
            }
            return null;
        }
    }
}
