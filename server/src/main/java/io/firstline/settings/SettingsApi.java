package io.firstline.settings;

import io.firstline.auth.Agent;
import io.firstline.auth.Role;
import io.firstline.bus.Bus;
import io.firstline.config.RunTimeRules;
import io.firstline.config.Settings;
import io.firstline.web.ApiException;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/settings}: the run-time settings, which administrators change (each change audited and in force at
 * once, on every node), and the settings fixed at start, shown read-only and never with a secret. Supervisors may
 * read. Runs on the web verticle's event loop.
 */
public final class SettingsApi {

    private static final Set<String> THRESHOLDS = Set.of("serviceLevelSeconds", "waiting", "longestWaitSeconds",
            "serviceLevelPercent");
    private static final Set<String> PAIR = Set.of("amber", "red");
    private static final Set<String> QUEUE_THRESHOLDS = Set.of("queue", "serviceLevelSeconds", "waiting", "longestWaitSeconds",
            "serviceLevelPercent");

    private final Vertx vertx;
    private final SettingsStore store;
    private final CurrentSettings current;
    private final Settings start;

    public SettingsApi(Vertx vertx, SettingsStore store, CurrentSettings current, Settings start) {
        this.vertx = vertx;
        this.store = store;
        this.current = current;
        this.start = start;
    }

    public void mount(Router r) {
        r.get("/api/settings").handler(this::get);
        r.put("/api/settings/pause-reasons").handler(this::pauseReasons);
        r.put("/api/settings/queues").handler(this::queues);
        r.put("/api/settings/thresholds").handler(this::thresholds);
    }

    private void get(RoutingContext ctx) {
        Http.require(ctx, Role.SUPERVISOR);
        Http.ok(ctx, json(current.now()));
    }

    private void pauseReasons(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        Input in = Input.of(ctx, Set.of("pauseReasons"));
        List<String> given = in.texts("pauseReasons", RunTimeRules.MAX_PAUSE_REASONS, 200)
                .orElseThrow(() -> in.bad("pauseReasons", "required: a list of reasons, e.g. [\"break\", \"lunch\"]"));
        List<String> reasons = rule("pauseReasons", () -> RunTimeRules.pauseReasons(given));
        changed(ctx, store.replacePauseReasons(reasons, me.id()));
    }

    private void queues(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        Input in = Input.of(ctx, Set.of("queues"));
        List<String> given = in.texts("queues", RunTimeRules.MAX_DESK_QUEUES, 200)
                .orElseThrow(() -> in.bad("queues", "required: a list of queue names, e.g. [\"helpdesk\"]"));
        List<String> queues = rule("queues", () -> RunTimeRules.deskQueues(given));
        changed(ctx, store.replaceDeskQueues(queues, me.id()));
    }

    /** The defaults and the whole list of queues with their own thresholds: a queue left out takes the defaults. */
    private void thresholds(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        Input in = Input.of(ctx, Set.of("defaults", "queues"));
        Settings.Thresholds defaults = thresholds(in.object("defaults", THRESHOLDS)
                .orElseThrow(() -> in.bad("defaults", "required: the thresholds of every queue")), "defaults");
        Map<String, Settings.Thresholds> queues = new LinkedHashMap<>();
        List<Input> own = in.objects("queues", RunTimeRules.MAX_QUEUE_THRESHOLDS, QUEUE_THRESHOLDS).orElse(List.of());
        for (int i = 0; i < own.size(); i++) {
            Input q = own.get(i);
            String field = "queues[" + i + "]";
            String name = q.requiredText("queue", 80);
            RunTimeRules.queueName(name).ifPresent(why -> {
                throw q.bad("queue", why);
            });
            String key = Settings.Board.normalQueue(name);
            if (queues.containsKey(key)) {
                throw q.bad("queue", "'" + name + "' is listed twice (names match in any case, - and _ alike)");
            }
            queues.put(key, thresholds(q, field));
        }
        changed(ctx, store.replaceThresholds(defaults, queues, start.board().kioskDays(), me.id()));
    }

    private static Settings.Thresholds thresholds(Input in, String field) {
        int sl = (int) (long) in.wholeNumber("serviceLevelSeconds", RunTimeRules.SL_SECONDS_MIN, RunTimeRules.SL_SECONDS_MAX)
                .orElseThrow(() -> in.bad("serviceLevelSeconds", "required"));
        int[] w = pair(in, "waiting", RunTimeRules.WAITING_MAX);
        int[] l = pair(in, "longestWaitSeconds", RunTimeRules.LONGEST_WAIT_MAX);
        int[] p = pair(in, "serviceLevelPercent", 100);
        try {
            return RunTimeRules.thresholds(new Settings.Thresholds(sl, w[0], w[1], l[0], l[1], p[0], p[1]));
        } catch (RunTimeRules.Broken e) {
            throw ApiException.badField(field + "." + e.part(), e.getMessage());
        }
    }

    private static int[] pair(Input in, String field, int max) {
        Input p = in.object(field, PAIR).orElseThrow(() -> in.bad(field, "required: {\"amber\": …, \"red\": …}"));
        return new int[] {
            (int) (long) p.wholeNumber("amber", 0, max).orElseThrow(() -> p.bad("amber", "required")),
            (int) (long) p.wholeNumber("red", 0, max).orElseThrow(() -> p.bad("red", "required"))};
    }

    private static <T> T rule(String field, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (RunTimeRules.Broken e) {
            throw ApiException.badField(field, e.getMessage());
        }
    }

    /** Once written: this node uses it at once, every node is told, and the answer is what is now in force. */
    private <T> void changed(RoutingContext ctx, Future<SettingsStore.Change<T>> written) {
        written.compose(c -> current.reload()).onComplete(Http.reply(ctx, now -> {
            Bus.publish(vertx, Bus.SETTINGS_CHANGED, null);
            Http.ok(ctx, json(now));
        }));
    }

    private JsonObject json(RunSettings s) {
        JsonArray own = new JsonArray();
        s.board().queues().forEach((q, t) -> own.add(thresholds(t).put("queue", q)));
        return new JsonObject().put("pauseReasons", new JsonArray(s.pauseReasons()))
                .put("queues", new JsonArray(s.deskQueues()))
                .put("thresholds", new JsonObject().put("defaults", thresholds(s.board().defaults())).put("queues", own))
                .put("startOnly", startOnly());
    }

    static JsonObject thresholds(Settings.Thresholds t) {
        return new JsonObject().put("serviceLevelSeconds", t.serviceLevelSeconds())
                .put("waiting", new JsonObject().put("amber", t.waitingAmber()).put("red", t.waitingRed()))
                .put("longestWaitSeconds", new JsonObject().put("amber", t.longestWaitAmber()).put("red", t.longestWaitRed()))
                .put("serviceLevelPercent", new JsonObject().put("amber", t.serviceLevelAmber()).put("red", t.serviceLevelRed()));
    }

    /** What only a restart changes, as the environment (or the settings file) gave it; never a password or secret. */
    private JsonArray startOnly() {
        JsonArray rows = new JsonArray();
        Settings s = start;
        row(rows, "Web server address", "FIRSTLINE_HTTP_HOST, FIRSTLINE_HTTP_PORT", s.httpHost() + ":" + s.httpPort());
        row(rows, "HTTPS", "FIRSTLINE_TLS_CERT_FILE, FIRSTLINE_TLS_KEY_FILE",
                s.web().tls().map(t -> "on (" + t.certFile() + ")").orElse("off"));
        row(rows, "Trusted proxies", "FIRSTLINE_TRUSTED_PROXIES",
                s.web().trustedProxies().isEmpty() ? "none" : String.join(", ", s.web().trustedProxies()));
        row(rows, "Database", "FIRSTLINE_DB_URL, FIRSTLINE_DB_USER", s.externalDb()
                .map(x -> x.url().replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***") + " (user " + x.user() + ")").orElse("embedded MariaDB in the data directory"));
        row(rows, "Data directory", "FIRSTLINE_DATA_DIR", s.dataDir().toString());
        row(rows, "Database connections", "FIRSTLINE_DB_POOL_SIZE", String.valueOf(s.dbPoolSize()));
        if (s.pbxs().isEmpty()) {
            row(rows, "PBX", "FIRSTLINE_AMI_HOST", "none configured");
        }
        for (Settings.Pbx p : s.pbxs()) {
            row(rows, "PBX " + p.name(), "FIRSTLINE_AMI_* or PBX." + p.name() + ".*",
                    p.host() + ":" + p.port() + " (AMI user " + p.user() + ")");
        }
        row(rows, "Phone menu (FastAGI)", "FIRSTLINE_AGI_HOST, FIRSTLINE_AGI_PORT", s.agiHost() + ":" + s.agiPort());
        row(rows, "Time zone", "FIRSTLINE_TIMEZONE", s.timezone().getId());
        row(rows, "Phone number region", "FIRSTLINE_PHONE_REGION", s.phoneRegion());
        row(rows, "Session ends after idle", "FIRSTLINE_SESSION_IDLE_MINUTES", s.sessionIdle().toMinutes() + " min");
        row(rows, "Pause for wrap-up", "FIRSTLINE_WRAPUP_PAUSE", s.desk().wrapupPause() ? "yes" : "no");
        row(rows, "Call-back context", "FIRSTLINE_CALLBACK_CONTEXT", s.desk().callbackContext());
        row(rows, "Transfer context", "FIRSTLINE_TRANSFER_CONTEXT", s.desk().transferContext());
        row(rows, "Call-back claim", "FIRSTLINE_CALLBACK_CLAIM_MINUTES", s.desk().callbackClaim().toMinutes() + " min");
        row(rows, "Wall screen links last", "FIRSTLINE_KIOSK_DAYS", s.board().kioskDays() + " days");
        row(rows, "Wrong PINs before the lock", "FIRSTLINE_PIN_FAILURES", String.valueOf(s.phoneMenu().pinFailures()));
        row(rows, "PIN lock", "FIRSTLINE_PIN_LOCK_MINUTES", s.phoneMenu().pinWindow().toMinutes() + " min");
        row(rows, "Metrics (/metrics)", "FIRSTLINE_METRICS_ENABLED", s.metricsEnabled() ? "on" : "off");
        row(rows, "Connections per client address", "FIRSTLINE_HTTP_MAX_CONNECTIONS_PER_ADDRESS",
                String.valueOf(s.web().maxConnectionsPerAddress()));
        row(rows, "WebSockets per session", "FIRSTLINE_WEBSOCKETS_PER_SESSION", String.valueOf(s.web().webSocketsPerSession()));
        return rows;
    }

    private static void row(JsonArray rows, String name, String variable, String value) {
        rows.add(new JsonObject().put("name", name).put("variable", variable).put("value", value));
    }
}
