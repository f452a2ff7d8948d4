package io.firstline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.CallLog;
import io.firstline.TestClock;
import io.firstline.TestServer.Reply;
import io.firstline.TestServer;
import io.firstline.reports.KpiStore;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One definition of each number (docs/kpis.md): a simulated day, partly played by the simulated PBX through
 * the real recorder, reads the same in the report as in the live board's "today" (today's facts into Figures).
 */
@DisplayName("end of day: the report's figures for today equal the live board's (GET /api/live/queues)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndOfDayConsistencyIT {

    private static final ZoneId ZONE = ZoneId.of("America/New_York");
    private static final String ALICE = "Local/1001@agents/n";
    private static final String BOB = "Local/1002@agents/n";
    private static final List<String> DISPOSITIONS = List.of("resolved", "escalated", "resolved", "ticket-opened",
            "no-problem");

    private static final java.util.function.ToIntFunction<String> THRESHOLD = q -> q.equals("software") ? 10 : 20;

    /** The server's clock: the day's traffic happens on TestClock.DAY from 10:00, never across midnight. */
    private final Clock clock = TestClock.morning(ZONE);
    private AmiSimulator pbx;
    private TestServer server;
    private CallLog log;
    private KpiStore kpis;
    private String sam;

    @BeforeAll
    void start() throws Exception {
        pbx = AmiSimulator.builder().timeScale(100).build();
        // The software queue has its own service-level threshold: the board and the reports must both use it.
        server = TestServer.withPbx(pbx, Map.of("FIRSTLINE_TIMEZONE", ZONE.getId(),
                "FIRSTLINE_QUEUE_SOFTWARE_SERVICE_LEVEL_SECONDS", "10"), clock);
        String admin = server.loginAdmin();
        server.createTraceAgents(admin);
        assertThat(server.post("/api/agents", admin, new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor")).status()).isEqualTo(201);
        sam = server.login("sam", "sam-password");
        server.awaitPbx("connected"::equals, Duration.ofSeconds(20));
        log = new CallLog(server);
        kpis = new KpiStore(log.db());
    }

    @AfterAll
    void stop() {
        if (log != null) {
            log.close();
        }
        if (server != null) {
            server.close();
        }
        if (pbx != null) {
            pbx.close();
        }
    }

    @Test
    @DisplayName("a day of simulated traffic, outcomes and callbacks: every queue's figures and the day's totals agree")
    void reportEqualsBoard() throws Exception {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZONE);
        assertThat(today).isEqualTo(TestClock.DAY);
        Instant dayStart = today.atStartOfDay(ZONE).toInstant();
        Instant dayEnd = today.plusDays(1).atStartOfDay(ZONE).toInstant();
        String number = "+12125550199";
        // The edges of a day, through the store: a call that entered the queue yesterday and ended today,
        // one still talking, one still waiting, one abandoned, one that timed out.
        log.answered(dayStart.minusSeconds(60), "software", number, ALICE, 30, 600);
        log.answered(dayStart.plusSeconds(1), "hardware", number, BOB, 12, null);
        log.waiting(dayStart.plusSeconds(2), "network", number);
        log.abandoned(dayStart.plusSeconds(3), "hardware", number, 45);
        log.unanswered(dayStart.plusSeconds(4), "software", number, 300);

        // The rest of the day from the simulated PBX, recorded by the real call path.
        pbx.traffic().start(TrafficConfig.builder().seed(17).callsPerSecond(0.05).maxCalls(40).outcomes(0.6, 0.3, 0.1)
                .talkTime(Duration.ofSeconds(20), Duration.ofSeconds(120)).waitTime(Duration.ofSeconds(2), Duration.ofSeconds(60))
                .build());
        assertThat(pbx.traffic().awaitFinished(40, Duration.ofSeconds(120))).isTrue();
        Thread.sleep(1500);
        server.app().recorder().flushed().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        // Agents record outcomes (some with a ticket category) and make callbacks, as on the desk.
        List<Long> answered = ids("SELECT id FROM calls WHERE status = 'answered' AND queued_at >= ? AND queued_at < ?",
                dayStart, dayEnd);
        assertThat(answered).hasSizeGreaterThan(10);
        for (int i = 0; i < answered.size(); i += 2) {
            JsonObject outcome = new JsonObject().put("disposition", DISPOSITIONS.get(i / 2 % DISPOSITIONS.size()))
                    .put("wrapupSeconds", i * 7 % 90);
            Reply r = server.post("/api/calls/" + answered.get(i) + "/outcome", sam, outcome);
            assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(201);
        }
        List<Long> abandoned = ids("SELECT call_id FROM callback_requests WHERE created_at >= ? AND created_at < ?",
                dayStart, dayEnd);
        assertThat(abandoned).isNotEmpty();
        long aliceId = server.queryLong("SELECT id FROM agents WHERE username = 'alice'");
        Instant now = clock.instant();
        for (int i = 0; i < abandoned.size(); i += 2) {
            log.callbackMade(abandoned.get(i), aliceId, now);
        }

        // The board's path: today's facts into Figures. The report's path: the HTTP API.
        List<CallFact> facts = CallLog.await(kpis.facts(dayStart, dayEnd));
        Map<String, Integer> callbacks = CallLog.await(kpis.callbacksMade(dayStart, dayEnd));
        Reply queuesReply = server.get("/api/reports/queues?from=" + today + "&to=" + today, sam);
        Reply callsReply = server.get("/api/reports/calls?from=" + today, sam);
        assertThat(queuesReply.status()).isEqualTo(200);
        assertThat(callsReply.status()).isEqualTo(200);

        Set<String> queues = new HashSet<>(callbacks.keySet());
        facts.forEach(f -> queues.add(f.queue()));
        List<JsonObject> rows = items(queuesReply.json());
        assertThat(rows).extracting(r -> r.getString("queue")).containsExactlyInAnyOrderElementsOf(queues);
        for (JsonObject row : rows) {
            String queue = row.getString("queue");
            Figures board = new Figures(THRESHOLD);
            facts.stream().filter(f -> queue.equals(f.queue())).forEach(board::add);
            assertThat(figuresOf(row)).as(queue).isEqualTo(expected(board, callbacks.getOrDefault(queue, 0)));
        }
        Figures day = new Figures(THRESHOLD);
        facts.forEach(day::add);
        JsonObject total = items(callsReply.json()).get(0);
        assertThat(figuresOf(total)).isEqualTo(expected(day, callbacks.values().stream().mapToInt(Integer::intValue).sum()));

        // The live board's tiles say the same, once it has read the outcomes and callbacks written above
        // (it reads today's figures again at least every 15 s).
        Map<String, JsonObject> reported = new java.util.HashMap<>();
        rows.forEach(r -> reported.put(r.getString("queue"), r));
        List<String> kpiNames = List.of("offered", "answered", "abandoned", "unanswered", "endedUnobserved", "abandonedPercent",
                "serviceLevelSeconds", "serviceLevelPercent", "averageWaitSeconds", "averageHandleSeconds");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, JsonObject> live = Map.of();
        Map<String, JsonObject> wanted = new java.util.HashMap<>();
        reported.forEach((q, r) -> wanted.put(q, pick(r, kpiNames)));
        while (System.nanoTime() < deadline) {
            Reply board = server.get("/api/live/queues", sam);
            assertThat(board.status()).isEqualTo(200);
            live = new java.util.HashMap<>();
            for (JsonObject tile : items(board.json())) {
                if (reported.containsKey(tile.getString("name"))) {
                    live.put(tile.getString("name"), pick(tile, kpiNames));
                }
            }
            if (live.equals(wanted)) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(live).isEqualTo(wanted);

        // And both agree with the calls table itself: yesterday's late call is not today's, the waiting one is.
        assertThat(total.getInteger("offered")).isEqualTo((int) count(
                "SELECT COUNT(*) FROM calls WHERE queue IS NOT NULL AND queued_at >= ? AND queued_at < ?", dayStart, dayEnd));
        // 40 from the PBX, 4 of today's through the store, less the PBX's ticket-status calls that never reach a queue.
        assertThat(total.getInteger("offered")).isEqualTo((int) (44 - count(
                "SELECT COUNT(*) FROM calls WHERE queue IS NULL AND entered_at >= ? AND entered_at < ?", dayStart, dayEnd)));
        assertThat(total.getInteger("callbacksMade")).isEqualTo((abandoned.size() + 1) / 2);
        assertThat(total.getInteger("answered") + total.getInteger("abandoned") + total.getInteger("unanswered"))
                .isEqualTo(total.getInteger("offered") - 1);
    }

    private static List<JsonObject> items(JsonObject report) {
        return report.getJsonArray("items").stream().map(o -> (JsonObject) o).collect(Collectors.toList());
    }

    private static JsonObject pick(JsonObject o, List<String> names) {
        JsonObject out = new JsonObject();
        names.forEach(n -> out.put(n, o.getValue(n)));
        return out;
    }

    /** A report row without its period and subject: the figures alone. */
    private static JsonObject figuresOf(JsonObject row) {
        JsonObject f = row.copy();
        List.of("period", "periodStart", "periodEnd", "queue").forEach(f::remove);
        return f;
    }

    private static JsonObject expected(Figures f, int callbacksMade) {
        JsonObject o = new JsonObject();
        f.asMap().forEach(o::put);
        JsonArray top = new JsonArray();
        f.topCategories(3).forEach(e -> top.add(new JsonObject().put("category", e.getKey()).put("calls", e.getValue())));
        return o.put("topCategories", top).put("callbacksMade", callbacksMade);
    }

    private List<Long> ids(String sql, Instant from, Instant to) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = server.db().connect(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, LocalDateTime.ofInstant(from, ZoneOffset.UTC));
            st.setObject(2, LocalDateTime.ofInstant(to, ZoneOffset.UTC));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private long count(String sql, Instant from, Instant to) throws Exception {
        return ids(sql, from, to).get(0);
    }
}
