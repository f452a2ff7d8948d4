package io.firstline.desk;

import io.firstline.auth.Agent;
import io.firstline.auth.AgentStore;
import io.firstline.bus.Bus;
import io.firstline.callers.CallerStore;
import io.firstline.config.Settings;
import io.firstline.kpi.Figures;
import io.firstline.phone.PhoneNumbers;
import io.firstline.reports.KpiStore;
import io.firstline.settings.CurrentSettings;
import io.firstline.telephony.AmiLink;
import io.firstline.telephony.PbxCommands;
import io.firstline.telephony.PbxUnavailableException;
import io.firstline.web.ApiException;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an agent does from the desktop: their status in the queues (pause, resume, join, leave, sent
 * to Asterisk with their own interface), wrap-up, blind transfer, callbacks, their figures for
 * today, and a number attached to a caller from an unknown caller's pop. Runs on the web event loop.
 */
public final class DeskApi {

    /** Results an agent records for a callback, and the status each leaves it in. */
    static final Map<String, String> CALLBACK_RESULTS = Map.of("reached", "done", "wrong-number", "done",
            "no-answer", "open", "voicemail", "open", "busy", "open");
    private static final Pattern EXTENSION = Pattern.compile("^[A-Za-z0-9]+/([0-9]{2,10})(?:@[^/]*)?(?:/n)?$");
    private static final Pattern DIALLABLE = Pattern.compile("\\+?[0-9]{3,20}");

    private final Vertx vertx;
    private final DeskStore desk;
    private final AgentStore agents;
    private final CallerStore callers;
    private final PhoneNumbers phones;
    private final PbxCommands pbx;
    private final Settings settings;
    private final CurrentSettings current;
    private final KpiStore kpis;
    private final Clock clock;

    public DeskApi(Vertx vertx, DeskStore desk, KpiStore kpis, AgentStore agents, CallerStore callers, PhoneNumbers phones,
            PbxCommands pbx, Settings settings, CurrentSettings current, Clock clock) {
        this.current = current;
        this.clock = clock;
        this.vertx = vertx;
        this.desk = desk;
        this.kpis = kpis;
        this.agents = agents;
        this.callers = callers;
        this.phones = phones;
        this.pbx = pbx;
        this.settings = settings;
    }

    public void mount(Router r) {
        r.get("/api/agents/me/status").handler(this::status);
        r.post("/api/agents/me/pause").handler(this::pause);
        r.post("/api/agents/me/unpause").handler(this::unpause);
        r.post("/api/agents/me/join").handler(ctx -> membership(ctx, true));
        r.post("/api/agents/me/leave").handler(ctx -> membership(ctx, false));
        r.post("/api/agents/me/ready").handler(this::ready);
        r.post("/api/agents/me/transfer").handler(this::transfer);
        r.get("/api/agents/me/transfer-targets").handler(this::transferTargets);
        r.get("/api/agents/me/figures").handler(this::figures);
        r.get("/api/callbacks").handler(this::callbacks);
        r.post("/api/callbacks/:callbackId/call").handler(this::callBack);
        r.post("/api/callbacks/:callbackId/result").handler(this::callbackResult);
        r.post("/api/callers/:callerId/phones").handler(this::attachPhone);
        r.get("/api/tickets/:ticketId/calls").handler(this::ticketCalls);
    }

    private void status(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        Future<JsonArray> snapshot = Bus.ask(vertx, Bus.DESK_SNAPSHOT, me.id())
                .recover(e -> Future.succeededFuture(new JsonArray()));
        Future<JsonObject> member = me.memberInterface() == null ? Future.succeededFuture(new JsonObject())
                : Bus.ask(vertx, Bus.MEMBER_STATE, me.memberInterface())
                        .recover(e -> Future.succeededFuture(new JsonObject()));
        Future.all(snapshot, member).onComplete(Http.reply(ctx, all -> {
            JsonObject call = null;
            for (Object o : snapshot.result()) {
                JsonObject m = (JsonObject) o;
                if (!"agent.state".equals(m.getString("type"))) {
                    call = m;
                }
            }
            JsonObject state = member.result();
            boolean known = state.containsKey("state");
            Http.ok(ctx, new JsonObject().put("agent", me.json()).put("interface", me.memberInterface())
                    .put("state", known ? state.getString("state") : me.memberInterface() == null ? "no-interface" : "unknown")
                    .put("paused", state.getBoolean("paused", false))
                    .put("pauseReason", state.getString("pauseReason"))
                    .put("since", state.getString("since"))
                    .put("queues", known ? state.getJsonArray("queues") : new JsonArray())
                    .put("call", call)
                    .put("availableQueues", new JsonArray(me.joinable(current.now().deskQueues())))
                    .put("pauseReasons", new JsonArray(current.now().pauseReasons()))
                    .put("wrapupPause", settings.desk().wrapupPause()));
        }));
    }

    private void pause(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        String iface = interfaceOf(me);
        Input in = Input.of(ctx, Set.of("reason", "queue"));
        // Only a new pause is checked: an agent paused with a reason since removed stays paused with it.
        List<String> reasons = current.now().pauseReasons();
        String reason = in.oneOf("reason", reasons).orElseThrow(() -> in.bad("reason",
                "required; one of " + String.join(", ", reasons)));
        Optional<String> queue = queue(in, false);
        answer(ctx, pbxOf(iface).compose(p -> pbx.pause(p, iface, queue, reason)), r -> new JsonObject().put("paused", true).put("reason", reason)
                .put("queue", queue.orElse(null)));
    }

    private void unpause(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        String iface = interfaceOf(me);
        Input in = Input.of(ctx, Set.of("queue"));
        Optional<String> queue = queue(in, false);
        answer(ctx, pbxOf(iface).compose(p -> pbx.resume(p, iface, queue)), r -> new JsonObject().put("paused", false)
                .put("queue", queue.orElse(null)));
    }

    private void membership(RoutingContext ctx, boolean join) {
        Agent me = Http.signedIn(ctx);
        String iface = interfaceOf(me);
        Input in = Input.of(ctx, Set.of("queue"));
        String queue = queue(in, true).orElseThrow();
        if (join && !me.joinable(current.now().deskQueues()).contains(queue)) {
            throw in.bad("queue", "you may not join " + queue + "; you may join: "
                    + String.join(", ", me.joinable(current.now().deskQueues())) + " (an administrator decides)");
        }
        Future<AmiLink.ActionResult> sent = pbxOf(iface).compose(p -> join
                ? pbx.join(p, queue, iface, me.name(), PbxCommands.stateInterface(iface, me.stateInterface()))
                : pbx.leave(p, queue, iface));
        answer(ctx, sent, r -> new JsonObject().put("queue", queue).put("member", join));
    }

    /**
     * The agent is done with wrap-up: the server records how long it took on their outcome of that
     * call and, if it paused them for wrap-up, resumes them.
     */
    private void ready(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        // Nothing to say but "ready": the wrap-up time is the server's own measure, not the page's.
        Input.of(ctx, Set.of());
        if (me.memberInterface() == null) {
            Http.ok(ctx, new JsonObject().put("resumed", false).putNull("wrapupSeconds"));
            return;
        }
        Bus.ask(vertx, Bus.WRAPUP_READY, me.memberInterface())
                .onComplete(Http.reply(ctx, wrap -> {
                    if (!wrap.containsKey("linkedid")) {
                        Http.ok(ctx, new JsonObject().put("resumed", false).putNull("wrapupSeconds"));
                        return;
                    }
                    int seconds = wrap.getInteger("wrapupSeconds");
                    Future<Integer> recorded = desk.recordWrapup(wrap.getString("pbx"), wrap.getString("linkedid"), me.id(), seconds)
                            .onSuccess(n -> Bus.publish(vertx, Bus.FIGURES_CHANGED, null));
                    JsonObject body = new JsonObject().put("linkedid", wrap.getString("linkedid")).put("wrapupSeconds", seconds);
                    if (!wrap.getBoolean("paused", false)) {
                        recorded.onComplete(Http.reply(ctx, n -> Http.ok(ctx, body.put("outcomesUpdated", n).put("resumed", false))));
                        return;
                    }
                    recorded.onComplete(Http.reply(ctx, n -> answer(ctx, pbx.resume(wrap.getString("pbx"), me.memberInterface(),
                            Optional.empty()), r -> body.put("outcomesUpdated", n).put("resumed", true))));
                }));
    }

    /** Blind transfer of the caller the agent is talking to, to a queue or to another agent's extension. */
    private void transfer(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        String iface = interfaceOf(me);
        Input in = Input.of(ctx, Set.of("queue", "agentId"));
        Optional<String> queue = queue(in, false);
        Optional<Long> agentId = in.id("agentId");
        if (queue.isPresent() == agentId.isPresent()) {
            throw ApiException.badRequest("queue or agentId: give exactly one of them");
        }
        Future<String> target;
        if (queue.isPresent()) {
            target = Future.succeededFuture(queue.get());
        } else {
            target = agents.find(agentId.get()).map(a -> {
                Agent to = a.filter(Agent::active).orElseThrow(() -> ApiException.badField("agentId",
                        "no active agent has id " + agentId.get()));
                if (to.id() == me.id()) {
                    throw ApiException.badField("agentId", "that is you");
                }
                Matcher m = to.memberInterface() == null ? null : EXTENSION.matcher(to.memberInterface());
                if (m == null || !m.matches()) {
                    throw ApiException.badField("agentId", to.name() + " has no phone extension to transfer to");
                }
                return m.group(1);
            });
        }
        target.compose(exten -> Bus.ask(vertx, Bus.CURRENT_CALL, iface)
                .map(call -> {
                    if (!call.containsKey("channel")) {
                        throw ApiException.conflict(null, "you are not talking on a call that can be transferred");
                    }
                    return call.put("exten", exten);
                }))
                .onComplete(Http.reply(ctx, call -> answer(ctx, pbx.blindTransfer(call.getString("pbx"), call.getString("channel"),
                        settings.desk().transferContext(), call.getString("exten")), r -> new JsonObject()
                        .put("linkedid", call.getString("linkedid")).put("to", call.getString("exten"))
                        .put("context", settings.desk().transferContext()))));
    }

    /** Where an agent may send a caller: the queues, and colleagues who have a phone (no other details of them). */
    private void transferTargets(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        agents.withInterfaces().onComplete(Http.reply(ctx, list -> {
            JsonArray people = new JsonArray();
            list.stream().filter(a -> a.active() && a.id() != me.id() && a.memberInterface() != null
                    && EXTENSION.matcher(a.memberInterface()).matches())
                    .sorted(java.util.Comparator.comparing(Agent::name))
                    .forEach(a -> people.add(new JsonObject().put("id", a.id()).put("name", a.name())));
            Http.ok(ctx, new JsonObject().put("queues", new JsonArray(current.now().deskQueues())).put("agents", people));
        }));
    }

    /** The agent's own figures for today, by the one definition of docs/kpis.md (calls that entered a queue today). */
    private void figures(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        LocalDate today = LocalDate.ofInstant(clock.instant(), settings.timezone());
        Instant from = today.atStartOfDay(settings.timezone()).toInstant();
        Instant to = today.plusDays(1).atStartOfDay(settings.timezone()).toInstant();
        Settings.Board board = current.now().board();
        Figures mine = new Figures(q -> board.forQueue(q).serviceLevelSeconds());
        kpis.fold(from, to, me.id(), mine, (f, call) -> call.byAgent().stream()
                .filter(part -> part.agentId() == me.id()).forEach(f::add)).onComplete(Http.reply(ctx, f -> {
            Http.ok(ctx, new JsonObject().put("day", today.toString()).put("answered", f.answered())
                    .put("averageHandleSeconds", f.averageHandleSeconds() == null ? null : Math.round(f.averageHandleSeconds()))
                    .put("firstCallResolutionPercent", f.firstCallResolutionPercent() == null ? null
                            : Math.round(f.firstCallResolutionPercent())));
        }));
    }

    private void callbacks(RoutingContext ctx) {
        Http.signedIn(ctx);
        Http.Paging p = Http.paging(ctx);
        desk.unfinishedCallbacks(p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx,
                Http.page(page, DeskApi::callback))));
    }

    /** One click: the agent's phone rings, and when they answer Asterisk dials the caller. */
    private void callBack(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        String iface = interfaceOf(me);
        long id = Http.pathId(ctx, "callbackId");
        desk.claim(id, me.id()).onComplete(Http.reply(ctx, claim -> {
            DeskStore.Callback cb = claimed(id, me.id(), claim);
            String number = cb.phone().replaceAll("[\\s().-]", "");
            if (!DIALLABLE.matcher(number).matches()) {
                desk.finish(id, me.id(), "failed", "not a diallable number");
                throw ApiException.conflict(null, "'" + cb.phone() + "' is not a number Asterisk can dial");
            }
            Future<AmiLink.ActionResult> sent = pbxOf(iface).compose(p -> pbx.originate(p, iface,
                    settings.desk().callbackContext(), number, "\"Callback " + number + "\" <" + number + ">",
                    Map.of("FIRSTLINE_CALLBACK_ID", String.valueOf(id))));
            sent.onComplete(ar -> {
                Future<?> recorded;
                if (ar.failed()) {
                    recorded = desk.finish(id, me.id(), "open", "PBX unavailable");
                } else if (!ar.result().success()) {
                    recorded = desk.finish(id, me.id(), "failed", ar.result().message());
                } else {
                    recorded = desk.finish(id, me.id(), "in-progress", "originated");
                }
                recorded.onComplete(x -> answer(ctx, sent, r -> new JsonObject().put("callback", callback(
                        x.succeeded() && x.result() instanceof DeskStore.Claim.Claimed c ? c.callback() : cb))
                        .put("number", number).put("context", settings.desk().callbackContext())));
            });
        }));
    }

    private void callbackResult(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callbackId");
        Input in = Input.of(ctx, Set.of("result"));
        List<String> results = CALLBACK_RESULTS.keySet().stream().sorted().toList();
        String result = in.oneOf("result", results).orElseThrow(() -> in.bad("result", "required; one of "
                + String.join(", ", results)));
        desk.finish(id, me.id(), CALLBACK_RESULTS.get(result), result).onComplete(Http.reply(ctx, claim ->
                Http.ok(ctx, callback(claimed(id, me.id(), claim)))));
    }

    /** The callback this agent may act on, or the refusal that says who has it and until when. */
    private DeskStore.Callback claimed(long id, long me, DeskStore.Claim claim) {
        if (claim instanceof DeskStore.Claim.NoSuchCallback) {
            throw ApiException.notFound("no callback " + id);
        }
        if (claim instanceof DeskStore.Claim.AlreadyDone d) {
            throw ApiException.conflict(null, "callback " + id + " is done already ("
                    + (d.callback().result() == null ? "no result" : d.callback().result()) + ")");
        }
        if (claim instanceof DeskStore.Claim.Busy b) {
            DeskStore.Callback c = b.callback();
            String who = (c.handledByName() == null ? "another agent" : c.handledByName())
                    + (c.handledBy() != null && c.handledBy() == me ? " (you)" : "");
            throw ApiException.conflict(null, who + " is calling this caller back already; until the result is"
                    + " recorded, or until " + desk.claimedUntil(c) + ", nobody calls them again");
        }
        return ((DeskStore.Claim.Claimed) claim).callback();
    }

    private void ticketCalls(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "ticketId");
        desk.ticketCalls(id).onComplete(Http.reply(ctx, list -> {
            JsonArray items = new JsonArray();
            list.forEach(c -> items.add(new JsonObject().put("id", c.id())
                    .put("enteredAt", c.enteredAt() == null ? null : c.enteredAt().toString()).put("queue", c.queue())
                    .put("menuPath", c.menuPath()).put("status", c.status())
                    .put("agent", c.agentId() == null ? null : Agent.reference(c.agentId(), c.agentName()))
                    .put("talkSeconds", c.talkSeconds()).put("disposition", c.disposition()).put("ticketAction", c.ticketAction())));
            Http.ok(ctx, new JsonObject().put("items", items));
        }));
    }

    /** From an unknown caller's pop: this number is theirs from now on. */
    private void attachPhone(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callerId");
        Input in = Input.of(ctx, Set.of("phone"));
        String raw = in.requiredText("phone", 64);
        String e164 = phones.normalize(raw).orElseThrow(() -> in.bad("phone", "'" + raw + "' is not a phone number"));
        callers.addPhone(id, e164).onComplete(Http.reply(ctx, c -> Http.ok(ctx,
                c.orElseThrow(() -> ApiException.notFound("no caller " + id)).json())));
    }

    /**
     * The PBX the agent's phone is on, as the call tracker last saw it; null (the only PBX) when it
     * has not reported the member yet.
     */
    private Future<String> pbxOf(String memberInterface) {
        return Bus.ask(vertx, Bus.MEMBER_STATE, memberInterface)
                .map(m -> m.getString("pbx")).recover(e -> Future.succeededFuture(null));
    }

    private Optional<String> queue(Input in, boolean required) {
        List<String> queues = current.now().deskQueues();
        Optional<String> q = in.oneOf("queue", queues);
        if (required && q.isEmpty()) {
            throw in.bad("queue", "required; one of " + String.join(", ", queues));
        }
        return q;
    }

    private static String interfaceOf(Agent me) {
        if (me.memberInterface() == null) {
            throw ApiException.conflict("interface", "you have no phone (queue-member interface) yet; ask an administrator to set one");
        }
        return me.memberInterface();
    }

    /**
     * Replies with Asterisk's answer: 200 with {@code asterisk: {response, message}} when it says
     * Success, 409 {@code pbx-refused} with its message when it says Error, 503 when the PBX is away.
     */
    private static void answer(RoutingContext ctx, Future<AmiLink.ActionResult> sent, Function<AmiLink.ActionResult, JsonObject> body) {
        sent.onComplete(ar -> {
            if (ctx.response().ended()) {
                return;
            }
            if (ar.failed()) {
                if (ar.cause() instanceof PbxUnavailableException) {
                    Http.json(ctx, 503, new JsonObject().put("error", "pbx-unavailable")
                            .put("detail", "the PBX cannot be reached: " + ar.cause().getMessage() + "; nothing was changed"));
                } else {
                    ctx.fail(ar.cause());
                }
                return;
            }
            AmiLink.ActionResult r = ar.result();
            JsonObject asterisk = new JsonObject().put("response", r.success() ? "Success" : "Error").put("message", r.message());
            if (!r.success()) {
                Http.json(ctx, 409, new JsonObject().put("error", "pbx-refused")
                        .put("detail", "Asterisk refused: " + (r.message() == null ? "no reason given" : r.message()))
                        .put("asterisk", asterisk));
                return;
            }
            try {
                Http.ok(ctx, body.apply(r).put("asterisk", asterisk));
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        });
    }

    static JsonObject callback(DeskStore.Callback c) {
        return new JsonObject().put("id", c.id()).put("callId", c.callId())
                .put("caller", c.callerId() == null ? null : new JsonObject().put("id", c.callerId()).put("name", c.callerName())
                        .put("organisation", c.organisation()))
                .put("phone", c.phone()).put("queue", c.queue()).put("menuPath", c.menuPath()).put("reason", c.reason())
                .put("status", c.status()).put("createdAt", String.valueOf(c.createdAt()))
                .put("handledBy", c.handledBy() == null ? null : Agent.reference(c.handledBy(), c.handledByName()))
                .put("handledAt", c.handledAt() == null ? null : c.handledAt().toString()).put("result", c.result());
    }
}
