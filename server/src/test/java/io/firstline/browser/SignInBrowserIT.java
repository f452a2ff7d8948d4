package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

@DisplayName("signing in with a real browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInBrowserIT {

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start();
        String admin = server.loginAdmin();
        assertThat(server.post("/api/agents", admin, new JsonObject().put("username", "alice").put("name", "Alice Agent")
                .put("password", "alice-password").put("role", "agent")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("a wrong password is said plainly; the right one (Enter submits) takes an agent to the desktop with an HttpOnly cookie")
    void signIn() {
        try (Browser b = Browser.open(server.port())) {
            b.go("/");
            b.waitFor(By.id("username")).sendKeys("alice");
            b.driver().findElement(By.id("password")).sendKeys("not-her-password\n");
            assertThat(b.waitFor(By.id("signin-error")).getText()).isEqualTo("Wrong username or password.");
            assertThat(b.path()).isEqualTo("/");
            b.consoleErrors(); // the refused sign-in's 401 is logged by the browser itself

            b.signIn("alice", "alice-password", "/desk");
            assertThat(b.script("return document.cookie")).asString().doesNotContain("firstline_session");
            b.go("/");
            b.waitUntil(d -> b.path().equals("/desk"));
        }
    }
}
