package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.CallLog;
import io.firstline.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

@DisplayName("the callers admin page in a real browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallersAdminBrowserIT {

    private TestServer server;
    private CallLog log;
    private String admin;
    private long original;
    private long duplicate;

    @TempDir
    Path files;

    @BeforeAll
    void start() {
        server = TestServer.start();
        admin = server.loginAdmin();
        server.createUser(admin, "alice", "Alice Agent", "agent", "PJSIP/8001");
        server.createUser(admin, "sam", "Sam Supervisor", "supervisor", null);
        original = server.post("/api/callers", admin, new JsonObject().put("name", "Pat Original")
                .put("organisation", "Contoso Ltd").put("phones", new JsonArray().add("+12125550501"))).json().getLong("id");
        duplicate = server.post("/api/callers", admin, new JsonObject().put("name", "Pat Originall")
                .put("organisation", "Contoso Limited").put("email", "pat@contoso.example")
                .put("phones", new JsonArray().add("+12125550502"))).json().getLong("id");
        log = new CallLog(server);
        log.answered(Instant.parse("2026-11-04T08:00:00Z"), "software", "+12125550502", "PJSIP/8001", 5, 60);
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

    private static void type(WebElement el, String text) {
        el.clear();
        el.sendKeys(text);
    }

    private void waitLoaded(Browser b, String contains) {
        b.waitUntil(d -> {
            Object q = b.script("return document.body.dataset.callersLoaded");
            return q != null && q.toString().contains(contains);
        });
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(files.resolve(name), text);
    }

    @Test
    @DisplayName("an admin finds, edits and merges callers, renames an organisation, and imports a CSV only once every row is right; the export downloads; no console error, no accessibility violation")
    void adminWorksTheCallers() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("admin", TestServer.ADMIN_PASSWORD, "/admin");
            b.consoleErrors();
            b.go("/admin/callers");
            waitLoaded(b, "offset=0");
            assertThat(b.text(By.id("callers-count"))).isEqualTo("1–2 of 2");
            b.waitForTextOf(By.id("orgs-table"), "Contoso Ltd");
            assertThat(b.accessibilityProblems()).isEmpty();

            // Edit: a bad email is refused with the API's words and the field focused; a good one is saved.
            type(b.driver().findElement(By.id("caller-q")), "pat\n");
            waitLoaded(b, "q=pat");
            b.driver().findElement(By.xpath("//button[text()='Pat Original']")).click();
            b.waitForTextOf(By.id("caller-editor-title"), "Caller #" + original);
            type(b.driver().findElement(By.id("caller-email")), "pat at contoso");
            b.driver().findElement(By.id("caller-save")).click();
            assertThat(b.waitForTextOf(By.id("caller-form-error"), "email")).startsWith("email:");
            assertThat(b.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("caller-email");
            assertThat(b.consoleErrors()).singleElement().asString().contains("400");
            type(b.driver().findElement(By.id("caller-email")), "pat.original@contoso.example");
            b.driver().findElement(By.id("caller-save")).click();
            b.waitForTextOf(By.id("caller-message"), "Saved caller #" + original);

            // Merge the duplicate: its number and call come along.
            type(b.driver().findElement(By.id("caller-merge-from")), String.valueOf(duplicate));
            b.waitForTextOf(By.id("caller-merge-what"), "Pat Originall, Contoso Limited (1 recent calls");
            b.driver().findElement(By.id("caller-merge-go")).click();
            b.waitForTextOf(By.id("caller-message"), "was merged into #" + original);
            b.waitForTextOf(By.id("callers-count"), "1–1 of 1");
            assertThat(b.driver().findElement(By.id("caller-phones")).getAttribute("value"))
                    .isEqualTo("+12125550501\n+12125550502");
            assertThat(server.queryLong("SELECT COUNT(*) FROM calls WHERE caller_id = " + original)).isEqualTo(1);

            // Rename an organisation for all its callers.
            type(b.driver().findElement(By.id("org-from")), "Contoso Ltd");
            type(b.driver().findElement(By.id("org-to")), "Contoso Limited");
            b.driver().findElement(By.id("org-rename-go")).click();
            b.waitForTextOf(By.id("org-message"), "“Contoso Ltd” is now “Contoso Limited” for 1 caller.");

            // Import: a file with bad rows shows every problem and cannot be imported.
            long before = server.queryLong("SELECT COUNT(*) FROM callers");
            b.driver().findElement(By.id("import-file")).sendKeys(file("bad.csv",
                    "name,organisation,email,phones,vip\nGail Good,Fabrikam,,+1 212 555 0601,no\n,Fabrikam,,,\n"
                            + "Hal Badnumber,Fabrikam,,call me,\n").toString());
            b.driver().findElement(By.id("import-preview")).click();
            b.waitForTextOf(By.id("import-summary"), "2 problems to fix");
            assertThat(b.text(By.id("import-errors"))).contains("3 name required").contains("4 phones 'call me' is not a phone number");
            assertThat(b.driver().findElement(By.id("import-go")).isEnabled()).isFalse();
            assertThat(b.accessibilityProblems()).isEmpty();
            b.script("document.getElementById('import').scrollIntoView()");
            b.screenshot("admin-callers-import");
            assertThat(server.queryLong("SELECT COUNT(*) FROM callers")).isEqualTo(before);

            // A good file: checked, then imported.
            b.driver().findElement(By.id("import-file")).sendKeys(file("good.csv",
                    "name,organisation,phones,vip\r\nGail Good,Fabrikam,+1 212 555 0601,no\r\nIvo Import,Fabrikam,"
                            + "(212) 555-0602;212-555-0501,yes\r\n").toString());
            b.driver().findElement(By.id("import-preview")).click();
            b.waitForTextOf(By.id("import-summary"), "2 rows, all correct: ready to import. 1 number to look at first");
            assertThat(b.text(By.id("import-warnings"))).contains("3 phones +12125550501 is already the number of #"
                    + original + " Pat Original");
            assertThat(b.accessibilityProblems()).isEmpty();
            b.waitUntil(d -> b.driver().findElement(By.id("import-go")).isEnabled());
            b.driver().findElement(By.id("import-go")).click();
            b.waitForTextOf(By.id("import-summary"), "Imported 2 callers.");
            assertThat(server.queryLong("SELECT COUNT(*) FROM callers")).isEqualTo(before + 2);
            b.waitForTextOf(By.id("orgs-table"), "Fabrikam");
            type(b.driver().findElement(By.id("caller-q")), "ivo\n");
            b.waitForTextOf(By.id("callers-table"), "+12125550602, +12125550501");

            // The export link downloads every caller.
            String href = b.driver().findElement(By.id("export")).getAttribute("href");
            @SuppressWarnings("unchecked")
            List<Object> csv = (List<Object>) b.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text().then(t => done([r.status, t])));",
                    href);
            assertThat(csv.get(0)).isEqualTo(200L);
            assertThat(((String) csv.get(1)).split("\r\n")).hasSize(4)
                    .contains("id,name,organisation,email,phones,vip,pinSet,createdAt");
            b.screenshot("admin-callers");
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @DisplayName("a supervisor reads and exports without the means to change; an agent is told the page is not theirs")
    void othersReadOrAreTurnedAway() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("sam", "sam-password", "/board");
            b.consoleErrors();
            b.go("/admin/callers");
            waitLoaded(b, "offset=0");
            assertThat(b.waitFor(By.id("read-only")).getText()).contains("changing them is for admins");
            assertThat(b.driver().findElement(By.id("import")).isDisplayed()).isFalse();
            assertThat(b.driver().findElement(By.id("org-rename")).isDisplayed()).isFalse();
            assertThat(b.driver().findElement(By.id("export")).isDisplayed()).isTrue();
            b.driver().findElement(By.cssSelector("#callers-table tbody tr button.link")).click();
            b.waitFor(By.id("caller-editor"));
            assertThat(b.driver().findElement(By.id("caller-name")).isEnabled()).isFalse();
            assertThat(b.driver().findElement(By.id("caller-merge")).isDisplayed()).isFalse();
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.consoleErrors();
            b.go("/admin/callers");
            assertThat(b.waitFor(By.id("denied")).getText()).contains("for admins");
            assertThat(b.driver().findElement(By.id("callers-area")).isDisplayed()).isFalse();
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }
}
