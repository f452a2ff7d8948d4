package io.firstline.web;

import io.firstline.auth.Accounts;
import io.firstline.store.Agent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ws}: the live channel to a desktop. Authenticated by the session cookie (browsers) or
 * {@code Authorization: Bearer} (other clients); a browser's Origin must be this server's. Each
 * socket listens on its agent's event-bus address, so an agent gets only their own calls; on
 * connect it first gets its state and current call again. Runs on the web verticle's event loop.
 */
final class WsHub {

    private static final Logger log = LoggerFactory.getLogger(WsHub.class);
    /** The event-bus address that answers a desktop's first messages (state, current call). */
    static final String SNAPSHOT_ADDRESS = "desk.snapshot";
    private static final long RECHECK_MS = 60_000;

    private final Vertx vertx;
    private final Accounts accounts;
    private final AtomicInteger open = new AtomicInteger();

    WsHub(Vertx vertx, Accounts accounts) {
        this.vertx = vertx;
        this.accounts = accounts;
    }

    int openSockets() {
        return open.get();
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (!sameOrigin(req)) {
            ctx.fail(ApiException.forbidden("the WebSocket's Origin is not this server"));
            return;
        }
        Optional<String> token = SessionApi.token(ctx);
        if (token.isEmpty()) {
            ctx.fail(ApiException.unauthorized());
            return;
        }
        req.pause();
        accounts.authenticate(token.get()).onComplete(ar -> {
            if (ar.failed() || ar.result().isEmpty()) {
                req.resume();
                ctx.fail(ar.failed() ? ar.cause() : ApiException.unauthorized());
                return;
            }
            Agent agent = ar.result().get();
            req.toWebSocket().onSuccess(ws -> opened(ws, agent, token.get())).onFailure(e -> {
                log.debug("WebSocket upgrade failed: {}", e.getMessage());
            });
        });
    }

    private void opened(ServerWebSocket ws, Agent agent, String token) {
        open.incrementAndGet();
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(io.firstline.desk.ScreenPops.address(agent.id()),
                m -> {
                    log.trace("to the desktop of {}: {}", agent.username(), m.body().getString("type"));
                    if (!ws.isClosed()) {
                        ws.writeTextMessage(m.body().encode());
                    }
                });
        consumer.completion().onComplete(ready -> vertx.eventBus().<JsonArray>request(SNAPSHOT_ADDRESS, agent.id())
                .onSuccess(reply -> reply.body().forEach(o -> ws.writeTextMessage(((JsonObject) o).encode())))
                .onFailure(e -> log.debug("no desk snapshot for agent {}: {}", agent.id(), e.getMessage())));
        ws.writeTextMessage(new JsonObject().put("type", "hello").put("agent", Views.agent(agent)).encode());
        long timer = vertx.setPeriodic(RECHECK_MS, id -> accounts.authenticate(token).onSuccess(still -> {
            if (still.isEmpty() && !ws.isClosed()) {
                ws.close((short) 4401, "signed out");
            }
        }));
        ws.textMessageHandler(text -> {
            JsonObject msg;
            try {
                msg = new JsonObject(text);
            } catch (DecodeException | ClassCastException e) {
                ws.writeTextMessage(error("not a JSON object"));
                return;
            }
            String type = msg.getString("type", "");
            if ("ping".equals(type)) {
                ws.writeTextMessage(new JsonObject().put("type", "pong").encode());
            } else {
                ws.writeTextMessage(error("unknown message type '" + clip(type) + "'"));
            }
        });
        ws.binaryMessageHandler(b -> ws.writeTextMessage(error("binary frames are not understood")));
        ws.exceptionHandler(e -> log.debug("WebSocket of agent {}: {}", agent.id(), e.getMessage()));
        ws.closeHandler(v -> {
            open.decrementAndGet();
            vertx.cancelTimer(timer);
            consumer.unregister();
        });
    }

    private static String error(String detail) {
        return new JsonObject().put("type", "error").put("detail", detail).encode();
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** True when there is no Origin (not a browser) or it names this very host. */
    static boolean sameOrigin(HttpServerRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = req.getHeader("Host");
        try {
            URI o = URI.create(origin);
            String originHost = o.getHost() + (o.getPort() == -1 ? "" : ":" + o.getPort());
            return host != null && originHost.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
