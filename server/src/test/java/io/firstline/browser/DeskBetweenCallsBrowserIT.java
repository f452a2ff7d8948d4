package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestClock;
import io.firstline.TestServer;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.ReceivedAction;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

@DisplayName("the agent desktop between calls, in headless Chromium: pauses during a call, callbacks, recent calls, callers and tickets, layout")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeskBetweenCallsBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALICE = "Local/1001@agents/n";

    private AmiSimulator pbx;
    private TestServer server;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).agent(ALICE, "Alice Agent").build();
        server = TestServer.withPbx(pbx, Map.of("FIRSTLINE_WRAPUP_PAUSE", "true"), TestClock.morning(ZoneId.systemDefault()));
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (pbx != null) {
            pbx.close();
        }
    }

    private void call(String number, String name, int seed, int talkSeconds) {
        pbx.traffic().start(TrafficConfig.builder().callsPerSecond(5).maxCalls(1).seed(seed).outcomes(1, 0, 0)
                .menuChoice("1", "hardware", "main/hardware", 1).caller(number, name)
                .waitTime(Duration.ofSeconds(1), Duration.ofSeconds(1)).ringTime(Duration.ofSeconds(1))
                .talkTime(Duration.ofSeconds(talkSeconds), Duration.ofSeconds(talkSeconds)).build());
    }

    private static void saveOutcome(Browser b, String notes) {
        new Select(b.driver().findElement(By.id("disposition"))).selectByValue("resolved");
        b.driver().findElement(By.id("notes")).sendKeys(notes);
        b.driver().findElement(By.id("outcome-save")).click();
        b.waitForText(By.id("outcome-done"), "Outcome saved");
    }

    @Test
    @DisplayName("without a call: find a caller by name or number, their page (tickets, notes, calls), and the ticket lists by who and status")
    void callersAndTickets() throws Exception {
        String alice = server.login("alice", "alice-password");
        String bob = server.login("bob", "bob-password");
        long kim = server.post("/api/callers", alice, new JsonObject().put("name", "Kim Kowalski").put("organisation", "Globex")
                .put("phones", new io.vertx.core.json.JsonArray().add("+15553334444"))).json().getLong("id");
        long monitor = server.post("/api/tickets", alice, new JsonObject().put("callerId", kim).put("subject", "Monitor flickers")
                .put("category", "hardware")).json().getLong("id");
        server.post("/api/tickets/" + monitor + "/notes", alice, new JsonObject().put("body", "Checked the cable"));
        long dock = server.post("/api/tickets", bob, new JsonObject().put("callerId", kim).put("subject", "Dock not charging")
                .put("category", "hardware")).json().getLong("id");
        try (Connection c = server.db().connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO calls (pbx, linkedid, caller_number, caller_id, menu_path, queue, status, agent_id,"
                    + " entered_at, answered_at, ended_at, wait_seconds, talk_seconds) SELECT 'pbx', 'kim-1', '+15553334444', "
                    + kim + ", 'main/hardware', 'hardware', 'answered', id, NOW(3) - INTERVAL 2 DAY, NOW(3) - INTERVAL 2 DAY,"
                    + " NOW(3) - INTERVAL 2 DAY, 12, 240 FROM agents WHERE username = 'bob'");
            st.executeUpdate("UPDATE tickets SET call_id = (SELECT id FROM calls WHERE linkedid = 'kim-1') WHERE id = " + dock);
            st.executeUpdate("INSERT INTO call_outcomes (call_id, agent_id, disposition, notes, ticket_id, ticket_action, created_at)"
                    + " SELECT c.id, c.agent_id, 'ticket-opened', 'Dock LED blinks amber', " + dock
                    + ", 'new', NOW(3) - INTERVAL 2 DAY FROM calls c WHERE c.linkedid = 'kim-1'");
        }
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            assertThat(b.text(By.id("call-title"))).isEqualTo("No call");

            // Tickets: mine and open by default; a queue's; by status.
            b.waitForText(By.id("ticket-list"), "Monitor flickers");
            assertThat(b.text(By.id("ticket-list"))).doesNotContain("Dock not charging");
            new Select(b.driver().findElement(By.id("ticket-list-who"))).selectByValue("q:hardware");
            b.waitForText(By.id("ticket-list"), "Dock not charging");
            assertThat(b.text(By.id("ticket-list"))).doesNotContain("Monitor flickers");
            new Select(b.driver().findElement(By.id("ticket-list-status"))).selectByValue("resolved");
            b.waitForText(By.id("ticket-list"), "No tickets");
            new Select(b.driver().findElement(By.id("ticket-list-status"))).selectByValue("open");
            b.waitFor(By.cssSelector("#ticket-list button")).click();
            b.waitForText(By.id("ticket-title"), "Ticket #" + dock + ": Dock not charging");
            b.driver().findElement(By.id("ticket-close")).click();

            // A caller by number, then by name (Alt+F), and their page.
            b.driver().findElement(By.id("find-caller")).sendKeys("+1 555 333 4444");
            b.waitForText(By.id("find-results"), "Kim Kowalski");
            b.driver().findElement(By.id("find-caller")).clear();
            b.driver().findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.ALT, "f"));
            b.driver().switchTo().activeElement().sendKeys("kowal");
            b.waitForText(By.id("find-results"), "Globex");
            b.driver().findElement(By.cssSelector("#find-results button")).click();
            b.waitForText(By.id("caller-page-title"), "Kim Kowalski");
            assertThat(b.text(By.id("caller-page-meta"))).contains("Globex", "+15553334444");
            assertThat(b.text(By.id("caller-page-tickets"))).contains("Monitor flickers", "Dock not charging");
            assertThat(b.text(By.id("caller-page-notes"))).contains("Checked the cable", "Dock LED blinks amber");
            assertThat(b.text(By.id("caller-page-history"))).contains("Hardware", "Bob Agent", "Ticket opened");
            b.driver().findElement(By.cssSelector("#caller-page-tickets button")).click();
            b.waitForText(By.id("ticket-title"), "Ticket #");
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    /** The page does not scroll, and the three columns sit side by side, each inside the window. */
    private static void fitsTheWindow(Browser b, int width, int height) {
        b.driver().manage().window().setSize(new Dimension(width, height));
        b.waitUntil(d -> ((Number) b.script("return window.innerWidth")).intValue() <= width);
        String size = width + "x" + height;
        assertThat(((Number) b.script("return document.scrollingElement.scrollHeight - window.innerHeight")).intValue())
                .as("page-level vertical scroll at " + size).isLessThanOrEqualTo(0);
        assertThat(((Number) b.script("return document.scrollingElement.scrollWidth - window.innerWidth")).intValue())
                .as("page-level horizontal scroll at " + size).isLessThanOrEqualTo(0);
        @SuppressWarnings("unchecked")
        List<Map<String, Number>> cols = (List<Map<String, Number>>) b.script(
                "return [...document.querySelectorAll('.desk > .col')].map((c) => { const r = c.getBoundingClientRect();"
                + " return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; })");
        assertThat(cols).hasSize(3);
        for (int i = 0; i < cols.size(); i++) {
            Map<String, Number> c = cols.get(i);
            assertThat(c.get("left").doubleValue()).as("column " + i + " starts in the window at " + size).isGreaterThanOrEqualTo(0);
            assertThat(c.get("right").doubleValue()).as("column " + i + " ends in the window at " + size)
                    .isLessThanOrEqualTo(((Number) b.script("return window.innerWidth")).doubleValue());
            assertThat(c.get("bottom").doubleValue()).as("column " + i + " ends above the window's bottom at " + size)
                    .isLessThanOrEqualTo(((Number) b.script("return window.innerHeight")).doubleValue());
            assertThat(c.get("right").doubleValue() - c.get("left").doubleValue()).as("column " + i + " width at " + size)
                    .isGreaterThan(200);
            if (i > 0) {
                assertThat(c.get("left").doubleValue()).as("column " + i + " overlaps the one before at " + size)
                        .isGreaterThanOrEqualTo(cols.get(i - 1).get("right").doubleValue());
            }
        }
        // Nothing inside a column sticks out of it sideways (a one-line .who is cut with an ellipsis on purpose).
        assertThat((List<?>) b.script("return [...document.querySelectorAll('.desk > .col')].flatMap((c) => {"
                + " const edge = c.getBoundingClientRect().right;"
                + " return [...c.querySelectorAll('*')].filter((e) => e.getClientRects().length && !e.closest('.who')"
                + " && e.getBoundingClientRect().right > edge + 1)"
                + ".map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right - edge)); })"))
                .as("what sticks out of a column at " + size).isEmpty();
    }

    @Test
    @DisplayName("from 1024×768 up to 1920×1080: no page scroll, three columns that never overlap; a skip link to the outcome form; the offline accessibility checks")
    void layoutAndSkipLink() throws Exception {
        String alice = server.login("alice", "alice-password");
        long lee = server.post("/api/callers", alice, new JsonObject().put("name", "Lee Layout").put("organisation",
                "A rather long organisation name that must wrap inside its column, Incorporated")).json().getLong("id");
        for (int i = 1; i <= 6; i++) {
            server.post("/api/tickets", alice, new JsonObject().put("callerId", lee).put("subject", "Layout ticket number " + i
                    + " with a subject long enough to wrap onto a second line").put("category", "other"));
        }
        try (Browser b = Browser.open(server.port(), new Dimension(1024, 768))) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitForText(By.id("state"), "Available");

            // The skip link is the first stop of the keyboard, and lands on the outcome form.
            b.driver().findElement(By.tagName("body")).sendKeys(Keys.TAB);
            assertThat(b.driver().switchTo().activeElement().getText()).isEqualTo("Skip to the outcome form");
            b.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
            b.waitUntil(d -> "outcome".equals(d.switchTo().activeElement().getAttribute("id")));
            fitsTheWindow(b, 1024, 768);

            // A full desk: a call's pop in wrap-up, a caller's page and a ticket open, a notice.
            call("+15557770301", "Lee Layout", 31, 2);
            b.waitForText(By.id("call-title"), "Wrap-up");
            b.driver().findElement(By.id("find-caller")).sendKeys("Lee Layout");
            b.waitFor(By.cssSelector("#find-results button")).click();
            b.waitForText(By.id("caller-page-title"), "Lee Layout");
            b.driver().findElement(By.cssSelector("#caller-page-tickets button")).click();
            b.waitForText(By.id("ticket-title"), "Layout ticket");
            b.driver().findElement(By.id("help-button")).click();
            for (int[] size : new int[][] {{1024, 768}, {1100, 768}, {1280, 720}, {1366, 768}, {1920, 1080}}) {
                fitsTheWindow(b, size[0], size[1]);
            }
            b.driver().manage().window().setSize(new Dimension(1024, 768));
            b.screenshot("agent-desktop-1024");
            assertThat(b.accessibilityProblems()).as("the offline accessibility checks on a full desk").isEmpty();

            saveOutcome(b, "Layout check");
            b.driver().findElement(By.id("ready")).click();
            b.waitForText(By.id("call-title"), "No call");
            b.waitForText(By.id("state"), "Available");
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @DisplayName("the callbacks list says how many there are and pages through all of them, oldest first")
    void callbacksPage() throws Exception {
        try (Connection c = server.db().connect(); Statement st = c.createStatement()) {
            for (int i = 1; i <= 11; i++) {
                st.executeUpdate("INSERT INTO callback_requests (phone, queue, menu_path, reason, status, created_at)"
                        + " VALUES ('+155588800" + String.format("%02d", i) + "', 'hardware', 'main/hardware', 'abandoned', 'open',"
                        + " NOW(3) - INTERVAL " + (100 - i) + " MINUTE)");
            }
        }
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("callbacks-count"), "(11)");
            b.waitForText(By.id("callbacks-range"), "1–8 of 11");
            String first = b.text(By.id("callbacks"));
            assertThat(first).contains("+15558880001", "+15558880008").doesNotContain("+15558880009");
            assertThat(b.driver().findElements(By.cssSelector("#callbacks > li"))).hasSize(8);
            assertThat(b.driver().findElement(By.id("callbacks-prev")).isEnabled()).isFalse();
            b.driver().findElement(By.id("callbacks-next")).click();
            b.waitForText(By.id("callbacks-range"), "9–11 of 11");
            assertThat(b.text(By.id("callbacks"))).contains("+15558880009", "+15558880011").doesNotContain("+15558880008");
            assertThat(b.driver().findElement(By.id("callbacks-next")).isEnabled()).isFalse();
            // Compact: a callback takes at most two lines of the column.
            Number height = (Number) b.script("return document.querySelector('#callbacks > li').getBoundingClientRect().height");
            assertThat(height.doubleValue()).isLessThan(72);
            b.driver().findElement(By.id("callbacks-prev")).click();
            b.waitForText(By.id("callbacks-range"), "1–8 of 11");
            assertThat(b.consoleErrors()).isEmpty();
        } finally {
            try (Connection c = server.db().connect(); Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM callback_requests WHERE phone LIKE '+155588800%'");
            }
        }
    }

    @Test
    @DisplayName("an outcome left unsaved is listed under My calls and reopens the form with its draft; saved, it shows in the recent calls")
    void unsavedOutcomesReopen() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitForText(By.id("state"), "Available");
            b.waitForText(By.id("unsaved"), "Every outcome is saved");

            // A call ends with half an outcome; Alice resumes without saving it, and the next call comes.
            call("+15557770201", "Gina Green", 21, 3);
            b.waitForText(By.id("call-title"), "On call");
            b.driver().findElement(By.id("notes")).sendKeys("Gina: VPN drops every hour");
            b.waitForText(By.id("call-title"), "Wrap-up");
            b.waitForText(By.id("unsaved-count"), "(1)");
            assertThat(b.text(By.id("unsaved"))).contains("Gina Green");
            b.waitForText(By.id("state-paused"), "Paused: wrap-up");
            b.driver().findElement(By.id("resume")).click();
            b.waitUntil(d -> !d.findElement(By.id("state-paused")).isDisplayed());
            call("+15557770202", "Hank Hill", 22, 3);
            b.waitForText(By.id("caller-name"), "Hank Hill");
            b.waitForText(By.id("notices"), "The outcome of the call with Gina Green was not saved");
            assertThat(b.driver().findElements(By.cssSelector("#notices .banner"))).hasSize(1);
            b.waitForText(By.id("call-title"), "Wrap-up");
            b.waitForText(By.id("unsaved-count"), "(2)");

            // Back to Gina's call: the form is hers, with her draft; saved, she leaves the list.
            b.driver().findElement(By.cssSelector("#unsaved button[aria-label*='Gina Green']")).click();
            b.waitForText(By.id("call-title"), "Earlier call");
            b.waitForText(By.id("outcome-for"), "Gina Green");
            assertThat(b.driver().findElement(By.id("notes")).getAttribute("value")).isEqualTo("Gina: VPN drops every hour");
            assertThat(b.text(By.id("state"))).startsWith("Paused");
            saveOutcome(b, " (fixed)");
            b.waitForText(By.id("unsaved-count"), "(1)");
            assertThat(b.text(By.id("unsaved"))).contains("Hank Hill").doesNotContain("Gina Green");
            b.waitForText(By.id("recent"), "Resolved");
            assertThat(b.text(By.id("recent"))).contains("Gina Green", "Hank Hill", "Not saved");
            JsonObject gina = server.get("/api/agents/me/calls?limit=5", server.login("alice", "alice-password")).json()
                    .getJsonArray("items").stream().map(JsonObject.class::cast)
                    .filter(c -> "+15557770201".equals(c.getString("callerNumber"))).findFirst().orElseThrow();
            JsonObject outcome = server.get("/api/calls/" + gina.getLong("id"), admin).json().getJsonArray("outcomes").getJsonObject(0);
            assertThat(outcome.getString("notes")).isEqualTo("Gina: VPN drops every hour (fixed)");

            // And Hank's, the same way; then Ready.
            b.driver().findElement(By.cssSelector("#unsaved button")).click();
            b.waitForText(By.id("outcome-for"), "Hank Hill");
            saveOutcome(b, "Printer");
            b.waitForText(By.id("unsaved"), "Every outcome is saved");
            b.driver().findElement(By.id("ready")).click();
            b.waitForText(By.id("call-title"), "No call");
            b.waitForText(By.id("state"), "Available");
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @DisplayName("a pause taken during a call or wrap-up shows at once, with the reason in force; Ready leaves the agent's own pause alone")
    void pauseDuringCallAndWrapup() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitForText(By.id("state"), "Available");

            // Paused for lunch while on the call: the bar says so at once, next to "On call".
            call("+15557770101", "Dana Diaz", 11, 15);
            b.waitForText(By.id("call-title"), "On call");
            assertThat(b.driver().findElement(By.id("transfer-box")).isDisplayed()).isTrue();
            new Select(b.driver().findElement(By.id("pause-reason"))).selectByValue("lunch");
            int before = pbx.receivedActions().size();
            b.driver().findElement(By.id("pause")).click();
            pbx.awaitAction(before, "QueuePause", a -> "lunch".equals(a.get("Reason")), WAIT);
            b.waitForText(By.id("state-paused"), "Paused: lunch");
            assertThat(b.text(By.id("state"))).isEqualTo("On call");

            // The call ends: wrap-up, still paused for lunch (the server adds no wrap-up pause on top).
            b.waitForText(By.id("state"), "Wrap-up");
            assertThat(b.text(By.id("state-paused"))).isEqualTo("Paused: lunch");
            assertThat(b.driver().findElement(By.id("transfer-box")).isDisplayed()).as("no transfer once the call ended").isFalse();
            saveOutcome(b, "Lunch after this one");
            int beforeReady = pbx.receivedActions().size();
            b.driver().findElement(By.id("ready")).click();
            b.waitForText(By.id("call-title"), "No call");
            b.waitForText(By.id("state"), "Paused: lunch");
            assertThat(b.driver().findElement(By.id("state-paused")).isDisplayed()).isFalse();
            assertThat(pbx.receivedActions().subList(beforeReady, pbx.receivedActions().size()))
                    .noneMatch(a -> "QueuePause".equals(a.name()));
            b.driver().findElement(By.id("resume")).click();
            b.waitForText(By.id("state"), "Available");

            // In wrap-up the server pauses her ("wrap-up"); she then pauses for a break: the bar follows each.
            call("+15557770102", "Eli Evans", 12, 2);
            b.waitForText(By.id("call-title"), "Wrap-up");
            b.waitForText(By.id("state-paused"), "Paused: wrap-up");
            new Select(b.driver().findElement(By.id("pause-reason"))).selectByValue("break");
            b.driver().findElement(By.id("pause")).click();
            b.waitForText(By.id("state-paused"), "Paused: break");
            assertThat(b.text(By.id("state"))).isEqualTo("Wrap-up");
            saveOutcome(b, "Break next");
            int beforeReady2 = pbx.receivedActions().size();
            b.driver().findElement(By.id("ready")).click();
            b.waitForText(By.id("state"), "Paused: break");
            assertThat(pbx.receivedActions().subList(beforeReady2, pbx.receivedActions().size()))
                    .noneMatch(a -> "QueuePause".equals(a.name()));
            ReceivedAction resumed;
            int beforeResume = pbx.receivedActions().size();
            b.driver().findElement(By.id("resume")).click();
            resumed = pbx.awaitAction(beforeResume, "QueuePause", a -> "false".equalsIgnoreCase(a.get("Paused")), WAIT);
            assertThat(resumed.get("Interface")).isEqualTo(ALICE);
            b.waitForText(By.id("state"), "Available");
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }
}
