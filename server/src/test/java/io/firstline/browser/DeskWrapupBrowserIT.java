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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

@DisplayName("the agent desktop in headless Chromium: an unknown caller, wrap-up with the server's pause, ready, and a call back")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeskWrapupBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String ALICE = "Local/1001@agents/n";

    private AmiSimulator pbx;
    private TestServer server;
    private String admin;
    private long omarId;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).agent(ALICE, "Alice Agent").build();
        server = TestServer.withPbx(pbx, Map.of("FIRSTLINE_WRAPUP_PAUSE", "true"), TestClock.morning(ZoneId.systemDefault()));
        admin = server.loginAdmin();
        server.createTraceAgents(admin);
        // Known by name but not by this number: the pop offers him as a likely match.
        omarId = server.post("/api/callers", admin, new JsonObject().put("name", "Omar Okafor")
                .put("organisation", "Northwind Dental")).json().getLong("id");
        try (Connection c = server.db().connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO callback_requests (phone, queue, menu_path, reason, status, created_at)"
                    + " VALUES ('+15559990001', 'hardware', 'main/hardware', 'abandoned', 'open', NOW(3) - INTERVAL 5 MINUTE)");
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

    @Test
    @DisplayName("attach the number to the likely caller, wrap up (paused by the server), save, Ready resumes; then call back an abandoned caller; then create a caller nobody knew")
    void unknownCallerWrapupReadyAndCallback() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitForText(By.id("callbacks"), "+15559990001");

            int before = pbx.receivedActions().size();
            pbx.traffic().start(TrafficConfig.builder().callsPerSecond(5).maxCalls(1).seed(5).outcomes(1, 0, 0)
                    .menuChoice("1", "hardware", "main/hardware", 1).caller("+15557770002", "Omar Okafor")
                    .waitTime(Duration.ofSeconds(1), Duration.ofSeconds(1)).ringTime(Duration.ofSeconds(1))
                    .talkTime(Duration.ofSeconds(10), Duration.ofSeconds(10)).build());
            b.waitForText(By.id("call-title"), "On call");
            assertThat(b.waitFor(By.id("unknown")).getText()).contains("Unknown caller");
            assertThat(b.driver().findElement(By.id("call-menu")).getText()).isEqualTo("Hardware");
            b.waitForText(By.id("caller-results"), "Omar Okafor");
            // The search as the agent types: nobody, then him.
            b.driver().findElement(By.id("caller-search")).sendKeys("Nobody Such");
            b.waitForText(By.id("unknown-answer"), "Nobody found; create the caller below.");
            assertThat(b.driver().findElement(By.id("caller-results")).getText()).isEmpty();
            b.driver().findElement(By.id("caller-search")).clear();
            b.driver().findElement(By.id("caller-search")).sendKeys("okafor");
            b.waitForText(By.id("caller-results"), "Omar Okafor");
            b.driver().findElement(By.cssSelector("#caller-results button")).click();
            b.waitForText(By.id("caller-org"), "Northwind Dental");
            assertThat(b.driver().findElement(By.id("caller-name")).getText()).isEqualTo("Omar Okafor");
            assertThat(b.driver().findElement(By.id("unknown")).isDisplayed()).isFalse();
            assertThat(server.get("/api/callers/" + omarId, admin).json().getJsonArray("phones")).contains("+15557770002");

            // The call ends: wrap-up, and the server pauses Alice for it.
            b.waitForText(By.id("call-title"), "Wrap-up");
            b.waitForText(By.id("state"), "Wrap-up");
            ReceivedAction wrap = pbx.awaitAction(before, "QueuePause", a -> "wrap-up".equals(a.get("Reason")), WAIT);
            assertThat(wrap.get("Interface")).isEqualTo(ALICE);

            b.driver().findElement(By.id("ready")).click();
            assertThat(b.waitFor(By.id("outcome-error")).getText()).contains("Save the outcome first");

            new Select(b.driver().findElement(By.id("disposition"))).selectByValue("resolved");
            b.driver().findElement(By.id("notes")).sendKeys("Reset the dental chair's tablet");
            b.driver().findElement(By.id("outcome-save")).click();
            b.waitForText(By.id("outcome-done"), "Outcome saved");

            int beforeReady = pbx.receivedActions().size();
            b.driver().findElement(By.id("ready")).click();
            ReceivedAction resume = pbx.awaitAction(beforeReady, "QueuePause", a -> "false".equalsIgnoreCase(a.get("Paused")), WAIT);
            assertThat(resume.get("Interface")).isEqualTo(ALICE);
            b.waitForText(By.id("call-title"), "No call");
            b.waitForText(By.id("figures"), "Today: 1 call");
            b.waitForText(By.id("figures"), "100% resolved first time");
            JsonObject call = server.get("/api/calls?callerId=" + omarId, admin).json().getJsonArray("items").getJsonObject(0);
            JsonObject outcome = server.get("/api/calls/" + call.getLong("id"), admin).json().getJsonArray("outcomes").getJsonObject(0);
            assertThat(outcome.getString("disposition")).isEqualTo("resolved");
            assertThat(outcome.getInteger("wrapupSeconds")).isNotNull();

            // One click calls back the caller who hung up while waiting.
            int beforeCallback = pbx.receivedActions().size();
            b.driver().findElement(By.cssSelector("#callbacks button")).click();
            ReceivedAction originate = pbx.awaitAction(beforeCallback, "Originate", a -> true, WAIT);
            assertThat(originate.get("Channel")).isEqualTo(ALICE);
            assertThat(originate.get("Context")).isEqualTo("firstline-callback");
            assertThat(originate.get("Exten")).isEqualTo("+15559990001");
            b.waitForText(By.id("callbacks-answer"), "Asterisk: Originate successfully queued");
            b.waitForText(By.id("callbacks"), "originated");
            b.screenshot("agent-desktop-after-call");

            // Asterisk's own trace: Alice's phone rings 15 s unanswered; then she is paused without asking
            // (as a queue with autopause does): the desk says so plainly.
            pbx.replay(io.firstline.TestTraces.amiRaw("ring-no-answer-software"), false).get(20, java.util.concurrent.TimeUnit.SECONDS);
            String token = server.login("alice", "alice-password");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!server.get("/api/agents/me/status", token).json().getString("state").equals("available")
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(server.post("/api/agents/me/pause", token, new JsonObject().put("reason", "break")).status()).isEqualTo(200);
            b.waitForText(By.id("notices"), "Asterisk paused you after a call rang 15 s on your phone without an answer");
            b.waitForText(By.id("state"), "Paused: break");
            assertThat(server.post("/api/agents/me/unpause", token, new JsonObject()).status()).isEqualTo(200);

            // A caller nobody knows yet: created with this call's number, the pop then shows them.
            pbx.traffic().start(TrafficConfig.builder().callsPerSecond(5).maxCalls(1).seed(7).outcomes(1, 0, 0)
                    .menuChoice("1", "hardware", "main/hardware", 1).caller("+15556660003", "P Patel")
                    .waitTime(Duration.ofSeconds(1), Duration.ofSeconds(1)).ringTime(Duration.ofSeconds(1))
                    .talkTime(Duration.ofSeconds(60), Duration.ofSeconds(60)).build());
            b.waitForText(By.id("call-number"), "+15556660003");
            b.waitForText(By.id("call-title"), "On call");
            b.waitFor(By.id("unknown"));
            // Nothing typed for the unknown caller before is left over: the form is this call's.
            assertThat(b.driver().findElement(By.id("new-caller-name")).getAttribute("value")).isEqualTo("P Patel");
            assertThat(b.driver().findElement(By.id("caller-search")).getAttribute("value")).isEmpty();
            b.driver().findElement(By.cssSelector("#new-caller summary")).click();
            b.driver().findElement(By.id("new-caller-name")).clear();
            b.driver().findElement(By.id("new-caller-name")).sendKeys("Priya Patel");
            b.driver().findElement(By.id("new-caller-org")).sendKeys("Contoso Clinic");
            b.driver().findElement(By.id("new-caller-save")).click();
            b.waitForText(By.id("caller-org"), "Contoso Clinic");
            assertThat(b.driver().findElement(By.id("caller-name")).getText()).isEqualTo("Priya Patel");
            assertThat(b.driver().findElement(By.id("unknown")).isDisplayed()).isFalse();
            assertThat(b.driver().findElement(By.id("outcome-for")).getText()).contains("Priya Patel");
            JsonObject priya = server.get("/api/callers?q=Priya", admin).json().getJsonArray("items").getJsonObject(0);
            assertThat(priya.getString("organisation")).isEqualTo("Contoso Clinic");
            assertThat(server.get("/api/callers/" + priya.getLong("id"), admin).json().getJsonArray("phones")).contains("+15556660003");
            assertThat(b.accessibilityProblems()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }
}
