package io.firstline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

@DisplayName("--demo as a newcomer sees it: every page live against the simulated PBX, nothing in the console")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoBrowserIT {

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.demo();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("alice's desktop goes live, sam's wallboard shows the demo queues, the reports show the demo's month")
    void everyPage() throws Exception {
        try (Browser b = Browser.open(server.port())) {
            b.signIn("alice", "demo-password", "/desk");
            b.waitForText(By.id("connection"), "Live");
            b.waitUntil(d -> !d.findElement(By.id("state")).getText().equals("Loading…"));
            Thread.sleep(3000); // a few live messages and timer ticks
            assertThat(b.consoleErrors()).as("desk").isEmpty();
            b.driver().findElement(By.id("signout")).click();
            b.waitUntil(d -> b.path().equals("/"));

            b.signIn("sam", "demo-password", "/board");
            b.waitUntil(d -> !d.findElements(By.cssSelector("#queues article")).isEmpty());
            assertThat(b.driver().findElement(By.id("queues")).getText()).contains("Software").contains("Hardware");
            Thread.sleep(3000);
            assertThat(b.consoleErrors()).as("board").isEmpty();

            b.go("/reports");
            b.waitUntil(d -> d.findElements(By.cssSelector("#calls-table tr")).size() > 2);
            assertThat(b.consoleErrors()).as("reports").isEmpty();
        }
    }
}
