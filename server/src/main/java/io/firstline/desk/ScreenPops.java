package io.firstline.desk;

import io.firstline.auth.Agent;
import io.firstline.bus.Bus;
import io.firstline.callers.Caller;
import io.firstline.calls.CallChange;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberView;
import io.firstline.kb.KbArticle;
import io.firstline.records.CallSummary;
import io.firstline.tickets.Ticket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Screen pops: tells each agent about the calls that concern their phone — {@code call.ringing}
 * (the pre-pop), {@code call.connected} (the pop, sent the moment Asterisk says the call is
 * answered), {@code call.updated} (the caller's data, when it comes after the pop),
 * {@code call.withdrawn}, {@code call.ended} — and their own {@code agent.state}. Messages go on
 * the event bus to {@link #address(long)}, where the agent's WebSocket listens.
 *
 * <p>Nothing here waits on the database for long: the caller's data is loaded once per call while
 * the phone rings, and a pop waits for it at most {@link #DEADLINE} after its PBX event; past that
 * it goes with what is known (the call, and the caller if seen lately), says so in
 * {@code callerData}, and the data follows in {@code call.updated} when it comes. Each agent's
 * messages keep the order of the events; a pop whose call ended meanwhile is not sent. Runs on
 * the call flow's context; keeps each agent's current call so that a reconnecting client gets it
 * again.
 */
public final class ScreenPops {

    private static final Logger log = LoggerFactory.getLogger(ScreenPops.class);
    private static final int KNOWN_CALLERS = 10_000;
    /** How long after its PBX event a pop may wait for the caller's data before it goes without. */
    public static final Duration DEADLINE = Duration.ofMillis(300);
    /** The event-bus header that carries when the PBX event behind a message was handled (System.nanoTime). */
    public static final String EVENT_NANOS = "firstline-event-nanos";

    /** How much of the caller's data (caller, history, open tickets, suggestions) a message carries. */
    static final String LOADED = "loaded";
    static final String PENDING = "pending";
    static final String UNAVAILABLE = "unavailable";

    private final Vertx vertx;
    private final Clock clock;
    private final AgentDirectory directory;
    private final PopDataStore popData;
    /** Caller data per live call (pbx + linkedid), loaded once when the first phone rings; removed when the call ends. */
    private final Map<String, Future<JsonObject>> prepared = new HashMap<>();
    /** The callers lately identified, by calling number, so that a pop can name them while the database is away. */
    private final Map<String, JsonObject> knownCallers = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
            return size() > KNOWN_CALLERS;
        }
    };
    /** The last call message of each agent, re-sent when their desktop reconnects. */
    private final Map<Long, JsonObject> current = new HashMap<>();
    /** The agent and call of each agent's current call message, to ask for its data again when the database is back. */
    private final Map<Long, Popped> popped = new HashMap<>();
    private boolean databaseWasUp = true;
    private long ticks;
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

    private final AtomicLong droppedAsEnded = new AtomicLong();

    /**
     * @param data what a pop carries about its caller; while its database does not answer, no caller data is asked for
     * @param clock the clock the call events are stamped with, for the caller's wait so far
     */
    public ScreenPops(Vertx vertx, io.firstline.auth.AgentStore agents, PopDataStore data, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
        this.directory = new AgentDirectory(agents);
        this.popData = data;
    }

    /** Reads the agents' interfaces again (after an agent was created or changed). */
    public void agentsChanged() {
        log.debug("agents changed: reading their interfaces again");
        // An agent given an interface now is told its member's state at once, not at its next change.
        directory.reload().onSuccess(v -> List.copyOf(members.values()).forEach(this::memberChanged));
    }

    /** What a desktop that (re)connects should be told first: its state and current call, those of the PBXs asked for. */
    public List<JsonObject> snapshotFor(long agentId, Predicate<String> pbxs) {
        List<JsonObject> out = new ArrayList<>();
        Optional.ofNullable(states.get(agentId)).filter(m -> pbxs.test(m.getString("pbx"))).ifPresent(out::add);
        Optional.ofNullable(current.get(agentId)).filter(m -> pbxs.test(m.getJsonObject("call").getString("pbx"))).ifPresent(out::add);
        return out;
    }

    /** Pops not sent because their call had ended before they could go (for metrics; any thread). */
    public long droppedAsEnded() {
        return droppedAsEnded.get();
    }

    public void apply(CallChange change) {
        long at = System.nanoTime();
        if (change instanceof CallChange.MemberRang r) {
            Future<JsonObject> data = prepare(r.call());
            toMember(r.call().pbx(), r.memberInterface(), r.memberName(), agent -> pop(agent, "call.ringing", r.call(), data, at));
        } else if (change instanceof CallChange.CallAnswered a) {
            Future<JsonObject> data = prepare(a.call());
            toMember(a.call().pbx(), a.memberInterface(), a.memberName(), agent -> pop(agent, "call.connected", a.call(), data, at));
        } else if (change instanceof CallChange.CallWithdrawn w) {
            toMember(w.call().pbx(), w.memberInterface(), null, agent -> inOrder(agent, NOW, () ->
                    send(agent, message("call.withdrawn", w.call()), false, at)));
        } else if (change instanceof CallChange.MemberMissed m) {
            toMember(m.call().pbx(), m.memberInterface(), m.memberName(), agent -> inOrder(agent, NOW, () ->
                    send(agent, message("call.missed", m.call()).put("ringSeconds", m.ringMillis() / 1000), false, at)));
        } else if (change instanceof CallChange.MemberDone d) {
            toMember(d.call().pbx(), d.memberInterface(), d.call().memberName(), agent -> inOrder(agent, NOW, () ->
                    send(agent, message("call.ended", d.call()).put("reason", d.reason()), false, at)));
        } else if (change instanceof CallChange.CallEnded e) {
            ended(e.call(), at);
        } else if (change instanceof CallChange.MemberChanged m) {
            memberChanged(m.member());
        }
    }

    private static final Future<Void> NOW = Future.succeededFuture();

    private record Popped(Agent agent, CallView call) {
    }

    /**
     * Called every second on the call flow's context. When the database is found down, pops still
     * waiting for the caller's data are told it is unavailable; once it answers again (and every
     * five seconds after, should a first try fail), the live calls whose pop went without the
     * caller's data ask for it again. Either goes as {@code call.updated}.
     */
    public void databaseCheck() {
        boolean up = popData.up();
        boolean back = up && !databaseWasUp;
        boolean lost = !up && databaseWasUp;
        databaseWasUp = up;
        long at = System.nanoTime();
        if (lost) {
            // The pops still waiting for their data now say it is unavailable (it may come after all).
            for (Popped p : List.copyOf(popped.values())) {
                JsonObject cur = current.get(p.agent().id());
                Future<JsonObject> known = prepared.get(key(p.call()));
                if (cur != null && PENDING.equals(cur.getString("callerData")) && known != null) {
                    inOrder(p.agent(), NOW, () -> update(p.agent(), p.call(), known, at));
                }
            }
        }
        if (!up || !(back || ++ticks % 5 == 0)) {
            return;
        }
        List<Popped> again = popped.values().stream().filter(p -> {
            JsonObject cur = current.get(p.agent().id());
            Future<JsonObject> known = prepared.get(key(p.call()));
            return cur != null && UNAVAILABLE.equals(cur.getString("callerData")) && known != null && known.failed();
        }).toList();
        for (Popped p : again) {
            log.debug("Call {}: asking again for the caller's data for {}", p.call().linkedid(), p.agent().username());
            Future<JsonObject> data = prepare(p.call()); // once per call, shared by its agents
            data.onComplete(ar -> inOrder(p.agent(), NOW, () -> update(p.agent(), p.call(), data, at)));
        }
    }

    /**
     * A pop: waits for the caller's data until {@link #DEADLINE} after the event at most, then goes
     * with what there is; data that comes later follows as {@code call.updated}. A pop whose call
     * has ended by then is not sent.
     */
    private void pop(Agent agent, String type, CallView call, Future<JsonObject> data, long at) {
        inOrder(agent, withinDeadline(data, at), () -> {
            if (!prepared.containsKey(key(call))) {
                droppedAsEnded.incrementAndGet();
                log.debug("Call {} ended before its {} could go to {}: not sent", call.linkedid(), type, agent.username());
                return;
            }
            JsonObject msg = withData(message(type, call), call, data);
            send(agent, msg, true, at);
            popped.put(agent.id(), new Popped(agent, call));
            if (!data.isComplete()) {
                data.onComplete(ar -> inOrder(agent, NOW, () -> update(agent, call, data, at)));
            }
        });
    }

    /** Completes when the data is there or the deadline (counted from the event) has passed, whichever is first. */
    private Future<?> withinDeadline(Future<?> data, long at) {
        long left = DEADLINE.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at);
        if (data.isComplete() || left <= 0) {
            return NOW;
        }
        Promise<Void> ready = Promise.promise();
        long timer = vertx.setTimer(left, id -> ready.tryComplete());
        data.onComplete(ar -> {
            vertx.cancelTimer(timer);
            ready.tryComplete();
        });
        return ready.future();
    }

    /** The caller's data, come after the pop: sent as {@code call.updated} while that call is still the agent's and live. */
    private void update(Agent agent, CallView call, Future<JsonObject> data, long at) {
        JsonObject cur = current.get(agent.id());
        if (cur == null || !call.linkedid().equals(cur.getJsonObject("call").getString("linkedid"))
                || !prepared.containsKey(key(call))) {
            return;
        }
        JsonObject fresh = withData(cur.copy(), call, data);
        log.debug("Call {}: the caller's data is {} for {} (was {})", call.linkedid(), fresh.getString("callerData"),
                agent.username(), cur.getString("callerData"));
        if (fresh.getString("callerData").equals(cur.getString("callerData"))) {
            return; // already told (the pop after the pre-pop carried it)
        }
        current.put(agent.id(), fresh);
        publish(agent, fresh.copy().put("type", "call.updated"), at);
    }

    /**
     * Sends to one agent in the order the changes happened: a message waits for the agent's
     * previous message and for {@code after}, which never waits on the database beyond the deadline.
     */
    private void inOrder(Agent agent, Future<?> after, Runnable send) {
        Future<?> previous = tails.getOrDefault(agent.id(), NOW);
        Future<Void> next = previous.transform(p -> after.transform(a -> {
            send.run();
            return NOW;
        }));
        tails.put(agent.id(), next);
        next.onComplete(done -> tails.remove(agent.id(), next));
    }

    private void ended(CallView call, long at) {
        prepared.remove(key(call));
        if (call.memberInterface() == null) {
            return;
        }
        directory.lookup(call.memberInterface(), call.memberName()).ifPresent(agent -> inOrder(agent, NOW, () -> {
            JsonObject cur = current.get(agent.id());
            if (cur != null && call.linkedid().equals(cur.getJsonObject("call").getString("linkedid"))) {
                send(agent, message("call.ended", call), false, at);
            }
        }));
    }

    private void memberChanged(MemberView changed) {
        String key = changed.pbx() + "\u0000" + changed.memberInterface();
        members.put(key, changed);
        toMember(changed.pbx(), changed.memberInterface(), changed.memberName(), agent -> {
            MemberView m = members.getOrDefault(key, changed);
            JsonObject msg = new JsonObject().put("type", "agent.state").put("state", m.state().wire())
                    .put("paused", m.paused()).put("pauseReason", m.pauseReason()).put("since", m.since() == null ? null : m.since().toString())
                    .put("queues", new JsonArray(List.copyOf(m.queues()))).put("interface", m.memberInterface())
                    .put("pbx", m.pbx());
            if (msg.equals(states.get(agent.id()))) {
                return; // told already
            }
            states.put(agent.id(), msg);
            Bus.publish(vertx, Bus.toAgent(agent.id()), msg);
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

    private void send(Agent agent, JsonObject msg, boolean remember, long at) {
        log.trace("to {}: {}", agent.username(), msg.getString("type"));
        if (remember) {
            current.put(agent.id(), msg);
        } else {
            JsonObject cur = current.get(agent.id());
            if (cur != null && cur.getJsonObject("call").getString("linkedid").equals(msg.getJsonObject("call").getString("linkedid"))) {
                current.remove(agent.id());
                popped.remove(agent.id());
            }
        }
        publish(agent, msg, at);
    }

    private void publish(Agent agent, JsonObject msg, long at) {
        Bus.publish(vertx, Bus.toAgent(agent.id()), msg, new DeliveryOptions().addHeader(EVENT_NANOS, String.valueOf(at)));
    }

    private JsonObject message(String type, CallView call) {
        JsonObject c = new JsonObject()
                .putNull("id")
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
        return new JsonObject().put("type", type).put("call", c);
    }

    /**
     * Puts the caller's data into a pop: all of it once loaded; else the caller if seen lately and
     * empty lists, with {@code callerData} saying whether more is coming ({@code pending}) or the
     * database could not give it ({@code unavailable}).
     */
    private JsonObject withData(JsonObject msg, CallView call, Future<JsonObject> data) {
        msg.remove("unknownCaller");
        if (data.succeeded()) {
            JsonObject d = data.result();
            msg.getJsonObject("call").put("id", d.getValue("callId"));
            msg.put("caller", d.getValue("caller"));
            if (d.containsKey("unknownCaller")) {
                msg.put("unknownCaller", d.getValue("unknownCaller"));
            }
            return msg.put("history", d.getValue("history")).put("openTickets", d.getValue("openTickets"))
                    .put("suggestions", d.getValue("suggestions")).put("callerData", LOADED);
        }
        JsonObject known = call.callerNumber() == null ? null : knownCallers.get(call.callerNumber());
        boolean coming = !data.isComplete() && popData.up();
        return msg.put("caller", known == null ? null : known.copy()).put("history", new JsonArray())
                .put("openTickets", new JsonArray()).put("suggestions", new JsonArray())
                .put("callerData", coming ? PENDING : UNAVAILABLE);
    }

    /**
     * Loads who is calling, their history, open tickets and fitting solutions; once per call, again
     * when an earlier load failed and the database is back. While the database is down nothing is
     * asked: the pop goes at once without.
     */
    private Future<JsonObject> prepare(CallView call) {
        String key = key(call);
        Future<JsonObject> known = prepared.get(key);
        boolean up = popData.up();
        if (known != null && !(known.failed() && up)) {
            return known;
        }
        Future<JsonObject> f = up ? load(call)
                : Future.failedFuture(new io.vertx.core.VertxException("the database is down", true));
        prepared.put(key, f);
        return f;
    }

    private Future<JsonObject> load(CallView call) {
        return popData.load(call).map(found -> {
            JsonObject d = found.profile().map(p -> new JsonObject()
                    .put("caller", p.caller().json())
                    .put("history", new JsonArray(p.history().stream().map(CallSummary::json).toList()))
                    .put("openTickets", new JsonArray(p.openTickets().stream().map(Ticket::json).toList())))
                    .orElseGet(() -> new JsonObject().putNull("caller")
                            .put("unknownCaller", new JsonObject().put("number", call.callerNumber()).put("name", call.callerName())
                                    .put("likelyMatches", new JsonArray(found.likely().stream().map(Caller::json).toList())))
                            .put("history", new JsonArray()).put("openTickets", new JsonArray()));
            return d.put("suggestions", articles(found.suggestions())).put("callId", found.callId().orElse(null));
        })
                .onSuccess(d -> {
                    if (d.getValue("caller") instanceof JsonObject c && call.callerNumber() != null) {
                        knownCallers.put(call.callerNumber(), c);
                    }
                })
                .onComplete(ar -> log.trace("pop data for {}: {}", call.linkedid(), ar.succeeded() ? "ready" : ar.cause()))
                .onFailure(e -> log.warn("Pop data for call {} could not be loaded: {}", call.linkedid(), e.getMessage()));
    }

    private static JsonArray articles(List<KbArticle> list) {
        JsonArray a = new JsonArray();
        list.forEach(k -> a.add(new JsonObject().put("id", k.id()).put("title", k.title()).put("category", k.category())));
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
