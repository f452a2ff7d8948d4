package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestClock;
import io.firstline.TestServer;
import io.firstline.TestTraces;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.ReceivedAction;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

@DisplayName("the wallboard in a real browser, fed by the simulated PBX")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BoardBrowserIT {

    private final TestClock.Adjustable clock = TestClock.adjustable(TestClock.DAY.atTime(10, 0), ZoneId.systemDefault());
    private AmiSimulator pbx;
    private TestServer server;
    private String sam;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of(), clock);
        String admin = server.loginAdmin();
        server.createTraceAgents(admin);
        assertThat(server.post("/api/agents", admin, new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor").put("interface", "Local/9000@supervisor"))
                .status()).isEqualTo(201);
        sam = server.login("sam", "sam-password");
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

    private static By tileFigure(String queue, String figure) {
        return By.cssSelector("article.tile[data-queue='" + queue + "'] .figure." + figure + " .figure-value");
    }

    @Test
    @Order(1)
    @DisplayName("a call shows as waiting, then answered, with the right counters; whisper sends the right Originate")
    void waitingThenAnsweredThenWhisper() throws Exception {
        try (Browser b = Browser.open(server.port(), new Dimension(1600, 1000))) {
            b.signIn("sam", "sam-password", "/board");
            b.waitFor(By.cssSelector("article.tile[data-queue='software']"));
            assertThat(b.driver().findElement(By.id("sl-definition")).getText()).contains("answered within");

            pbx.replay(TestTraces.amiRaw("answered-software"), true);
            b.waitForText(tileFigure("software", "waiting"), "1");
            String row = b.waitForTextOf(By.cssSelector("#waiting tbody tr"), "software");
            assertThat(row).contains("software").contains("+15551234567");
            assertThat(b.text(By.cssSelector("#waiting tbody tr td.menu-path"))).as("the menu path in words").isEqualTo("Software");
            b.screenshot("board-waiting");

            b.waitForText(tileFigure("software", "answered"), "1");
            b.waitForText(tileFigure("software", "waiting"), "0");
            assertThat(b.text(tileFigure("software", "offered"))).isEqualTo("1");
            assertThat(b.text(tileFigure("software", "abandoned"))).isEqualTo("0 (0.0 %)");
            assertThat(b.text(tileFigure("software", "sl"))).isEqualTo("100.0 %");
            b.waitForText(By.cssSelector("#agents tr[data-agent='alice'] .handled"), "1");
            assertThat(b.driver().findElement(By.id("waiting-none")).isDisplayed()).isTrue();
            b.screenshot("board-answered");

            int before = pbx.receivedActions().size();
            WebElement whisper = b.driver().findElement(By.cssSelector("#agents tr[data-agent='bob'] button.spy-whisper"));
            whisper.click();
            assertThat(whisper.getText()).as("whisper asks once more, in its own words").isEqualTo("Whisper to Bob Agent?");
            assertThat(pbx.receivedActions().subList(before, pbx.receivedActions().size()))
                    .noneMatch(a -> a.name().equalsIgnoreCase("Originate"));
            whisper.click();
            ReceivedAction originate = awaitNew("Originate", before);
            assertThat(originate.get("Channel")).isEqualTo("Local/9000@supervisor");
            assertThat(originate.get("Application")).isEqualTo("ChanSpy");
            assertThat(originate.get("Data")).isEqualTo("PJSIP/1002-,bqwES");
            b.waitForText(By.id("action-result"), "Bob Agent hears you; the caller does not");
            String audited = b.waitForTextOf(By.cssSelector("#audit tbody tr"), "whispered");
            assertThat(audited).contains("Sam Supervisor").contains("Bob Agent").contains("bqwES")
                    .contains("Originate successfully queued");
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @Order(2)
    @DisplayName("a busy moment: tiles turn amber or red, the charts fill, timers run; the picture goes to target/screenshots/wallboard.png")
    void busyBoardScreenshot() throws Exception {
        try (Browser b = Browser.open(server.port(), new Dimension(1600, 1500))) {
            b.signIn("sam", "sam-password", "/board");
            pbx.traffic().start(TrafficConfig.builder().seed(7).callsPerSecond(1.5).maxCalls(14)
                    .talkTime(Duration.ofSeconds(20), Duration.ofSeconds(40)).waitTime(Duration.ofSeconds(5), Duration.ofSeconds(25))
                    .build());
            b.waitUntil(d -> !d.findElements(By.cssSelector("article.tile.level-amber, article.tile.level-red")).isEmpty());
            b.waitUntil(d -> d.findElements(By.cssSelector("#waiting tbody tr")).size() >= 2);
            b.waitFor(By.cssSelector("#chart-volume canvas"));
            // Each board update draws the rows anew: read the first timer in one step, not find-then-read.
            String timer = "return document.querySelector('#waiting tbody tr td.timer').textContent";
            Object first = b.script(timer);
            Thread.sleep(2100);
            assertThat(b.script(timer)).isNotEqualTo(first);
            Path shot = b.screenshot("wallboard");
            assertThat(shot).exists();
            assertThat(b.consoleErrors()).isEmpty();
            pbx.traffic().stop();
        }
    }

    @Test
    @Order(3)
    @DisplayName("kiosk mode: a wall screen opens its link once and shows the board read-only, without signing in")
    void kiosk() {
        String link = server.post("/api/kiosks", sam, new JsonObject().put("name", "Wall screen")).json().getString("link");
        try (Browser b = Browser.open(server.port(), new Dimension(1920, 1080))) {
            b.go(link);
            b.waitUntil(d -> b.path().equals("/board"));
            b.waitFor(By.cssSelector("article.tile[data-queue='software']"));
            assertThat(b.driver().findElements(By.cssSelector("button.spy-whisper"))).allMatch(e -> !e.isDisplayed());
            assertThat(b.driver().findElement(By.id("sign-out")).isDisplayed()).isFalse();
            assertThat(b.script("return document.cookie")).asString().doesNotContain("firstline_kiosk");
            assertThat(b.driver().findElement(By.cssSelector("#agents")).getText()).doesNotContain("Local/");
            b.screenshot("wallboard-kiosk");
            List<String> errors = b.consoleErrors();
            assertThat(errors).isEmpty();
        }
    }

    @Test
    @Order(4)
    @DisplayName("when the PBX link is lost the board says so in a banner, and the banner goes once it is back")
    void pbxBanner() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("sam", "sam-password", "/board");
            b.waitFor(By.cssSelector("article.tile[data-queue='software']"));
            assertThat(b.driver().findElement(By.id("pbx-banner")).isDisplayed()).isFalse();
            pbx.setResponsive(false);
            pbx.dropAllClients();
            WebElement banner = b.waitFor(By.id("pbx-banner"));
            assertThat(banner.getText()).contains("the link to Asterisk is");
            b.screenshot("board-pbx-down");
            pbx.setResponsive(true);
            server.awaitPbx("connected"::equals, Duration.ofSeconds(30));
            b.waitUntil(d -> !d.findElement(By.id("pbx-banner")).isDisplayed());
            assertThat(b.consoleErrors()).isEmpty();
        } finally {
            pbx.setResponsive(true);
        }
    }

    @Test
    @Order(5)
    @DisplayName("from the board: pause and unpause an agent, put them in a queue and take them out, show one queue only")
    void stepInOnQueues() throws Exception {
        String admin = server.loginAdmin();
        assertThat(server.post("/api/agents", admin, new JsonObject().put("username", "dana").put("name", "Dana Agent")
                .put("password", "dana-password").put("interface", "Local/1004@agents/n")).status()).isEqualTo(201);
        By dana = By.cssSelector("#agents tr[data-agent='dana']");
        By network = By.cssSelector("#agents tr[data-agent='dana'] .queues-menu input[value='network']");
        try (Browser b = Browser.open(server.port(), new Dimension(1600, 1000))) {
            b.signIn("sam", "sam-password", "/board");
            b.waitFor(dana);
            b.driver().findElement(By.cssSelector("#agents tr[data-agent='dana'] .queues-menu summary")).click();
            assertThat(b.driver().findElement(network).isSelected()).isFalse();

            int before = pbx.receivedActions().size();
            b.driver().findElement(network).click();
            ReceivedAction add = awaitNew("QueueAdd", before);
            assertThat(add.get("Queue")).isEqualTo("network");
            assertThat(add.get("Interface")).isEqualTo("Local/1004@agents/n");
            assertThat(add.get("MemberName")).isEqualTo("Dana Agent");
            b.waitForText(By.id("action-result"), "Dana Agent is now in network.");
            b.waitUntil(d -> d.findElement(network).isSelected());
            b.waitForTextOf(By.cssSelector("#audit tbody tr"), "put in a queue");

            before = pbx.receivedActions().size();
            b.driver().findElement(By.cssSelector("#agents tr[data-agent='dana'] button.pause")).click();
            assertThat(awaitNew("QueuePause", before).get("Paused")).isEqualToIgnoringCase("true");
            WebElement resume = b.waitFor(By.cssSelector("#agents tr[data-agent='dana'] button.resume"));
            assertThat(b.driver().findElement(By.cssSelector("#agents tr[data-agent='dana'] .pause-group")).isDisplayed()).isFalse();
            before = pbx.receivedActions().size();
            resume.click();
            assertThat(awaitNew("QueuePause", before).get("Paused")).isEqualToIgnoringCase("false");
            b.waitUntil(d -> !d.findElement(By.cssSelector("#agents tr[data-agent='dana'] button.resume")).isDisplayed());
            b.waitForText(By.id("action-result"), "Dana Agent is no longer paused.");

            // one queue: the other queues' tiles and the agents of no shown queue go; all queues bring them back
            new Select(b.driver().findElement(By.id("queue-filter"))).selectByValue("hardware");
            b.waitUntil(d -> d.findElements(By.cssSelector("article.tile[data-queue='software']")).isEmpty());
            assertThat(b.driver().findElements(By.cssSelector("article.tile[data-queue='hardware']"))).hasSize(1);
            b.waitUntil(d -> d.findElements(dana).isEmpty());
            assertThat(b.driver().findElements(By.cssSelector("#agents tr[data-agent='bob']"))).hasSize(1);
            new Select(b.driver().findElement(By.id("queue-filter"))).selectByValue("");
            b.waitFor(dana);
            assertThat(b.driver().findElements(By.cssSelector("article.tile[data-queue='software']"))).hasSize(1);

            before = pbx.receivedActions().size();
            b.driver().findElement(network).click(); // the queues menu stays open across board updates
            assertThat(awaitNew("QueueRemove", before).get("Queue")).isEqualTo("network");
            b.waitUntil(d -> !d.findElement(network).isSelected());
            b.waitForText(By.id("action-result"), "Dana Agent has left network.");
            assertThat(b.accessibilityProblems()).as("the offline accessibility checks on the board").isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @Order(6)
    @DisplayName("an agent's row says how long they were signed in and paused today, with the pause's reason")
    void timeSignedInAndPaused() throws Exception {
        // Each board update draws the rows anew: read a cell in one step, not find-then-read.
        String presence = "const p = document.querySelector(\"#agents tr[data-agent='alice'] .presence\");"
                + " return p ? p.textContent : ''";
        String reason = "const s = document.querySelector(\"#agents tr[data-agent='alice'] .pause-text\");"
                + " return s ? s.textContent : ''";
        try (Browser b = Browser.open(server.port(), new Dimension(1600, 1000))) {
            b.signIn("sam", "sam-password", "/board");
            b.waitUntil(d -> String.valueOf(b.script(presence)).startsWith("Signed in "));
            long aliceId = server.get("/api/live/agents", sam).json().getJsonArray("items").stream()
                    .map(o -> (JsonObject) o).filter(a -> "alice".equals(a.getString("username"))).findFirst().orElseThrow()
                    .getLong("id");
            assertThat(server.post("/api/agents/" + aliceId + "/pause", sam, new JsonObject().put("reason", "lunch")).status())
                    .isEqualTo(200);
            b.waitUntil(d -> String.valueOf(b.script(reason)).contains("lunch"));
            // An hour and 12 minutes later (Alice has been signed in since the server started, at 10:00).
            clock.jumpTo(clock.instant().plus(Duration.ofMinutes(72)));
            b.waitUntil(d -> String.valueOf(b.script(presence))
                    .matches("Signed in 1 h [1-5][0-9] minpaused 1 h 12 min \\(lunch 1 h 12 min\\)"));
            assertThat(b.script(presence.replace("alice", "bob"))).asString().matches("Signed in 1 h [1-5][0-9] min");
            b.screenshot("board-presence");
            assertThat(b.accessibilityProblems()).as("the offline accessibility checks on the board").isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    @Order(7)
    @DisplayName("a full team with long names: every column of the agents shows without scrolling sideways, from 1024×768 to 1920×1080")
    void agentsFitTheScreen() throws Exception {
        String admin = server.loginAdmin();
        String[] names = {"Anna-Katharina Wolkenstein-Rodenegg", "Maximilian Featherstonehaugh-Cholmondeley",
            "Oluwaseun Adebayo-Ogunleye", "Guðrún Sigurðardóttir Þórhallsdóttir", "Jean-Baptiste de La Rochefoucauld",
            "Siobhán Ní Mhaoldomhnaigh", "Bartholomew Worthington-Smythe", "Dương Thị Phương Thảo", "Krzysztof Brzęczyszczykiewicz",
            "Aleksandra Konstantinopolska"};
        for (int i = 0; i < names.length; i++) {
            long id = server.createUser(admin, "team" + i, names[i], "agent", "Local/20" + (10 + i) + "@agents/n");
            if (i % 2 == 0) {
                assertThat(server.post("/api/agents/" + id + "/join", sam, new JsonObject().put("queue", "software")).status())
                        .isEqualTo(200);
            }
        }
        try (Browser b = Browser.open(server.port(), new Dimension(1024, 768))) {
            b.signIn("sam", "sam-password", "/board");
            b.waitUntil(d -> d.findElements(By.cssSelector("#agents tbody tr[data-agent^='team']")).size() == names.length);
            b.waitUntil(d -> d.findElements(By.cssSelector("#agents tbody tr .presence .signed-in")).size() >= names.length / 2);
            for (int[] size : new int[][] {{1024, 768}, {1280, 720}, {1366, 768}, {1920, 1080}, {1600, 900}}) {
                showsEveryAgentColumn(b, size[0], size[1]);
            }
            b.screenshot("board-agents-1600");
            assertThat(b.accessibilityProblems()).as("the offline accessibility checks on the board").isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    /**
     * No page-level sideways scroll; the agents table, each of its columns and all it shows stay inside the agents card
     * (checkVisibility: the ticks of a closed Queues menu have boxes but are not shown).
     */
    private static void showsEveryAgentColumn(Browser b, int width, int height) {
        b.driver().manage().window().setSize(new Dimension(width, height));
        b.waitUntil(d -> ((Number) b.script("return window.innerWidth")).intValue() <= width);
        String size = width + "x" + height;
        assertThat(((Number) b.script("return document.scrollingElement.scrollWidth - window.innerWidth")).intValue())
                .as("page-level horizontal scroll at " + size).isLessThanOrEqualTo(0);
        assertThat(((Number) b.script("const t = document.getElementById('agents');"
                + " return t.scrollWidth - t.parentElement.clientWidth")).intValue())
                .as("the agents table wider than its card at " + size).isLessThanOrEqualTo(0);
        assertThat((List<?>) b.script("return [...document.querySelectorAll('#agents th')]"
                + ".filter((th) => !th.checkVisibility() || th.getBoundingClientRect().right > window.innerWidth)"
                + ".map((th) => th.textContent)"))
                .as("agents' columns hidden or out of the window at " + size).isEmpty();
        assertThat((List<?>) b.script("const card = document.getElementById('agents').parentElement.getBoundingClientRect();"
                + " return [...document.querySelectorAll('#agents *')].filter((e) => e.checkVisibility()"
                + " && e.getBoundingClientRect().right > card.right + 1)"
                + ".map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right - card.right))"))
                .as("what sticks out of the agents card at " + size).isEmpty();
    }

    private ReceivedAction awaitNew(String name, int after) throws Exception {
        return pbx.awaitAction(after, name, a -> true, Duration.ofSeconds(10));
    }
}
