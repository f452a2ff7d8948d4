package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.CallLog;
import io.firstline.TestClock;
import io.firstline.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

@DisplayName("the reports page in a real browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsBrowserIT {

    private static final String ODD_QUEUE = "=evil, \"quoted\"";

    private TestServer server;
    private CallLog log;

    @BeforeAll
    void start() {
        // The server's day is TestClock.DAY, not the browser's: the page must take "today" from the server.
        server = TestServer.start(Map.of("FIRSTLINE_TIMEZONE", "Europe/Paris"), TestClock.morning(ZoneId.of("Europe/Paris")));
        String admin = server.loginAdmin();
        for (JsonObject a : List.of(
                new JsonObject().put("username", "alice").put("name", "Alice Agent").put("password", "alice-password")
                        .put("interface", "PJSIP/4001"),
                new JsonObject().put("username", "sam").put("name", "Sam Supervisor").put("password", "sam-password")
                        .put("role", "supervisor"))) {
            assertThat(server.post("/api/agents", admin, a).status()).isEqualTo(201);
        }
        log = new CallLog(server);
        String number = "+12125550142";
        log.answered(Instant.parse("2026-11-02T08:00:00Z"), "software", number, "PJSIP/4001", 10, 300);
        log.answered(Instant.parse("2026-11-02T09:00:00Z"), "software", number, "PJSIP/4001", 40, 100);
        log.abandoned(Instant.parse("2026-11-02T10:00:00Z"), "hardware", number, 25);
        log.abandoned(Instant.parse("2026-11-03T10:00:00Z"), ODD_QUEUE, number, 5);
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

    @Test
    @DisplayName("a supervisor sees each report as a table and a chart, and the CSV link downloads the right rows")
    void csvExport() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("sam", "sam-password", "/board");
            b.consoleErrors(); // the board is another page, not under test here
            b.go("/reports");
            LocalDate today = TestClock.DAY;
            String lastWeek = today.minusDays(6) + "/" + today + "/day";
            b.waitUntil(d -> lastWeek.equals(b.script("return document.body.dataset.loaded")));
            assertThat(b.driver().findElements(By.cssSelector("#calls-table tbody tr"))).hasSize(8);

            b.go("/reports?from=2026-11-02&to=2026-11-03&by=day");
            b.waitUntil(d -> "2026-11-02/2026-11-03/day".equals(b.script("return document.body.dataset.loaded")));

            String queues = b.waitFor(By.id("queues-table")).getText();
            assertThat(queues).contains("software 2 2 0 0.0 % 50.0 % 0:25 3:20");
            assertThat(queues).contains("hardware 1 0 1 100.0 % 0.0 % — —");
            assertThat(queues).contains(ODD_QUEUE);
            assertThat(b.driver().findElement(By.id("agents-table")).getText()).contains("Alice Agent 2 2 0");
            assertThat(b.driver().findElement(By.id("calls-table")).getText()).contains("2026-11-02 3 2 1")
                    .contains("2026-11-03 1 0 1").contains("All 4 2 2");
            assertThat(b.driver().findElements(By.cssSelector("#calls-chart svg rect"))).hasSize(3);
            assertThat(b.driver().findElements(By.cssSelector("#queues-chart svg rect"))).hasSize(3);

            b.script("document.getElementById('queues').scrollIntoView()");
            b.screenshot("reports-queues");

            String href = b.driver().findElement(By.id("queues-csv")).getAttribute("href");
            assertThat(href).endsWith("/api/reports/queues?from=2026-11-02&to=2026-11-03&by=day&format=csv");
            @SuppressWarnings("unchecked")
            List<Object> csv = (List<Object>) b.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text().then(t => done([r.status,"
                    + " r.headers.get('content-type'), r.headers.get('content-disposition'), t])));", href);
            assertThat(csv.get(0)).isEqualTo(200L);
            assertThat(csv.get(1)).isEqualTo("text/csv; charset=utf-8");
            assertThat((String) csv.get(2)).contains("filename=\"firstline-queues-2026-11-02-to-2026-11-03-by-day.csv\"");
            assertThat(((String) csv.get(3)).split("\r\n")).containsExactly(
                    "period,periodStart,queue,offered,answered,abandoned,unanswered,abandonedPercent,serviceLevelSeconds,"
                            + "serviceLevelPercent,averageWaitSeconds,averageHandleSeconds,firstCallResolutionPercent,"
                            + "topCategories,callbacksMade,endedUnobserved",
                    "2026-11-02,2026-11-01T23:00:00Z,hardware,1,0,1,0,100.0,20,0.0,,,,hardware 1,0,0",
                    "2026-11-02,2026-11-01T23:00:00Z,software,2,2,0,0,0.0,20,50.0,25.0,200.0,,software 2,0,0",
                    "2026-11-03,2026-11-02T23:00:00Z,\"'=evil, \"\"quoted\"\"\",1,0,1,0,100.0,20,0.0,,,,,0,0");

            b.driver().findElement(By.id("by")).sendKeys("hour");
            b.driver().findElement(By.id("show")).click();
            b.waitUntil(d -> "2026-11-02/2026-11-03/hour".equals(b.script("return document.body.dataset.loaded")));
            assertThat(b.path()).isEqualTo("/reports");
            assertThat(b.driver().findElement(By.id("calls-csv")).getAttribute("href")).contains("by=hour");
            assertThat(b.driver().findElements(By.cssSelector("#calls-table tbody tr"))).hasSize(49);
            b.screenshot("reports");
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @DisplayName("from a report row to its calls, and a call search by number, status and outcome")
    void callsBehindTheFigures() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("sam", "sam-password", "/board");
            b.consoleErrors(); // the board is another page, not under test here
            b.go("/reports?from=2026-11-02&to=2026-11-03&by=day");
            b.waitUntil(d -> "2026-11-02/2026-11-03/day".equals(b.script("return document.body.dataset.loaded")));

            b.driver().findElement(By.cssSelector("#queues-table button[aria-label='Calls from 2026-11-02 to 2026-11-03 in software']"))
                    .click();
            b.waitForText(By.id("call-search-summary"), "2 calls from 2026-11-02 to 2026-11-03.");
            List<String> rows = b.driver().findElements(By.cssSelector("#call-search-table tbody tr")).stream()
                    .map(e -> e.getText()).toList();
            assertThat(rows).hasSize(2).allMatch(r -> r.contains("software") && r.contains("Alice Agent")
                    && r.contains("+12125550142") && r.contains("Answered"));
            assertThat(rows.get(0)).as("newest first, in the help desk's time").contains("09:59:40").contains("0:40")
                    .contains("1:40");

            b.driver().findElement(By.cssSelector("#calls-table button[aria-label='Calls in 2026-11-03']")).click();
            b.waitForText(By.id("call-search-summary"), "1 call in 2026-11-03.");
            assertThat(b.text(By.cssSelector("#call-search-table tbody tr"))).contains(ODD_QUEUE).contains("Hung up waiting");

            b.driver().findElement(By.cssSelector("#agents-table button[aria-label='Calls from 2026-11-02 to 2026-11-03 of Alice Agent']"))
                    .click();
            b.waitForText(By.id("call-search-summary"), "2 calls from 2026-11-02 to 2026-11-03.");

            b.driver().findElement(By.id("cs-agent")).sendKeys("any");
            b.driver().findElement(By.id("cs-number")).sendKeys("(212) 555-0142");
            new org.openqa.selenium.support.ui.Select(b.driver().findElement(By.id("cs-status"))).selectByValue("abandoned");
            b.driver().findElement(By.cssSelector("#call-search-form button[type='submit']")).click();
            b.waitForText(By.id("call-search-summary"), "2 calls from 2026-11-02 to 2026-11-03.");
            assertThat(b.driver().findElements(By.cssSelector("#call-search-table tbody tr")).stream().map(e -> e.getText()))
                    .allMatch(r -> r.contains("Hung up waiting")).anyMatch(r -> r.contains("hardware"));

            new org.openqa.selenium.support.ui.Select(b.driver().findElement(By.id("cs-outcome"))).selectByValue("resolved");
            b.driver().findElement(By.cssSelector("#call-search-form button[type='submit']")).click();
            b.waitForText(By.id("call-search-summary"), "0 calls from 2026-11-02 to 2026-11-03.");
            assertThat(b.text(By.cssSelector("#call-search-table tbody tr"))).isEqualTo("No call matches.");
            assertThat(b.accessibilityProblems()).as("the offline accessibility checks on the reports page").isEmpty();

            b.driver().findElement(By.id("cs-number")).clear();
            b.driver().findElement(By.id("cs-number")).sendKeys("ab");
            b.driver().findElement(By.cssSelector("#call-search-form button[type='submit']")).click();
            assertThat(b.waitFor(By.id("call-search-error")).getText()).contains("number");
            assertThat(b.consoleErrors()).allMatch(e -> e.contains("400"));
        }
    }

    @Test
    @DisplayName("an agent who opens /reports is told it is for supervisors, and no report is asked for")
    void agentIsTurnedAway() {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.consoleErrors(); // the desk is another page, not under test here
            b.go("/reports");
            assertThat(b.waitFor(By.id("report-error")).getText()).isEqualTo("Reports are for supervisors.");
            assertThat(b.driver().findElement(By.id("queues")).isDisplayed()).isFalse();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }
}
