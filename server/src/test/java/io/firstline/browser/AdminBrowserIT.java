package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

@DisplayName("the admin page and changing one's password, in real headless Chromium")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminBrowserIT {

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start();
        String admin = server.loginAdmin();
        for (JsonObject a : List.of(
                new JsonObject().put("username", "alice").put("name", "Alice Agent").put("password", "alice-password"),
                new JsonObject().put("username", "sam").put("name", "Sam Supervisor").put("password", "sam-password")
                        .put("role", "supervisor"))) {
            assertThat(server.post("/api/agents", admin, a).status()).isEqualTo(201);
        }
        // More agents than one page of the list holds.
        for (int i = 1; i <= 24; i++) {
            String username = String.format("temp-%02d", i);
            assertThat(server.post("/api/agents", admin, new JsonObject().put("username", username).put("name", "Temp " + i)
                    .put("password", "temporary-password-" + i)).status()).isEqualTo(201);
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void type(WebElement el, String text) {
        el.clear();
        el.sendKeys(text);
    }

    private static String tableText(Browser b) {
        return b.text(By.id("agent-table"));
    }

    @Test
    @DisplayName("an administrator lands on /admin, pages and searches agents, creates one, edits, deactivates (their desk is signed out at once), reactivates and resets the password")
    void administerAgents() {
        try (Browser b = Browser.open(server.port()); Browser zoe = Browser.open(server.port())) {
            b.signIn("admin", TestServer.ADMIN_PASSWORD, "/admin");
            b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.ready")));
            // 27 agents: admin, alice, sam and 24 temps; a page holds 25.
            b.waitForText(By.id("agent-count"), "1–25 of 27 agents");
            assertThat(b.driver().findElements(By.cssSelector("#agent-table tbody tr"))).hasSize(25);
            b.driver().findElement(By.id("agent-next")).click();
            b.waitForText(By.id("agent-count"), "26–27 of 27 agents");
            assertThat(b.driver().findElement(By.id("agent-next")).isEnabled()).isFalse();
            assertThat(b.accessibilityProblems()).isEmpty();

            // Create: no password typed, so one is generated and shown once.
            b.driver().findElement(By.id("agent-new")).click();
            type(b.waitFor(By.id("agent-username")), "zoe");
            type(b.driver().findElement(By.id("agent-name")), "Zoe Agent");
            type(b.driver().findElement(By.id("agent-interface")), "Local/1010@agents/n");
            b.driver().findElement(By.id("agent-save")).click();
            b.waitForText(By.id("agent-done"), "Created zoe.");
            String first = b.waitFor(By.cssSelector("#shown-once code")).getText();
            assertThat(first).hasSize(16);
            assertThat(b.text(By.id("agent-editor-title"))).isEqualTo("Edit zoe");
            assertThat(b.accessibilityProblems()).isEmpty();
            b.screenshot("admin-agent-created");

            // Search by a part of the name, any case.
            type(b.driver().findElement(By.id("agent-search")), "ZOE");
            b.driver().findElement(By.id("agent-search-submit")).click();
            b.waitUntil(d -> "ZOE|0|1".equals(b.script("return document.body.dataset.agents")));
            assertThat(b.text(By.id("agent-count"))).isEqualTo("1–1 of 1 agent");
            assertThat(tableText(b)).contains("zoe", "Zoe Agent", "agent", "Local/1010@agents/n", "active");

            // Zoe signs in with the generated password; her desk is live.
            zoe.signIn("zoe", first, "/desk");
            zoe.waitForText(By.id("connection"), "Live");

            // Edit: a new name and role.
            b.driver().findElement(By.cssSelector("#agent-table tbody tr[data-username='zoe'] button")).click();
            type(b.waitFor(By.id("agent-name")), "Zoe Zimmer");
            b.driver().findElement(By.id("agent-save")).click();
            b.waitForText(By.id("agent-done"), "Saved zoe.");
            b.waitForText(By.id("agent-table"), "Zoe Zimmer");

            // Deactivate: her open desk is signed out at once (its socket closed), not at its next check.
            b.driver().findElement(By.id("agent-active")).click();
            b.waitForText(By.id("agent-done"), "zoe is deactivated");
            b.waitForText(By.id("agent-table"), "deactivated");
            zoe.waitUntil(d -> zoe.path().equals("/"));
            assertThat(server.post("/api/login", null, new JsonObject().put("username", "zoe").put("password", first)).status())
                    .isEqualTo(401);
            b.screenshot("admin-agent-deactivated");

            b.driver().findElement(By.id("agent-active")).click();
            b.waitForText(By.id("agent-done"), "zoe can sign in again");
            assertThat(b.text(By.id("agent-active"))).isEqualTo("Deactivate");
            assertThat(b.consoleErrors()).isEmpty();

            // A weak password is refused with the server's reason; a generated one is shown once and works.
            type(b.driver().findElement(By.id("reset-password")), "zoe12345");
            b.driver().findElement(By.id("reset-set")).click();
            assertThat(b.waitFor(By.id("reset-error")).getText()).contains("too close to the username");
            assertThat(b.consoleErrors()).allMatch(m -> m.contains("400"));
            b.driver().findElement(By.id("reset-generate")).click();
            b.waitForText(By.id("agent-done"), "The password of zoe has been changed");
            String second = b.waitFor(By.cssSelector("#shown-once code")).getText();
            assertThat(second).hasSize(16).isNotEqualTo(first);
            assertThat(b.accessibilityProblems()).isEmpty();
            b.screenshot("admin-password-reset");
            zoe.signIn("zoe", second, "/desk");

            // The administrator's own row cannot be deactivated or lose its role here; their password changes on /account.
            type(b.driver().findElement(By.id("agent-search")), "admin");
            b.driver().findElement(By.id("agent-search-submit")).click();
            b.waitUntil(d -> "admin|0|1".equals(b.script("return document.body.dataset.agents")));
            b.driver().findElement(By.cssSelector("#agent-table tbody tr[data-username='admin'] button")).click();
            b.waitForText(By.id("agent-editor-title"), "Edit admin");
            assertThat(b.driver().findElement(By.id("agent-active")).isDisplayed()).isFalse();
            assertThat(b.driver().findElement(By.id("agent-role")).isEnabled()).isFalse();
            assertThat(b.driver().findElement(By.id("reset-form")).isDisplayed()).isFalse();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @DisplayName("a bad new agent is refused with the field named, and the form keeps what was typed (on a 1024 px wide screen)")
    void badAgent() {
        // On the narrowest screen the pages support: nothing runs off to the side.
        try (Browser b = Browser.open(server.port(), new Dimension(1024, 768))) {
            b.signIn("admin", TestServer.ADMIN_PASSWORD, "/admin");
            b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.ready")));
            b.driver().findElement(By.id("agent-new")).click();
            assertThat(b.script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
                    .isEqualTo(true);
            type(b.waitFor(By.id("agent-username")), "Not A Username");
            type(b.driver().findElement(By.id("agent-name")), "Someone");
            new Select(b.driver().findElement(By.id("agent-role"))).selectByValue("supervisor");
            b.driver().findElement(By.id("agent-save")).click();
            assertThat(b.waitFor(By.id("agent-error")).getText()).startsWith("username:");
            assertThat(b.driver().findElement(By.id("agent-username")).getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(b.driver().findElement(By.id("agent-name")).getAttribute("value")).isEqualTo("Someone");
            assertThat(b.consoleErrors()).allMatch(m -> m.contains("400"));
            assertThat(server.queryLong("SELECT COUNT(*) FROM agents WHERE name = 'Someone'")).isZero();
        }
    }

    @Test
    @DisplayName("an agent changes their own password from the desk's top bar; a wrong current one is refused; the new one signs in")
    void changeOwnPassword() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.consoleErrors(); // the desk is another page, not under test here
            b.driver().findElement(By.linkText("Change password")).click();
            b.waitUntil(d -> b.path().equals("/account"));
            b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.ready")));
            assertThat(b.text(By.id("home"))).isEqualTo("Back to the desk");
            assertThat(b.accessibilityProblems()).isEmpty();

            type(b.driver().findElement(By.id("current-password")), "not-her-password");
            type(b.driver().findElement(By.id("new-password")), "maple-orbit-2049");
            type(b.driver().findElement(By.id("repeat-password")), "maple-orbit-2049");
            b.driver().findElement(By.id("password-submit")).click();
            assertThat(b.waitFor(By.id("new-password-error")).getText())
                    .isEqualTo("Current password: that is not your current password");
            assertThat(b.consoleErrors()).allMatch(m -> m.contains("400"));

            type(b.driver().findElement(By.id("current-password")), "alice-password");
            type(b.driver().findElement(By.id("new-password")), "maple-orbit-2049");
            type(b.driver().findElement(By.id("repeat-password")), "maple-orbit-2048");
            b.driver().findElement(By.id("password-submit")).click();
            b.waitForText(By.id("new-password-error"), "The two new passwords differ");

            type(b.driver().findElement(By.id("repeat-password")), "maple-orbit-2049");
            b.driver().findElement(By.id("password-submit")).click();
            b.waitForText(By.id("password-done"), "Your password has been changed");
            assertThat(b.driver().findElement(By.id("new-password-error")).isDisplayed()).isFalse();
            assertThat(b.accessibilityProblems()).isEmpty();
            b.screenshot("account-password-changed");
            assertThat(b.consoleErrors()).isEmpty();

            b.driver().findElement(By.id("signout")).click();
            b.waitUntil(d -> b.path().equals("/"));
            b.waitFor(By.id("username"));
            assertThat(b.accessibilityProblems()).as("the sign-in page").isEmpty();
            b.signIn("alice", "maple-orbit-2049", "/desk");
        }
    }

    @Test
    @DisplayName("a supervisor who opens /admin is told it is for administrators, and sees no list")
    void nonAdminIsTurnedAway() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("sam", "sam-password", "/board");
            b.consoleErrors(); // the board is another page, not under test here
            assertThat(b.driver().findElement(By.id("admin-link")).isDisplayed()).isFalse();
            b.go("/admin");
            assertThat(b.waitFor(By.id("admin-refusal")).getText())
                    .isEqualTo("The admin pages are for administrators; you are signed in as sam (supervisor).");
            assertThat(b.driver().findElement(By.id("agents")).isDisplayed()).isFalse();
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();

            // The checks are not blind: an unlabelled field, pale text and a second #who are found.
            b.script("const m = document.querySelector('main');"
                    + "m.append(Object.assign(document.createElement('input'), {type: 'text'}));"
                    + "const p = document.createElement('p'); p.textContent = 'pale'; p.style.color = '#cccccc'; m.append(p);"
                    + "const d = document.createElement('span'); d.id = 'who'; d.textContent = 'again'; m.append(d);");
            assertThat(b.accessibilityProblems()).anyMatch(m -> m.startsWith("label:"))
                    .anyMatch(m -> m.startsWith("color-contrast:") && m.contains("pale"))
                    .anyMatch(m -> m.startsWith("duplicate-id: #who"));
        }
    }
}
