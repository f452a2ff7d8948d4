package io.firstline.web;

import io.firstline.auth.Agent;
import io.firstline.auth.Role;
import io.firstline.db.Page;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** Small helpers shared by the API handlers: who is signed in, paths, paging and replies. */
public final class Http {

    public static final String AGENT = "firstline.agent";
    /** Whether the client used HTTPS (here or at a trusted proxy). */
    static final String HTTPS = "firstline.https";
    /** The client's address (a trusted proxy's X-Forwarded-For, else the peer). */
    static final String CLIENT = "firstline.client";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private Http() {
    }

    /** Paging parameters of a list request. */
    public record Paging(int limit, int offset) {
    }

    public static boolean https(RoutingContext ctx) {
        return Boolean.TRUE.equals(ctx.get(HTTPS));
    }

    public static String client(RoutingContext ctx) {
        String c = ctx.get(CLIENT);
        return c == null ? "?" : c;
    }

    public static Agent signedIn(RoutingContext ctx) {
        Agent a = ctx.get(AGENT);
        if (a == null) {
            throw ApiException.unauthorized();
        }
        return a;
    }

    public static Agent require(RoutingContext ctx, Role role) {
        Agent a = signedIn(ctx);
        if (!a.role().atLeast(role)) {
            throw ApiException.forbidden("this needs the " + role.wire() + " role; you are " + a.role().wire());
        }
        return a;
    }

    public static long pathId(RoutingContext ctx, String name) {
        String raw = ctx.pathParam(name);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through to the 404 below
        }
        throw ApiException.notFound("no such " + name + ": '" + raw + "'");
    }

    public static Paging paging(RoutingContext ctx) {
        int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = intParam(ctx, "offset", 0, 0, 10_000_000);
        return new Paging(limit, offset);
    }

    public static Optional<String> param(RoutingContext ctx, String name, int max) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        if (v.length() > max) {
            throw ApiException.badField(name, "too long (at most " + max + " characters)");
        }
        if (Input.hasLoneSurrogate(v)) {
            throw ApiException.badField(name, Input.LONE_SURROGATE);
        }
        return Optional.of(v.strip());
    }

    public static Optional<Long> idParam(RoutingContext ctx, String name) {
        Optional<String> v = param(ctx, name, 20);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            long id = Long.parseLong(v.get());
            if (id < 1) {
                throw new NumberFormatException();
            }
            return Optional.of(id);
        } catch (NumberFormatException e) {
            throw ApiException.badField(name, "'" + v.get() + "' is not an id");
        }
    }

    static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
        Optional<String> v = param(ctx, name, 12);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n < min || n > max) {
                throw ApiException.badField(name, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badField(name, "'" + v.get() + "' is not a whole number");
        }
    }

    public static <T> JsonObject page(Page<T> page, Function<T, JsonObject> view) {
        JsonArray items = new JsonArray();
        page.items().forEach(i -> items.add(view.apply(i)));
        return new JsonObject().put("items", items).put("total", page.total()).put("limit", page.limit())
                .put("offset", page.offset());
    }

    /**
     * Completes a request from an asynchronous result: a failure, or an exception thrown while
     * answering (e.g. a 404 for an empty result), goes to the failure handler.
     */
    public static <T> Handler<AsyncResult<T>> reply(RoutingContext ctx, Consumer<T> answer) {
        return ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            try {
                answer.accept(ar.result());
            } catch (RuntimeException e) {
                ctx.fail(e);
            }
        };
    }

    public static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .end(body.encode());
    }

    public static void ok(RoutingContext ctx, JsonObject body) {
        json(ctx, 200, body);
    }

    public static void created(RoutingContext ctx, String location, JsonObject body) {
        ctx.response().putHeader("Location", location);
        json(ctx, 201, body);
    }
}
