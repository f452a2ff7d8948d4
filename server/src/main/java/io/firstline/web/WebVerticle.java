package io.firstline.web;

import io.firstline.audit.AuditStore;
import io.firstline.auth.Accounts;
import io.firstline.auth.AgentStore;
import io.firstline.auth.AgentsApi;
import io.firstline.auth.KioskStore;
import io.firstline.auth.SessionApi;
import io.firstline.board.BoardApi;
import io.firstline.callers.CallerStore;
import io.firstline.callers.CallersApi;
import io.firstline.config.ConfigException;
import io.firstline.config.Settings;
import io.firstline.db.Database;
import io.firstline.db.DuplicateException;
import io.firstline.db.UnknownReferenceException;
import io.firstline.desk.DeskApi;
import io.firstline.desk.DeskStore;
import io.firstline.desk.OutcomeStore;
import io.firstline.kb.KbApi;
import io.firstline.kb.KbStore;
import io.firstline.phone.PhoneNumbers;
import io.firstline.records.CallStore;
import io.firstline.records.CallsApi;
import io.firstline.reports.KpiStore;
import io.firstline.reports.ReportsApi;
import io.firstline.settings.CurrentSettings;
import io.firstline.settings.SettingsApi;
import io.firstline.settings.SettingsStore;
import io.firstline.telephony.PbxCommands;
import io.firstline.telephony.PbxHealth;
import io.firstline.tickets.TicketStore;
import io.firstline.tickets.TicketsApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: pages, JSON API, health and the WebSocket. Runs on its event loop. */
public final class WebVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(WebVerticle.class);
    private static final long MAX_BODY = 256 * 1024;
    /** Pages run only this server's own scripts and styles: nothing inline, nothing from elsewhere. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    /** What the HTTP server needs from the rest of Firstline. */
    public record Services(Database db, AgentStore agents, CallerStore callers, TicketStore tickets, KbStore kb,
            CallStore calls, OutcomeStore outcomes, DeskStore desk, KpiStore kpis, Accounts accounts, PhoneNumbers phones,
            Supplier<List<PbxHealth>> pbxHealth, PbxCommands pbx, Settings settings, SettingsStore runSettings,
            CurrentSettings current) {
    }

    /**
     * What the supervisors' board and the metrics need: the audit log, kiosk screens, and the
     * Prometheus text (null when FIRSTLINE_METRICS_ENABLED is false: /metrics is then 404), and where the sockets
     * following the board are counted for the board to see.
     */
    public record BoardServices(AuditStore audit, KioskStore kiosks, Supplier<String> metrics,
            io.firstline.board.BoardFollowers followers, Optional<Supplier<JsonArray>> clusterMembers) {
    }

    private final String host;
    private final int port;
    private final Services s;
    private final BoardServices board;
    private HttpServer server;
    private WsHub hub;
    private ConnectionGuard guard;

    public WebVerticle(String host, int port, Services services, BoardServices board) {
        this.host = host;
        this.port = port;
        this.s = services;
        this.board = board;
    }

    /** WebSockets open now (desktops, boards and kiosk screens). */
    public int openWebSockets() {
        return hub == null ? 0 : hub.openSockets();
    }

    /**
     * What the limits against abuse refused so far, by reason: {@code connections-per-address},
     * {@code request-head-timeout}, {@code websockets-per-session}.
     */
    public long refused(String reason) {
        return switch (reason) {
            case REFUSED_CONNECTIONS -> guard == null ? 0 : guard.refusedOverCap();
            case REFUSED_SLOW_HEAD -> guard == null ? 0 : guard.closedSlowHeads();
            case REFUSED_WEBSOCKETS -> hub == null ? 0 : hub.refusedOverCap();
            default -> throw new IllegalArgumentException(reason);
        };
    }

    public static final String REFUSED_CONNECTIONS = "connections-per-address";
    public static final String REFUSED_SLOW_HEAD = "request-head-timeout";
    public static final String REFUSED_WEBSOCKETS = "websockets-per-session";
    public static final List<String> REFUSALS = List.of(REFUSED_CONNECTIONS, REFUSED_SLOW_HEAD, REFUSED_WEBSOCKETS);

    @Override
    public Future<?> start() {
        Settings.Web web = s.settings().web();
        HttpServerOptions options = new HttpServerOptions().setMaxWebSocketFrameSize(64 * 1024)
                .setMaxWebSocketMessageSize(64 * 1024)
                // Bounded request heads, and connections closed after a time with no traffic either way.
                .setMaxInitialLineLength(4096).setMaxHeaderSize(8192)
                .setIdleTimeout(web.idleSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS)
                // No HTTP/2 over plain TCP: its detection would hold a connection back from the
                // connection handler (and so from the limits) until its whole first request head came.
                .setHttp2ClearTextEnabled(false);
        if (web.tls().isPresent()) {
            PemKeyCertOptions pem = new PemKeyCertOptions().setCertPath(web.tls().get().certFile().toString())
                    .setKeyPath(web.tls().get().keyFile().toString());
            try {
                pem.getKeyManagerFactory(vertx);
            } catch (Exception e) {
                return Future.failedFuture(new ConfigException("FIRSTLINE_TLS_CERT_FILE / FIRSTLINE_TLS_KEY_FILE: "
                        + "not a PEM certificate and its private key (" + String.valueOf(e.getMessage()).replace('\n', ' ') + ")"));
            }
            options.setSsl(true).setKeyCertOptions(pem);
        }
        Proxies proxies = new Proxies(web.trustedProxies());
        guard = new ConnectionGuard(vertx, proxies, web.maxConnectionsPerAddress(), web.requestHeadSeconds());
        Router router = Router.router(vertx);
        router.route().handler(guard::request);
        router.route().handler(ctx -> {
            String peer = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
            ctx.put(Http.HTTPS, proxies.https(peer, ctx.request().isSSL(), ctx.request().headers()));
            ctx.put(Http.CLIENT, peer == null ? "?" : proxies.client(peer, ctx.request().headers()));
            ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("Content-Security-Policy", CSP).putHeader("X-Frame-Options", "DENY")
                    .putHeader("Cache-Control", "no-store");
            ctx.next();
        });
        router.get("/health").handler(this::health);
        Pages.mount(router);
        WsHub ws = new WsHub(vertx, s.accounts(), proxies, guard, web.webSocketsPerSession(), board.followers());
        hub = ws;
        if (s.settings().cluster().enabled()) {
            ws.announcingFollowers();
        }
        Kiosks kiosks = new Kiosks(vertx, board.kiosks(), board.audit(), s.settings().board().kioskDays(), s.db().clock());
        ws.kiosks(kiosks);
        router.get("/metrics").handler(ctx -> {
            if (board.metrics() == null) {
                throw ApiException.notFound("metrics are turned off (FIRSTLINE_METRICS_ENABLED=false)");
            }
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(board.metrics().get());
        });
        // A CSV file may be larger than any other body; this limit comes first, so the next one lets it through.
        router.postWithRegex(Csv.IMPORTS).handler(BodyHandler.create(false).setBodyLimit(Csv.MAX_FILE_BYTES));
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        SessionApi sessions = new SessionApi(s.accounts(), s.settings(), () -> s.current().now().pauseReasons(),
                () -> s.current().now().deskQueues(), ws, s.db().clock());
        router.route("/api/*").handler(sessions::identify);
        router.route("/api/*").handler(SessionApi::checkCsrf);
        sessions.mount(router);
        new AgentsApi(vertx, s.agents(), s.accounts(), ws, board.audit(), () -> s.current().now().deskQueues()).mount(router);
        new SettingsApi(vertx, s.runSettings(), s.current(), s.settings()).mount(router);
        new CallersApi(vertx, s.callers(), s.phones()).mount(router);
        new TicketsApi(s.tickets()).mount(router);
        new KbApi(vertx, s.kb()).mount(router);
        new CallsApi(s.calls(), s.outcomes()).mount(router);
        new DeskApi(vertx, s.desk(), s.kpis(), s.agents(), s.callers(), s.phones(), s.pbx(), s.settings(), s.current(),
                s.db().clock())
                .mount(router);
        new ReportsApi(vertx, s.kpis(), s.settings().timezone(),
                q -> s.current().now().board().forQueue(q).serviceLevelSeconds()).mount(router);
        new BoardApi(vertx, s.agents(), board.audit(), s.pbx(), kiosks, s.current()).mount(router);
        kiosks.mount(router);
        router.route("/api/*").handler(ctx -> {
            throw ApiException.notFound("no API at " + ctx.request().method() + " " + ctx.request().path());
        });
        router.route().failureHandler(this::failure);
        // Sockets are taken only once this node hears every node's notices that close them.
        return ws.listening().compose(v -> vertx.createHttpServer(options).connectionHandler(guard::connected)
                .requestHandler(router)
                // WebSockets are decided before they open: the handshake handler accepts /ws for a live session.
                .webSocketHandshakeHandler(ws::handshake).webSocketHandler(socket -> { })
                .listen(port, host)).onSuccess(srv -> server = srv);
    }

    /** The port the server listens on (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void health(RoutingContext ctx) {
        s.db().healthy().timeout(2, java.util.concurrent.TimeUnit.SECONDS).recover(e -> Future.succeededFuture(false))
                .onSuccess(up -> {
                    JsonArray pbx = new JsonArray();
                    List<PbxHealth> links = s.pbxHealth().get();
                    if (links.isEmpty()) {
                        pbx.add(new JsonObject().put("name", "pbx").put("status", PbxHealth.Status.NOT_CONFIGURED.wire()));
                    }
                    for (PbxHealth l : links) {
                        JsonObject one = new JsonObject().put("name", l.name()).put("status", l.status().wire());
                        // Cluster mode: who follows the link; a link another node owns is as it should be here.
                        l.owner().ifPresent(o -> one.put("owner", o).put("owned", l.owned()));
                        pbx.add(one);
                    }
                    boolean pbxOk = links.stream().allMatch(PbxHealth::ok);
                    JsonObject out = new JsonObject().put("status", up && pbxOk ? "ok" : "degraded")
                            .put("database", new JsonObject().put("status", up ? "up" : "down"))
                            .put("pbx", pbx);
                    // Cluster mode: the members this node sees (itself among them); one alone is no failure.
                    board.clusterMembers().ifPresent(m -> out.put("cluster", new JsonObject().put("members", m.get())));
                    Http.ok(ctx, out);
                });
    }

    private void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        ApiException e;
        if (t instanceof ApiException api) {
            e = api;
        } else if (t instanceof DuplicateException d) {
            e = ApiException.conflict(d.field(), d.getMessage());
        } else if (t instanceof io.firstline.db.ConflictException c) {
            e = ApiException.conflict(c.field(), c.getMessage());
        } else if (t instanceof UnknownReferenceException u) {
            e = ApiException.badField(u.field(), u.getMessage());
        } else if (t == null && ctx.statusCode() == 413) {
            e = ctx.request().path().matches(Csv.IMPORTS)
                    ? new ApiException(413, "too-large", "file: the file is larger than " + Csv.MAX_FILE_BYTES / 1024
                            + " KiB; split it into smaller files", "file")
                    : new ApiException(413, "too-large", "the body is larger than " + MAX_BODY / 1024 + " KiB", null);
        } else if (t == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            e = new ApiException(ctx.statusCode(), "bad-request", "the request was refused", null);
        } else {
            log.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
            e = new ApiException(500, "internal", "something went wrong on the server; it has been logged", null);
        }
        if (ctx.response().ended()) {
            return;
        }
        JsonObject body = new JsonObject().put("error", e.error).put("detail", e.getMessage());
        if (e.field != null) {
            body.put("field", e.field);
        }
        Http.json(ctx, e.status, body);
    }
}
