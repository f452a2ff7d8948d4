package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.ReceivedAction;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

@DisplayName("the agent desktop in real headless Chromium, with calls from the AMI simulator")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeskBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final String ALICE = "Local/1001@agents/n";

    private AmiSimulator pbx;
    private TestServer server;
    private String admin;
    private long janeId;
    private long ticketId;

    @BeforeAll
    void start() throws Exception {
        // Alice is the only member, so the simulated call rings her phone.
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).agent(ALICE, "Alice Agent").build();
        server = TestServer.withPbx(pbx, Map.of());
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        janeId = server.post("/api/callers", admin, new JsonObject().put("name", "Jane Doe").put("organisation", "Acme Widgets")
                .put("vip", true).put("phones", new JsonArray().add("+1 555 123 4567"))).json().getLong("id");
        ticketId = server.post("/api/tickets", admin, new JsonObject().put("callerId", janeId)
                .put("subject", "Outlook keeps asking for the password").put("category", "software")).json().getLong("id");
        server.post("/api/kb", admin, new JsonObject().put("title", "Outlook keeps asking for the password after a password change")
                .put("problem", "Outlook prompts again and again").put("solution", "1. Remove the cached credentials.")
                .put("category", "software"));
        try (Connection c = server.db().connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO calls (pbx, linkedid, caller_number, caller_id, menu_path, queue, status, agent_id,"
                    + " entered_at, answered_at, ended_at, wait_seconds, talk_seconds) SELECT 'pbx', 'earlier-1', '+15551234567', "
                    + janeId + ", 'main/software', 'software', 'answered', id, NOW(3) - INTERVAL 3 DAY, NOW(3) - INTERVAL 3 DAY,"
                    + " NOW(3) - INTERVAL 3 DAY, 12, 240 FROM agents WHERE username = 'bob'");
            st.executeUpdate("INSERT INTO call_outcomes (call_id, agent_id, disposition, ticket_id, ticket_action, created_at)"
                    + " SELECT c.id, c.agent_id, 'ticket-opened', " + ticketId + ", 'new', NOW(3) FROM calls c WHERE c.linkedid = 'earlier-1'");
        }
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

    private static void type(WebElement el, String text) {
        el.clear();
        el.sendKeys(text);
    }

    @Test
    @DisplayName("a call rings and pops with the caller's history and open ticket; a draft survives a reload; a refused outcome keeps the form; the saved one opens a ticket the API returns; a <script> note shows as text")
    void callPopOutcomeAndNotes() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitForText(By.id("state"), "Available");

            pbx.traffic().start(TrafficConfig.builder().callsPerSecond(5).maxCalls(1).seed(3).outcomes(1, 0, 0)
                    .menuChoice("2", "software", "main/software", 1).caller("+15551234567", "Jane Doe")
                    .waitTime(Duration.ofSeconds(1), Duration.ofSeconds(1)).ringTime(Duration.ofSeconds(2))
                    .talkTime(Duration.ofSeconds(120), Duration.ofSeconds(120)).build());
            b.waitForText(By.id("call-title"), "On call");
            // The caller's data is in the pop when it was loaded in time, else it follows within moments.
            b.waitForText(By.id("caller-org"), "Acme Widgets");
            assertThat(b.driver().findElement(By.id("caller-name")).getText()).isEqualTo("Jane Doe");
            assertThat(b.driver().findElement(By.id("caller-vip")).isDisplayed()).isTrue();
            assertThat(b.driver().findElement(By.id("call-menu")).getText()).isEqualTo("Software");
            assertThat(b.driver().findElement(By.id("open-tickets")).getText()).contains("#" + ticketId, "Outlook keeps asking");
            assertThat(b.driver().findElement(By.id("history")).getText()).contains("Ticket opened", "Bob Agent");
            assertThat(b.driver().findElement(By.id("suggestions")).getText()).contains("Outlook keeps asking for the password");
            b.driver().findElement(By.cssSelector("#suggestions button")).click();
            b.waitForText(By.id("kb-article-title"), "Outlook keeps asking for the password");
            assertThat(b.driver().findElement(By.id("state")).getText()).isEqualTo("On call");
            b.waitForText(By.id("state-detail"), "Jane Doe");

            // The knowledge base as you type, and "used this".
            type(b.driver().findElement(By.id("kb-search")), "outlook password");
            b.waitFor(By.cssSelector("#kb-results button")).click();
            b.waitForText(By.id("kb-article-solution"), "Remove the cached credentials");
            b.driver().findElement(By.id("kb-use")).click();
            b.waitForText(By.id("kb-used-title"), "Outlook keeps asking");

            // Half an outcome, then a reload: the draft is still there.
            new Select(b.driver().findElement(By.id("disposition"))).selectByValue("ticket-opened");
            new Select(b.driver().findElement(By.id("ticket-action"))).selectByValue("new");
            type(b.driver().findElement(By.id("notes")), "Printer on floor 2 jams on tray 2");
            new Select(b.driver().findElement(By.id("ticket-category"))).selectByValue("hardware");
            new Select(b.driver().findElement(By.id("ticket-priority"))).selectByValue("high");
            b.screenshot("agent-desktop");
            b.driver().navigate().refresh();
            b.waitForText(By.id("call-title"), "On call");
            b.waitForText(By.id("connection"), "Live");
            assertThat(b.driver().findElement(By.id("notes")).getAttribute("value")).isEqualTo("Printer on floor 2 jams on tray 2");
            assertThat(new Select(b.driver().findElement(By.id("disposition"))).getFirstSelectedOption().getAttribute("value"))
                    .isEqualTo("ticket-opened");
            assertThat(new Select(b.driver().findElement(By.id("ticket-action"))).getFirstSelectedOption().getAttribute("value"))
                    .isEqualTo("new");
            assertThat(b.driver().findElement(By.id("kb-used-title")).getText()).contains("Outlook keeps asking");

            // Without a subject the server refuses: the form stays and says why.
            b.driver().findElement(By.id("outcome-save")).click();
            WebElement error = b.waitFor(By.id("outcome-error"));
            assertThat(error.getText()).contains("ticket.subject").contains("kept");
            assertThat(b.driver().findElement(By.id("notes")).getAttribute("value")).isEqualTo("Printer on floor 2 jams on tray 2");
            assertThat(b.consoleErrors()).allMatch(m -> m.contains("400"));

            type(b.driver().findElement(By.id("ticket-subject")), "Printer jams on tray 2");
            b.driver().findElement(By.id("ticket-subject")).sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
            b.waitForText(By.id("outcome-done"), "Outcome saved");
            JsonArray tickets = server.get("/api/tickets?callerId=" + janeId, admin).json().getJsonArray("items");
            JsonObject opened = tickets.stream().map(JsonObject.class::cast)
                    .filter(t -> "Printer jams on tray 2".equals(t.getString("subject"))).findFirst().orElseThrow();
            assertThat(opened.getString("category")).isEqualTo("hardware");
            assertThat(opened.getString("priority")).isEqualTo("high");
            assertThat(server.queryLong("SELECT times_used FROM kb_articles WHERE title LIKE 'Outlook keeps%'")).isEqualTo(1);

            // The open ticket, its notes, and a note that looks like HTML.
            b.driver().findElement(By.cssSelector("#open-tickets button")).click();
            b.waitForText(By.id("ticket-title"), "Outlook keeps asking");
            b.waitForText(By.id("ticket-calls"), "Bob Agent");
            assertThat(b.driver().findElement(By.id("ticket-calls")).getText()).contains("Software", "Ticket opened");
            String hostile = "<script>window.pwned = 1</script><b>not bold</b>";
            type(b.driver().findElement(By.id("note-body")), hostile);
            b.driver().findElement(By.id("note-add")).click();
            b.waitForText(By.id("ticket-notes"), "<script>");
            WebElement note = b.driver().findElement(By.cssSelector("#ticket-notes .body"));
            assertThat(note.getText()).isEqualTo(hostile);
            assertThat(b.driver().findElements(By.cssSelector("#ticket-notes b"))).isEmpty();
            assertThat(b.script("return window.pwned === undefined")).isEqualTo(true);
            assertThat(server.get("/api/tickets/" + ticketId, admin).json().getJsonArray("notes").getJsonObject(0)
                    .getString("body")).isEqualTo(hostile);
            assertThat(b.waitForTextOf(By.id("caller-tickets"), "Printer jams on tray 2")).contains("#" + ticketId);
            b.driver().findElement(By.id("ticket-close")).click();
            assertThat(b.driver().findElement(By.id("ticket-card")).isDisplayed()).isFalse();

            // Send the caller on to the hardware queue: a blind transfer of Alice's leg.
            int before = pbx.receivedActions().size();
            new Select(b.driver().findElement(By.id("transfer-target"))).selectByValue("q:hardware");
            b.driver().findElement(By.id("transfer")).click();
            ReceivedAction bt = pbx.awaitAction(before, "BlindTransfer", a -> true, WAIT);
            assertThat(bt.get("Channel")).startsWith("Local/1001@agents-").endsWith(";1");
            assertThat(bt.get("Context")).isEqualTo("firstline-transfer");
            assertThat(bt.get("Exten")).isEqualTo("hardware");
            b.waitForText(By.id("transfer-answer"), "Asterisk: Transfer succeeded");
            b.waitForText(By.id("call-title"), "Wrap-up");
            // The call has ended: nothing left to transfer, but Asterisk's answer stays readable.
            assertThat(b.driver().findElement(By.id("transfer-box")).isDisplayed()).isFalse();
            assertThat(b.driver().findElement(By.id("transfer-answer")).getText()).contains("Transfer succeeded");

            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @DisplayName("pause with a reason and resume send the right QueuePause actions and show Asterisk's answer")
    void pauseAndResume() throws Exception {
        try (Browser b = Browser.open(server.port(), new Dimension(1920, 1080))) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            new Select(b.waitFor(By.id("pause-reason"))).selectByValue("training");
            int before = pbx.receivedActions().size();
            b.driver().findElement(By.id("pause")).click();
            ReceivedAction p = pbx.awaitAction(before, "QueuePause", a -> true, WAIT);
            assertThat(p.get("Interface")).isEqualTo(ALICE);
            assertThat(p.get("Paused")).isEqualToIgnoringCase("true");
            assertThat(p.get("Reason")).isEqualTo("training");
            b.waitForText(By.id("pbx-answer"), "Asterisk: Interface paused successfully");
            if (b.driver().findElement(By.id("call-title")).getText().equals("No call")) {
                b.waitForText(By.id("state"), "Paused: training");
            }

            int mid = pbx.receivedActions().size();
            b.driver().findElement(By.tagName("body")).sendKeys(Keys.chord(Keys.ALT, "r"));
            ReceivedAction u = pbx.awaitAction(mid, "QueuePause", a -> true, WAIT);
            assertThat(u.get("Interface")).isEqualTo(ALICE);
            assertThat(u.get("Paused")).isEqualToIgnoringCase("false");
            b.waitForText(By.id("pbx-answer"), "Asterisk: Interface unpaused successfully");
            if (b.driver().findElement(By.id("call-title")).getText().equals("No call")) {
                b.waitUntil(d -> !d.findElement(By.id("state")).getText().startsWith("Paused"));
            }
            b.screenshot("agent-desktop-1920");
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }
}
