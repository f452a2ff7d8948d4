package io.firstline.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestDatabase;
import io.firstline.TestServer;
import io.firstline.sim.AmiSimulator;
import io.firstline.sim.TrafficConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("calls in flight while Firstline is stopped are reconciled with the PBX when it starts again")
class RestartReconcileIT {

    private static final Map<String, String> ENV = Map.of("FIRSTLINE_AMI_NAME", "north", "FIRSTLINE_TIMEZONE", "UTC");

    private TestDatabase.Fresh db;
    private AmiSimulator pbx;
    private final List<TestServer> servers = new ArrayList<>();

    @BeforeEach
    void database() {
        db = TestDatabase.fresh();
    }

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
        if (pbx != null) {
            pbx.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private TestServer startServer() throws InterruptedException {
        TestServer s = TestServer.withPbxOn(db, pbx, ENV);
        servers.add(s);
        s.awaitPbx(st -> st.equals("connected"), Duration.ofSeconds(30));
        return s;
    }

    private void stopServer(TestServer s) {
        servers.remove(s);
        s.close();
    }

    private long count(String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Every row of a query, each as column → value (in text), in the query's order. */
    private List<Map<String, String>> rows(String sql) {
        List<Map<String, String>> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getString(i));
                }
                out.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(200);
        }
    }

    /** How many reconciles of the PBX north this server has done (its /metrics). */
    private static double reconciles(TestServer s) {
        String text = s.get("/metrics", null).raw().body();
        Matcher m = Pattern.compile("(?m)^firstline_call_reconciles_total\\{pbx=\"north\"[^}]*} ([0-9.eE+]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Everything a reconcile could change: the calls, their timelines and the callback requests. */
    private List<Map<String, String>> recorded() {
        List<Map<String, String>> all = new ArrayList<>(rows("SELECT id, status, answered_at, ended_at, ended_at_estimated + 0 AS ended_at_estimated,"
                + " end_reason, wait_seconds, talk_seconds FROM calls ORDER BY id"));
        all.addAll(rows("SELECT call_id, event_key, at, detail FROM call_events ORDER BY id"));
        all.addAll(rows("SELECT call_id, status FROM callback_requests ORDER BY id"));
        return all;
    }

    @Test
    @DisplayName("Firstline stops while agents talk and callers wait; the PBX ends the calls; after the restart's resync no"
            + " call is in progress, answered ones stay answered with an estimated end and the reason, the report counts"
            + " them, and a further resync or restart changes nothing")
    void callsEndedWhileFirstlineWasDown() throws Exception {
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).timeScale(8).build();
        TestServer first = startServer();
        String admin = first.loginAdmin();
        first.createTraceAgents(admin);
        pbx.traffic().start(TrafficConfig.builder().seed(7).callsPerSecond(1).maxCalls(4).outcomes(1, 0, 0)
                .talkTime(Duration.ofSeconds(240), Duration.ofSeconds(320)).maxQueueWait(Duration.ofSeconds(80)).build());
        // Three agents: three calls are talked on, the fourth waits in the queue (and gives up while Firstline is down).
        await("three calls are answered and recorded in progress", Duration.ofSeconds(60),
                () -> count("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND answered_at IS NOT NULL AND ended_at IS NULL") >= 3);
        stopServer(first);

        long generated = pbx.traffic().callsGenerated();
        assertThat(pbx.traffic().awaitFinished(generated, Duration.ofSeconds(120))).as("the PBX ended every call").isTrue();
        List<Map<String, String>> open = rows("SELECT k.id, k.queued_at, k.answered_at, (SELECT MAX(e.at) FROM call_events e"
                + " WHERE e.call_id = k.id) AS last_event FROM calls k WHERE k.pbx = 'north' AND k.ended_at IS NULL ORDER BY k.id");
        long answeredOpen = open.stream().filter(r -> r.get("answered_at") != null).count();
        assertThat(answeredOpen).isGreaterThanOrEqualTo(3);

        TestServer second = startServer();
        await("no call of north is in progress", Duration.ofSeconds(30),
                () -> count("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NULL") == 0);
        for (Map<String, String> before : open) {
            Map<String, String> now = rows("SELECT status, ended_at, ended_at_estimated + 0 AS ended_at_estimated, end_reason, talk_seconds,"
                    + " wait_seconds FROM calls WHERE id = " + before.get("id")).get(0);
            assertThat(now.get("ended_at_estimated")).as("call %s estimated", before.get("id")).isEqualTo("1");
            assertThat(now.get("ended_at")).as("call %s ends at its last event", before.get("id"))
                    .isEqualTo(before.get("last_event"));
            assertThat(now.get("end_reason")).isEqualTo(CallReconciler.ENDED_WHILE_FIRSTLINE_WAS_DOWN);
            assertThat(now.get("status")).isEqualTo(before.get("answered_at") != null ? "answered"
                    : before.get("queued_at") != null ? "unanswered" : "menu-only");
            assertThat(now.get("talk_seconds")).as("not guessed").isNull();
        }

        String token = second.loginAdmin();
        assertThat(second.get("/api/calls?status=in-progress", token).json().getInteger("total")).isZero();
        String answeredId = open.stream().filter(r -> r.get("answered_at") != null).findFirst().orElseThrow().get("id");
        JsonObject detail = second.get("/api/calls/" + answeredId, token).json();
        assertThat(detail.getString("status")).isEqualTo("answered");
        assertThat(detail.getBoolean("endedAtEstimated")).isTrue();
        assertThat(detail.getString("endReason")).isEqualTo("ended-while-firstline-was-down");
        JsonArray timeline = detail.getJsonArray("timeline");
        JsonObject last = timeline.getJsonObject(timeline.size() - 1);
        assertThat(last.getString("type")).isEqualTo("ended");
        assertThat(last.getString("at")).isEqualTo(detail.getString("endedAt"));
        assertThat(last.getString("detail")).contains("ended-while-firstline-was-down");

        // The report over the days around these calls (which happened just now) counts them, by what is known.
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String range = "from=" + today.minusDays(1) + "&to=" + today.plusDays(1);
        JsonObject total = second.get("/api/reports/calls?" + range, token).json().getJsonArray("totals").getJsonObject(0);
        assertThat(total.getInteger("endedUnobserved")).isGreaterThanOrEqualTo(3).isEqualTo((int) count(
                "SELECT COUNT(*) FROM calls WHERE ended_at_estimated AND queued_at IS NOT NULL"));
        assertThat(total.getInteger("offered")).isEqualTo((int) count("SELECT COUNT(*) FROM calls WHERE queued_at IS NOT NULL"));
        assertThat(total.getInteger("answered")).isEqualTo((int) count(
                "SELECT COUNT(*) FROM calls WHERE answered_at IS NOT NULL AND queued_at IS NOT NULL"));
        assertThat(total.getInteger("unanswered")).as("a call last seen waiting is of unknown fate, not unanswered")
                .isEqualTo((int) count("SELECT COUNT(*) FROM calls WHERE status = 'unanswered' AND NOT ended_at_estimated"));
        assertThat(total.getDouble("averageHandleSeconds")).as("no talk time is known").isNull();
        String csv = second.get("/api/reports/calls?" + range + "&format=csv", token).raw().body();
        assertThat(csv.split("\r\n")[0]).endsWith(",callbacksMade,endedUnobserved");

        // Idempotent: a resync after an AMI drop, then a restart, change nothing.
        List<Map<String, String>> reconciled = recorded();
        double runs = reconciles(second);
        assertThat(runs).isGreaterThanOrEqualTo(1);
        pbx.dropAllClients();
        await("a second reconcile after the link's resync", Duration.ofSeconds(30), () -> reconciles(second) > runs);
        assertThat(recorded()).isEqualTo(reconciled);
        stopServer(second);
        TestServer third = startServer();
        await("a reconcile after the restart", Duration.ofSeconds(30), () -> reconciles(third) >= 1);
        assertThat(recorded()).isEqualTo(reconciled);
    }

    @Test
    @DisplayName("a call answered before a restart and still talked on after it is adopted, and ends answered with its"
            + " agent and talk time, its end seen")
    void callAnsweredBeforeARestartEndsAnswered() throws Exception {
        // The talk (40 s of real time) outlasts the restart by far, even on a loaded machine.
        pbx = AmiSimulator.builder().host("127.0.0.1").port(0).timeScale(4).build();
        TestServer first = startServer();
        first.createTraceAgents(first.loginAdmin());
        pbx.traffic().start(TrafficConfig.builder().seed(11).callsPerSecond(1).maxCalls(1).outcomes(1, 0, 0)
                .talkTime(Duration.ofSeconds(160), Duration.ofSeconds(160)).build());
        await("the call is answered and recorded in progress", Duration.ofSeconds(60),
                () -> count("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND answered_at IS NOT NULL AND ended_at IS NULL") == 1);
        Map<String, String> before = rows("SELECT id, answered_at, agent_id FROM calls WHERE pbx = 'north'").get(0);
        stopServer(first);

        TestServer second = startServer();
        assertThat(pbx.traffic().awaitFinished(1, Duration.ofSeconds(120))).isTrue();
        await("the call has ended", Duration.ofSeconds(30),
                () -> count("SELECT COUNT(*) FROM calls WHERE pbx = 'north' AND ended_at IS NULL") == 0);
        Map<String, String> after = rows("SELECT status, answered_at, agent_id, ended_at_estimated + 0 AS ended_at_estimated, end_reason, talk_seconds"
                + " FROM calls WHERE id = " + before.get("id")).get(0);
        assertThat(after.get("status")).isEqualTo("answered");
        assertThat(after.get("answered_at")).isEqualTo(before.get("answered_at"));
        assertThat(after.get("agent_id")).isNotNull().isEqualTo(before.get("agent_id"));
        assertThat(after.get("ended_at_estimated")).as("its end was seen").isEqualTo("0");
        assertThat(after.get("end_reason")).isNotEqualTo(CallReconciler.ENDED_WHILE_FIRSTLINE_WAS_DOWN);
        // As Asterisk reported it with AgentComplete: the simulated PBX's 160 s (its clock runs 4 times faster).
        assertThat(Integer.parseInt(after.get("talk_seconds"))).isBetween(159, 161);
        assertThat(second.get("/api/calls?status=in-progress", second.loginAdmin()).json().getInteger("total")).isZero();
    }
}
