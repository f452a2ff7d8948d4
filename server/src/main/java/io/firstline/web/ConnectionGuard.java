package io.firstline.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one client from holding the server's connections: at most so many open connections per
 * address (trusted proxies excepted), and a deadline for each complete request head, counted from
 * the connection's opening or its previous answer, which a client trickling a byte at a time
 * cannot stretch as it can an idle timeout. Runs on the web verticle's event loop.
 */
final class ConnectionGuard {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long WARN_EVERY_MS = 10_000;
    private static final String COUNTED = "firstline.connection-guard";

    /** One open connection: its client's address, its head deadline, its requests being answered. */
    private static final class Conn {
        final String address;
        final HttpConnection connection;
        long timer = -1;
        int answering;
        boolean closed;

        Conn(String address, HttpConnection connection) {
            this.address = address;
            this.connection = connection;
        }
    }

    private final Vertx vertx;
    private final Proxies proxies;
    private final int maxPerAddress;
    private final long headMillis;
    private final Map<String, Integer> perAddress = new HashMap<>();
    /** By the peer's address and port, which is how a WebSocket handshake finds its connection. */
    private final Map<String, Conn> open = new HashMap<>();
    private final AtomicLong overCap = new AtomicLong();
    private final AtomicLong headTimeouts = new AtomicLong();
    private long lastWarning;

    ConnectionGuard(Vertx vertx, Proxies proxies, int maxPerAddress, int requestHeadSeconds) {
        this.vertx = vertx;
        this.proxies = proxies;
        this.maxPerAddress = maxPerAddress;
        this.headMillis = requestHeadSeconds * 1000L;
    }

    /** Connections refused because their address already held its maximum. */
    long refusedOverCap() {
        return overCap.get();
    }

    /** Connections closed because no complete request head came in time. */
    long closedSlowHeads() {
        return headTimeouts.get();
    }

    /** A new connection: counted, refused over its address's cap, and given its head deadline. */
    void connected(HttpConnection c) {
        SocketAddress peer = c.remoteAddress();
        String address = peer == null || peer.hostAddress() == null ? "?" : peer.hostAddress();
        String key = key(peer);
        if (!proxies.trusted(address)) {
            int held = perAddress.getOrDefault(address, 0);
            if (held >= maxPerAddress) {
                overCap.incrementAndGet();
                warn("{} already holds {} connections (FIRSTLINE_HTTP_MAX_CONNECTIONS_PER_ADDRESS); refused {} so far",
                        address, held, overCap.get());
                c.close();
                return;
            }
            perAddress.put(address, held + 1);
        }
        Conn conn = new Conn(proxies.trusted(address) ? null : address, c);
        open.put(key, conn);
        arm(conn);
        c.closeHandler(v -> {
            conn.closed = true;
            open.remove(key);
            cancel(conn);
            if (conn.address != null) {
                perAddress.computeIfPresent(conn.address, (a, n) -> n <= 1 ? null : n - 1);
            }
        });
    }

    /**
     * The router's first handler: a request's head has come, so its deadline is off until the
     * answer has gone (end handlers are the router's, so they do not replace each other).
     */
    void request(RoutingContext ctx) {
        Conn conn = open.get(key(ctx.request().connection().remoteAddress()));
        if (conn != null && ctx.get(COUNTED) == null) { // a rerouted request is counted once
            ctx.put(COUNTED, true);
            cancel(conn);
            conn.answering++;
            ctx.addEndHandler(ar -> {
                conn.answering--;
                if (conn.answering == 0 && !conn.closed) {
                    arm(conn);
                }
            });
        }
        ctx.next();
    }

    /** A WebSocket handshake came in full: no head deadline while it is decided, nor once it is open. */
    void handshake(SocketAddress peer) {
        Conn conn = open.get(key(peer));
        if (conn != null) {
            cancel(conn);
        }
    }

    /** A WebSocket handshake was refused: the connection may carry another request, on the usual deadline. */
    void handshakeRefused(SocketAddress peer) {
        Conn conn = open.get(key(peer));
        if (conn != null && !conn.closed && conn.answering == 0) {
            cancel(conn);
            arm(conn);
        }
    }

    private void arm(Conn conn) {
        conn.timer = vertx.setTimer(headMillis, id -> {
            conn.timer = -1;
            headTimeouts.incrementAndGet();
            log.debug("closing a connection from {}: no complete request within {} ms", conn.address, headMillis);
            conn.connection.close();
        });
    }

    private void cancel(Conn conn) {
        if (conn.timer != -1) {
            vertx.cancelTimer(conn.timer);
            conn.timer = -1;
        }
    }

    private void warn(String format, Object... args) {
        long now = System.currentTimeMillis();
        if (now - lastWarning >= WARN_EVERY_MS) {
            lastWarning = now;
            log.warn(format, args);
        }
    }

    private static String key(SocketAddress peer) {
        return peer == null ? "?" : peer.hostAddress() + "|" + peer.port();
    }
}
