package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestClock;
import io.firstline.TestServer;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

@DisplayName("--demo as a newcomer sees it: every page live against the simulated PBX, nothing in the console")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoBrowserIT {

    private TestServer server;

    @BeforeAll
    void start() {
        // A Tuesday at 10:00: the demo's day so far has two hours of calls behind it.
        server = TestServer.demo(TestClock.morning(ZoneId.systemDefault()));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(2)
    @DisplayName("alice's desktop goes live, sam's wallboard shows the demo queues, the reports show the demo's month")
    void everyPage() throws Exception {
        // The pictures in docs/ come from here (target/screenshots/demo-*.png): the demo on a weekday morning.
        try (Browser b = Browser.open(server.port(), new org.openqa.selenium.Dimension(1440, 900))) {
            b.signIn("alice", "demo-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitUntil(d -> !d.findElement(By.id("state")).getText().equals("Loading…"));
            Thread.sleep(3000); // a few live messages and timer ticks
            assertThat(b.consoleErrors()).as("desk").isEmpty();
            // the demo's first live call rings one of the three agents at once; alice's desk pops it when it is hers
            if (!b.driver().findElements(By.cssSelector("#call:not([hidden])")).isEmpty()) {
                // the server's clock (this test's: a morning weeks away from the browser's) is what the timer counts by
                assertThat(b.text(By.id("state-detail"))).as("the call's timer").matches(".* · [0-9]{1,2}:[0-9]{2}");
                b.screenshot("demo-desk");
            }
            b.driver().findElement(By.id("signout")).click();
            b.waitUntil(d -> b.path().equals("/"));

            b.signIn("sam", "demo-password", "/board");
            b.waitUntil(d -> !d.findElements(By.cssSelector("#queues article")).isEmpty());
            assertThat(b.driver().findElement(By.id("queues")).getText()).contains("Software").contains("Hardware");
            Thread.sleep(3000);
            assertThat(b.consoleErrors()).as("board").isEmpty();
            b.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1440, 1300));
            b.screenshot("demo-board");

            b.go("/reports");
            b.waitUntil(d -> d.findElements(By.cssSelector("#calls-table tr")).size() > 2);
            assertThat(b.consoleErrors()).as("reports").isEmpty();
            b.screenshot("demo-reports");
        }
    }

    @Test
    @Order(1)
    @DisplayName("a healthy morning: the queues of dialplans/, and no tile red with the day's calls behind it")
    void theBoardIsNotAMeltdown() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("sam", "demo-password", "/board");
            // the day so far (seeded from 08:00, then live): each queue within its targets
            String read = "return [...document.querySelectorAll('#queues article.tile')].map(t => t.dataset.queue + '|'"
                    + " + t.className + '|' + t.querySelector('.offered .figure-value').textContent + '|'"
                    + " + t.querySelector('.sl .figure-value').textContent)";
            b.waitUntil(d -> ((List<?>) b.script(read)).size() == 4);
            Thread.sleep(2000); // the day's figures after the first live changes
            List<String> tiles = ((List<?>) b.script(read)).stream().map(Object::toString).toList();
            System.out.println("demo board at 10:00: " + tiles);
            // the seeded day so far and the first live calls (the same at every start): no hardware call yet
            assertThat(tiles).filteredOn(t -> t.endsWith("%")).hasSizeGreaterThanOrEqualTo(3);
            assertThat(tiles).extracting(t -> t.split("\\|")[0])
                    .containsExactlyInAnyOrder("hardware", "software", "network", "helpdesk");
            assertThat(tiles).noneMatch(t -> t.contains("level-red"));
            assertThat(b.consoleErrors()).as("board").isEmpty();
        }
    }

    @Test
    @Order(3)
    @DisplayName("Join and Leave on alice's desk and the board's sign-out get Asterisk's yes: the members are dynamic")
    void membersAreDynamic() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "demo-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitFor(By.cssSelector("button[aria-label='Leave queue helpdesk']")).click();
            b.waitForText(By.id("pbx-answer"), "Asterisk: Removed interface from queue");
            b.waitFor(By.cssSelector("button[aria-label='Join queue helpdesk']")).click();
            b.waitForText(By.id("pbx-answer"), "Asterisk: Added interface to queue");
            assertThat(b.consoleErrors()).as("desk").isEmpty();
            b.driver().findElement(By.id("signout")).click();
            b.waitUntil(d -> b.path().equals("/"));

            b.signIn("sam", "demo-password", "/board");
            WebElement signOut = b.waitFor(By.cssSelector("#agents tr[data-agent='bob'] button.sign-out"));
            signOut.click();
            b.driver().findElement(By.cssSelector("#agents tr[data-agent='bob'] button.sign-out")).click();
            b.waitForText(By.id("action-result"), "Bob Agent is signed out of every queue.");
            assertThat(b.driver().findElement(By.id("action-result")).getAttribute("class")).doesNotContain("bad");
            assertThat(b.consoleErrors()).as("board").isEmpty();
        }
    }
}
