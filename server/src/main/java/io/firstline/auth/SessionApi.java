package io.firstline.auth;

import io.firstline.config.Settings;
import io.firstline.web.ApiException;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.firstline.web.WsHub;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Sign-in and sign-out, and the handler that finds who a request comes from: a bearer token
 * ({@code Authorization: Bearer …}) or the HttpOnly session cookie that sign-in sets.
 */
public final class SessionApi {

    public static final String COOKIE = "firstline_session";

    /** The header a page sends its CSRF token in. */
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Accounts accounts;
    private final Settings settings;
    /** The pause reasons and the desk queues in force now (run-time settings). */
    private final java.util.function.Supplier<java.util.List<String>> pauseReasons;
    private final java.util.function.Supplier<java.util.List<String>> deskQueues;
    private final WsHub sockets;
    private final Clock clock;

    public SessionApi(Accounts accounts, Settings settings, java.util.function.Supplier<java.util.List<String>> pauseReasons,
            java.util.function.Supplier<java.util.List<String>> deskQueues, WsHub sockets, Clock clock) {
        this.clock = clock;
        this.pauseReasons = pauseReasons;
        this.deskQueues = deskQueues;
        this.accounts = accounts;
        this.settings = settings;
        this.sockets = sockets;
    }

    public void mount(Router r) {
        r.post("/api/login").handler(this::login);
        r.post("/api/logout").handler(this::logout);
        r.get("/api/session").handler(this::session);
        r.post("/api/session/password").handler(this::changePassword);
    }

    /**
     * {@code POST /api/session/password} {@code {currentPassword, newPassword}}: a signed-in person
     * changes their own password; their other sessions end (and their sockets close), this one stays.
     */
    private void changePassword(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        String token = token(ctx).orElseThrow(ApiException::unauthorized);
        Input in = Input.of(ctx, Set.of("currentPassword", "newPassword"));
        String current = in.requiredText("currentPassword", 200);
        String next = in.requiredText("newPassword", 200);
        Passwords.weakness(me.username(), next).ifPresent(why -> {
            throw in.bad("newPassword", why);
        });
        if (next.equals(current)) {
            throw in.bad("newPassword", "the same as the current one; choose a new password");
        }
        accounts.changeOwnPassword(me, token, current, next, Http.client(ctx)).onComplete(Http.reply(ctx, result -> {
            if (result instanceof Accounts.PasswordChange.Changed c) {
                sockets.closeAgent(me.id(), token);
                Http.ok(ctx, new JsonObject().put("agent", c.agent().json()));
            } else if (result instanceof Accounts.PasswordChange.Throttled t) {
                long seconds = Math.max(1, t.retryAfter().toSeconds());
                ctx.response().putHeader("Retry-After", Long.toString(seconds));
                throw new ApiException(429, "too-many-requests", "too many wrong passwords; try again in " + seconds + " s",
                        null);
            } else {
                throw ApiException.badField("currentPassword", "that is not your current password");
            }
        }));
    }

    /**
     * Refuses a state-changing request that the browser authenticated by the session cookie alone
     * unless it carries the session's CSRF token, which only this origin's pages can read. Bearer
     * requests and sign-in itself need none: no browser adds those on its own.
     */
    public static void checkCsrf(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Cookie cookie = req.getCookie(COOKIE);
        if (SAFE.contains(req.method()) || req.getHeader("Authorization") != null || cookie == null
                || "/api/login".equals(req.path())) {
            ctx.next();
            return;
        }
        String sent = req.getHeader(CSRF_HEADER);
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.US_ASCII),
                csrfToken(cookie.getValue()).getBytes(StandardCharsets.US_ASCII))) {
            ctx.fail(new ApiException(403, "csrf", "this request needs the page's " + CSRF_HEADER
                    + " header; reload the page", null));
            return;
        }
        ctx.next();
    }

    /** The CSRF token of a session: derived from its secret token, so it needs no storage. */
    static String csrfToken(String sessionToken) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(("firstline-csrf\u0000" + sessionToken).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Who is signed in, the page's CSRF token, and the settings the pages need; {@code agent: null}
     * (not 401) when nobody is, so that the sign-in page can ask without an error in the console.
     */
    private void session(RoutingContext ctx) {
        Agent me = ctx.get(Http.AGENT);
        Optional<String> token = token(ctx);
        if (me == null || token.isEmpty()) {
            Http.ok(ctx, new JsonObject().putNull("agent"));
            return;
        }
        Http.ok(ctx, new JsonObject().put("agent", me.json()).put("csrfToken", csrfToken(token.get()))
                .put("pauseReasons", new JsonArray(pauseReasons.get()))
                // The queues this person may join from the desk.
                .put("queues", new JsonArray(me.joinable(deskQueues.get())))
                // Every desk queue: where a supervisor may put agents, each as far as that agent may join it.
                .put("deskQueues", new JsonArray(deskQueues.get()))
                .put("timezone", settings.timezone().getId())
                .put("now", clock.instant().toString())
                .put("today", LocalDate.ofInstant(clock.instant(), settings.timezone()).toString())
                .put("idleMinutes", settings.sessionIdle().toMinutes()));
    }

    /** Puts the signed-in agent, if any, on the context; never refuses by itself. */
    public void identify(RoutingContext ctx) {
        Optional<String> token = token(ctx);
        if (token.isEmpty()) {
            ctx.next();
            return;
        }
        accounts.authenticate(token.get()).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            ar.result().ifPresent(a -> ctx.put(Http.AGENT, a));
            ctx.next();
        });
    }

    static Optional<String> token(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null) {
            if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.of(header.substring(7).strip());
            }
            return Optional.empty();
        }
        Cookie c = ctx.request().getCookie(COOKIE);
        return c == null ? Optional.empty() : Optional.of(c.getValue());
    }

    private void login(RoutingContext ctx) {
        Input in = Input.of(ctx, Set.of("username", "password"));
        String username = in.requiredText("username", 64).toLowerCase(java.util.Locale.ROOT);
        String password = in.requiredText("password", 200);
        String address = Http.client(ctx);
        accounts.login(username, password, address).onComplete(Http.reply(ctx, result -> {
            if (result.signedIn().isPresent()) {
                Accounts.SignedIn s = result.signedIn().get();
                ctx.response().addCookie(Cookie.cookie(COOKIE, s.token()).setPath("/").setHttpOnly(true)
                        .setSameSite(CookieSameSite.STRICT).setSecure(Http.https(ctx)));
                Http.ok(ctx, new JsonObject().put("token", s.token()).put("agent", s.agent().json())
                        .put("csrfToken", csrfToken(s.token())));
                return;
            }
            if (result.refusal().orElseThrow() instanceof Accounts.Refusal.Throttled t) {
                long seconds = Math.max(1, t.retryAfter().toSeconds());
                ctx.response().putHeader("Retry-After", Long.toString(seconds));
                ctx.fail(new ApiException(429, "too-many-requests",
                        "too many failed sign-ins; try again in " + seconds + " s", null));
            } else {
                ctx.fail(new ApiException(401, "unauthorized", "wrong username or password", null));
            }
        }));
    }

    private void logout(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        Optional<String> token = token(ctx);
        Future<Void> done = token.map(accounts::logout).orElse(Future.succeededFuture());
        done.onComplete(Http.reply(ctx, v -> {
            accounts.forget(me.id());
            token.ifPresent(sockets::closeSession);
            ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setSecure(Http.https(ctx)).setMaxAge(0));
            ctx.response().setStatusCode(204).end();
        }));
    }
}
