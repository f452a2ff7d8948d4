package io.firstline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.kpi.CallFact.Result;
import io.firstline.kpi.ReportPeriods.By;
import io.firstline.kpi.ReportPeriods.Period;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("reports: the KPIs of each period per queue, per agent and over all calls")
class ReportTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final List<Period> DAYS = ReportPeriods.of(UTC, LocalDate.parse("2026-11-23"),
            LocalDate.parse("2026-11-24"), By.DAY);
    private static final Map<Long, Report.AgentLabel> AGENTS = Map.of(1L, new Report.AgentLabel(1, "alice", "Alice"),
            2L, new Report.AgentLabel(2, "bob", "Bob"));

    private static CallFact call(String at, String queue, Long agent, Result result, Integer wait, String disposition) {
        return new CallFact(queue, agent, Instant.parse(at), result, wait, result == Result.ANSWERED ? 60 : null,
                disposition == null ? null : 10, disposition, "software");
    }

    private static final List<CallFact> FACTS = List.of(
            call("2026-11-23T09:00:00Z", "software", 1L, Result.ANSWERED, 10, "resolved"),
            call("2026-11-23T09:10:00Z", "software", 2L, Result.ANSWERED, 30, "escalated"),
            call("2026-11-23T23:59:00Z", "hardware", null, Result.ABANDONED, 40, null),
            call("2026-11-24T10:00:00Z", "software", 1L, Result.ANSWERED, 5, null),
            call("2026-11-25T00:00:00Z", "software", 1L, Result.ANSWERED, 5, null)); // after the range
    private static final List<CallbackFact> CALLBACKS = List.of(
            new CallbackFact("hardware", 2L, Instant.parse("2026-11-24T08:00:00Z")),
            new CallbackFact(null, 1L, Instant.parse("2026-11-24T08:30:00Z")));

    @Test
    @DisplayName("queues: a row per day and queue with calls or callbacks, plus the queue over the range")
    void queues() {
        Report r = Report.build(Report.Kind.QUEUES, DAYS, FACTS, CALLBACKS, AGENTS, q -> 20);
        assertThat(r.rows()).extracting(row -> row.period().label() + "/" + row.queue() + "/" + row.figures().offered()
                + "/" + row.callbacksMade())
                .containsExactly("2026-11-23/hardware/1/0", "2026-11-23/software/2/0", "2026-11-24/hardware/0/1",
                        "2026-11-24/software/1/0", "2026-11-24/null/0/1");
        Report.Row software = r.rows().get(1);
        assertThat(software.figures().serviceLevelPercent()).isEqualTo(50.0);
        assertThat(software.figures().firstCallResolutionPercent()).isEqualTo(50.0);
        assertThat(r.rows().get(2).figures().serviceLevelPercent()).isNull(); // only a callback: no call decided
        assertThat(r.totals()).extracting(row -> row.queue() + "/" + row.figures().offered())
                .containsExactly("hardware/1", "software/3", "null/0");
        assertThat(r.totals()).allMatch(row -> row.period() == null);
    }

    @Test
    @DisplayName("agents: a call transferred from Alice to Bob counts for both, each with their own talk time; the queue counts it once")
    void transferredCallCountsForEveryAgentWhoTalked() {
        CallFact transferred = new CallFact("software", 2L, Instant.parse("2026-11-23T09:00:00Z"), Result.ANSWERED, 12,
                100, 15, "resolved", "software", false,
                List.of(new CallFact.AgentPart(1L, 40), new CallFact.AgentPart(2L, 60)));
        Report agents = Report.build(Report.Kind.AGENTS, DAYS, List.of(transferred), List.of(), AGENTS, q -> 20);
        assertThat(agents.totals()).extracting(row -> row.agent().username() + "/" + row.figures().answered() + "/"
                + row.figures().averageHandleSeconds() + "/" + row.figures().averageWaitSeconds() + "/"
                + row.figures().serviceLevelPercent() + "/" + row.figures().firstCallResolutionPercent())
                .as("Alice answered first (the caller's wait is hers), Bob ended it and recorded the outcome")
                .containsExactly("alice/1/40.0/12.0/100.0/null", "bob/1/75.0/null/null/100.0");
        Report queues = Report.build(Report.Kind.QUEUES, DAYS, List.of(transferred), List.of(), AGENTS, q -> 20);
        assertThat(queues.totals()).extracting(row -> row.queue() + "/" + row.figures().offered() + "/"
                + row.figures().answered() + "/" + row.figures().averageHandleSeconds())
                .containsExactly("software/1/1/115.0");
    }

    @Test
    @DisplayName("agents: the calls each agent answered and the callbacks each made")
    void agents() {
        Report r = Report.build(Report.Kind.AGENTS, DAYS, FACTS, CALLBACKS, AGENTS, q -> 20);
        assertThat(r.rows()).extracting(row -> row.period().label() + "/" + row.agent().username() + "/"
                + row.figures().answered() + "/" + row.callbacksMade())
                .containsExactly("2026-11-23/alice/1/0", "2026-11-23/bob/1/0", "2026-11-24/alice/1/1", "2026-11-24/bob/0/1");
        assertThat(r.totals()).extracting(row -> row.agent().name() + "/" + row.figures().answered())
                .containsExactly("Alice/2", "Bob/1");
    }

    @Test
    @DisplayName("calls: every period, empty ones too, over all queues")
    void calls() {
        List<Period> hours = ReportPeriods.of(UTC, LocalDate.parse("2026-11-23"), LocalDate.parse("2026-11-23"), By.HOUR);
        Report r = Report.build(Report.Kind.CALLS, hours, FACTS, CALLBACKS, AGENTS, q -> 20);
        assertThat(r.rows()).hasSize(24);
        assertThat(r.rows().get(9).figures().offered()).isEqualTo(2);
        assertThat(r.rows().get(23).figures().abandoned()).isEqualTo(1);
        assertThat(r.rows().get(0).figures().offered()).isZero();
        assertThat(r.rows().get(0).figures().serviceLevelPercent()).isNull();
        assertThat(r.totals()).hasSize(1);
        assertThat(r.totals().get(0).figures().offered()).isEqualTo(3);
        assertThat(r.totals().get(0).callbacksMade()).isZero();
    }

    @Test
    @DisplayName("an agent no longer in the database is still reported, by id")
    void unknownAgent() {
        Report r = Report.build(Report.Kind.AGENTS, DAYS, List.of(call("2026-11-23T09:00:00Z", "software", 9L,
                Result.ANSWERED, 10, null)), List.of(), AGENTS, q -> 20);
        assertThat(r.rows().get(0).agent()).isEqualTo(new Report.AgentLabel(9, null, "agent 9"));
    }
}
