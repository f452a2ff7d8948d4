package io.firstline.board;

import io.firstline.audit.AuditStore;
import io.firstline.auth.Agent;
import io.firstline.auth.AgentStore;
import io.firstline.auth.Role;
import io.firstline.bus.Bus;
import io.firstline.settings.CurrentSettings;
import io.firstline.telephony.AmiLink;
import io.firstline.telephony.PbxCommands;
import io.firstline.telephony.PbxUnavailableException;
import io.firstline.web.ApiException;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.firstline.web.Kiosks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The supervisor's API: the live board ({@code /api/live/…}, also for kiosk screens), stepping in
 * on an agent (spy, pause, unpause, join or leave a queue, sign out) with every action in the audit log, and the audit
 * log itself.
 * Runs on the web verticle's event loop.
 */
public final class BoardApi {

    private static final Set<String> SPY = Set.of("mode");
    private static final Set<String> PAUSE = Set.of("reason");
    private static final Set<String> QUEUE = Set.of("queue");

    private final Vertx vertx;
    private final AgentStore agents;
    private final AuditStore audit;
    private final PbxCommands pbx;
    private final Kiosks kiosks;
    /** The pause reasons and the queues agents may be put in, as on the desk. */
    private final CurrentSettings current;

    public BoardApi(Vertx vertx, AgentStore agents, AuditStore audit, PbxCommands pbx, Kiosks kiosks, CurrentSettings current) {
        this.vertx = vertx;
        this.agents = agents;
        this.audit = audit;
        this.pbx = pbx;
        this.kiosks = kiosks;
        this.current = current;
    }

    public void mount(Router r) {
        r.get("/api/live/queues").handler(ctx -> live(ctx, "queues"));
        r.get("/api/live/agents").handler(ctx -> live(ctx, "agents"));
        r.get("/api/live/waiting").handler(ctx -> live(ctx, "waiting"));
        r.get("/api/live/board").handler(this::board);
        // Numeric ids only, so that the desktop's /api/agents/me/… routes are not taken.
        r.postWithRegex("/api/agents/(?<agentId>[0-9]{1,18})/spy").handler(this::spy);
        r.postWithRegex("/api/agents/(?<agentId>[0-9]{1,18})/pause").handler(this::pause);
        r.postWithRegex("/api/agents/(?<agentId>[0-9]{1,18})/resume").handler(this::resume);
        r.postWithRegex("/api/agents/(?<agentId>[0-9]{1,18})/join").handler(ctx -> membership(ctx, true));
        r.postWithRegex("/api/agents/(?<agentId>[0-9]{1,18})/leave").handler(ctx -> membership(ctx, false));
        r.postWithRegex("/api/agents/(?<agentId>[0-9]{1,18})/sign-out").handler(this::signOut);
        r.get("/api/audit").handler(this::auditLog);
    }

    /** Who may read the board: a supervisor (or admin), or a kiosk screen (true). */
    private Future<Boolean> reader(RoutingContext ctx) {
        Agent a = ctx.get(Http.AGENT);
        if (a != null) {
            Http.require(ctx, Role.SUPERVISOR);
            return Future.succeededFuture(false);
        }
        return kiosks.screenOf(ctx).compose(screen -> screen.isPresent() ? Future.succeededFuture(true)
                : Future.failedFuture(ApiException.unauthorized()));
    }

    /** The board, as a wall screen may see it when {@code wallScreen}. */
    private Future<JsonObject> snapshot(boolean wallScreen) {
        return Bus.ask(vertx, Bus.BOARD_SNAPSHOT, null).map(b -> wallScreen ? LiveBoard.forWallScreen(b) : b);
    }

    private void live(RoutingContext ctx, String part) {
        Http.Paging p = Http.paging(ctx);
        reader(ctx).compose(this::snapshot).onComplete(Http.reply(ctx, board -> {
            JsonArray all = board.getJsonArray(part);
            JsonArray items = new JsonArray();
            for (int i = p.offset(); i < all.size() && items.size() < p.limit(); i++) {
                items.add(all.getValue(i));
            }
            Http.ok(ctx, new JsonObject().put("items", items).put("total", all.size()).put("limit", p.limit())
                    .put("offset", p.offset()).put("at", board.getString("at")).put("pbx", board.getJsonArray("pbx")));
        }));
    }

    private void board(RoutingContext ctx) {
        reader(ctx).compose(this::snapshot).onComplete(Http.reply(ctx, board -> Http.ok(ctx, board)));
    }

    /** The target agent and where their phone is a queue member (pbx, queues), if the PBX reported it. */
    private record Target(Agent agent, Optional<JsonObject> member) {
        String pbxName() {
            return member.map(m -> m.getString("pbx")).orElse(null);
        }
    }

    private Future<Target> target(long id) {
        return agents.find(id).compose(found -> {
            Agent a = found.orElseThrow(() -> ApiException.notFound("no agent " + id));
            if (a.memberInterface() == null) {
                throw ApiException.conflict("interface", "interface: " + a.username()
                        + " has no queue-member interface; an administrator sets it with PATCH /api/agents/" + id);
            }
            return Bus.ask(vertx, Bus.MEMBER_STATE, a.memberInterface())
                    .map(m -> new Target(a, Optional.of(m)))
                    .recover(e -> e instanceof ReplyException
                            ? Future.succeededFuture(new Target(a, Optional.empty())) : Future.failedFuture(e));
        });
    }

    private void spy(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.SUPERVISOR);
        long id = Http.pathId(ctx, "agentId");
        Input in = Input.of(ctx, SPY);
        String wire = in.requiredText("mode", 20);
        PbxCommands.SpyMode mode = PbxCommands.SpyMode.of(wire)
                .orElseThrow(() -> ApiException.badField("mode", "'" + clip(wire) + "' is not listen, whisper or barge"));
        agents.find(me.id()).compose(fresh -> {
            String mine = fresh.map(Agent::memberInterface).orElse(null);
            if (mine == null) {
                throw ApiException.conflict("interface", "interface: you have no phone interface to listen from;"
                        + " an administrator sets yours with PATCH /api/agents/" + me.id());
            }
            return target(id).compose(t -> {
                Agent a = t.agent();
                String phone = PbxCommands.stateInterface(a.memberInterface(), a.stateInterface())
                        .filter(d -> PbxCommands.spySpec(d).isPresent()).orElseThrow(() -> ApiException.conflict("stateInterface",
                                "stateInterface: " + a.username() + "'s phone is not known (interface " + a.memberInterface()
                                + ", state interface " + (a.stateInterface() == null ? "not set" : a.stateInterface())
                                + "): ChanSpy needs a phone device such as PJSIP/1001; an administrator sets it as"
                                + " stateInterface with PATCH /api/agents/" + id));
                String callerId = "\"" + capitalised(mode.wire()) + ": " + callerIdText(a.name()) + "\" <"
                        + callerIdText(a.username()) + ">";
                String detail = mine + " → " + PbxCommands.spySpec(phone).orElseThrow() + " (ChanSpy " + mode.options() + ")";
                String says = confirmation(mode, a.name(), mine);
                return act(me, t, "spy." + mode.wire(), detail,
                        pbx.spy(t.pbxName(), mine, phone, mode, callerId))
                        .map(entry -> entry.put("confirmation", says));
            });
        }).onComplete(Http.reply(ctx, entry -> Http.ok(ctx, entry)));
    }

    private void pause(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.SUPERVISOR);
        long id = Http.pathId(ctx, "agentId");
        Input in = Input.of(ctx, PAUSE);
        String reason = in.requiredText("reason", 40);
        List<String> pauseReasons = current.now().pauseReasons();
        if (!pauseReasons.contains(reason)) {
            throw ApiException.badField("reason", "'" + clip(reason) + "' is not one of " + String.join(", ", pauseReasons));
        }
        target(id).compose(t -> {
            if (t.member().isEmpty() || t.member().get().getJsonArray("queues").isEmpty()) {
                throw ApiException.conflict("agent", t.agent().username() + " is in no queue: there is nothing to pause");
            }
            return act(me, t, "agent.pause", "reason: " + reason,
                    pbx.pause(t.pbxName(), t.agent().memberInterface(), Optional.empty(), reason));
        }).onComplete(Http.reply(ctx, entry -> Http.ok(ctx, entry)));
    }

    private void resume(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.SUPERVISOR);
        long id = Http.pathId(ctx, "agentId");
        noBody(ctx);
        target(id).compose(t -> {
            if (t.member().isEmpty() || t.member().get().getJsonArray("queues").isEmpty()) {
                throw ApiException.conflict("agent", t.agent().username() + " is in no queue: there is nothing to unpause");
            }
            return act(me, t, "agent.resume", null, pbx.resume(t.pbxName(), t.agent().memberInterface(), Optional.empty()));
        }).onComplete(Http.reply(ctx, entry -> Http.ok(ctx, entry)));
    }

    /** Puts an agent in a queue, or takes them out of one, as they would from their desk. */
    private void membership(RoutingContext ctx, boolean join) {
        Agent me = Http.require(ctx, Role.SUPERVISOR);
        long id = Http.pathId(ctx, "agentId");
        Input in = Input.of(ctx, QUEUE);
        List<String> queues = current.now().deskQueues();
        String queue = in.oneOf("queue", queues).orElseThrow(() -> in.bad("queue", "required; one of " + String.join(", ", queues)));
        target(id).compose(t -> {
            // A supervisor puts an agent only where the agent may go themselves; taking them out is always allowed.
            List<String> joinable = t.agent().joinable(queues);
            if (join && !joinable.contains(queue)) {
                throw ApiException.badField("queue", t.agent().username() + " may not join " + queue + "; they may join: "
                        + (joinable.isEmpty() ? "no queue" : String.join(", ", joinable)) + " (an administrator decides on /admin)");
            }
            boolean member = t.member().map(m -> m.getJsonArray("queues").contains(queue)).orElse(false);
            if (member == join) {
                throw ApiException.conflict("queue", "queue: " + t.agent().username() + (join ? " is already in " : " is not in ")
                        + queue);
            }
            Agent a = t.agent();
            return join
                    ? act(me, t, "agent.join", "queue: " + queue, pbx.join(t.pbxName(), queue, a.memberInterface(), a.name(),
                            PbxCommands.stateInterface(a.memberInterface(), a.stateInterface())))
                    : act(me, t, "agent.leave", "queue: " + queue, pbx.leave(t.pbxName(), queue, a.memberInterface()));
        }).onComplete(Http.reply(ctx, entry -> Http.ok(ctx, entry)));
    }

    /** An action without parameters: a body, if any, must be an empty JSON object. */
    private static void noBody(RoutingContext ctx) {
        if (ctx.body() != null && ctx.body().length() > 0) {
            Input.of(ctx, Set.of());
        }
    }

    private void signOut(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.SUPERVISOR);
        long id = Http.pathId(ctx, "agentId");
        noBody(ctx);
        target(id).compose(t -> {
            List<String> queues = new ArrayList<>();
            t.member().ifPresent(m -> m.getJsonArray("queues").forEach(q -> queues.add((String) q)));
            if (queues.isEmpty()) {
                throw ApiException.conflict("agent", t.agent().username() + " is in no queue: already signed out");
            }
            List<Future<AmiLink.ActionResult>> each = new ArrayList<>();
            for (String q : queues) {
                each.add(pbx.leave(t.pbxName(), q, t.agent().memberInterface()));
            }
            Future<AmiLink.ActionResult> all = Future.join(each).transform(ar -> {
                boolean ok = true;
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < each.size(); i++) {
                    Future<AmiLink.ActionResult> f = each.get(i);
                    if (f.succeeded()) {
                        ok &= f.result().success();
                        answers.add(queues.get(i) + ": " + f.result().message());
                    } else if (f.cause() instanceof PbxUnavailableException) {
                        return Future.failedFuture(f.cause());
                    } else {
                        ok = false;
                        answers.add(queues.get(i) + ": " + f.cause().getMessage());
                    }
                }
                return Future.succeededFuture(new AmiLink.ActionResult(ok, String.join("; ", answers), java.util.Map.of()));
            });
            return act(me, t, "agent.sign-out", "queues: " + String.join(", ", queues), all);
        }).onComplete(Http.reply(ctx, entry -> Http.ok(ctx, entry)));
    }

    /**
     * Writes the action and Asterisk's answer to the audit log, then answers: 200 with the entry when
     * Asterisk agreed, 502 with its message when it refused, 503 when it could not be asked.
     */
    private Future<JsonObject> act(Agent me, Target t, String action, String detail, Future<AmiLink.ActionResult> sent) {
        return sent.transform(ar -> {
            boolean unavailable = ar.failed();
            boolean ok = ar.succeeded() && ar.result().success();
            String answer = ar.succeeded() ? ar.result().message() : ar.cause().getMessage();
            String pbxName = t.pbxName() != null ? t.pbxName() : pbx.pbxNames().size() == 1 ? pbx.pbxNames().get(0) : null;
            return audit.add(new AuditStore.NewEntry(me.id(), t.agent().id(), action, detail, pbxName, ok, answer))
                    .map(entry -> {
                        if (unavailable) {
                            throw new ApiException(503, "pbx-unavailable", "the PBX could not be asked: " + answer, null);
                        }
                        if (!ok) {
                            throw new ApiException(502, "pbx-refused", "Asterisk refused: " + answer, null);
                        }
                        return entry(entry);
                    });
        });
    }

    private void auditLog(RoutingContext ctx) {
        Http.require(ctx, Role.SUPERVISOR);
        Http.Paging p = Http.paging(ctx);
        Optional<Long> agentId = Http.idParam(ctx, "agentId");
        Optional<Instant> from = instant(ctx, "from");
        Optional<Instant> to = instant(ctx, "to");
        audit.list(agentId, from, to, p.limit(), p.offset())
                .onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, BoardApi::entry))));
    }

    static JsonObject entry(AuditStore.Entry e) {
        return new JsonObject().put("id", e.id()).put("at", e.at().toString())
                .put("actor", who(e.actor())).put("target", e.target() == null ? null : who(e.target()))
                .put("action", e.action()).put("detail", e.detail()).put("pbx", e.pbx()).put("success", e.success())
                .put("pbxResponse", e.pbxResponse());
    }

    private static JsonObject who(AuditStore.Who w) {
        return new JsonObject().put("id", w.id()).put("username", w.username()).put("name", w.name());
    }

    private static Optional<Instant> instant(RoutingContext ctx, String name) {
        Optional<String> v = Http.param(ctx, name, 40);
        try {
            return v.map(Instant::parse);
        } catch (DateTimeParseException e) {
            throw ApiException.badField(name, "'" + v.get() + "' is not an ISO-8601 instant like 2026-11-24T09:00:00Z");
        }
    }

    /** Text safe inside an AMI CallerID: no quotes, angle brackets or control characters. */
    static String callerIdText(String s) {
        String clean = s.replaceAll("[\"<>\\\\\\p{Cntrl}]", "").strip();
        return clean.length() > 40 ? clean.substring(0, 40) : clean;
    }

    /** What the supervisor is told after asking to step in: what happens next and who hears whom. */
    static String confirmation(PbxCommands.SpyMode mode, String agent, String supervisorPhone) {
        String hears = mode.agentHears() && mode.callerHears() ? agent + " and the caller both hear you"
                : mode.agentHears() ? agent + " hears you; the caller does not"
                : "neither " + agent + " nor the caller hears you";
        return capitalised(mode.wire()) + ": your phone (" + supervisorPhone + ") rings; once you answer you hear "
                + agent + " and the caller, and " + hears + ". It ends when " + agent + "'s call ends, or at once if "
                + agent + " is on no call.";
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
