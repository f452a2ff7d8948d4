package io.firstline.telephony;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** How a supervisor steps into an agent's call; each is a set of ChanSpy options. */
    public enum SpyMode {
        /** Hear both sides; nobody hears the supervisor. */
        LISTEN("listen", "qE"),
        /** Hear both sides; only the agent hears the supervisor. */
        WHISPER("whisper", "qwE"),
        /** Hear both sides and talk to both. */
        BARGE("barge", "qBE");

        private final String wire;
        private final String options;

        SpyMode(String wire, String options) {
            this.wire = wire;
            this.options = options;
        }

        public String wire() {
            return wire;
        }

        public String options() {
            return options;
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

    private final Vertx vertx;
    private final Map<String, AmiLink> links;

    public PbxCommands(Vertx vertx, List<AmiLink> links) {
        this.vertx = vertx;
        java.util.LinkedHashMap<String, AmiLink> byName = new java.util.LinkedHashMap<>();
        links.forEach(l -> byName.put(l.name(), l));
        this.links = Map.copyOf(byName);
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

    /** Adds a member to a queue, unpaused, with its name as the wallboard shows it. */
    public Future<AmiLink.ActionResult> join(String pbx, String queue, String memberInterface, String memberName) {
        QueueAddAction a = new QueueAddAction(line(queue), line(memberInterface));
        a.setPenalty(0);
        a.setMemberName(line(memberName));
        a.setStateInterface(line(memberInterface));
        a.setPaused(false);
        return send(pbx, a);
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
     * Rings the supervisor's own interface and, once answered, runs ChanSpy on the agent's member
     * interface (given without the {@code /n} of a Local member, as ChanSpy matches channel names).
     */
    public Future<AmiLink.ActionResult> spy(String pbx, String supervisorInterface, String agentInterface,
            SpyMode mode, String callerId) {
        OriginateAction a = new OriginateAction();
        a.setChannel(line(supervisorInterface));
        a.setApplication("ChanSpy");
        a.setData(line(spyTarget(agentInterface) + "," + mode.options()));
        a.setCallerId(line(callerId));
        a.setAsync(true);
        return send(pbx, a);
    }

    /** The ChanSpy target of a member interface: {@code Local/1002@agents/n} → {@code Local/1002@agents}. */
    public static String spyTarget(String memberInterface) {
        return memberInterface.endsWith("/n") ? memberInterface.substring(0, memberInterface.length() - 2) : memberInterface;
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
        return List.copyOf(links.keySet());
    }

    private Future<AmiLink.ActionResult> send(String pbx, ManagerAction action) {
        Context caller = vertx.getOrCreateContext();
        Promise<AmiLink.ActionResult> promise = Promise.promise();
        AmiLink link = pbx == null && links.size() == 1 ? links.values().iterator().next() : links.get(pbx);
        if (link == null) {
            return Future.failedFuture(new PbxUnavailableException(links.isEmpty() ? "no PBX is configured"
                    : pbx == null ? "several PBXs are configured: say which" : "no PBX is named '" + pbx + "'"));
        }
        link.send(action).onComplete(ar -> caller.runOnContext(v -> promise.handle(ar)));
        return promise.future();
    }
}
