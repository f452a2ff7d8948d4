package io.firstline.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer.Reply;
import io.firstline.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the pages and what protects them: CSP, CSRF on cookie writes, the session endpoint")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagesIT {

    private TestServer server;
    private String aliceToken;

    @BeforeAll
    void start() {
        server = TestServer.start();
        String admin = server.loginAdmin();
        Reply r = server.post("/api/agents", admin, new JsonObject().put("username", "alice").put("name", "Alice Agent")
                .put("password", "alice-password").put("role", "agent"));
        assertThat(r.status()).isEqualTo(201);
        aliceToken = server.login("alice", "alice-password");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20));
    }

    @Test
    @DisplayName("the sign-in page is served with a CSP that allows no inline script or style")
    void signInPage() {
        Reply r = server.send(request("/").GET().build());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().body()).contains("<form id=\"signin\"").doesNotContain("<script>").doesNotContain("style=");
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).contains("script-src 'self'").contains("style-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(r.header("Content-Type")).startsWith("text/html");
        Reply js = server.send(request("/js/api.js").GET().build());
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type")).contains("javascript");
        assertThat(server.send(request("/no-such-page.html").GET().build()).status()).isEqualTo(404);
    }

    @Test
    @DisplayName("GET /api/session says nobody is signed in without failing, and gives a signed-in page its CSRF token")
    void session() {
        Reply nobody = server.get("/api/session", null);
        assertThat(nobody.status()).isEqualTo(200);
        assertThat(nobody.json().getValue("agent")).isNull();
        assertThat(nobody.json().containsKey("csrfToken")).isFalse();

        Reply me = server.get("/api/session", aliceToken);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().getJsonObject("agent").getString("username")).isEqualTo("alice");
        assertThat(me.json().getString("csrfToken")).isNotBlank();
        assertThat(me.json().getJsonArray("pauseReasons")).isNotEmpty();
    }

    @Test
    @DisplayName("a write carried by the session cookie alone is refused without the page's CSRF token, and nothing is written")
    void csrf() {
        String token = server.login("alice", "alice-password");
        String csrf = server.get("/api/session", token).json().getString("csrfToken");
        String body = new JsonObject().put("name", "Csrf Probe").encode();
        long before = server.queryLong("SELECT COUNT(*) FROM callers");

        Reply forged = server.send(request("/api/callers").header("Cookie", "firstline_session=" + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().getString("error")).isEqualTo("csrf");
        Reply wrong = server.send(request("/api/callers").header("Cookie", "firstline_session=" + token)
                .header("X-CSRF-Token", csrf + "x").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(wrong.status()).isEqualTo(403);
        Reply otherSession = server.send(request("/api/callers").header("Cookie", "firstline_session=" + token)
                .header("X-CSRF-Token", server.get("/api/session", aliceToken).json().getString("csrfToken"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(otherSession.status()).as("another session's token").isEqualTo(403);
        assertThat(server.queryLong("SELECT COUNT(*) FROM callers")).isEqualTo(before);

        Reply page = server.send(request("/api/callers").header("Cookie", "firstline_session=" + token)
                .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(page.status()).isEqualTo(201);
        Reply bearer = server.post("/api/callers", token, new JsonObject().put("name", "Bearer Probe"));
        assertThat(bearer.status()).as("bearer requests need no CSRF token").isEqualTo(201);
        Reply read = server.send(request("/api/agents/me").header("Cookie", "firstline_session=" + token).GET().build());
        assertThat(read.status()).as("reads need no CSRF token").isEqualTo(200);
    }
}
