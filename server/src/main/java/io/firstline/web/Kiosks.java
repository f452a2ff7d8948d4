package io.firstline.web;

import io.firstline.audit.AuditStore;
import io.firstline.auth.Agent;
import io.firstline.auth.KioskStore;
import io.firstline.auth.Role;
import io.firstline.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kiosk mode: a supervisor makes a link for a wall screen; opening it once gives that browser an
 * HttpOnly cookie that may only read the board ({@code /api/live/…} and the board's updates on
 * {@code /ws}) until it expires or is revoked. No sign-in, no writes, no other data. Event loop.
 */
public final class Kiosks {

    static final String COOKIE = "firstline_kiosk";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration CACHE_FOR = Duration.ofSeconds(10);
    private static final Set<String> CREATE = Set.of("name");

    private final Vertx vertx;
    private final KioskStore store;
    private final AuditStore audit;
    private final int days;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(KioskStore.Screen screen, Instant checkedAt) {
    }

    Kiosks(Vertx vertx, KioskStore store, AuditStore audit, int days, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
        this.store = store;
        this.audit = audit;
        this.days = days;
    }

    void mount(Router r) {
        r.post("/api/kiosks").handler(this::create);
        r.get("/api/kiosks").handler(this::list);
        r.delete("/api/kiosks/:kioskId").handler(this::revoke);
        r.get("/kiosk/:token").handler(this::open);
    }

    /** The live kiosk screen whose cookie this request carries, if any. */
    public Future<Optional<KioskStore.Screen>> screenOf(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        return c == null ? Future.succeededFuture(Optional.empty()) : screen(c.getValue());
    }

    /** The kiosk token in a WebSocket handshake's cookies, if any. */
    static Optional<String> token(MultiMap headers) {
        for (String cookieHeader : headers.getAll("Cookie")) {
            for (String part : cookieHeader.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) {
                    return Optional.of(p.substring(COOKIE.length() + 1));
                }
            }
        }
        return Optional.empty();
    }

    Future<Optional<KioskStore.Screen>> screen(String token) {
        if (token == null || token.length() < 20 || token.length() > 100) {
            return Future.succeededFuture(Optional.empty());
        }
        String key = hash(token);
        Instant now = clock.instant();
        Cached c = cache.get(key);
        if (c != null && c.checkedAt().plus(CACHE_FOR).isAfter(now) && c.screen().expiresAt().isAfter(now)) {
            return Future.succeededFuture(Optional.of(c.screen()));
        }
        return store.findLive(key, now).map(found -> {
            if (found.isEmpty()) {
                cache.remove(key);
            } else {
                if (cache.size() > 1000) {
                    cache.clear();
                }
                cache.put(key, new Cached(found.get(), now));
            }
            return found;
        });
    }

    /** Trusts no screen from memory any longer: each is checked in the database again. */
    void forget() {
        cache.clear();
    }

    private void create(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.SUPERVISOR);
        Input in = Input.of(ctx, CREATE);
        String name = in.requiredText("name", 100);
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = clock.instant().plus(Duration.ofDays(days)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        store.create(name, hash(token), me.id(), expires)
                .compose(s -> audit.add(new AuditStore.NewEntry(me.id(), null, "kiosk.create", "screen " + s.id() + " '" + name
                        + "' until " + expires, null, true, null)).map(a -> s))
                .onComplete(Http.reply(ctx, s -> Http.created(ctx, "/api/kiosks/" + s.id(),
                        view(s).put("link", "/kiosk/" + token))));
    }

    private void list(RoutingContext ctx) {
        Http.require(ctx, Role.SUPERVISOR);
        store.list().onComplete(Http.reply(ctx, all -> {
            JsonArray items = new JsonArray();
            all.forEach(s -> items.add(view(s)));
            Http.ok(ctx, new JsonObject().put("items", items).put("total", all.size()).put("limit", 200).put("offset", 0));
        }));
    }

    private void revoke(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.SUPERVISOR);
        long id = Http.pathId(ctx, "kioskId");
        store.revoke(id).compose(done -> {
            if (!done) {
                throw ApiException.notFound("no live kiosk screen " + id);
            }
            // Here at once; on every node (this one too) its sockets close and the screens cached are forgotten.
            forget();
            Bus.publish(vertx, Bus.KIOSK_REVOKED, id);
            return audit.add(new AuditStore.NewEntry(me.id(), null, "kiosk.revoke", "screen " + id, null, true, null));
        }).onComplete(Http.reply(ctx, a -> ctx.response().setStatusCode(204).end()));
    }

    /** The wall screen opens its link once: the cookie is set and the board shown. */
    private void open(RoutingContext ctx) {
        String token = ctx.pathParam("token");
        screen(token).onComplete(Http.reply(ctx, found -> {
            if (found.isEmpty()) {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("This kiosk link is not valid (revoked or expired). Ask a supervisor for a new one.\n");
                return;
            }
            long maxAge = Math.max(1, Duration.between(clock.instant(), found.get().expiresAt()).toSeconds());
            ctx.response().addCookie(Cookie.cookie(COOKIE, token).setPath("/").setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setSecure(Http.https(ctx)).setMaxAge(maxAge));
            ctx.response().setStatusCode(303).putHeader("Location", "/board?kiosk=1").end();
        }));
    }

    private static JsonObject view(KioskStore.Screen s) {
        return new JsonObject().put("id", s.id()).put("name", s.name()).put("createdAt", s.createdAt().toString())
                .put("expiresAt", s.expiresAt().toString())
                .put("revokedAt", s.revokedAt() == null ? null : s.revokedAt().toString())
                .put("lastSeenAt", s.lastSeenAt() == null ? null : s.lastSeenAt().toString());
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
