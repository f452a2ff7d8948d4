package io.firstline.web;

import io.firstline.auth.Accounts;
import io.firstline.store.Agent;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * Sign-in and sign-out, and the handler that finds who a request comes from: a bearer token
 * ({@code Authorization: Bearer …}) or the HttpOnly session cookie that sign-in sets.
 */
final class SessionApi {

    static final String COOKIE = "firstline_session";

    private final Accounts accounts;

    SessionApi(Accounts accounts) {
        this.accounts = accounts;
    }

    void mount(Router r) {
        r.post("/api/login").handler(this::login);
        r.post("/api/logout").handler(this::logout);
    }

    /** Puts the signed-in agent, if any, on the context; never refuses by itself. */
    void identify(RoutingContext ctx) {
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
        String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
        accounts.login(username, password, address).onComplete(Http.reply(ctx, result -> {
            if (result.signedIn().isPresent()) {
                Accounts.SignedIn s = result.signedIn().get();
                ctx.response().addCookie(Cookie.cookie(COOKIE, s.token()).setPath("/").setHttpOnly(true)
                        .setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL()));
                Http.ok(ctx, new JsonObject().put("token", s.token()).put("agent", Views.agent(s.agent())));
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
        Future<Void> done = token(ctx).map(accounts::logout).orElse(Future.succeededFuture());
        done.onComplete(Http.reply(ctx, v -> {
            accounts.forget(me.id());
            ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setMaxAge(0));
            ctx.response().setStatusCode(204).end();
        }));
    }
}
