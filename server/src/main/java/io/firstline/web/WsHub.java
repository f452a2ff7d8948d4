package io.firstline.web;

import io.firstline.auth.Accounts;
import io.firstline.auth.Agent;
import io.firstline.auth.SessionApi;
import io.firstline.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ws}: the live channel to a desktop. Authenticated by the session cookie (browsers) or
 * {@code Authorization: Bearer} (other clients); a browser's Origin must be this server's. Each
 * socket listens on its agent's event-bus address, so an agent gets only their own calls; on
 * connect it first gets its state and current call again. Sessions ended and kiosk screens revoked on any node
 * close their sockets here at once ({@link Bus#SESSIONS_ENDED}, {@link Bus#KIOSK_REVOKED}). Runs on the web
 * verticle's event loop, on which it is made.
 */
public final class WsHub {

    private static final Logger log = LoggerFactory.getLogger(WsHub.class);
    /** How often a kiosk screen's link is checked again. */
    private static final long RECHECK_MS = 60_000;
    /** A ping this often keeps a quiet socket (a wall screen's) inside the connection idle timeout. */
    private static final long PING_MS = 30_000;
    private static final long WARN_EVERY_MS = 10_000;
    /** WebSocket close code for "not signed in" (4000-4999 are the application's). */
    static final short CLOSE_UNAUTHORIZED = 4401;
    /** How many times a desktop's state and call are asked for when its node has joined the cluster again. */
    private static final int GREET_AGAIN_TRIES = 15;

    private final Vertx vertx;
    private final Accounts accounts;
    private final Proxies proxies;
    private final ConnectionGuard guard;
    private final int perSession;
    private final AtomicInteger open = new AtomicInteger();
    /** Sockets accepted (being checked or open) per session or kiosk token, to cap them. */
    private final java.util.Map<String, Integer> held = new java.util.HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong overCap = new java.util.concurrent.atomic.AtomicLong();
    private long lastWarning;
    private Kiosks kiosks;
    private boolean announcing;
    /** How many of this node's sockets follow the board, so that it is built only while someone does. */
    private final io.firstline.board.BoardFollowers followers;
    /** The open sockets of each session, by the hash of its token, closed at once when that session ends. */
    private final java.util.Map<String, java.util.Set<ServerWebSocket>> bySession = new java.util.HashMap<>();
    /** Whose each session with open sockets is (by its hash), so that ending a person's sessions closes their sockets. */
    private final java.util.Map<String, Long> sessionAgent = new java.util.HashMap<>();
    /** The open sockets of each kiosk screen, by its id, closed at once when it is revoked. */
    private final java.util.Map<Long, java.util.Set<ServerWebSocket>> byKiosk = new java.util.HashMap<>();
    /** Every open socket of a signed-in person, and whose it is. */
    private final java.util.Map<ServerWebSocket, Agent> desktops = new java.util.HashMap<>();
    private final Future<Void> listening;

    WsHub(Vertx vertx, Accounts accounts, Proxies proxies, ConnectionGuard guard, int perSession,
            io.firstline.board.BoardFollowers followers) {
        this.vertx = vertx;
        this.followers = followers;
        this.accounts = accounts;
        this.proxies = proxies;
        this.guard = guard;
        this.perSession = perSession;
        MessageConsumer<JsonObject> ended = Bus.listen(vertx, Bus.SESSIONS_ENDED, this::sessionsEnded);
        MessageConsumer<Long> revoked = Bus.listen(vertx, Bus.KIOSK_REVOKED, this::kioskRevoked);
        Bus.listen(vertx, Bus.CLUSTER_REJOINED, none -> greetAgain());
        this.listening = Future.all(ended.completion(), revoked.completion()).mapEmpty();
        vertx.setPeriodic(accounts.recheckEvery().toMillis(), id -> recheckSessions());
    }

    /**
     * Closes the sockets whose session has ended unnoticed (idle, or its agent deactivated) and moves the idle deadline
     * of the others. All at once: a timer per socket, started in the burst of a restart's reconnections, sent thousands
     * of checks to the database in the same second every minute, and the screen pops queued behind them.
     */
    private void recheckSessions() {
        if (bySession.isEmpty()) {
            return;
        }
        List<String> sessions = List.copyOf(bySession.keySet());
        accounts.stillSignedIn(sessions).onSuccess(live -> sessions.stream().filter(s -> !live.contains(s))
                .forEach(s -> {
                    log.debug("session {}…: ended, its sockets close", s.substring(0, 8));
                    closeSockets(s);
                })).onFailure(e -> log.debug("open sockets' sessions not rechecked ({}): they stay open until the next try",
                        e.getMessage()));
    }

    /** Done once this hub hears the notices of ended sessions and revoked screens from every node. */
    Future<Void> listening() {
        return listening;
    }

    /**
     * Cluster mode: tells the node that builds the board which forms this node's sockets follow, when one starts to and
     * every {@link io.firstline.board.BoardFollowers#REMOTE_EVERY_MS} ms while any does.
     */
    WsHub announcingFollowers() {
        announcing = true;
        vertx.setPeriodic(io.firstline.board.BoardFollowers.REMOTE_EVERY_MS, id -> announceFollowers());
        return this;
    }

    private void announceFollowers() {
        boolean boards = followers.count(false) > 0;
        boolean wallScreens = followers.count(true) > 0;
        if (boards || wallScreens) {
            Bus.publish(vertx, Bus.BOARD_FOLLOWED, new JsonObject().put("boards", boards).put("wallScreens", wallScreens));
        }
    }

    /** Lets kiosk screens (wall boards) open a read-only socket that gets only the board. */
    WsHub kiosks(Kiosks k) {
        this.kiosks = k;
        return this;
    }

    int openSockets() {
        return open.get();
    }

    /** Handshakes refused because their session already held FIRSTLINE_WEBSOCKETS_PER_SESSION sockets. */
    long refusedOverCap() {
        return overCap.get();
    }

    /**
     * Decides on a WebSocket before it opens: only {@code /ws}, from this server's own origin, with a
     * live session; anything else is refused with the HTTP status that says why.
     */
    void handshake(ServerWebSocketHandshake h) {
        guard.handshake(h.remoteAddress());
        if (!"/ws".equals(h.path())) {
            reject(h, 404);
            return;
        }
        String peer = h.remoteAddress() == null ? null : h.remoteAddress().hostAddress();
        if (!sameOrigin(h.headers().get("Origin"), proxies.https(peer, h.isSsl(), h.headers()),
                proxies.host(peer, h.headers()))) {
            reject(h, 403);
            return;
        }
        Optional<String> token = token(h.headers());
        Optional<String> kiosk = kiosks == null ? Optional.empty() : Kiosks.token(h.headers());
        if (token.isEmpty() && kiosk.isPresent()) {
            String slot = "kiosk:" + kiosk.get();
            if (!take(h, slot)) {
                return;
            }
            h.accept().onSuccess(ws -> {
                Runnable[] cleanup = {() -> { }};
                ws.closeHandler(v -> {
                    release(slot);
                    cleanup[0].run();
                });
                ws.pause();
                kiosks.screen(kiosk.get()).onComplete(ar -> {
                    if (ws.isClosed()) {
                        return; // gone while its link was checked: nothing to set up or clean up
                    }
                    if (ar.failed() || ar.result().isEmpty()) {
                        ws.close(CLOSE_UNAUTHORIZED, "this kiosk link is no longer valid");
                        return;
                    }
                    cleanup[0] = openedKiosk(ws, kiosk.get(), ar.result().get().id());
                    ws.resume();
                });
            }).onFailure(e -> {
                release(slot);
                log.debug("WebSocket handshake failed: {}", e.getMessage());
            });
            return;
        }
        if (token.isEmpty()) {
            reject(h, 401);
            return;
        }
        String slot = "session:" + token.get();
        if (!take(h, slot)) {
            return;
        }
        // The handshake is decided at once; the session is then checked before anything is sent,
        // and a socket without a live session is closed with 4401.
        h.accept().onSuccess(ws -> {
            Runnable[] cleanup = {() -> { }};
            ws.closeHandler(v -> {
                release(slot);
                cleanup[0].run();
            });
            ws.pause();
            accounts.authenticate(token.get()).onComplete(ar -> {
                if (ws.isClosed()) {
                    return; // gone while its session was checked: nothing to set up or clean up
                }
                if (ar.failed() || ar.result().isEmpty()) {
                    ws.close(CLOSE_UNAUTHORIZED, "sign in first");
                    return;
                }
                cleanup[0] = opened(ws, ar.result().get(), token.get());
                ws.resume();
            });
        }).onFailure(e -> {
            release(slot);
            log.debug("WebSocket handshake failed: {}", e.getMessage());
        });
    }

    /**
     * Counts one more socket for a session or kiosk link, or refuses the handshake with 429 when it
     * already holds its maximum; the session's other sockets are untouched.
     */
    private boolean take(ServerWebSocketHandshake h, String slot) {
        int n = held.getOrDefault(slot, 0);
        if (n >= perSession) {
            overCap.incrementAndGet();
            long now = System.currentTimeMillis();
            if (now - lastWarning >= WARN_EVERY_MS) {
                lastWarning = now;
                log.warn("a session already holds {} WebSockets (FIRSTLINE_WEBSOCKETS_PER_SESSION); refused {} so far",
                        n, overCap.get());
            }
            reject(h, 429);
            return false;
        }
        held.put(slot, n + 1);
        return true;
    }

    private void release(String slot) {
        held.computeIfPresent(slot, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void reject(ServerWebSocketHandshake h, int status) {
        h.reject(status);
        guard.handshakeRefused(h.remoteAddress());
    }

    /** The token of a handshake: the bearer header, else the session cookie. */
    static Optional<String> token(MultiMap headers) {
        String auth = headers.get("Authorization");
        if (auth != null) {
            return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? Optional.of(auth.substring(7).strip()) : Optional.empty();
        }
        for (String cookieHeader : headers.getAll("Cookie")) {
            for (String part : cookieHeader.split(";")) {
                String p = part.strip();
                if (p.startsWith(SessionApi.COOKIE + "=")) {
                    return Optional.of(p.substring(SessionApi.COOKIE.length() + 1));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Tells every node that this session has signed out: each closes its sockets (runs on the web event loop, after the
     * session was deleted).
     */
    public void closeSession(String token) {
        Bus.publish(vertx, Bus.SESSIONS_ENDED, new JsonObject().put("session", Accounts.hash(token)));
    }

    /**
     * Tells every node that this person's sessions have ended but {@code keepToken}'s (null: all): deactivated, a new
     * role or password. Each closes their sockets at once. Runs on the web event loop, after the database change.
     */
    public void closeAgent(long agentId, String keepToken) {
        JsonObject body = new JsonObject().put("agent", agentId);
        if (keepToken != null) {
            body.put("keep", Accounts.hash(keepToken));
        }
        Bus.publish(vertx, Bus.SESSIONS_ENDED, body);
    }

    /**
     * On every node: forgets the ended sessions this node trusts from memory (so that they are not let in again for
     * the seconds of that cache) and closes their sockets.
     */
    private void sessionsEnded(JsonObject ended) {
        String session = ended.getString("session");
        if (session != null) {
            accounts.forgetSession(session);
            closeSockets(session);
            return;
        }
        long agentId = ended.getLong("agent");
        String keep = ended.getString("keep");
        accounts.forget(agentId);
        List<String> sessions = sessionAgent.entrySet().stream().filter(e -> e.getValue() == agentId)
                .map(java.util.Map.Entry::getKey).filter(h -> !h.equals(keep)).toList();
        sessions.forEach(this::closeSockets);
    }

    private void closeSockets(String tokenHash) {
        java.util.Set<ServerWebSocket> sockets = bySession.remove(tokenHash);
        sessionAgent.remove(tokenHash);
        if (sockets != null) {
            sockets.forEach(ws -> ws.close(CLOSE_UNAUTHORIZED, "signed out"));
        }
    }

    /** On every node: a revoked screen is no longer trusted from memory, and its sockets close. */
    private void kioskRevoked(long kioskId) {
        if (kiosks != null) {
            kiosks.forget();
        }
        java.util.Set<ServerWebSocket> sockets = byKiosk.remove(kioskId);
        if (sockets != null) {
            sockets.forEach(ws -> ws.close(CLOSE_UNAUTHORIZED, "this kiosk link is no longer valid"));
        }
    }

    /** Sets up a desktop's socket; returns what its close undoes. */
    private Runnable opened(ServerWebSocket ws, Agent agent, String token) {
        open.incrementAndGet();
        String session = Accounts.hash(token);
        bySession.computeIfAbsent(session, t -> new java.util.HashSet<>()).add(ws);
        sessionAgent.put(session, agent.id());
        MessageConsumer<JsonObject> consumer = Bus.listen(vertx, Bus.toAgent(agent.id()), msg -> {
            log.trace("to the desktop of {}: {}", agent.username(), msg.getString("type"));
            if (!ws.isClosed()) {
                ws.writeTextMessage(msg.encode());
            }
        });
        // "hello" once the desktop is listening; then its state and current call, which nothing missed.
        consumer.completion().onComplete(ready -> greet(ws, agent, false));
        desktops.put(ws, agent);
        // A supervisor's socket gets the board once it asks ({"type": "board.follow"}): the board page does, the desk does not.
        Runnable[] board = {null};
        long pinger = keepAlive(ws);
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
            } else if ("board.follow".equals(type)) {
                if (!agent.role().atLeast(io.firstline.auth.Role.SUPERVISOR)) {
                    ws.writeTextMessage(error("the board needs the supervisor role"));
                } else if (board[0] == null) {
                    board[0] = followBoard(ws, false);
                }
            } else {
                ws.writeTextMessage(error("unknown message type '" + clip(type) + "'"));
            }
        });
        ws.binaryMessageHandler(b -> ws.writeTextMessage(error("binary frames are not understood")));
        ws.exceptionHandler(e -> log.debug("WebSocket of agent {}: {}", agent.id(), e.getMessage()));
        return () -> {
            open.decrementAndGet();
            desktops.remove(ws);
            java.util.Set<ServerWebSocket> sockets = bySession.get(session);
            if (sockets != null && sockets.remove(ws) && sockets.isEmpty()) {
                bySession.remove(session);
                sessionAgent.remove(session);
            }
            vertx.cancelTimer(pinger);
            consumer.unregister();
            if (board[0] != null) {
                board[0].run();
            }
        };
    }

    /**
     * "hello", then the agent's state and current call: the desktop keeps the call it shows only if the call is among
     * them (docs/calls.md). Greeted {@code again} on an open socket, it gets "hello" only with its state and call in
     * hand, so that a call still up is never taken for ended when they cannot be had.
     */
    private void greet(ServerWebSocket ws, Agent agent, boolean again) {
        String hello = new JsonObject().put("type", "hello").put("agent", agent.json()).encode();
        if (!again && !ws.isClosed()) {
            ws.writeTextMessage(hello);
        }
        snapshot(agent, again ? GREET_AGAIN_TRIES : 1).onSuccess(reply -> {
            if (ws.isClosed()) {
                return;
            }
            if (again) {
                ws.writeTextMessage(hello);
            }
            reply.forEach(o -> ws.writeTextMessage(((JsonObject) o).encode()));
        }).onFailure(e -> log.debug("no desk snapshot for agent {}: {}", agent.id(), e.getMessage()));
    }

    /**
     * The agent's state and current call from the node that follows the PBXs; asked up to {@code tries} times a second
     * apart (just after the cluster heals, that node's answer may not be reachable yet).
     */
    private Future<io.vertx.core.json.JsonArray> snapshot(Agent agent, int tries) {
        return Bus.ask(vertx, Bus.DESK_SNAPSHOT, agent.id()).recover(e -> {
            if (tries <= 1) {
                return Future.failedFuture(e);
            }
            io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
            vertx.setTimer(1000, id -> later.complete());
            return later.future().compose(v -> snapshot(agent, tries - 1));
        });
    }

    /** Cluster mode, joined again after a node was lost: what crossed the bus meanwhile may be lost or stale. */
    private void greetAgain() {
        log.info("Cluster joined again: the state and current call of {} desktops sent anew", desktops.size());
        java.util.Map.copyOf(desktops).forEach((ws, agent) -> greet(ws, agent, true));
    }

    /** Pings the socket now and then (the browser answers by itself), so that a quiet one is not idle. */
    private long keepAlive(ServerWebSocket ws) {
        // Each socket's first ping at its own moment: the sockets that reconnect together after a restart must not be
        // pinged together, thousands in one turn of the event loop, every half minute.
        long first = 1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(PING_MS);
        return vertx.setPeriodic(first, PING_MS, id -> {
            if (!ws.isClosed()) {
                ws.writePing(io.vertx.core.buffer.Buffer.buffer());
            }
        });
    }

    /** A wall screen's socket: the board's updates only; anything it sends is ignored but a ping. */
    private Runnable openedKiosk(ServerWebSocket ws, String kioskToken, long kioskId) {
        open.incrementAndGet();
        byKiosk.computeIfAbsent(kioskId, id -> new java.util.HashSet<>()).add(ws);
        Runnable board = followBoard(ws, true);
        long timer = vertx.setPeriodic(RECHECK_MS, id -> kiosks.screen(kioskToken).onSuccess(still -> {
            if (still.isEmpty() && !ws.isClosed()) {
                ws.close(CLOSE_UNAUTHORIZED, "this kiosk link is no longer valid");
            }
        }));
        long pinger = keepAlive(ws);
        ws.textMessageHandler(text -> {
            if (text.contains("\"ping\"")) {
                ws.writeTextMessage(new JsonObject().put("type", "pong").encode());
            }
        });
        ws.exceptionHandler(e -> log.debug("kiosk WebSocket: {}", e.getMessage()));
        return () -> {
            open.decrementAndGet();
            java.util.Set<ServerWebSocket> sockets = byKiosk.get(kioskId);
            if (sockets != null && sockets.remove(ws) && sockets.isEmpty()) {
                byKiosk.remove(kioskId);
            }
            vertx.cancelTimer(pinger);
            board.run();
        };
    }

    /**
     * Sends the board to a supervisor's or kiosk's socket (a wall screen's without who is calling): the whole board
     * ({@code board.update}) at once, then each coalesced {@code board.delta} that follows the one it has. A socket
     * that cannot keep up skips deltas, and once it can, gets the whole board again. Returns what stops it.
     */
    private Runnable followBoard(ServerWebSocket ws, boolean wallScreen) {
        // Counted before the first board is asked for, so that no change after it goes unpublished.
        Runnable unfollow = followers.follow(wallScreen);
        if (announcing) {
            announceFollowers(); // before the question: the node that builds the board learns of it first
        }
        long[] has = {-1}; // the number of the board this socket has; -1 while it has none it can build on
        boolean[] asking = {false};
        Runnable whole = () -> {
            if (asking[0]) {
                return;
            }
            asking[0] = true;
            Bus.ask(vertx, Bus.BOARD_FOLLOW, wallScreen).onComplete(ar -> {
                asking[0] = false;
                if (ar.failed()) {
                    log.debug("no board: {}", ar.cause().getMessage());
                } else if (!ws.isClosed() && !ws.writeQueueFull() && ar.result().getLong("seq") > has[0]) {
                    ws.writeTextMessage(ar.result().getString("text"));
                    has[0] = ar.result().getLong("seq");
                }
            });
        };
        MessageConsumer<String> updates = Bus.listenNumbered(vertx, wallScreen ? Bus.WALL_SCREEN_UPDATES : Bus.BOARD_UPDATES,
                (frame, seq) -> {
                    if (ws.isClosed() || seq <= has[0]) {
                        return;
                    }
                    if (has[0] == seq - 1 && !ws.writeQueueFull()) {
                        ws.writeTextMessage(frame);
                        has[0] = seq;
                    } else if (has[0] != -1 && ws.writeQueueFull()) {
                        has[0] = -1;
                    } else if (!ws.writeQueueFull()) {
                        whole.run();
                    }
                });
        updates.completion().onComplete(ready -> whole.run());
        return () -> {
            unfollow.run();
            updates.unregister();
        };
    }

    private static String error(String detail) {
        return new JsonObject().put("type", "error").put("detail", detail).encode();
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /**
     * True when there is no Origin (not a browser) or it is this server's own origin as the client
     * reached it: the same scheme ({@code https} through TLS here or at a trusted proxy) and host and
     * port (the scheme's default when none is written).
     */
    static boolean sameOrigin(String origin, boolean https, String host) {
        if (origin == null) {
            return true;
        }
        if (host == null) {
            return false;
        }
        try {
            URI o = URI.create(origin);
            URI h = URI.create((https ? "https" : "http") + "://" + host);
            String scheme = https ? "https" : "http";
            return scheme.equalsIgnoreCase(o.getScheme()) && o.getHost() != null && h.getHost() != null
                    && o.getHost().equalsIgnoreCase(h.getHost()) && port(o) == port(h);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
