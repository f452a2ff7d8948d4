package io.firstline.auth;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.TestServer.Reply;
import io.firstline.TestSockets;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("administering agents and changing one's own password, over the API")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {

    private TestServer server;
    private String admin;
    private long adminId;
    private Vertx vertx;
    private WebSocketClient sockets;

    @BeforeAll
    void start() {
        server = TestServer.start();
        admin = server.loginAdmin();
        adminId = server.get("/api/agents/me", admin).json().getLong("id");
        vertx = Vertx.vertx();
        sockets = vertx.createWebSocketClient();
    }

    @AfterAll
    void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (server != null) {
            server.close();
        }
    }

    private long create(String username, String name, String role) {
        Reply r = server.post("/api/agents", admin, new JsonObject().put("username", username).put("name", name)
                .put("password", username + "-password").put("role", role));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(201);
        return r.json().getLong("id");
    }

    /** A desktop's socket for {@code token}; the future completes with its close code. */
    private CompletableFuture<Short> socket(String token) throws Exception {
        CompletableFuture<Short> closed = new CompletableFuture<>();
        WebSocket ws = TestSockets.open(sockets, TestSockets.desk(server.port(), token), text -> { }, closed::complete)
                .get(10, TimeUnit.SECONDS);
        assertThat(ws.isClosed()).isFalse();
        return closed;
    }

    private static List<String> usernames(Reply r) {
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        return r.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("username")).toList();
    }

    @Test
    @DisplayName("agents are searched by a part of their username or name, in any case, paged; wildcards are plain text")
    void search() {
        create("search-hugo", "Hugo Lindqvist", "agent");
        create("search-iris", "Iris Lindgren", "supervisor");
        create("search-jon", "Jon 50% Smith", "agent");
        assertThat(usernames(server.get("/api/agents?q=LIND", admin))).containsExactly("search-hugo", "search-iris");
        assertThat(usernames(server.get("/api/agents?q=search-j", admin))).containsExactly("search-jon");
        assertThat(usernames(server.get("/api/agents?q=50%25", admin))).containsExactly("search-jon");
        assertThat(usernames(server.get("/api/agents?q=%25", admin))).containsExactly("search-jon");
        assertThat(usernames(server.get("/api/agents?q=_", admin))).isEmpty();
        Reply page = server.get("/api/agents?q=search&limit=2&offset=2", admin);
        assertThat(usernames(page)).containsExactly("search-jon");
        assertThat(page.json().getLong("total")).isEqualTo(3);
        assertRefused(server.get("/api/agents?q=" + "x".repeat(101), admin), 400, "q");
    }

    @Test
    @DisplayName("deactivating an agent ends their sessions and closes their open socket at once; reactivating lets them in again")
    void deactivate() throws Exception {
        long kim = create("kim", "Kim Agent", "agent");
        String token = server.login("kim", "kim-password");
        CompletableFuture<Short> closed = socket(token);
        assertThat(server.get("/api/agents/me", token).status()).isEqualTo(200);

        Reply off = server.patch("/api/agents/" + kim, admin, new JsonObject().put("active", false));
        assertThat(off.status()).isEqualTo(200);
        assertThat(off.json().getBoolean("active")).isFalse();
        // At once: not at the socket's next check of its session, a minute later.
        assertThat(closed.get(3, TimeUnit.SECONDS)).isEqualTo((short) 4401);
        assertRefused(server.get("/api/agents/me", token), 401, null);
        assertRefused(server.post("/api/login", null, new JsonObject().put("username", "kim").put("password", "kim-password")),
                401, null);

        assertThat(server.patch("/api/agents/" + kim, admin, new JsonObject().put("active", true)).status()).isEqualTo(200);
        assertThat(server.login("kim", "kim-password")).isNotBlank();
        assertThat(audit(kim)).containsExactly("agent.reactivate by admin", "agent.deactivate by admin",
                "agent.create by admin: role agent");
    }

    /** The audit log's entries about one agent, newest first, as "action by actor: detail". */
    private List<String> audit(long agentId) {
        Reply r = server.get("/api/audit?agentId=" + agentId, admin);
        assertThat(r.status()).isEqualTo(200);
        return r.json().getJsonArray("items").stream().map(o -> (JsonObject) o)
                .map(e -> e.getString("action") + " by " + e.getJsonObject("actor").getString("username")
                        + (e.getString("detail") == null ? "" : ": " + e.getString("detail")))
                .toList();
    }

    @Test
    @DisplayName("an administrator cannot deactivate themselves or drop their own role; nothing changes")
    void noSelfLockout() {
        assertRefused(server.patch("/api/agents/" + adminId, admin, new JsonObject().put("active", false)), 400, "active");
        assertRefused(server.patch("/api/agents/" + adminId, admin, new JsonObject().put("role", "supervisor")), 400, "role");
        JsonObject me = server.get("/api/agents/me", admin).json();
        assertThat(me.getBoolean("active")).isTrue();
        assertThat(me.getString("role")).isEqualTo("admin");
    }

    @Test
    @DisplayName("an administrator resets a password to a generated one (shown once) or to one they choose; the agent's sessions end")
    void resetPassword() throws Exception {
        long lea = create("lea", "Lea Agent", "agent");
        String token = server.login("lea", "lea-password");
        CompletableFuture<Short> closed = socket(token);

        Reply generated = server.post("/api/agents/" + lea + "/password", admin, new JsonObject().put("generate", true));
        assertThat(generated.status()).as(String.valueOf(generated.json())).isEqualTo(200);
        String password = generated.json().getString("password");
        assertThat(password).hasSize(16);
        assertThat(generated.json().getJsonObject("agent").getString("username")).isEqualTo("lea");
        assertThat(closed.get(3, TimeUnit.SECONDS)).isEqualTo((short) 4401);
        assertRefused(server.get("/api/agents/me", token), 401, null);
        assertThat(server.login("lea", password)).isNotBlank();
        assertRefused(server.post("/api/login", null, new JsonObject().put("username", "lea").put("password", "lea-password")),
                401, null);

        Reply chosen = server.post("/api/agents/" + lea + "/password", admin, new JsonObject().put("password", "violet-kettle-42"));
        assertThat(chosen.status()).isEqualTo(200);
        assertThat(chosen.json().containsKey("password")).as("a chosen password is not echoed").isFalse();
        assertThat(server.login("lea", "violet-kettle-42")).isNotBlank();
        assertThat(audit(lea)).containsExactly("agent.password-reset by admin: chosen by the administrator",
                "agent.password-reset by admin: generated", "agent.create by admin: role agent");

        String path = "/api/agents/" + lea + "/password";
        assertRefused(server.post(path, admin, new JsonObject().put("password", "lea12345")), 400, "password");
        assertRefused(server.post(path, admin, new JsonObject().put("password", "short")), 400, "password");
        assertRefused(server.post(path, admin, new JsonObject()), 400, "password");
        assertRefused(server.post(path, admin, new JsonObject().put("generate", false)), 400, "password");
        assertRefused(server.post(path, admin, new JsonObject().put("password", "violet-kettle-43").put("generate", true)),
                400, "generate");
        assertRefused(server.post(path, admin, new JsonObject().put("generate", "yes")), 400, "generate");
        assertRefused(server.post(path, admin, new JsonObject().put("hash", "x")), 400, "hash");
        assertRefused(server.send("POST", path, admin, "not json"), 400, null);
        assertThat(server.login("lea", "violet-kettle-42")).as("the refused resets changed nothing").isNotBlank();
        assertThat(audit(lea)).as("nor were they audited").hasSize(3);

        assertRefused(server.post("/api/agents/999999/password", admin, new JsonObject().put("generate", true)), 404, null);
        String lea2 = server.login("lea", "violet-kettle-42");
        assertRefused(server.post(path, lea2, new JsonObject().put("generate", true)), 403, null);
        long sup = create("mo", "Mo Supervisor", "supervisor");
        assertRefused(server.post("/api/agents/" + sup + "/password", server.login("mo", "mo-password"),
                new JsonObject().put("generate", true)), 403, null);
        assertRefused(server.post(path, null, new JsonObject().put("generate", true)), 401, null);
    }

    @Test
    @DisplayName("a person changes their own password: the current one is checked, other sessions end, this one stays")
    void changeOwnPassword() throws Exception {
        create("nina", "Nina Agent", "agent");
        String here = server.login("nina", "nina-password");
        String elsewhere = server.login("nina", "nina-password");
        CompletableFuture<Short> hereSocket = socket(here);
        CompletableFuture<Short> elsewhereSocket = socket(elsewhere);

        Reply changed = server.post("/api/session/password", here,
                new JsonObject().put("currentPassword", "nina-password").put("newPassword", "amber-lantern-17"));
        assertThat(changed.status()).as(String.valueOf(changed.json())).isEqualTo(200);
        assertThat(changed.json().getJsonObject("agent").getString("username")).isEqualTo("nina");
        assertThat(elsewhereSocket.get(3, TimeUnit.SECONDS)).isEqualTo((short) 4401);
        assertRefused(server.get("/api/agents/me", elsewhere), 401, null);
        assertThat(server.get("/api/agents/me", here).status()).isEqualTo(200);
        assertThat(hereSocket.isDone()).as("this session's socket stays open").isFalse();
        assertThat(server.login("nina", "amber-lantern-17")).isNotBlank();
        assertRefused(server.post("/api/login", null, new JsonObject().put("username", "nina").put("password", "nina-password")),
                401, null);
    }

    @Test
    @DisplayName("a wrong current password or a weak new one is refused naming the field, and changes nothing")
    void badOwnPasswordChanges() {
        create("olga", "Olga Agent", "agent");
        String token = server.login("olga", "olga-password");
        String path = "/api/session/password";
        JsonObject good = new JsonObject().put("currentPassword", "olga-password").put("newPassword", "copper-meadow-88");
        assertRefused(server.post(path, token, good.copy().put("currentPassword", "not-her-password")), 400, "currentPassword");
        assertRefused(server.post(path, token, good.copy().put("newPassword", "olga1234")), 400, "newPassword");
        assertRefused(server.post(path, token, good.copy().put("newPassword", "password1")), 400, "newPassword");
        assertRefused(server.post(path, token, good.copy().put("newPassword", "short")), 400, "newPassword");
        assertRefused(server.post(path, token, good.copy().put("newPassword", "olga-password")), 400, "newPassword");
        assertRefused(server.post(path, token, new JsonObject().put("newPassword", "copper-meadow-88")), 400, "currentPassword");
        assertRefused(server.post(path, token, new JsonObject().put("currentPassword", "olga-password")), 400, "newPassword");
        assertRefused(server.post(path, token, good.copy().put("username", "admin")), 400, "username");
        assertRefused(server.post(path, null, good), 401, null);
        assertThat(server.get("/api/agents/me", token).status()).as("the refusals ended no session").isEqualTo(200);
        assertThat(server.login("olga", "olga-password")).as("the refusals changed nothing").isNotBlank();
    }

    @Test
    @DisplayName("guessing the current password is slowed down like sign-in")
    void throttled() {
        create("pia", "Pia Agent", "agent");
        String token = server.login("pia", "pia-password");
        JsonObject wrong = new JsonObject().put("currentPassword", "wrong-guess").put("newPassword", "silver-harbour-21");
        for (int i = 0; i < 5; i++) {
            assertRefused(server.post("/api/session/password", token, wrong), 400, "currentPassword");
        }
        Reply r = server.post("/api/session/password", token, wrong.copy().put("currentPassword", "pia-password"));
        assertRefused(r, 429, null);
        assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
    }
}
