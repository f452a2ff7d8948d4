package io.firstline.telephony;

import io.firstline.bus.Bus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
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

    /** A forwarded command's answer: the link's own timeout, with time for the hops. */
    private static final long FORWARD_TIMEOUT_MS = 15_000;

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
    /** Cluster mode: a command for a PBX another node follows is sent to that node over the event bus. */
    private final boolean forwarding;

    public PbxCommands(Vertx vertx, List<AmiLink> links) {
        this.vertx = vertx;
        java.util.LinkedHashMap<String, AmiLink> byName = new java.util.LinkedHashMap<>();
        links.forEach(l -> byName.put(l.name(), l));
        this.names = List.copyOf(byName.keySet());
        Map<String, AmiLink> fixed = Map.copyOf(byName);
        this.links = fixed::get;
        this.forwarding = false;
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
        this.forwarding = true;
    }

    /** Pauses a member in one queue, or in all of its queues when {@code queue} is empty. */
    public Future<AmiLink.ActionResult> pause(String pbx, String memberInterface, Optional<String> queue, String reason) {
        return send(pbx, command("QueuePause").put("interface", memberInterface).put("paused", true)
                .put("queue", queue.orElse(null)).put("reason", reason));
    }

    /** Ends a member's pause in one queue, or in all of its queues when {@code queue} is empty. */
    public Future<AmiLink.ActionResult> resume(String pbx, String memberInterface, Optional<String> queue) {
        return send(pbx, command("QueuePause").put("interface", memberInterface).put("paused", false)
                .put("queue", queue.orElse(null)));
    }

    /**
     * Adds a member to a queue, unpaused, with its name as the wallboard shows it and the state interface
     * of its phone, so that "ringinuse = no" sees the phone busy on any call (without one, Asterisk
     * watches the member interface itself, which for a Local member is never busy).
     */
    public Future<AmiLink.ActionResult> join(String pbx, String queue, String memberInterface, String memberName,
            Optional<String> stateInterface) {
        return send(pbx, command("QueueAdd").put("queue", queue).put("interface", memberInterface)
                .put("memberName", memberName).put("stateInterface", stateInterface.orElse(null)));
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
        return send(pbx, command("QueueRemove").put("queue", queue).put("interface", memberInterface));
    }

    /**
     * Calls {@code channel} (e.g. an agent's own interface) and, once it answers, connects it to
     * {@code exten} in {@code context} (e.g. a caller's number in the outbound context).
     */
    public Future<AmiLink.ActionResult> originate(String pbx, String channel, String context, String exten,
            String callerId, Map<String, String> variables) {
        JsonObject vars = new JsonObject();
        variables.forEach(vars::put);
        return send(pbx, command("Originate").put("channel", channel).put("context", context).put("exten", exten)
                .put("callerId", callerId).put("variables", vars));
    }

    /**
     * Rings the supervisor's own interface and, once answered, runs ChanSpy on the agent's phone channel
     * (the channel of {@code agentPhone}, their state interface, e.g. {@code PJSIP/1001}).
     */
    public Future<AmiLink.ActionResult> spy(String pbx, String supervisorInterface, String agentPhone,
            SpyMode mode, String callerId) {
        String spec = spySpec(agentPhone).orElseThrow(() -> new IllegalArgumentException(
                "not a phone device ChanSpy can pick: " + agentPhone));
        return send(pbx, command("Spy").put("channel", supervisorInterface).put("data", spec + "," + mode.options())
                .put("callerId", callerId));
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
        return send(pbx, command("BlindTransfer").put("channel", channel).put("context", context).put("exten", exten));
    }

    private static JsonObject command(String action) {
        return new JsonObject().put("action", action);
    }

    /**
     * The AMI action of a command (as {@link #send} takes it, possibly from another node); every value is made one line
     * here, the last guard, whichever node the command came from.
     */
    static ManagerAction action(JsonObject c) {
        switch (c.getString("action", "")) {
            case "QueuePause" -> {
                QueuePauseAction a = new QueuePauseAction(line(c.getString("interface")), c.getBoolean("paused"));
                Optional.ofNullable(c.getString("queue")).ifPresent(q -> a.setQueue(line(q)));
                Optional.ofNullable(c.getString("reason")).ifPresent(r -> a.setReason(line(r)));
                return a;
            }
            case "QueueAdd" -> {
                QueueAddAction a = new QueueAddAction(line(c.getString("queue")), line(c.getString("interface")));
                a.setPenalty(0);
                a.setMemberName(line(c.getString("memberName")));
                Optional.ofNullable(c.getString("stateInterface")).ifPresent(si -> a.setStateInterface(line(si)));
                a.setPaused(false);
                return a;
            }
            case "QueueRemove" -> {
                return new QueueRemoveAction(line(c.getString("queue")), line(c.getString("interface")));
            }
            case "Originate" -> {
                OriginateAction a = new OriginateAction();
                a.setChannel(line(c.getString("channel")));
                a.setContext(line(c.getString("context")));
                a.setExten(line(c.getString("exten")));
                a.setPriority(1);
                a.setCallerId(line(c.getString("callerId")));
                a.setAsync(true);
                JsonObject vars = c.getJsonObject("variables", new JsonObject());
                if (!vars.isEmpty()) {
                    Map<String, String> safe = new java.util.LinkedHashMap<>();
                    vars.forEach(e -> safe.put(line(e.getKey()), line(String.valueOf(e.getValue()))));
                    a.setVariables(safe);
                }
                return a;
            }
            case "Spy" -> {
                OriginateAction a = new OriginateAction();
                a.setChannel(line(c.getString("channel")));
                a.setApplication("ChanSpy");
                a.setData(line(c.getString("data")));
                a.setCallerId(line(c.getString("callerId")));
                a.setAsync(true);
                return a;
            }
            case "BlindTransfer" -> {
                BlindTransferAction a = new BlindTransferAction();
                a.setChannel(line(c.getString("channel")));
                a.setContext(line(c.getString("context")));
                a.setExten(line(c.getString("exten")));
                return a;
            }
            default -> throw new IllegalArgumentException("no such PBX command: " + c.getString("action"));
        }
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

    private Future<AmiLink.ActionResult> send(String pbx, JsonObject command) {
        Context caller = vertx.getOrCreateContext();
        String name = pbx == null && names.size() == 1 ? names.get(0) : pbx;
        if (name == null || !names.contains(name)) {
            return Future.failedFuture(new PbxUnavailableException(names.isEmpty() ? "no PBX is configured"
                    : pbx == null ? "several PBXs are configured: say which" : "no PBX is named '" + pbx + "'"));
        }
        AmiLink link = links.apply(name);
        if (link == null && forwarding) {
            // Cluster mode: the node that follows the PBX sends it; only that node ever does.
            return Bus.ask(vertx, Bus.pbxCommand(name), command, FORWARD_TIMEOUT_MS).transform(ar -> ar.succeeded()
                    ? Future.succeededFuture(result(ar.result()))
                    : Future.failedFuture(new PbxUnavailableException(forwardFailure(name, ar.cause()))));
        }
        if (link == null) {
            return Future.failedFuture(new PbxUnavailableException("PBX '" + name + "' is followed by another node of the"
                    + " cluster, not this one"));
        }
        Promise<AmiLink.ActionResult> promise = Promise.promise();
        link.send(action(command)).onComplete(ar -> caller.runOnContext(v -> promise.handle(ar)));
        return promise.future();
    }

    /**
     * Cluster mode, on the node that follows the PBX now: sends the commands of other nodes to it, while this node
     * follows it (the link is asked at each command: none is sent after this node's own deadline). Unregister it when
     * the node gives the link up.
     */
    public MessageConsumer<JsonObject> serve(String pbx) {
        return Bus.answerLater(vertx, Bus.pbxCommand(pbx), command -> {
            AmiLink link = links.apply(pbx);
            if (link == null) {
                return Future.failedFuture("this node no longer follows the PBX '" + pbx + "'");
            }
            return link.send(action(command)).map(r -> {
                JsonObject fields = new JsonObject();
                r.fields().forEach((k, v) -> fields.put(k, v == null ? null : String.valueOf(v)));
                return new JsonObject().put("success", r.success()).put("message", r.message()).put("fields", fields);
            });
        }, 503);
    }

    private static AmiLink.ActionResult result(JsonObject r) {
        return new AmiLink.ActionResult(r.getBoolean("success", false), r.getString("message"),
                r.getJsonObject("fields", new JsonObject()).getMap());
    }

    private static String forwardFailure(String pbx, Throwable cause) {
        if (cause instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            return r.getMessage();
        }
        if (cause instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
            return "the node that follows the PBX '" + pbx + "' did not answer in time";
        }
        return "no node of the cluster follows the PBX '" + pbx + "' now (a node takes it over within seconds)";
    }
}
