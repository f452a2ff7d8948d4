package io.firstline.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.AmiConsole;
import io.firstline.TcpProxy;
import io.firstline.TestServer;
import io.firstline.sim.AmiSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a pause taken while the database refuses is kept in memory and written once it is back")
class PresenceOutageIT {

    private static final String ALICE = "Local/1001@agents/n";

    private AmiSimulator pbx;
    private TcpProxy proxy;
    private TestServer server;

    @AfterEach
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

    private static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    @DisplayName("paused and unpaused during the outage: one paused interval, and the sign-in not doubled")
    void pauseDuringOutage() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of(), url -> {
            // jdbc:mariadb://HOST:PORT/NAME → the same database through a proxy we can break
            Matcher m = Pattern.compile("jdbc:mariadb://([^:/]+):(\\d+)/(.*)").matcher(url);
            if (!m.matches()) {
                throw new IllegalStateException("unexpected test database URL " + url);
            }
            try {
                proxy = new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/" + m.group(3);
        });
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
        // The test's own queries go straight to the database.
        await("Alice, Bob and Carol signed in", Duration.ofSeconds(20),
                () -> server.queryLong("SELECT COUNT(*) FROM agent_presence WHERE kind = 'signed-in' AND ended_at IS NULL") == 3);

        proxy.cut();
        AmiConsole.send(pbx.port(), "Action: QueuePause\r\nInterface: " + ALICE + "\r\nPaused: true\r\nReason: lunch\r\n");
        AmiConsole.send(pbx.port(), "Action: QueuePause\r\nInterface: " + ALICE + "\r\nPaused: false\r\n");
        await("both steps waiting", Duration.ofSeconds(20), () -> server.app().presence().backlog() >= 2);
        assertThat(server.queryLong("SELECT COUNT(*) FROM agent_presence WHERE kind = 'paused'")).isZero();
        assertThat(server.get("/metrics", null).raw().body()).containsPattern("firstline_presence_steps_waiting [1-9]");

        proxy.resume();
        server.app().presence().flushed().toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
        assertThat(server.queryLong("SELECT COUNT(*) FROM agent_presence WHERE kind = 'paused' AND interface = '" + ALICE
                + "' AND reason = 'lunch' AND ended_at IS NOT NULL AND ended_at >= started_at")).isEqualTo(1);
        assertThat(server.queryLong("SELECT COUNT(*) FROM agent_presence WHERE kind = 'paused'")).isEqualTo(1);
        assertThat(server.queryLong("SELECT COUNT(*) FROM agent_presence WHERE kind = 'signed-in' AND interface = '"
                + ALICE + "'")).isEqualTo(1);
    }

}
