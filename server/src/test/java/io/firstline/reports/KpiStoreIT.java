package io.firstline.reports;

import static io.firstline.db.FreshDatabase.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.db.FreshDatabase;
import io.firstline.kpi.CallFact;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The calls of a period as KPI facts, streamed from a real MariaDB. */
class KpiStoreIT {

    private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    private static FreshDatabase fresh;
    private static KpiStore kpis;
    private static long alice;
    private static long bob;
    private static long carol;

    @BeforeAll
    static void calls() throws Exception {
        fresh = FreshDatabase.start();
        kpis = new KpiStore(fresh.db);
        alice = agent("alice");
        bob = agent("bob");
        carol = agent("carol");
        sql("INSERT INTO callers (id, name, created_at) VALUES (1, 'Ann', NOW())");
        sql("INSERT INTO tickets (id, caller_id, category, priority, status, subject, created_at)"
                + " VALUES (1, 1, 'network', 'normal', 'open', 'VPN', NOW())");
        // Transferred from Alice to Bob; the outcome was recorded twice, the later one counts.
        long transferred = call("transferred", "answered", bob, T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(100),
                10, 70, "software");
        part(transferred, 1, alice, 30);
        part(transferred, 2, bob, 40);
        sql("INSERT INTO call_outcomes (call_id, agent_id, disposition, wrapup_seconds, created_at) VALUES (?, ?, 'escalated', 5, NOW())",
                transferred, bob);
        sql("INSERT INTO call_outcomes (call_id, agent_id, disposition, ticket_id, wrapup_seconds, created_at)"
                + " VALUES (?, ?, 'resolved', 1, 12, NOW())", transferred, bob);
        call("abandoned", "abandoned", null, T0.plusSeconds(5), null, T0.plusSeconds(50), 45, null, "hardware");
        // Not offered calls, or not of the period.
        call("internal", "internal", alice, T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3), 1, 1, null);
        call("yesterday", "abandoned", null, T0.minusSeconds(1), null, T0.plusSeconds(9), 10, null, null);
        call("tomorrow", "abandoned", null, T0.plusSeconds(3600), null, T0.plusSeconds(3610), 10, null, null);
        // More calls than the driver fetches at a time, parts alternating, to see each call's parts stay its own.
        for (int i = 0; i < 2_500; i++) {
            long id = call("bulk-" + i, "answered", carol, T0.plusSeconds(200 + i), T0.plusSeconds(205 + i),
                    T0.plusSeconds(300 + i), 5, 95, null);
            part(id, 1, carol, i);
            if (i % 2 == 0) {
                part(id, 2, alice, 1);
            }
        }
    }

    @AfterAll
    static void close() throws Exception {
        fresh.close();
    }

    @Test
    @DisplayName("each queued call once, in the order it entered, with its latest outcome, its ticket's category and"
            + " every agent's part")
    void factsOfAPeriod() throws Exception {
        List<CallFact> facts = await(kpis.facts(T0, T0.plusSeconds(3600)));
        assertThat(facts).hasSize(2 + 2_500);
        assertThat(facts).extracting(CallFact::queuedAt).isSorted();
        CallFact abandoned = facts.get(0);
        assertThat(abandoned.result()).isEqualTo(CallFact.Result.ABANDONED);
        assertThat(abandoned.category()).as("from the menu path").isEqualTo("hardware");
        assertThat(abandoned.agents()).isEmpty();
        CallFact transferred = facts.get(1);
        assertThat(transferred.result()).isEqualTo(CallFact.Result.ANSWERED);
        assertThat(transferred.disposition()).isEqualTo("resolved");
        assertThat(transferred.wrapupSeconds()).isEqualTo(12);
        assertThat(transferred.category()).as("the ticket's, not the menu's").isEqualTo("network");
        assertThat(transferred.agents()).containsExactly(new CallFact.AgentPart(alice, 30), new CallFact.AgentPart(bob, 40));
        for (int i = 0; i < 2_500; i++) {
            CallFact bulk = facts.get(2 + i);
            List<CallFact.AgentPart> parts = new ArrayList<>(List.of(new CallFact.AgentPart(carol, i)));
            if (i % 2 == 0) {
                parts.add(new CallFact.AgentPart(alice, 1));
            }
            assertThat(bulk.agents()).as("call %d", i).isEqualTo(parts);
            assertThat(bulk.disposition()).isNull();
        }
    }

    @Test
    @DisplayName("an agent's calls are those they talked on, whoever had the call last")
    void anAgentsCalls() throws Exception {
        assertThat(await(kpis.fold(T0, T0.plusSeconds(3600), bob, new ArrayList<CallFact>(), List::add)))
                .extracting(CallFact::disposition).containsExactly("resolved");
        assertThat(await(kpis.fold(T0, T0.plusSeconds(3600), alice, new ArrayList<CallFact>(), List::add)))
                .as("the transferred call and every other bulk call").hasSize(1 + 1_250);
        assertThat(await(kpis.fold(T0, T0.plusSeconds(200), carol, new ArrayList<CallFact>(), List::add))).isEmpty();
    }

    private static long agent(String name) throws Exception {
        sql("INSERT INTO agents (username, name, password_hash, role, created_at) VALUES (?, ?, 'x', 'agent', NOW())",
                name, name);
        return id("SELECT id FROM agents WHERE username = ?", name);
    }

    private static long call(String linkedid, String status, Long agent, Instant queued, Instant answered, Instant ended,
            Integer wait, Integer talk, String menuPath) throws Exception {
        sql("INSERT INTO calls (pbx, linkedid, queue, status, agent_id, entered_at, queued_at, answered_at, ended_at,"
                + " wait_seconds, talk_seconds, menu_path) VALUES ('pbx', ?, 'helpdesk', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                linkedid, status, agent, utc(queued), utc(queued), utc(answered), utc(ended), wait, talk, menuPath);
        return id("SELECT id FROM calls WHERE linkedid = ?", linkedid);
    }

    private static LocalDateTime utc(Instant at) {
        return at == null ? null : LocalDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static void part(long call, int seq, long agent, int talk) throws Exception {
        sql("INSERT INTO call_agents (call_id, seq, agent_id, agent_interface, answered_at, talk_seconds)"
                + " VALUES (?, ?, ?, 'Local/x@agents/n', NOW(), ?)", call, seq, agent, talk);
    }

    private static void sql(String sql, Object... binds) throws Exception {
        await(fresh.db.query(dsl -> dsl.execute(sql, binds)));
    }

    private static long id(String sql, Object... binds) throws Exception {
        return await(fresh.db.query(dsl -> dsl.fetchValue(sql, binds) instanceof Number n ? n.longValue() : -1L));
    }
}
