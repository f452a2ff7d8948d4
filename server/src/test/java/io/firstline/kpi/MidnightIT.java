package io.firstline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestClock;
import io.firstline.TestServer.Reply;
import io.firstline.TestServer;
import io.firstline.TestTraces;
import io.firstline.sim.AmiSimulator;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Midnight in the help desk's zone, on a clock the test moves over it: yesterday's call leaves the board's and the
 * desk's "today" and stays in yesterday's report. The zone is one no machine's default is likely to be (UTC+14).
 */
@DisplayName("at midnight in the help desk's zone the board, the desk and the reports start a new day")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MidnightIT {

    private static final ZoneId ZONE = ZoneId.of("Pacific/Kiritimati");
    private static final LocalDate DAY = TestClock.DAY;

    private final TestClock.Adjustable clock = TestClock.adjustable(DAY.atTime(23, 50), ZONE);
    private AmiSimulator pbx;
    private TestServer server;
    private String sam;
    private String alice;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).build();
        server = TestServer.withPbx(pbx, Map.of("FIRSTLINE_TIMEZONE", ZONE.getId()), clock);
        String admin = server.loginAdmin();
        server.createTraceAgents(admin);
        assertThat(server.post("/api/agents", admin, new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor")).status()).isEqualTo(201);
        sam = server.login("sam", "sam-password");
        alice = server.login("alice", "alice-password");
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
    @DisplayName("a call answered at ten to midnight counts today, and tomorrow only in yesterday's report")
    void theDayTurns() throws Exception {
        pbx.replay(TestTraces.amiRaw("answered-software"), false).get(30, TimeUnit.SECONDS);
        server.app().recorder().flushed().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        awaitSoftwareTile(offered -> offered == 1);
        assertThat(server.get("/api/session", alice).json().getString("today")).isEqualTo(DAY.toString());
        JsonObject figures = server.get("/api/agents/me/figures", alice).json();
        assertThat(figures.getString("day")).isEqualTo(DAY.toString());
        assertThat(figures.getInteger("answered")).isEqualTo(1);

        clock.jumpTo(DAY.plusDays(1).atTime(0, 0, 5).atZone(ZONE).toInstant());

        // The board reads today's figures again at least every 15 s; the new day has no call yet.
        awaitSoftwareTile(offered -> offered == 0);
        assertThat(server.get("/api/session", alice).json().getString("today")).isEqualTo(DAY.plusDays(1).toString());
        figures = server.get("/api/agents/me/figures", alice).json();
        assertThat(figures.getString("day")).isEqualTo(DAY.plusDays(1).toString());
        assertThat(figures.getInteger("answered")).isZero();
        assertThat(offeredOn(DAY)).isEqualTo(1);
        assertThat(offeredOn(DAY.plusDays(1))).isZero();
    }

    private void awaitSoftwareTile(Predicate<Integer> offered) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Integer last = null;
        while (System.nanoTime() < deadline) {
            Reply r = server.get("/api/live/queues", sam);
            assertThat(r.status()).isEqualTo(200);
            last = r.json().getJsonArray("items").stream().map(o -> (JsonObject) o)
                    .filter(q -> "software".equals(q.getString("name"))).findFirst()
                    .map(q -> q.getInteger("offered")).orElse(null);
            if (last != null && offered.test(last)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the software tile kept offered = " + last);
    }

    private int offeredOn(LocalDate day) {
        Reply r = server.get("/api/reports/calls?from=" + day, sam);
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        return r.json().getJsonArray("items").getJsonObject(0).getInteger("offered");
    }
}
