package io.firstline;

import io.firstline.config.SettingsLoader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A Firstline server started on free ports against a fresh database, and a real HTTP client for it. */
public final class TestServer implements AutoCloseable {

    public static final String ADMIN_PASSWORD = "admin-password-for-tests";

    private final TestDatabase.Fresh db;
    private final boolean ownsDb;
    private final Firstline app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(TestDatabase.Fresh db, boolean ownsDb, Firstline app) {
        this.db = db;
        this.ownsDb = ownsDb;
        this.app = app;
    }

    public static TestServer start() {
        return start(Map.of());
    }

    public static TestServer start(Map<String, String> extraEnv) {
        return start(extraEnv, false, Clock.systemUTC());
    }

    /** A server on the given clock (see {@link TestClock}): its "now" and "today" are the clock's. */
    public static TestServer start(Map<String, String> extraEnv, Clock clock) {
        return start(extraEnv, false, clock);
    }

    /** As {@code java -jar firstline.jar --demo}: demo data, demo accounts and a simulated PBX with traffic. */
    public static TestServer demo() {
        return start(Map.of(), true, Clock.systemUTC());
    }

    /** As {@link #demo()}, on the given clock (see {@link TestClock}): the demo's month ends at its now. */
    public static TestServer demo(Clock clock) {
        return start(Map.of(), true, clock);
    }

    private static TestServer start(Map<String, String> extraEnv, boolean demo, Clock clock) {
        return start(extraEnv, demo, clock, java.util.function.UnaryOperator.identity());
    }

    /** @param dbUrl what the server is given as FIRSTLINE_DB_URL, from the fresh database's own URL (e.g. through a proxy) */
    private static TestServer start(Map<String, String> extraEnv, boolean demo, Clock clock,
            java.util.function.UnaryOperator<String> dbUrl) {
        TestDatabase.Fresh db = TestDatabase.fresh();
        try {
            return start(db, true, extraEnv, demo, clock, dbUrl);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static TestServer start(TestDatabase.Fresh db, boolean ownsDb, Map<String, String> extraEnv, boolean demo,
            Clock clock, java.util.function.UnaryOperator<String> dbUrl) {
        return start(db, ownsDb, extraEnv, demo, clock, dbUrl, io.firstline.cluster.LinkLease.Timing.standard());
    }

    /**
     * A node of a cluster (FIRSTLINE_CLUSTER=true, FIRSTLINE_NODE_ID {@code nodeId}) on a database the caller owns,
     * following the simulator's PBX while it holds its lease, with the given lease timing ({@code extraEnv} overrides
     * the cluster settings of {@link #clusterEnv}).
     */
    public static TestServer clusterNode(TestDatabase.Fresh db, io.firstline.sim.AmiSimulator pbx, Map<String, String> extraEnv,
            String nodeId, io.firstline.cluster.LinkLease.Timing leases, int clusterPort, List<Integer> memberPorts) {
        return clusterNode(db, pbx, extraEnv, nodeId, leases, clusterPort, memberPorts, Optional.empty());
    }

    /** As above, with a settings file besides (e.g. more PBXs, {@code PBX.<name>.*}, which only a file can name). */
    public static TestServer clusterNode(TestDatabase.Fresh db, io.firstline.sim.AmiSimulator pbx, Map<String, String> extraEnv,
            String nodeId, io.firstline.cluster.LinkLease.Timing leases, int clusterPort, List<Integer> memberPorts,
            Optional<java.nio.file.Path> settingsFile) {
        Map<String, String> env = new HashMap<>(clusterEnv(nodeId, clusterPort, memberPorts));
        env.putAll(pbxEnv(pbx, extraEnv));
        return start(db, false, env, false, Clock.systemUTC(), java.util.function.UnaryOperator.identity(), leases, settingsFile);
    }

    /**
     * The settings of a cluster node on loopback: membership on {@code clusterPort}, joining the members on
     * {@code memberPorts}, the event bus on any free port, the tests' secret.
     */
    public static Map<String, String> clusterEnv(String nodeId, int clusterPort, List<Integer> memberPorts) {
        return Map.of("FIRSTLINE_CLUSTER", "true", "FIRSTLINE_NODE_ID", nodeId, "FIRSTLINE_CLUSTER_HOST", "127.0.0.1",
                "FIRSTLINE_CLUSTER_PORT", Integer.toString(clusterPort), "FIRSTLINE_CLUSTER_BUS_PORT", "0",
                "FIRSTLINE_CLUSTER_MEMBERS", String.join(",", memberPorts.stream().map(p -> "127.0.0.1:" + p).toList()),
                "FIRSTLINE_CLUSTER_NAME", "firstline-tests", "FIRSTLINE_CLUSTER_SECRET", "the tests' cluster secret");
    }

    /** A TCP port free now (on loopback), for a server of a test to listen on. */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TestServer start(TestDatabase.Fresh db, boolean ownsDb, Map<String, String> extraEnv, boolean demo,
            Clock clock, java.util.function.UnaryOperator<String> dbUrl, io.firstline.cluster.LinkLease.Timing leases) {
        return start(db, ownsDb, extraEnv, demo, clock, dbUrl, leases, Optional.empty());
    }

    private static TestServer start(TestDatabase.Fresh db, boolean ownsDb, Map<String, String> extraEnv, boolean demo,
            Clock clock, java.util.function.UnaryOperator<String> dbUrl, io.firstline.cluster.LinkLease.Timing leases,
            Optional<java.nio.file.Path> settingsFile) {
        Map<String, String> env = new HashMap<>(db.env());
        env.put("FIRSTLINE_DB_URL", dbUrl.apply(db.url()));
        env.put("FIRSTLINE_HTTP_HOST", "127.0.0.1");
        env.put("FIRSTLINE_HTTP_PORT", "0");
        env.put("FIRSTLINE_AGI_PORT", "0");
        env.put("FIRSTLINE_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("FIRSTLINE_DB_POOL_SIZE", "4");
        env.putAll(extraEnv);
        return new TestServer(db, ownsDb, Firstline.start(SettingsLoader.load(env, settingsFile), demo, clock, leases));
    }

    /** A server whose PBX is the given simulator (user firstline, the simulator's default secret). */
    public static TestServer withPbx(io.firstline.sim.AmiSimulator pbx, Map<String, String> extraEnv) {
        return withPbx(pbx, extraEnv, Clock.systemUTC());
    }

    /** As {@link #withPbx(io.firstline.sim.AmiSimulator, Map)}, on the given clock. */
    public static TestServer withPbx(io.firstline.sim.AmiSimulator pbx, Map<String, String> extraEnv, Clock clock) {
        return start(pbxEnv(pbx, extraEnv), false, clock);
    }

    /**
     * As {@link #withPbx(io.firstline.sim.AmiSimulator, Map)}, the server reaching its database at
     * the URL {@code dbUrl} makes of the fresh database's own (the tests' own queries go direct).
     */
    public static TestServer withPbx(io.firstline.sim.AmiSimulator pbx, Map<String, String> extraEnv,
            java.util.function.UnaryOperator<String> dbUrl) {
        return start(pbxEnv(pbx, extraEnv), false, Clock.systemUTC(), dbUrl);
    }

    /**
     * As {@link #withPbx(io.firstline.sim.AmiSimulator, Map)}, on a database the caller owns: closing this server
     * leaves it, so that another server can start on it (a restart).
     */
    public static TestServer withPbxOn(TestDatabase.Fresh db, io.firstline.sim.AmiSimulator pbx, Map<String, String> extraEnv) {
        return withPbxOn(db, pbx, extraEnv, Clock.systemUTC());
    }

    /** As {@link #withPbxOn(TestDatabase.Fresh, io.firstline.sim.AmiSimulator, Map)}, on the given clock. */
    public static TestServer withPbxOn(TestDatabase.Fresh db, io.firstline.sim.AmiSimulator pbx, Map<String, String> extraEnv,
            Clock clock) {
        return start(db, false, pbxEnv(pbx, extraEnv), false, clock, java.util.function.UnaryOperator.identity());
    }

    /** The settings of a server whose PBX is the simulator (user firstline, the simulator's default secret), and more. */
    public static Map<String, String> pbxEnv(io.firstline.sim.AmiSimulator pbx, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of("FIRSTLINE_AMI_HOST", "127.0.0.1",
                "FIRSTLINE_AMI_PORT", String.valueOf(pbx.port()), "FIRSTLINE_AMI_USER", "firstline",
                "FIRSTLINE_AMI_SECRET", "firstline-secret"));
        env.putAll(extraEnv);
        return env;
    }

    /** Alice, Bob and Carol on the interfaces of the recorded traces (password: username + "-password"). */
    public void createTraceAgents(String adminToken) {
        createUser(adminToken, "alice", "Alice Agent", "agent", "Local/1001@agents/n");
        createUser(adminToken, "bob", "Bob Agent", "agent", "Local/1002@agents/n");
        createUser(adminToken, "carol", "Carol Agent", "agent", "Local/1003@agents/n");
    }

    /**
     * Creates a user through the admin API, with the password username + "-password"; {@code phoneInterface}
     * may be null (a supervisor or admin without a phone). Returns their id.
     */
    public long createUser(String adminToken, String username, String name, String role, String phoneInterface) {
        JsonObject body = new JsonObject().put("username", username).put("name", name).put("password", username + "-password")
                .put("role", role);
        if (phoneInterface != null) {
            body.put("interface", phoneInterface);
        }
        Reply r = post("/api/agents", adminToken, body);
        if (r.status() != 201) {
            throw new IllegalStateException("user " + username + ": " + r.status() + " " + r.json());
        }
        return r.json().getLong("id");
    }

    /** The first PBX link's status in /health. */
    public String pbxStatus() {
        return get("/health", null).json().getJsonArray("pbx").getJsonObject(0).getString("status");
    }

    /** Waits until the first PBX link's status is what {@code wanted} accepts. */
    public void awaitPbx(java.util.function.Predicate<String> wanted, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (wanted.test(pbxStatus())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the PBX link stayed " + pbxStatus());
    }

    /** One number from the test database, e.g. {@code SELECT COUNT(*) FROM callers}. */
    public long queryLong(String sql) {
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public TestDatabase.Fresh db() {
        return db;
    }

    public Firstline app() {
        return app;
    }

    public int port() {
        return app.httpPort();
    }

    /** An HTTP response with its body read as JSON (or null when it has none). */
    public record Reply(int status, JsonObject json, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Reply send(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            JsonObject json = text == null || text.isBlank() || !text.stripLeading().startsWith("{") ? null : new JsonObject(text);
            return new Reply(r.statusCode(), json, r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Reply post(String path, String token, JsonObject body) {
        return send("POST", path, token, body.encode());
    }

    public Reply patch(String path, String token, JsonObject body) {
        return send("PATCH", path, token, body.encode());
    }

    /** Signs in and returns the token. */
    public String login(String username, String password) {
        Reply r = post("/api/login", null, new JsonObject().put("username", username).put("password", password));
        if (r.status() != 200) {
            throw new IllegalStateException("login of " + username + " failed: " + r.status() + " " + r.json());
        }
        return r.json().getString("token");
    }

    public String loginAdmin() {
        return login("admin", ADMIN_PASSWORD);
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            if (ownsDb) {
                db.close();
            }
        }
    }
}
