package io.firstline.telephony;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.QueueAddAction;
import org.asteriskjava.manager.action.QueuePauseAction;
import org.asteriskjava.manager.action.QueueRemoveAction;

/**
 * The actions Firstline sends to Asterisk on someone's behalf: queue membership, pauses, calls,
 * transfers and supervisor spying. Each completes with Asterisk's own answer (success or its error
 * message) on the caller's Vert.x context, or fails with {@link PbxUnavailableException} when the
 * link is down or does not answer in time. Thread-safe.
 */
public final class PbxCommands {

    /**
     * How a supervisor steps into an agent's call: a set of ChanSpy options, and who hears whom. ChanSpy
     * runs on the agent's phone channel (see {@link #spySpec}): whisper ('w') is mixed into what Asterisk
     * sends to that channel, so the agent hears it; barge ('B') also into the channel bridged to it, the
     * caller's side. Common to all: 'b' only a channel in a call (not a second call ringing), 'q' no beep
     * or channel name, 'E' end when the agent's call ends, 'S' end at once when they are on no call.
     */
    public enum SpyMode {
        LISTEN("listen", "bqES", false, false),
        WHISPER("whisper", "bqwES", true, false),
        BARGE("barge", "bqBES", true, true);

        private final String wire;
        private final String options;
        private final boolean agentHears;
        private final boolean callerHears;

        SpyMode(String wire, String options, boolean agentHears, boolean callerHears) {
            this.wire = wire;
            this.options = options;
            this.agentHears = agentHears;
            this.callerHears = callerHears;
        }

        public String wire() {
            return wire;
        }

        public String options() {
            return options;
        }

        /** Whether the agent hears the supervisor. */
        public boolean agentHears() {
            return agentHears;
        }

        /** Whether the caller hears the supervisor. */
        public boolean callerHears() {
            return callerHears;
        }

        public static Optional<SpyMode> of(String wire) {
            for (SpyMode m : values()) {
                if (m.wire.equals(wire)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    /** A member ringing through the dialplans' [agents] context, which dials PJSIP/${EXTEN}. */
    private static final Pattern AGENTS_LOCAL = Pattern.compile("Local/([0-9A-Za-z_.+*#-]+)@agents(/n)?");
    /** A device Asterisk names its channels after ("PJSIP/1001-0000000a"): Tech/resource, not a Local channel. */
    private static final Pattern DEVICE = Pattern.compile("(?!Local/)[A-Za-z][A-Za-z0-9]{0,15}/[A-Za-z0-9_.+*#-]{1,80}");

    private final Vertx vertx;
    private final List<String> names;
    private final java.util.function.Function<String, AmiLink> links;

    public PbxCommands(Vertx vertx, List<AmiLink> links) {
        this.vertx = vertx;
        java.util.LinkedHashMap<String, AmiLink> byName = new java.util.LinkedHashMap<>();
        links.forEach(l -> byName.put(l.name(), l));
        this.names = List.copyOf(byName.keySet());
        Map<String, AmiLink> fixed = Map.copyOf(byName);
        this.links = fixed::get;
    }

    /**
     * Cluster mode: the links of the configured PBXs this node follows now.
     *
     * @param links the link of a configured PBX while this node owns it, else null; any thread
     */
    public PbxCommands(Vertx vertx, List<String> names, java.util.function.Function<String, AmiLink> links) {
        this.vertx = vertx;
        this.names = List.copyOf(names);
        this.links = links;
    }

    /** Pauses a member in one queue, or in all of its queues when {@code queue} is empty. */
    public Future<AmiLink.ActionResult> pause(String pbx, String memberInterface, Optional<String> queue, String reason) {
        QueuePauseAction a = new QueuePauseAction(line(memberInterface), true);
        queue.ifPresent(q -> a.setQueue(line(q)));
        a.setReason(line(reason));
        return send(pbx, a);
    }

    /** Ends a member's pause in one queue, or in all of its queues when {@code queue} is empty. */
    public Future<AmiLink.ActionResult> resume(String pbx, String memberInterface, Optional<String> queue) {
        QueuePauseAction a = new QueuePauseAction(line(memberInterface), false);
        queue.ifPresent(q -> a.setQueue(line(q)));
        return send(pbx, a);
    }

    /**
     * Adds a member to a queue, unpaused, with its name as the wallboard shows it and the state interface
     * of its phone, so that "ringinuse = no" sees the phone busy on any call (without one, Asterisk
     * watches the member interface itself, which for a Local member is never busy).
     */
    public Future<AmiLink.ActionResult> join(String pbx, String queue, String memberInterface, String memberName,
            Optional<String> stateInterface) {
        QueueAddAction a = new QueueAddAction(line(queue), line(memberInterface));
        a.setPenalty(0);
        a.setMemberName(line(memberName));
        stateInterface.ifPresent(s -> a.setStateInterface(line(s)));
        a.setPaused(false);
        return send(pbx, a);
    }

    /**
     * The state interface of an agent's phone: the one configured, else derived where the dialplans make
     * it certain — {@code Local/1001@agents/n} rings {@code PJSIP/1001} ([agents] in
     * extensions_firstline.conf), and a device such as {@code PJSIP/1001} is its own. Any other Local
     * member (FreePBX's {@code Local/1001@from-queue/n}, a follow-me) has none until configured.
     */
    public static Optional<String> stateInterface(String memberInterface, String configured) {
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured);
        }
        if (memberInterface == null) {
            return Optional.empty();
        }
        Matcher m = AGENTS_LOCAL.matcher(memberInterface);
        if (m.matches()) {
            return Optional.of("PJSIP/" + m.group(1));
        }
        return DEVICE.matcher(memberInterface).matches() ? Optional.of(memberInterface) : Optional.empty();
    }

    /** Removes a member from a queue. */
    public Future<AmiLink.ActionResult> leave(String pbx, String queue, String memberInterface) {
        return send(pbx, new QueueRemoveAction(line(queue), line(memberInterface)));
    }

    /**
     * Calls {@code channel} (e.g. an agent's own interface) and, once it answers, connects it to
     * {@code exten} in {@code context} (e.g. a caller's number in the outbound context).
     */
    public Future<AmiLink.ActionResult> originate(String pbx, String channel, String context, String exten,
            String callerId, Map<String, String> variables) {
        OriginateAction a = new OriginateAction();
        a.setChannel(line(channel));
        a.setContext(line(context));
        a.setExten(line(exten));
        a.setPriority(1);
        a.setCallerId(line(callerId));
        a.setAsync(true);
        if (!variables.isEmpty()) {
            java.util.Map<String, String> safe = new java.util.LinkedHashMap<>();
            variables.forEach((k, v) -> safe.put(line(k), line(v)));
            a.setVariables(safe);
        }
        return send(pbx, a);
    }

    /**
     * Rings the supervisor's own interface and, once answered, runs ChanSpy on the agent's phone channel
     * (the channel of {@code agentPhone}, their state interface, e.g. {@code PJSIP/1001}).
     */
    public Future<AmiLink.ActionResult> spy(String pbx, String supervisorInterface, String agentPhone,
            SpyMode mode, String callerId) {
        String spec = spySpec(agentPhone).orElseThrow(() -> new IllegalArgumentException(
                "not a phone device ChanSpy can pick: " + agentPhone));
        OriginateAction a = new OriginateAction();
        a.setChannel(line(supervisorInterface));
        a.setApplication("ChanSpy");
        a.setData(line(spec + "," + mode.options()));
        a.setCallerId(line(callerId));
        a.setAsync(true);
        return send(pbx, a);
    }

    /**
     * ChanSpy's channel-name prefix for a phone device: {@code PJSIP/1001} → {@code PJSIP/1001-}. Asterisk
     * names a device's channels "device-" and a sequence number, so the dash keeps PJSIP/10010's channels
     * out; not the Local member (spying on its half next to the phone sends a whisper to the caller), not a
     * hint. Empty when {@code device} is no such device.
     */
    public static Optional<String> spySpec(String device) {
        return device != null && DEVICE.matcher(device).matches() ? Optional.of(device + "-") : Optional.empty();
    }

    /** Sends the channel (the caller's side of an agent's call) to {@code exten} in {@code context}. */
    public Future<AmiLink.ActionResult> blindTransfer(String pbx, String channel, String context, String exten) {
        BlindTransferAction a = new BlindTransferAction();
        a.setChannel(line(channel));
        a.setContext(line(context));
        a.setExten(line(exten));
        return send(pbx, a);
    }

    /**
     * A header value on one line: AMI separates headers by CR LF, so a line break in a name or a
     * reason would let it add headers of its own. Callers validate; this is the last guard.
     */
    static String line(String value) {
        return value == null ? null : value.replace('\r', ' ').replace('\n', ' ');
    }

    /** The names of the configured PBXs. */
    public List<String> pbxNames() {
        return names;
    }

    private Future<AmiLink.ActionResult> send(String pbx, ManagerAction action) {
        Context caller = vertx.getOrCreateContext();
        Promise<AmiLink.ActionResult> promise = Promise.promise();
        String name = pbx == null && names.size() == 1 ? names.get(0) : pbx;
        if (name == null || !names.contains(name)) {
            return Future.failedFuture(new PbxUnavailableException(names.isEmpty() ? "no PBX is configured"
                    : pbx == null ? "several PBXs are configured: say which" : "no PBX is named '" + pbx + "'"));
        }
        AmiLink link = links.apply(name);
        if (link == null) {
            return Future.failedFuture(new PbxUnavailableException("PBX '" + name + "' is followed by another node of the"
                    + " cluster, not this one"));
        }
        link.send(action).onComplete(ar -> caller.runOnContext(v -> promise.handle(ar)));
        return promise.future();
    }
}
