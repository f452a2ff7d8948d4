package io.firstline.auth;

import io.firstline.audit.AuditStore;
import io.firstline.bus.Bus;
import io.firstline.web.ApiException;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.firstline.web.WsHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code /api/agents}: administrators manage who signs in; supervisors may read. */
public final class AgentsApi {

    static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    /** Asterisk queue-member interfaces: PJSIP/1001, SIP/alice, Local/1001@agents/n … */
    static final Pattern INTERFACE = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,15}/[A-Za-z0-9@._+#*/-]{1,180}");
    private static final List<String> ROLES = Arrays.stream(Role.values()).map(Role::wire).toList();
    /** State interfaces: a device (PJSIP/1001) or another device-state source (hint:1001@ext-local, Custom:desk1). */
    static final Pattern STATE_INTERFACE = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,15}[/:][A-Za-z0-9@._+#*/-]{1,180}");
    private static final Set<String> CREATE = Set.of("username", "name", "password", "role", "interface", "stateInterface");
    private static final Set<String> PATCH = Set.of("name", "password", "role", "interface", "stateInterface", "active",
            "mayJoin");
    private static final Set<String> RESET = Set.of("password", "generate");

    private final Vertx vertx;
    private final AgentStore agents;
    private final Accounts accounts;
    private final WsHub sockets;
    private final AuditStore audit;
    /** The desk queues in force now: the ones an agent may be allowed to join. */
    private final java.util.function.Supplier<List<String>> deskQueues;

    public AgentsApi(Vertx vertx, AgentStore agents, Accounts accounts, WsHub sockets, AuditStore audit,
            java.util.function.Supplier<List<String>> deskQueues) {
        this.deskQueues = deskQueues;
        this.vertx = vertx;
        this.agents = agents;
        this.accounts = accounts;
        this.sockets = sockets;
        this.audit = audit;
    }

    /** Writes what an administrator did to someone to the audit log; the change itself is already made. */
    private <T> Future<T> audited(Agent me, long target, String action, String detail, T result) {
        return audit.add(new AuditStore.NewEntry(me.id(), target, action, detail, null, true, null)).map(e -> result);
    }

    public void mount(Router r) {
        r.get("/api/agents").handler(this::list);
        r.post("/api/agents").handler(this::create);
        r.get("/api/agents/me").handler(ctx -> Http.ok(ctx, Http.signedIn(ctx).json()));
        r.get("/api/agents/:agentId").handler(this::get);
        r.patch("/api/agents/:agentId").handler(this::patch);
        r.post("/api/agents/:agentId/password").handler(this::resetPassword);
    }

    private void list(RoutingContext ctx) {
        Http.require(ctx, Role.SUPERVISOR);
        Optional<String> q = Http.param(ctx, "q", 100);
        Http.Paging p = Http.paging(ctx);
        agents.list(q, p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, Agent::json))));
    }

    private void get(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        long id = Http.pathId(ctx, "agentId");
        if (id != me.id()) {
            Http.require(ctx, Role.SUPERVISOR);
        }
        agents.find(id).onComplete(Http.reply(ctx, a -> Http.ok(ctx, a.orElseThrow(() -> ApiException.notFound("no agent " + id)).json())));
    }

    private void create(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        Input in = Input.of(ctx, CREATE);
        String username = in.requiredText("username", 64);
        if (!USERNAME.matcher(username).matches()) {
            throw in.bad("username", "use 2-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String name = in.requiredText("name", 200);
        String password = password(in).orElseThrow(() -> in.bad("password", "required"));
        refuseWeak(in, username, password);
        Role role = in.oneOf("role", ROLES).flatMap(Role::parse).orElse(Role.AGENT);
        String iface = memberInterface(in).flatMap(i -> i).orElse(null);
        String state = stateInterface(in).flatMap(i -> i).orElse(null);
        vertx.executeBlocking(() -> Passwords.hash(password), false)
                .compose(hash -> agents.create(username, name, hash, role, iface, state))
                .compose(a -> audited(me, a.id(), "agent.create", "role " + role.wire()
                        + (iface == null ? "" : ", interface " + iface), a))
                .onComplete(Http.reply(ctx, a -> {
                    Bus.publish(vertx, Bus.AGENTS_CHANGED, a.id());
                    Http.created(ctx, "/api/agents/" + a.id(), a.json());
                }));
    }

    private void patch(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        long id = Http.pathId(ctx, "agentId");
        Input in = Input.of(ctx, PATCH);
        Optional<String> name = in.optionalText("name", 200);
        Optional<String> password = password(in);
        Optional<Role> role = in.oneOf("role", ROLES).flatMap(Role::parse);
        Optional<Optional<String>> iface = memberInterface(in);
        Optional<Optional<String>> state = stateInterface(in);
        Optional<Boolean> active = in.bool("active");
        Optional<Optional<List<String>>> mayJoin = mayJoin(in);
        // An administrator cannot lock themselves out; another administrator (or reset-password) can help.
        if (id == me.id() && active.filter(a -> !a).isPresent()) {
            throw in.bad("active", "you cannot deactivate your own account; another administrator can");
        }
        if (id == me.id() && role.filter(r -> r != Role.ADMIN).isPresent()) {
            throw in.bad("role", "you cannot take the administrator role from yourself; another administrator can");
        }
        boolean endsSessions = password.isPresent() || role.isPresent() || active.filter(a -> !a).isPresent();
        // A new password is checked against the agent's own username before it is hashed.
        Future<Optional<String>> hash = password.isPresent()
                ? agents.find(id).compose(found -> {
                    refuseWeak(in, found.orElseThrow(() -> ApiException.notFound("no agent " + id)).username(), password.get());
                    return vertx.executeBlocking(() -> Optional.of(Passwords.hash(password.get())), false);
                })
                : Future.succeededFuture(Optional.empty());
        List<String> changed = new ArrayList<>();
        name.ifPresent(n -> changed.add("name"));
        role.ifPresent(r -> changed.add("role " + r.wire()));
        iface.ifPresent(i -> changed.add("interface " + i.orElse("none")));
        state.ifPresent(i -> changed.add("state interface " + i.orElse("none")));
        password.ifPresent(p -> changed.add("password"));
        mayJoin.ifPresent(q -> changed.add("may join " + q.map(list -> list.isEmpty() ? "no queue" : String.join(", ", list))
                .orElse("every desk queue")));
        String action = active.map(a -> a ? "agent.reactivate" : "agent.deactivate").orElse("agent.change");
        // The queues they may join are told before and after, since a list's change is not seen in its new value alone.
        Future<Optional<Agent>> before = mayJoin.isPresent() ? agents.find(id) : Future.succeededFuture(Optional.empty());
        hash.compose(h -> before.compose(b -> agents.update(id, new AgentStore.Changes(name, h, role, iface, state, active, mayJoin))
                .compose(a -> a.isEmpty() ? Future.succeededFuture(a)
                        : audited(me, id, action, changed.isEmpty() ? null : String.join(", ", changed)
                                + b.map(was -> " (was " + mayJoinText(was.mayJoin()) + ")").orElse(""), a))))
                .onComplete(Http.reply(ctx, a -> {
                    accounts.forget(id);
                    if (endsSessions) {
                        sockets.closeAgent(id, null);
                    }
                    Bus.publish(vertx, Bus.AGENTS_CHANGED, id);
                    Http.ok(ctx, a.orElseThrow(() -> ApiException.notFound("no agent " + id)).json());
                }));
    }

    /**
     * {@code POST /api/agents/{id}/password}: an administrator sets someone's password ({@code {"password"}})
     * or has one generated ({@code {"generate": true}}), which this answer alone shows. Their sessions end.
     */
    private void resetPassword(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        long id = Http.pathId(ctx, "agentId");
        Input in = Input.of(ctx, RESET);
        Optional<String> given = password(in);
        boolean generate = in.bool("generate").orElse(false);
        if (given.isPresent() == generate) {
            throw given.isPresent() ? in.bad("generate", "give a password or ask for a generated one, not both")
                    : in.bad("password", "required, unless \"generate\": true asks for a generated one");
        }
        String password = given.orElseGet(Passwords::generate);
        agents.find(id).compose(found -> {
            Agent who = found.orElseThrow(() -> ApiException.notFound("no agent " + id));
            refuseWeak(in, who.username(), password);
            return vertx.executeBlocking(() -> Passwords.hash(password), false);
        }).compose(hash -> agents.update(id, new AgentStore.Changes(Optional.empty(), Optional.of(hash), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())))
                .compose(a -> a.isEmpty() ? Future.succeededFuture(a)
                        : audited(me, id, "agent.password-reset", generate ? "generated" : "chosen by the administrator", a))
                .onComplete(Http.reply(ctx, a -> {
                    Agent who = a.orElseThrow(() -> ApiException.notFound("no agent " + id));
                    accounts.forget(id);
                    sockets.closeAgent(id, null);
                    JsonObject body = new JsonObject().put("agent", who.json());
                    if (generate) {
                        body.put("password", password);
                    }
                    Http.ok(ctx, body);
                }));
    }

    private static Optional<String> password(Input in) {
        Optional<String> p = in.optionalText("password", 200);
        if (p.isPresent() && p.get().codePointCount(0, p.get().length()) < Passwords.MIN_LENGTH) {
            throw in.bad("password", "too short (at least " + Passwords.MIN_LENGTH + " characters)");
        }
        return p;
    }

    private static void refuseWeak(Input in, String username, String password) {
        Passwords.weakness(username, password).ifPresent(why -> {
            throw in.bad("password", why);
        });
    }

    private static Optional<Optional<String>> memberInterface(Input in) {
        Optional<Optional<String>> v = in.clearableText("interface", 200);
        v.flatMap(i -> i).ifPresent(i -> {
            if (!INTERFACE.matcher(i).matches()) {
                throw in.bad("interface", "'" + i + "' is not an Asterisk interface like PJSIP/1001 or Local/1001@agents/n");
            }
        });
        return v;
    }

    /** {@code mayJoin}: null for every desk queue, or the only desk queues (of those in force now) they may join. */
    private Optional<Optional<List<String>>> mayJoin(Input in) {
        Optional<Optional<List<String>>> v = in.clearableTexts("mayJoin", 200, 80);
        List<String> desk = deskQueues.get();
        v.flatMap(q -> q).ifPresent(list -> {
            for (int i = 0; i < list.size(); i++) {
                if (!desk.contains(list.get(i))) {
                    throw in.bad("mayJoin[" + i + "]", "'" + list.get(i) + "' is not a desk queue; the desk queues are "
                            + String.join(", ", desk));
                }
            }
        });
        return v.map(q -> q.map(list -> list.stream().distinct().toList()));
    }

    private static String mayJoinText(List<String> mayJoin) {
        return mayJoin == null ? "every desk queue" : mayJoin.isEmpty() ? "no queue" : String.join(", ", mayJoin);
    }

    private static Optional<Optional<String>> stateInterface(Input in) {
        Optional<Optional<String>> v = in.clearableText("stateInterface", 200);
        v.flatMap(i -> i).ifPresent(i -> {
            if (!STATE_INTERFACE.matcher(i).matches()) {
                throw in.bad("stateInterface", "'" + i + "' is not an Asterisk state interface like PJSIP/1001"
                        + " or hint:1001@ext-local");
            }
        });
        return v;
    }
}
