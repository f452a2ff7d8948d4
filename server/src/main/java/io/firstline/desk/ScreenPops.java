package io.firstline.desk;

import io.firstline.calls.CallChange;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberView;
import io.firstline.phone.PhoneNumbers;
import io.firstline.store.Agent;
import io.firstline.store.CallSummary;
import io.firstline.store.Caller;
import io.firstline.store.CallerStore;
import io.firstline.store.KbArticle;
import io.firstline.store.KbStore;
import io.firstline.store.Ticket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Screen pops: tells each agent about the calls that concern their phone — {@code call.ringing}
 * (with the caller, loaded while the phone rings), {@code call.connected} (the pop, sent the moment
 * Asterisk says the call is answered), {@code call.withdrawn}, {@code call.ended} — and their own
 * {@code agent.state}. Messages go on the event bus to {@link #address(long)}, where the agent's
 * WebSocket listens. Runs on the call flow's context; keeps each agent's current call so that a
 * reconnecting client gets it again.
 */
public final class ScreenPops {

    private static final Logger log = LoggerFactory.getLogger(ScreenPops.class);
    private static final int HISTORY = 10;
    private static final int SUGGESTIONS = 5;

    private final Vertx vertx;
    private final Clock clock;
    private final AgentDirectory directory;
    private final CallerStore callers;
    private final KbStore kb;
    private final PhoneNumbers phones;
    private final BiFunction<String, String, Future<Optional<Long>>> callIds;
    /** Caller data per call (pbx + linkedid), loaded once when the first phone rings. */
    private final Map<String, Future<JsonObject>> prepared = new HashMap<>();
    /** The last call message of each agent, re-sent when their desktop reconnects. */
    private final Map<Long, JsonObject> current = new HashMap<>();
    /** Each agent's last queued message, so that the next one follows it. */
    private final Map<Long, Future<?>> tails = new HashMap<>();
    /** The last state message of each agent. */
    private final Map<Long, JsonObject> states = new HashMap<>();
    /**
     * Every member's latest state as the tracker gave it (pbx + interface): what an agent is told,
     * whenever the lookup of which agent a member is completes, so that a lookup finishing late
     * never sends an older state (e.g. three of the four queues a snapshot lists one by one).
     */
    private final Map<String, MemberView> members = new HashMap<>();

    /**
     * @param callIds the database id of a call by (pbx, linkedid), once it has been recorded
     * @param clock the clock the call events are stamped with, for the caller's wait so far
     */
    public ScreenPops(Vertx vertx, io.firstline.store.AgentStore agents, CallerStore callers, KbStore kb,
            PhoneNumbers phones, BiFunction<String, String, Future<Optional<Long>>> callIds, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
        this.directory = new AgentDirectory(agents);
        this.callers = callers;
        this.kb = kb;
        this.phones = phones;
        this.callIds = callIds;
    }

    /** Where the API says that agents were created or changed, so that their interfaces are read again. */
    public static final String AGENTS_CHANGED = "desk.agents.changed";

    /** Reads the agents' interfaces again (after an agent was created or changed). */
    public void agentsChanged() {
        log.debug("agents changed: reading their interfaces again");
        // An agent given an interface now is told its member's state at once, not at its next change.
        directory.reload().onSuccess(v -> List.copyOf(members.values()).forEach(this::memberChanged));
    }

    /** The event-bus address of one agent's desktop messages. */
    public static String address(long agentId) {
        return "desk.agent." + agentId;
    }

    /** What a desktop that (re)connects should be told first: its state and current call. */
    public List<JsonObject> snapshotFor(long agentId) {
        List<JsonObject> out = new ArrayList<>();
        Optional.ofNullable(states.get(agentId)).ifPresent(out::add);
        Optional.ofNullable(current.get(agentId)).ifPresent(out::add);
        return out;
    }

    public void apply(CallChange change) {
        if (change instanceof CallChange.MemberRang r) {
            Future<JsonObject> data = prepare(r.call());
            toMember(r.call().pbx(), r.memberInterface(), r.memberName(), agent -> inOrder(agent, data, () ->
                    send(agent, message("call.ringing", r.call(), data.succeeded() ? data.result() : null), true)));
        } else if (change instanceof CallChange.CallAnswered a) {
            Future<JsonObject> data = prepare(a.call());
            toMember(a.call().pbx(), a.memberInterface(), a.memberName(), agent -> inOrder(agent, data, () ->
                    send(agent, message("call.connected", a.call(), data.succeeded() ? data.result() : null), true)));
        } else if (change instanceof CallChange.CallWithdrawn w) {
            toMember(w.call().pbx(), w.memberInterface(), null, agent -> inOrder(agent, dataOf(w.call()), () ->
                    send(agent, message("call.withdrawn", w.call(), null), false)));
        } else if (change instanceof CallChange.MemberMissed m) {
            toMember(m.call().pbx(), m.memberInterface(), m.memberName(), agent -> inOrder(agent, dataOf(m.call()), () ->
                    send(agent, message("call.missed", m.call(), null).put("ringSeconds", m.ringMillis() / 1000), false)));
        } else if (change instanceof CallChange.MemberDone d) {
            toMember(d.call().pbx(), d.memberInterface(), d.call().memberName(), agent -> inOrder(agent, dataOf(d.call()), () ->
                    send(agent, message("call.ended", d.call(), null).put("reason", d.reason()), false)));
        } else if (change instanceof CallChange.CallEnded e) {
            ended(e.call());
        } else if (change instanceof CallChange.MemberChanged m) {
            memberChanged(m.member());
        }
    }

    /**
     * Sends to one agent in the order the changes happened: a message waits for the caller data of
     * its call (loaded once, while the phone rings) and for the agent's previous message.
     */
    private void inOrder(Agent agent, Future<?> after, Runnable send) {
        log.trace("queue a message for agent {} (data ready: {})", agent.username(), after.isComplete());
        Future<?> previous = tails.getOrDefault(agent.id(), Future.succeededFuture());
        Future<Void> next = previous.transform(p -> after.transform(a -> {
            send.run();
            return Future.<Void>succeededFuture();
        }));
        tails.put(agent.id(), next);
    }

    private Future<?> dataOf(CallView call) {
        Future<JsonObject> f = prepared.get(key(call));
        return f == null ? Future.succeededFuture() : f;
    }

    private void ended(CallView call) {
        Future<?> data = dataOf(call);
        prepared.remove(key(call));
        if (call.memberInterface() == null) {
            return;
        }
        directory.lookup(call.memberInterface(), call.memberName()).ifPresent(agent -> inOrder(agent, data, () -> {
            JsonObject cur = current.get(agent.id());
            if (cur != null && call.linkedid().equals(cur.getJsonObject("call").getString("linkedid"))) {
                send(agent, message("call.ended", call, null), false);
            }
        }));
    }

    private void memberChanged(MemberView changed) {
        String key = changed.pbx() + "\u0000" + changed.memberInterface();
        members.put(key, changed);
        toMember(changed.pbx(), changed.memberInterface(), changed.memberName(), agent -> {
            MemberView m = members.getOrDefault(key, changed);
            JsonObject msg = new JsonObject().put("type", "agent.state").put("state", m.state().wire())
                    .put("pauseReason", m.pauseReason()).put("since", m.since() == null ? null : m.since().toString())
                    .put("queues", new JsonArray(List.copyOf(m.queues()))).put("interface", m.memberInterface())
                    .put("pbx", m.pbx());
            if (msg.equals(states.get(agent.id()))) {
                return; // told already
            }
            states.put(agent.id(), msg);
            vertx.eventBus().publish(address(agent.id()), msg);
        });
    }

    private interface AgentAction {
        void run(Agent agent);
    }

    private void toMember(String pbx, String memberInterface, String memberName, AgentAction action) {
        Optional<Agent> known = directory.lookup(memberInterface, memberName);
        if (known.isPresent()) {
            action.run(known.get());
            return;
        }
        directory.find(memberInterface, memberName).onSuccess(a -> {
            if (a.isPresent()) {
                action.run(a.get());
            } else {
                log.debug("PBX {}: no agent has the interface {} ({})", pbx, memberInterface, memberName);
            }
        });
    }

    private void send(Agent agent, JsonObject msg, boolean remember) {
        log.trace("to {}: {}", agent.username(), msg.getString("type"));
        if (remember) {
            current.put(agent.id(), msg);
        } else {
            JsonObject cur = current.get(agent.id());
            if (cur != null && cur.getJsonObject("call").getString("linkedid").equals(msg.getJsonObject("call").getString("linkedid"))) {
                current.remove(agent.id());
            }
        }
        vertx.eventBus().publish(address(agent.id()), msg);
    }

    private JsonObject message(String type, CallView call, JsonObject data) {
        JsonObject c = new JsonObject()
                .put("id", data == null ? null : data.getValue("callId"))
                .put("linkedid", call.linkedid())
                .put("pbx", call.pbx())
                .put("queue", call.queue())
                .put("menuPath", call.menuPath())
                .put("ticketTyped", call.ticketTyped())
                .put("callerNumber", call.callerNumber())
                .put("callerName", call.callerName())
                .put("waitSeconds", call.waitedSeconds(clock.instant()))
                .put("status", call.status().wire())
                .put("answeredAt", call.answeredAt() == null ? null : call.answeredAt().toString());
        JsonObject msg = new JsonObject().put("type", type).put("call", c);
        if (data != null) {
            msg.put("caller", data.getValue("caller"));
            if (data.containsKey("unknownCaller")) {
                msg.put("unknownCaller", data.getValue("unknownCaller"));
            }
            msg.put("history", data.getValue("history"));
            msg.put("openTickets", data.getValue("openTickets"));
            msg.put("suggestions", data.getValue("suggestions"));
        } else if (type.equals("call.ringing") || type.equals("call.connected")) {
            msg.putNull("caller").put("history", new JsonArray()).put("openTickets", new JsonArray())
                    .put("suggestions", new JsonArray());
        }
        return msg;
    }

    /** Loads who is calling, their history, open tickets and fitting solutions; once per call. */
    private Future<JsonObject> prepare(CallView call) {
        return prepared.computeIfAbsent(key(call), k -> {
            Future<Optional<Long>> callId = callIds.apply(call.pbx(), call.linkedid()).recover(e -> Future.succeededFuture(Optional.empty()));
            Future<JsonObject> data = identify(call).compose(caller -> {
                if (caller.isEmpty()) {
                    return unknownCaller(call);
                }
                return callers.profile(caller.get().id(), HISTORY).compose(p -> {
                    if (p.isEmpty()) {
                        return unknownCaller(call);
                    }
                    return suggestions(call, p.get()).map(s -> new JsonObject()
                            .put("caller", callerJson(p.get().caller()))
                            .put("history", history(p.get().history()))
                            .put("openTickets", tickets(p.get().openTickets()))
                            .put("suggestions", s));
                });
            });
            return Future.all(callId, data).map(cf -> data.result().put("callId", callId.result().orElse(null)))
                    .onComplete(ar -> log.trace("pop data for {}: {}", call.linkedid(), ar.succeeded() ? "ready" : ar.cause()))
                    .onFailure(e -> log.warn("Pop data for call {} could not be loaded: {}", call.linkedid(), e.getMessage()));
        });
    }

    /** The caller by number; the dialplan's FIRSTLINE_CALLER_ID is believed only when that caller owns the number. */
    private Future<Optional<Caller>> identify(CallView call) {
        Optional<String> e164 = phones.normalize(call.callerNumber());
        if (e164.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        return callers.byPhone(e164.get(), 20, 0).map(page -> {
            List<Caller> owners = page.items();
            if (owners.size() == 1) {
                return Optional.of(owners.get(0));
            }
            if (call.callerIdHint() != null) {
                return owners.stream().filter(c -> String.valueOf(c.id()).equals(call.callerIdHint())).findFirst();
            }
            return Optional.<Caller>empty();
        });
    }

    private Future<JsonObject> unknownCaller(CallView call) {
        Optional<String> e164 = phones.normalize(call.callerNumber());
        Future<List<Caller>> likely;
        if (e164.isPresent()) {
            likely = callers.byPhone(e164.get(), 5, 0).map(p -> p.items());
        } else {
            likely = Future.succeededFuture(List.of());
        }
        if (call.callerName() != null && call.callerName().codePoints().anyMatch(Character::isLetter)) {
            likely = likely.compose(l -> l.isEmpty() ? callers.search(call.callerName(), 5, 0).map(p -> p.items())
                    : Future.succeededFuture(l));
        }
        List<String> categories = category(call.menuPath()).map(List::of).orElse(List.of());
        return likely.compose(l -> kb.suggest(categories, Optional.empty(), SUGGESTIONS).map(s -> {
            JsonArray m = new JsonArray();
            l.forEach(c -> m.add(callerJson(c)));
            return new JsonObject().putNull("caller")
                    .put("unknownCaller", new JsonObject().put("number", call.callerNumber()).put("name", call.callerName())
                            .put("likelyMatches", m))
                    .put("history", new JsonArray()).put("openTickets", new JsonArray()).put("suggestions", articles(s));
        }));
    }

    private Future<JsonArray> suggestions(CallView call, CallerStore.Profile p) {
        LinkedHashSet<String> categories = new LinkedHashSet<>();
        category(call.menuPath()).ifPresent(categories::add);
        p.openTickets().forEach(t -> categories.add(t.category()));
        Optional<String> text = p.openTickets().stream().findFirst().map(Ticket::subject);
        return kb.suggest(List.copyOf(categories), text, SUGGESTIONS).map(ScreenPops::articles);
    }

    /** The knowledge-base category a menu path points at: main/software → software. */
    static Optional<String> category(String menuPath) {
        return io.firstline.kpi.ProblemCategory.ofMenuPath(menuPath);
    }

    private static JsonArray articles(List<KbArticle> list) {
        JsonArray a = new JsonArray();
        list.forEach(k -> a.add(new JsonObject().put("id", k.id()).put("title", k.title()).put("category", k.category())));
        return a;
    }

    private static JsonObject callerJson(Caller c) {
        return new JsonObject().put("id", c.id()).put("name", c.name()).put("organisation", c.organisation())
                .put("email", c.email()).put("vip", c.vip()).put("phones", new JsonArray(c.phones()));
    }

    private static JsonArray history(List<CallSummary> calls) {
        JsonArray a = new JsonArray();
        for (CallSummary h : calls) {
            a.add(new JsonObject().put("id", h.id()).put("at", h.enteredAt() == null ? null : h.enteredAt().toString())
                    .put("queue", h.queue()).put("menuPath", h.menuPath()).put("status", h.status())
                    .put("agent", h.agentName()).put("waitSeconds", h.waitSeconds()).put("talkSeconds", h.talkSeconds())
                    .put("disposition", h.disposition()).put("ticketId", h.ticketId()));
        }
        return a;
    }

    private static JsonArray tickets(List<Ticket> list) {
        JsonArray a = new JsonArray();
        list.forEach(t -> a.add(new JsonObject().put("id", t.id()).put("subject", t.subject()).put("status", t.status())
                .put("priority", t.priority()).put("category", t.category())
                .put("createdAt", t.createdAt() == null ? null : t.createdAt().toString())));
        return a;
    }

    private static String key(CallView call) {
        return call.pbx() + "\u0000" + call.linkedid();
    }

    /** For tests and metrics: how many calls have pop data prepared. */
    int preparedCount() {
        return prepared.size();
    }
}
