package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.CallLog;
import io.firstline.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

@DisplayName("the knowledge-base admin page in a real browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KbAdminBrowserIT {

    private TestServer server;
    private CallLog log;
    private String admin;
    private long vpn;
    private long vpnDuplicate;

    @BeforeAll
    void start() {
        server = TestServer.start();
        admin = server.loginAdmin();
        server.createUser(admin, "alice", "Alice Agent", "agent", "PJSIP/6001");
        server.createUser(admin, "sam", "Sam Supervisor", "supervisor", null);
        for (int i = 1; i <= 25; i++) {
            article("Filler article number " + i, "other");
        }
        vpn = article("VPN will not connect from home", "network");
        vpnDuplicate = article("Cannot reach VPN when remote", "network");
        String number = "+12125550188";
        assertThat(server.post("/api/callers", admin, new JsonObject().put("name", "Kai Caller")
                .put("phones", new JsonArray().add(number))).status()).isEqualTo(201);
        log = new CallLog(server);
        for (long id : List.of(vpn, vpnDuplicate, vpnDuplicate)) {
            long call = log.answered(Instant.parse("2026-11-02T08:00:00Z").plusSeconds(id * 60), "network", number,
                    "PJSIP/6001", 5, 60);
            assertThat(server.post("/api/calls/" + call + "/outcome", admin, new JsonObject().put("disposition", "resolved")
                    .put("kbArticleId", id)).status()).isEqualTo(201);
        }
    }

    @AfterAll
    void stop() {
        if (log != null) {
            log.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private long article(String title, String category) {
        return server.post("/api/kb", admin, new JsonObject().put("title", title).put("problem", "Problem of " + title)
                .put("solution", "Solution of " + title).put("category", category)).json().getLong("id");
    }

    private static void type(WebElement el, String text) {
        el.clear();
        el.sendKeys(text);
    }

    private void waitLoaded(Browser b, String contains) {
        b.waitUntil(d -> {
            Object q = b.script("return document.body.dataset.kbLoaded");
            return q != null && q.toString().contains(contains);
        });
    }

    @Test
    @DisplayName("an admin pages through the articles, sees the most used and the never used, creates, edits, retires and merges, with no console error and no accessibility violation")
    void adminWorksTheKnowledgeBase() throws java.io.IOException {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("admin", TestServer.ADMIN_PASSWORD, "/admin");
            b.consoleErrors(); // the board is another page, not under test here
            b.go("/admin/kb");
            waitLoaded(b, "offset=0");
            assertThat(b.text(By.id("kb-count"))).isEqualTo("1–25 of 27");
            List<WebElement> rows = b.driver().findElements(By.cssSelector("#kb-table tbody tr"));
            assertThat(rows).hasSize(25);
            assertThat(rows.get(0).getText()).contains("Cannot reach VPN when remote").contains("2 in use");
            assertThat(rows.get(1).getText()).contains("VPN will not connect from home").contains("1 in use");
            assertThat(b.accessibilityProblems()).isEmpty();

            b.driver().findElement(By.id("kb-next")).click();
            waitLoaded(b, "offset=25");
            assertThat(b.text(By.id("kb-count"))).isEqualTo("26–27 of 27");

            new Select(b.driver().findElement(By.id("kb-used"))).selectByValue("never");
            waitLoaded(b, "used=never");
            assertThat(b.text(By.id("kb-count"))).isEqualTo("1–25 of 25");
            assertThat(b.text(By.id("kb-table"))).doesNotContain("VPN");
            new Select(b.driver().findElement(By.id("kb-used"))).selectByValue("");
            waitLoaded(b, "limit=25&offset=0");

            // A new article: refused while the title is blank, then saved.
            b.driver().findElement(By.id("kb-new")).click();
            b.waitFor(By.id("kb-title"));
            type(b.driver().findElement(By.id("kb-problem")), "Laptop fan is loud");
            type(b.driver().findElement(By.id("kb-solution")), "Clean the vents; update the BIOS");
            b.driver().findElement(By.id("kb-save")).click();
            assertThat(b.waitForTextOf(By.id("kb-form-error"), "title")).startsWith("title:");
            assertThat(b.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("kb-title");
            assertThat(b.consoleErrors()).singleElement().asString().contains("/api/kb ").contains("400");
            long before = server.queryLong("SELECT COUNT(*) FROM kb_articles");
            type(b.driver().findElement(By.id("kb-title")), "Noisy laptop fan");
            new Select(b.driver().findElement(By.id("kb-form-category"))).selectByValue("hardware");
            b.driver().findElement(By.id("kb-save")).click();
            b.waitForTextOf(By.id("kb-message"), "Saved article #");
            assertThat(server.queryLong("SELECT COUNT(*) FROM kb_articles")).isEqualTo(before + 1);
            type(b.driver().findElement(By.id("kb-q")), "noisy fan\n");
            waitLoaded(b, "q=noisy");
            assertThat(b.text(By.id("kb-table"))).contains("Noisy laptop fan");

            // Edit, then retire: the desk's search no longer finds it.
            type(b.driver().findElement(By.id("kb-title")), "Noisy laptop fan (all models)");
            b.driver().findElement(By.id("kb-save")).click();
            b.waitForTextOf(By.id("kb-table"), "Noisy laptop fan (all models)");
            b.driver().findElement(By.id("kb-retire")).click();
            b.waitForTextOf(By.id("kb-message"), "is retired");
            b.waitForTextOf(By.id("kb-count"), "No articles");
            assertThat(server.get("/api/kb?q=noisy%20fan", admin).json().getLong("total")).isZero();

            // Merge the duplicate into the article kept.
            type(b.driver().findElement(By.id("kb-q")), "vpn\n");
            waitLoaded(b, "q=vpn");
            b.driver().findElement(By.xpath("//button[text()='VPN will not connect from home']")).click();
            b.waitForTextOf(By.id("kb-editor-title"), "Article #" + vpn);
            type(b.driver().findElement(By.id("kb-merge-from")), String.valueOf(vpnDuplicate));
            b.waitForTextOf(By.id("kb-merge-what"), "Cannot reach VPN when remote");
            assertThat(b.accessibilityProblems()).isEmpty();
            b.screenshot("admin-kb");
            b.driver().findElement(By.id("kb-merge-go")).click();
            b.waitForTextOf(By.id("kb-message"), "was merged into #" + vpn);
            assertThat(b.text(By.id("kb-state"))).isEqualTo("in use · used 3×");
            assertThat(b.text(By.id("kb-table"))).doesNotContain("Cannot reach VPN");
            assertThat(server.queryLong("SELECT COUNT(*) FROM call_outcomes WHERE kb_article_id = " + vpn)).isEqualTo(3);

            // Merging into itself is refused with the API's words.
            type(b.driver().findElement(By.id("kb-merge-from")), String.valueOf(vpn));
            b.driver().findElement(By.id("kb-merge-go")).click();
            assertThat(b.waitForTextOf(By.id("kb-form-error"), "itself")).startsWith("from:");
            assertThat(b.consoleErrors()).singleElement().asString().contains("/merge").contains("400");

            // Import two articles from a CSV file: checked first, then written.
            java.nio.file.Path file = java.nio.file.Files.createTempFile("kb", ".csv");
            java.nio.file.Files.writeString(file, "title,category,problem,solution\r\nMonitor flickers,hardware,"
                    + "The screen flickers,Replace the cable\r\nShared drive missing,network,\"Drive S: gone\",Reconnect it\r\n");
            b.driver().findElement(By.id("kb-import-file")).sendKeys(file.toString());
            b.driver().findElement(By.id("kb-import-preview")).click();
            b.waitForTextOf(By.id("kb-import-summary"), "2 rows, all correct: ready to import.");
            assertThat(b.accessibilityProblems()).isEmpty();
            b.waitUntil(d -> b.driver().findElement(By.id("kb-import-go")).isEnabled());
            b.driver().findElement(By.id("kb-import-go")).click();
            b.waitForTextOf(By.id("kb-import-summary"), "Imported 2 articles.");
            type(b.driver().findElement(By.id("kb-q")), "monitor flickers\n");
            b.waitForTextOf(By.id("kb-table"), "Monitor flickers");
            java.nio.file.Files.delete(file);
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @DisplayName("a supervisor reads the knowledge base without the means to change it; an agent is told the page is not theirs")
    void othersReadOrAreTurnedAway() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("sam", "sam-password", "/board");
            b.consoleErrors();
            b.go("/admin/kb");
            waitLoaded(b, "offset=0");
            assertThat(b.waitFor(By.id("read-only")).getText()).contains("changing it is for admins");
            assertThat(b.driver().findElement(By.id("kb-new")).isDisplayed()).isFalse();
            b.driver().findElement(By.cssSelector("#kb-table tbody tr button.link")).click();
            b.waitFor(By.id("kb-editor"));
            assertThat(b.driver().findElement(By.id("kb-title")).isEnabled()).isFalse();
            assertThat(b.driver().findElement(By.id("kb-save")).isDisplayed()).isFalse();
            assertThat(b.driver().findElement(By.id("kb-merge")).isDisplayed()).isFalse();
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.consoleErrors();
            b.go("/admin/kb");
            assertThat(b.waitFor(By.id("denied")).getText()).contains("for admins");
            assertThat(b.driver().findElement(By.id("kb-area")).isDisplayed()).isFalse();
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }
}
