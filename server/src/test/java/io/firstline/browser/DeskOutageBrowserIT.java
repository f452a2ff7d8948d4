package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TcpProxy;
import io.firstline.TestServer;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

@DisplayName("the agent desktop while the database is down, in a real browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeskOutageBrowserIT {

    private static final String ALICE = "Local/1001@agents/n";

    private AmiSimulator pbx;
    private TcpProxy proxy;
    private TestServer server;
    private long ticketId;

    @BeforeAll
    void start() throws Exception {
        // Alice is the only member, so the simulated call rings her phone.
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).agent(ALICE, "Alice Agent").build();
        server = TestServer.withPbx(pbx, Map.of(), url -> {
            Matcher m = Pattern.compile("jdbc:mariadb://([^:/]+):(\\d+)/(.*)").matcher(url);
            if (!m.matches()) {
                throw new IllegalStateException("unexpected test database URL " + url);
            }
            try {
                proxy = new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/" + m.group(3);
        });
        String admin = server.loginAdmin();
        server.createTraceAgents(admin);
        long jane = server.post("/api/callers", admin, new JsonObject().put("name", "Jane Doe").put("organisation", "Acme Widgets")
                .put("phones", new JsonArray().add("+1 555 123 4567"))).json().getLong("id");
        ticketId = server.post("/api/tickets", admin, new JsonObject().put("callerId", jane)
                .put("subject", "Outlook keeps asking for the password").put("category", "software")).json().getLong("id");
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.resume();
        }
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (pbx != null) {
            pbx.close();
        }
    }

    private double dbUp() {
        String text = server.get("/metrics", null).raw().body();
        return text.lines().filter(l -> l.startsWith("firstline_db_up ")).map(l -> Double.parseDouble(l.substring(16)))
                .findFirst().orElse(-1.0);
    }

    private void awaitDbUp(double wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dbUp() != wanted) {
            assertThat(System.nanoTime()).as("firstline_db_up never became %s", wanted).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    @DisplayName("a call answered while the database hangs pops with what is known and says the history is unavailable; once the database is back the history fills in")
    void historyUnavailable() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "alice-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitForText(By.id("state"), "Available");

            proxy.blackHole();
            awaitDbUp(0);
            pbx.traffic().start(TrafficConfig.builder().callsPerSecond(5).maxCalls(1).seed(3).outcomes(1, 0, 0)
                    .menuChoice("2", "software", "main/software", 1).caller("+15551234567", "Jane Doe")
                    .waitTime(Duration.ofSeconds(1), Duration.ofSeconds(1)).ringTime(Duration.ofSeconds(1))
                    .talkTime(Duration.ofSeconds(120), Duration.ofSeconds(120)).build());
            b.waitForText(By.id("call-title"), "On call");
            b.waitForText(By.id("caller-data"), "History unavailable");
            assertThat(proxy.mode()).isEqualTo(TcpProxy.Mode.BLACK_HOLE);
            assertThat(b.driver().findElement(By.id("caller-data")).isDisplayed()).isTrue();
            assertThat(b.driver().findElement(By.id("caller-name")).getText()).isEqualTo("Jane Doe");
            assertThat(b.driver().findElement(By.id("caller-org")).getText()).isEqualTo("Not known yet");
            assertThat(b.driver().findElement(By.id("call-number")).getText()).isEqualTo("+15551234567");
            assertThat(b.driver().findElement(By.id("call-menu")).getText()).isEqualTo("Software");
            assertThat(b.driver().findElement(By.id("call-queue")).getText()).isEqualTo("software");
            assertThat(b.driver().findElement(By.id("history")).getText()).contains("History unavailable");
            assertThat(b.driver().findElement(By.id("open-tickets")).getText()).isEqualTo("Unavailable");
            assertThat(b.driver().findElement(By.id("unknown")).isDisplayed()).as("no caller search while the database is away").isFalse();
            b.screenshot("desk-history-unavailable");

            // The database answers again during the call: the caller's data comes by itself.
            proxy.resume();
            b.waitForText(By.id("caller-org"), "Acme Widgets");
            b.waitForText(By.id("open-tickets"), "#" + ticketId);
            b.waitUntil(d -> !d.findElement(By.id("caller-data")).isDisplayed());
            assertThat(b.driver().findElement(By.id("history")).getText()).contains("No earlier calls");
        }
    }
}
