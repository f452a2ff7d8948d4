package io.firstline.reports;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.CallLog;
import io.firstline.TestServer.Reply;
import io.firstline.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the reports API: per queue, agent and period, as JSON and CSV, for supervisors only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsApiIT {

    /** Names a spreadsheet must neither split nor run. */
    private static final String ODD_QUEUE = "=HYPERLINK(\"x\"), 2nd\nline";
    private static final String ODD_AGENT = "@Bob \"Fixer\", Jr.";

    private TestServer server;
    private CallLog log;
    private String admin;
    private String alice;
    private String sam;
    private long aliceId;
    private long bobId;

    @BeforeAll
    void start() {
        // Paris: 25 October 2026 is the day the clocks go back, 25 hours long.
        server = TestServer.start(Map.of("FIRSTLINE_TIMEZONE", "Europe/Paris"));
        admin = server.loginAdmin();
        aliceId = create("/api/agents", new JsonObject().put("username", "alice").put("name", "Alice Agent")
                .put("password", "alice-password").put("interface", "PJSIP/3001")).getLong("id");
        bobId = create("/api/agents", new JsonObject().put("username", "bob").put("name", ODD_AGENT)
                .put("password", "bob-password").put("interface", "PJSIP/3002")).getLong("id");
        create("/api/agents", new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor"));
        alice = server.login("alice", "alice-password");
        sam = server.login("sam", "sam-password");
        String number = "+12125550100";
        create("/api/callers", new JsonObject().put("name", "Carla Caller").put("phones", new JsonArray().add(number)));
        log = new CallLog(server);

        // Sunday 25 October, Paris (UTC+2 until 03:00, then UTC+1).
        long c1 = log.answered(Instant.parse("2026-10-25T07:00:00Z"), "software", number, "PJSIP/3001", 10, 100);
        outcome(c1, "resolved", 20, "software");
        long c2 = log.answered(Instant.parse("2026-10-25T08:00:00Z"), "software", number, "PJSIP/3002", 30, 200);
        outcome(c2, "escalated", 40, "network");
        long c3 = log.abandoned(Instant.parse("2026-10-25T09:00:00Z"), "hardware", number, 50);
        // Queued at 23:50 local, answered and ended after midnight: still a call of the 25th.
        log.answered(Instant.parse("2026-10-25T22:50:00Z"), "software", number, "PJSIP/3001", 5, 1200);
        // 02:30 twice: once before the clocks go back (UTC+2), once after (UTC+1).
        log.answered(Instant.parse("2026-10-25T00:30:00Z"), "network", number, "PJSIP/3002", 3, 30);
        log.answered(Instant.parse("2026-10-25T01:30:00Z"), "network", number, "PJSIP/3002", 3, 30);
        // Monday 26 October.
        log.answered(Instant.parse("2026-10-26T09:00:00Z"), "hardware", number, "PJSIP/3001", 15, 60);
        log.abandoned(Instant.parse("2026-10-26T09:30:00Z"), ODD_QUEUE, number, 7);
        log.callbackMade(c3, bobId, Instant.parse("2026-10-26T10:00:00Z"));
        // The 24th and 27th are outside every range below.
        log.answered(Instant.parse("2026-10-24T21:59:00Z"), "software", number, "PJSIP/3001", 1, 1);
        log.answered(Instant.parse("2026-10-26T23:00:00Z"), "software", number, "PJSIP/3001", 1, 1);
        // Wednesday 28 October: Alice talks 40 s and transfers the caller to Bob, who talks 70 s.
        log.transferred(Instant.parse("2026-10-28T09:00:00Z"), "software", number, 8, "PJSIP/3001", 40, "PJSIP/3002", 70);
    }

    @AfterAll
    void stop() {
        if (log != null) {
            log.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private JsonObject create(String path, JsonObject body) {
        Reply r = server.post(path, admin, body);
        assertThat(r.status()).as(path + " " + r.json()).isEqualTo(201);
        return r.json();
    }

    private void outcome(long callId, String disposition, int wrapup, String category) {
        Reply r = server.post("/api/calls/" + callId + "/outcome", sam, new JsonObject().put("disposition", disposition)
                .put("wrapupSeconds", wrapup).put("ticket", new JsonObject().put("action", "new")
                        .put("subject", "call " + callId).put("category", category)));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(201);
    }

    private JsonObject report(String query) {
        Reply r = server.get("/api/reports/" + query, sam);
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        return r.json();
    }

    private static List<JsonObject> items(JsonObject report, String key) {
        return report.getJsonArray(key).stream().map(o -> (JsonObject) o).collect(Collectors.toList());
    }

    private static JsonObject row(JsonObject report, String period, String field, Object value) {
        return items(report, "items").stream().filter(o -> o.getString("period").equals(period)
                && java.util.Objects.equals(o.getValue(field), value)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + period + " " + field + "=" + value + " in " + report));
    }

    @Test
    @DisplayName("queues by day: every figure of docs/kpis.md per day and queue, and each queue over the range")
    void queuesByDay() {
        JsonObject r = report("queues?from=2026-10-25&to=2026-10-26");
        assertThat(r.getString("timezone")).isEqualTo("Europe/Paris");
        assertThat(r.getString("by")).isEqualTo("day");
        assertThat(items(r, "items")).extracting(o -> o.getString("period") + " " + o.getString("queue"))
                .containsExactly("2026-10-25 hardware", "2026-10-25 network", "2026-10-25 software",
                        "2026-10-26 " + ODD_QUEUE, "2026-10-26 hardware");
        assertThat(r.getInteger("total")).isEqualTo(5);

        JsonObject software = row(r, "2026-10-25", "queue", "software");
        assertThat(software.getString("periodStart")).isEqualTo("2026-10-24T22:00:00Z");
        assertThat(software.getString("periodEnd")).isEqualTo("2026-10-25T23:00:00Z");
        assertThat(software.getInteger("offered")).isEqualTo(3);
        assertThat(software.getInteger("answered")).isEqualTo(3);
        assertThat(software.getInteger("abandoned")).isZero();
        assertThat(software.getDouble("abandonedPercent")).isEqualTo(0.0);
        assertThat(software.getInteger("serviceLevelSeconds")).isEqualTo(20);
        assertThat(software.getDouble("serviceLevelPercent")).isEqualTo(66.7);    // 10 s and 5 s of 10, 30, 5
        assertThat(software.getDouble("averageWaitSeconds")).isEqualTo(15.0);
        assertThat(software.getDouble("averageHandleSeconds")).isEqualTo(520.0);  // (120 + 240 + 1200) / 3
        assertThat(software.getDouble("firstCallResolutionPercent")).isEqualTo(50.0);
        assertThat(software.getJsonArray("topCategories")).isEqualTo(new JsonArray()
                .add(new JsonObject().put("category", "software").put("calls", 2))
                .add(new JsonObject().put("category", "network").put("calls", 1)));
        assertThat(software.getInteger("callbacksMade")).isZero();

        JsonObject hardware = row(r, "2026-10-25", "queue", "hardware");
        assertThat(hardware.getInteger("offered")).isEqualTo(1);
        assertThat(hardware.getInteger("abandoned")).isEqualTo(1);
        assertThat(hardware.getDouble("abandonedPercent")).isEqualTo(100.0);
        assertThat(hardware.getDouble("serviceLevelPercent")).isEqualTo(0.0);
        assertThat(hardware.getValue("averageWaitSeconds")).isNull();
        assertThat(hardware.getValue("averageHandleSeconds")).isNull();
        assertThat(hardware.getValue("firstCallResolutionPercent")).isNull();
        assertThat(row(r, "2026-10-26", "queue", "hardware").getInteger("callbacksMade")).isEqualTo(1);

        assertThat(items(r, "totals")).extracting(o -> o.getString("queue") + " " + o.getInteger("offered") + " "
                + o.getInteger("callbacksMade"))
                .containsExactly(ODD_QUEUE + " 1 0", "hardware 2 1", "network 2 0", "software 3 0");
        assertThat(items(r, "totals")).allMatch(o -> !o.containsKey("period"));
    }

    @Test
    @DisplayName("calls by hour: every hour of the range, 25 on the day the clocks go back, empty hours included")
    void callsByHour() {
        JsonObject r = report("calls?from=2026-10-25&by=hour");
        List<JsonObject> hours = items(r, "items");
        assertThat(r.getString("to")).isEqualTo("2026-10-25");
        assertThat(hours).hasSize(25);
        assertThat(hours.get(0).getString("period")).isEqualTo("2026-10-25T00:00+02:00");
        assertThat(hours.get(2).getString("period")).isEqualTo("2026-10-25T02:00+02:00");
        assertThat(hours.get(3).getString("period")).isEqualTo("2026-10-25T02:00+01:00");
        assertThat(hours.get(2).getInteger("offered")).isEqualTo(1);
        assertThat(hours.get(3).getInteger("offered")).isEqualTo(1);
        assertThat(hours.get(1).getInteger("offered")).isZero();
        assertThat(hours.get(1).getValue("serviceLevelPercent")).isNull();
        assertThat(hours.get(24).getString("period")).isEqualTo("2026-10-25T23:00+01:00");
        assertThat(hours.get(24).getInteger("answered")).isEqualTo(1);
        assertThat(IntStream.range(0, 25).map(i -> hours.get(i).getInteger("offered")).sum()).isEqualTo(6);
        JsonObject day = items(r, "totals").get(0);
        assertThat(day.getInteger("offered")).isEqualTo(6);
        assertThat(day.getInteger("answered")).isEqualTo(5);
        assertThat(day.getInteger("abandoned")).isEqualTo(1);
        assertThat(day.getDouble("abandonedPercent")).isEqualTo(16.7);
    }

    @Test
    @DisplayName("agents: a call Alice transferred to Bob counts for both, each with their own talk time; the queue counts it once")
    void transferredCallCountsForBothAgents() {
        JsonObject agents = report("agents?from=2026-10-28&to=2026-10-28&by=day");
        assertThat(items(agents, "totals")).extracting(o -> o.getString("username") + " " + o.getInteger("answered") + " "
                + o.getDouble("averageHandleSeconds") + " " + o.getDouble("averageWaitSeconds"))
                .containsExactlyInAnyOrder("alice 1 40.0 8.0", "bob 1 70.0 null");
        JsonObject queues = report("queues?from=2026-10-28&to=2026-10-28&by=day");
        assertThat(items(queues, "totals")).extracting(o -> o.getString("queue") + " " + o.getInteger("offered") + " "
                + o.getInteger("answered") + " " + o.getDouble("averageHandleSeconds"))
                .containsExactly("software 1 1 110.0");
    }

    @Test
    @DisplayName("agents by day: what each agent answered, their handle time and resolutions, and the callbacks they made")
    void agentsByDay() {
        JsonObject r = report("agents?from=2026-10-25&to=2026-10-26&by=day");
        assertThat(items(r, "items")).extracting(o -> o.getString("period") + " " + o.getString("username") + " "
                + o.getInteger("answered") + " " + o.getInteger("callbacksMade"))
                .containsExactly("2026-10-25 bob 3 0", "2026-10-25 alice 2 0", "2026-10-26 bob 0 1", "2026-10-26 alice 1 0");
        JsonObject alice25 = row(r, "2026-10-25", "agentId", (int) aliceId);
        assertThat(alice25.getString("agent")).isEqualTo("Alice Agent");
        assertThat(alice25.getDouble("averageHandleSeconds")).isEqualTo(660.0); // (100 + 20 + 1200) / 2
        assertThat(alice25.getDouble("firstCallResolutionPercent")).isEqualTo(100.0);
        JsonObject bob25 = row(r, "2026-10-25", "agentId", (int) bobId);
        assertThat(bob25.getString("agent")).isEqualTo(ODD_AGENT);
        assertThat(bob25.getDouble("firstCallResolutionPercent")).isEqualTo(0.0);
        assertThat(bob25.getDouble("averageWaitSeconds")).isEqualTo(12.0); // (30 + 3 + 3) / 3
    }

    @Test
    @DisplayName("CSV: a header row, RFC 4180 quoting, formulas defused, a download name, and the same numbers as JSON")
    void csv() {
        Reply r = server.get("/api/reports/queues?from=2026-10-25&to=2026-10-26&format=csv", sam);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/csv; charset=utf-8");
        assertThat(r.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"firstline-queues-2026-10-25-to-2026-10-26-by-day.csv\"");
        String body = r.raw().body();
        assertThat(body).startsWith("period,periodStart,queue,offered,answered,abandoned,unanswered,abandonedPercent,"
                + "serviceLevelSeconds,serviceLevelPercent,averageWaitSeconds,averageHandleSeconds,"
                + "firstCallResolutionPercent,topCategories,callbacksMade,endedUnobserved\r\n");
        assertThat(body).contains("\r\n2026-10-25,2026-10-24T22:00:00Z,software,3,3,0,0,0.0,20,66.7,15.0,520.0,50.0,"
                + "software 2; network 1,0,0\r\n");
        assertThat(body).contains("\r\n2026-10-25,2026-10-24T22:00:00Z,hardware,1,0,1,0,100.0,20,0.0,,,,hardware 1,0,0\r\n");
        assertThat(body).contains("\r\n2026-10-26,2026-10-25T23:00:00Z,\"'=HYPERLINK(\"\"x\"\"), 2nd\nline\",1,0,1,");
        assertThat(body.split("\r\n")).hasSize(6);

        String agents = server.get("/api/reports/agents?from=2026-10-25&format=csv", sam).raw().body();
        assertThat(agents).startsWith("period,periodStart,agentId,username,agent,offered,");
        assertThat(agents).contains("," + bobId + ",bob,\"'@Bob \"\"Fixer\"\", Jr.\",3,3,0,");
    }

    @Test
    @DisplayName("an agent gets 403 on every report, and nobody signed in gets 401")
    void roles() {
        for (String kind : List.of("queues", "agents", "calls")) {
            assertRefused(server.get("/api/reports/" + kind + "?from=2026-10-25", alice), 403, null);
            assertRefused(server.get("/api/reports/" + kind + "?from=2026-10-25&format=csv", alice), 403, null);
            assertRefused(server.get("/api/reports/" + kind + "?from=2026-10-25", null), 401, null);
        }
        assertThat(server.get("/api/reports/calls?from=2026-10-25", admin).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("bad parameters are refused with a 400 naming the parameter; an unknown report is a 404")
    void badParameters() {
        assertRefused(server.get("/api/reports/queues", sam), 400, "from");
        assertRefused(server.get("/api/reports/queues?from=25.10.2026", sam), 400, "from");
        assertRefused(server.get("/api/reports/queues?from=2026-02-30", sam), 400, "from");
        assertRefused(server.get("/api/reports/queues?from=2026-10-25&to=tomorrow", sam), 400, "to");
        assertRefused(server.get("/api/reports/queues?from=2026-10-25&to=2026-10-24", sam), 400, "to");
        assertRefused(server.get("/api/reports/queues?from=2025-01-01&to=2026-01-02", sam), 400, "to");
        assertRefused(server.get("/api/reports/queues?from=2026-01-01&to=2026-02-01&by=hour", sam), 400, "to");
        assertRefused(server.get("/api/reports/queues?from=2026-10-25&by=week", sam), 400, "by");
        assertRefused(server.get("/api/reports/queues?from=2026-10-25&format=xlsx", sam), 400, "format");
        assertRefused(server.get("/api/reports/callers?from=2026-10-25", sam), 404, null);
        assertThat(server.get("/api/reports/queues?from=2025-01-01&to=2026-01-01", sam).status()).isEqualTo(200);
        assertThat(server.get("/api/reports/queues?from=2026-01-01&to=2026-01-31&by=hour", sam).status()).isEqualTo(200);
    }
}
