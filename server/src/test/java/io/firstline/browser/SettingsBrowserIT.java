package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

@DisplayName("the settings on /admin/settings and an agent's queues on /admin, in real headless Chromium")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettingsBrowserIT {

    private TestServer server;
    private String admin;
    private long aliceId;

    @BeforeAll
    void start() {
        server = TestServer.start(Map.of("FIRSTLINE_DESK_QUEUES", "software,hardware,network"));
        admin = server.loginAdmin();
        aliceId = server.post("/api/agents", admin, new JsonObject().put("username", "alice").put("name", "Alice Agent")
                .put("password", "alice-password")).json().getLong("id");
        assertThat(server.post("/api/agents", admin, new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonObject settings() {
        return server.get("/api/settings", admin).json();
    }

    private static void type(WebElement el, String text) {
        el.clear();
        el.sendKeys(text);
    }

    /** The input of one part of a thresholds row ({@code defaults} or the n-th queue's, from 0). */
    private static WebElement threshold(Browser b, String row, int index, String part) {
        List<WebElement> rows = b.driver().findElements(By.cssSelector("#thresholds-table tbody tr[data-row='" + row + "']"));
        return rows.get(index).findElement(By.cssSelector("input[data-part='" + part + "']"));
    }

    @Test
    @DisplayName("an administrator changes the pause reasons and a queue's thresholds, sees bad values refused beside them, and reads the start-only settings")
    void editSettings() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("admin", TestServer.ADMIN_PASSWORD, "/admin");
            b.go("/admin/settings");
            b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.ready")));
            assertThat(b.driver().findElement(By.id("reasons")).getAttribute("value")).isEqualTo("break\nlunch\ntraining\nback-office");
            assertThat(b.text(By.id("start-table"))).contains("Time zone", "FIRSTLINE_TIMEZONE", "Database");
            assertThat(b.text(By.id("start-table"))).doesNotContain(TestServer.ADMIN_PASSWORD);
            assertThat(b.accessibilityProblems()).isEmpty();

            // A reason the rules refuse: the server's words beside the field, nothing changed.
            type(b.driver().findElement(By.id("reasons")), "break\nlunch\nTea Time!");
            b.driver().findElement(By.id("reasons-save")).click();
            assertThat(b.waitFor(By.id("reasons-error")).getText()).contains("'Tea Time!' is not a reason");
            assertThat(b.driver().findElement(By.id("reasons")).getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(b.consoleErrors()).allMatch(m -> m.contains("400"));
            assertThat(settings().getJsonArray("pauseReasons")).containsExactly("break", "lunch", "training", "back-office");

            type(b.driver().findElement(By.id("reasons")), "break\nlunch\ntea time");
            b.driver().findElement(By.id("reasons-save")).click();
            b.waitForText(By.id("reasons-done"), "Saved: the pause reasons are in force.");
            assertThat(b.driver().findElement(By.id("reasons-error")).isDisplayed()).isFalse();
            assertThat(settings().getJsonArray("pauseReasons")).containsExactly("break", "lunch", "tea time");

            // A queue of its own, first with amber above red.
            b.driver().findElement(By.id("threshold-add")).click();
            type(threshold(b, "queue", 0, "queue"), "hardware");
            type(threshold(b, "queue", 0, "waiting.amber"), "9");
            type(threshold(b, "queue", 0, "waiting.red"), "3");
            b.driver().findElement(By.id("thresholds-save")).click();
            assertThat(b.waitFor(By.id("thresholds-error")).getText()).startsWith("queues[0].waiting: amber 9, red 3");
            assertThat(threshold(b, "queue", 0, "waiting.red").getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(threshold(b, "queue", 0, "serviceLevelSeconds").getAttribute("aria-invalid")).isNull();
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).allMatch(m -> m.contains("400"));
            assertThat(settings().getJsonObject("thresholds").getJsonArray("queues")).isEmpty();

            type(threshold(b, "queue", 0, "waiting.red"), "12");
            b.driver().findElement(By.id("thresholds-save")).click();
            b.waitForText(By.id("thresholds-done"), "Saved: the thresholds are in force.");
            JsonObject hardware = settings().getJsonObject("thresholds").getJsonArray("queues").getJsonObject(0);
            assertThat(hardware.getString("queue")).isEqualTo("hardware");
            assertThat(hardware.getJsonObject("waiting")).isEqualTo(new JsonObject().put("amber", 9).put("red", 12));
            b.screenshot("admin-settings-saved");
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
        JsonArray actions = new JsonArray(server.get("/api/audit?limit=2", admin).json().getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("action")).toList());
        assertThat(actions).containsExactly("settings.thresholds", "settings.pause-reasons");
    }

    @Test
    @DisplayName("a supervisor reads the settings but has nothing to change them with")
    void supervisorReads() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("sam", "sam-password", "/board");
            b.go("/admin/settings");
            b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.ready")));
            assertThat(b.driver().findElement(By.id("read-only")).isDisplayed()).isTrue();
            assertThat(b.driver().findElement(By.id("reasons-save")).isDisplayed()).isFalse();
            assertThat(b.driver().findElement(By.id("thresholds-save")).isDisplayed()).isFalse();
            assertThat(b.driver().findElement(By.id("reasons")).getAttribute("readonly")).isNotNull();
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @DisplayName("an administrator lets an agent join only some of the desk queues, on the agent's edit form")
    void agentQueues() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("admin", TestServer.ADMIN_PASSWORD, "/admin");
            b.waitUntil(d -> "true".equals(b.script("return document.body.dataset.ready")));
            b.driver().findElement(By.cssSelector("#agent-table tbody tr[data-username='alice'] button")).click();
            b.waitForText(By.id("agent-editor-title"), "Edit alice");
            assertThat(b.driver().findElement(By.id("may-join-all")).isSelected()).isTrue();
            assertThat(b.text(By.id("may-join-queues"))).contains("software", "hardware", "network");
            assertThat(b.accessibilityProblems()).isEmpty();
            b.driver().findElement(By.id("may-join-only")).click();
            b.driver().findElement(By.cssSelector("#may-join-queues input[value='network']")).click();
            b.driver().findElement(By.id("agent-save")).click();
            b.waitForText(By.id("agent-done"), "Saved alice.");
            assertThat(server.get("/api/agents/" + aliceId, admin).json().getJsonArray("mayJoin")).containsExactly("network");
            assertThat(b.driver().findElement(By.id("may-join-only")).isSelected()).isTrue();
            assertThat(b.driver().findElement(By.cssSelector("#may-join-queues input[value='network']")).isSelected()).isTrue();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }
}
