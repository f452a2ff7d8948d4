package io.firstline.demo;

import static io.firstline.db.FreshDatabase.await;
import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.AGENT_PRESENCE;
import static io.firstline.db.schema.Tables.CALLBACK_REQUESTS;
import static io.firstline.db.schema.Tables.CALLERS;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.CALL_OUTCOMES;
import static io.firstline.db.schema.Tables.KB_ARTICLES;
import static io.firstline.db.schema.Tables.TICKETS;
import static io.firstline.db.schema.Tables.TICKET_NOTES;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.auth.Passwords;
import io.firstline.callers.Caller;
import io.firstline.callers.CallerStore;
import io.firstline.db.Database;
import io.firstline.db.FreshDatabase;
import io.firstline.kb.KbStore;
import io.firstline.tickets.Ticket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoDataIT {

    static final ZoneId ZONE = ZoneId.of("America/New_York");
    /** A day on which Jane's ticket used to be numbered 1281 instead of 1234. */
    static final Instant FILLED_AT = LocalDateTime.of(2026, 12, 4, 10, 0).atZone(ZONE).toInstant();

    static FreshDatabase fresh;
    static long fillMillis;

    @BeforeAll
    static void fill() throws Exception {
        fresh = FreshDatabase.start(Clock.fixed(FILLED_AT, ZoneOffset.UTC));
        long t0 = System.nanoTime();
        assertThat(DemoData.fillIfEmpty(fresh.db, ZONE, () -> Passwords.hash(DemoData.PASSWORD))).isTrue();
        fillMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("demo data filled in " + fillMillis + " ms");
    }

    @AfterAll
    static void stop() throws Exception {
        fresh.close();
    }

    @Test
    void fillsABelievableHelpDesk() {
        DSLContext dsl = fresh.db.dsl();
        assertThat(dsl.fetchCount(CALLERS)).isEqualTo(3000);
        assertThat(dsl.fetchCount(dsl.selectDistinct(CALLERS.ORGANISATION).from(CALLERS))).isEqualTo(100);
        assertThat(dsl.fetchCount(CALLERS, CALLERS.VIP.isTrue())).isBetween(100, 250);
        assertThat(dsl.fetchCount(CALLS, CALLS.PBX.eq("demo"))).isBetween(2000, 5000);
        assertThat(dsl.fetchCount(CALLS, CALLS.STATUS.eq("abandoned"))).isPositive();
        assertThat(dsl.fetchCount(CALL_OUTCOMES)).isEqualTo(dsl.fetchCount(CALLS, CALLS.STATUS.eq("answered")));
        assertThat(dsl.fetchCount(TICKETS)).isBetween(800, 2000);
        assertThat(dsl.fetchCount(TICKETS, TICKETS.STATUS.eq("open"))).isPositive();
        assertThat(dsl.fetchCount(TICKET_NOTES)).isGreaterThanOrEqualTo(dsl.fetchCount(TICKETS));
        assertThat(dsl.fetchCount(KB_ARTICLES)).isBetween(180, 260);
        assertThat(dsl.fetchCount(dsl.selectDistinct(KB_ARTICLES.TITLE).from(KB_ARTICLES)))
                .isEqualTo(dsl.fetchCount(KB_ARTICLES));
        assertThat(dsl.fetchCount(CALLBACK_REQUESTS, CALLBACK_REQUESTS.STATUS.eq("open"))).isPositive();
    }

    @Test
    @DisplayName("a month of a healthy help desk: most calls answered within the 20 s of the service level, a handful of"
            + " callbacks open, the queues of dialplans/")
    void aMonthOfRealisticServiceLevels() {
        DSLContext dsl = fresh.db.dsl();
        int answered = dsl.fetchCount(CALLS, CALLS.STATUS.eq("answered"));
        int abandoned = dsl.fetchCount(CALLS, CALLS.STATUS.eq("abandoned"));
        int within = dsl.fetchCount(CALLS, CALLS.STATUS.eq("answered").and(CALLS.WAIT_SECONDS.le(20)));
        double serviceLevel = 100.0 * within / (answered + abandoned);
        assertThat(serviceLevel).isBetween(76.0, 88.0);
        assertThat(100.0 * abandoned / (answered + abandoned)).isBetween(3.0, 8.0);
        // day by day: quiet days and hard ones, none a meltdown
        var day = DSL.cast(CALLS.ENTERED_AT, org.jooq.impl.SQLDataType.LOCALDATE);
        var byDay = dsl.select(day, DSL.count(),
                        DSL.sum(DSL.when(CALLS.STATUS.eq("answered").and(CALLS.WAIT_SECONDS.le(20)), 1).otherwise(0)))
                .from(CALLS).groupBy(day).having(DSL.count().ge(50)).fetch();
        assertThat(byDay).hasSizeGreaterThan(15)
                .allSatisfy(r -> assertThat(100.0 * r.value3().intValue() / r.value2()).isBetween(60.0, 97.0));
        assertThat(dsl.fetchCount(CALLBACK_REQUESTS, CALLBACK_REQUESTS.STATUS.eq("open"))).isBetween(3, 10);
        assertThat(dsl.selectDistinct(CALLS.QUEUE).from(CALLS).fetch(CALLS.QUEUE))
                .containsExactlyInAnyOrder("hardware", "software", "network", "helpdesk");
        assertThat(dsl.selectDistinct(CALLS.MENU_PATH).from(CALLS).where(CALLS.QUEUE.eq("helpdesk")).fetch(CALLS.MENU_PATH))
                .containsExactly("main/operator");
    }

    @Test
    @DisplayName("the morning so far: each agent signed in before their first call of the day until now, and paused"
            + " only between calls")
    void theMorningSoFar() {
        DSLContext dsl = fresh.db.dsl();
        var signedIn = dsl.selectFrom(AGENT_PRESENCE).where(AGENT_PRESENCE.KIND.eq("signed-in")).fetch();
        assertThat(signedIn).hasSize(3).allSatisfy(r -> {
            assertThat(r.getPbx()).isEqualTo("demo");
            assertThat(r.getEndedAt()).isEqualTo(FILLED_AT);
            assertThat(r.getStartedAt()).isBetween(FILLED_AT.minus(Duration.ofHours(3)), FILLED_AT.minus(Duration.ofHours(2)));
            Instant firstAnswer = dsl.select(DSL.min(CALLS.ANSWERED_AT)).from(CALLS)
                    .where(CALLS.AGENT_INTERFACE.eq(r.getInterface())).and(CALLS.ANSWERED_AT.ge(r.getStartedAt().minus(Duration.ofHours(1))))
                    .fetchOne(0, Instant.class);
            assertThat(firstAnswer).isAfter(r.getStartedAt());
        });
        var paused = dsl.selectFrom(AGENT_PRESENCE).where(AGENT_PRESENCE.KIND.eq("paused")).fetch();
        assertThat(paused).isNotEmpty().allSatisfy(p -> {
            assertThat(p.getReason()).isIn("break", "back-office");
            assertThat(p.getEndedAt()).isBefore(FILLED_AT);
            assertThat(dsl.fetchCount(CALLS, CALLS.AGENT_INTERFACE.eq(p.getInterface())
                    .and(CALLS.ANSWERED_AT.lt(p.getEndedAt())).and(CALLS.ENDED_AT.gt(p.getStartedAt()))))
                    .as("no call of %s during the pause", p.getInterface()).isZero();
        });
    }

    @Test
    @DisplayName("the demo's live callers come from the whole directory, each with a number of their own, in an order"
            + " of each start")
    void liveCallersComeFromTheWholeDirectory() throws Exception {
        var first = DemoData.directory(fresh.db, new java.util.Random(1), 5000);
        var second = DemoData.directory(fresh.db, new java.util.Random(2), 5000);
        assertThat(first).hasSize(3000);
        assertThat(first.stream().map(l -> l.name().charAt(0)).distinct().count()).isGreaterThan(15);
        // the first twenty callers are already from across the alphabet, and another start calls in another order
        assertThat(first.subList(0, 20).stream().map(l -> l.name().charAt(0)).distinct().count()).isGreaterThan(6);
        assertThat(first.subList(0, 20)).isNotEqualTo(second.subList(0, 20));
        // a number of theirs, one of their own unless all they have is the organisation's switchboard (5% of them)
        CallerStore callers = new CallerStore(fresh.db);
        int theirsAlone = 0;
        for (DemoData.Listed l : first.subList(0, 40)) {
            var found = await(callers.byPhone(l.number(), 100, 0)).items();
            assertThat(found).extracting(Caller::name).contains(l.name());
            theirsAlone += found.size() == 1 ? 1 : 0;
        }
        assertThat(theirsAlone).isGreaterThanOrEqualTo(34);
        assertThat(DemoData.directory(fresh.db, new java.util.Random(1), 100)).hasSize(100);
    }

    @Test
    void demoAccountsSignInWithTheDemoPassword() {
        var agents = fresh.db.dsl().selectFrom(AGENTS).orderBy(AGENTS.USERNAME).fetch();
        assertThat(agents).extracting(a -> a.getUsername()).containsExactly("alice", "bob", "carol", "sam");
        assertThat(agents).allSatisfy(a -> assertThat(Passwords.matches(DemoData.PASSWORD, a.getPasswordHash())).isTrue());
        assertThat(agents.get(0).getInterface()).isEqualTo("Local/1001@agents/n");
        assertThat(agents.get(3).getRole()).isEqualTo("supervisor");
        // The supervisor's own phone, which rings when he listens in from the wallboard; it is in no queue.
        assertThat(agents.get(3).getInterface()).isEqualTo("Local/9000@supervisor");
    }

    @Test
    void janeDoeIsKnownByTheNumberOfTheRecordedCalls() throws Exception {
        assertJaneAsTheTracesAndDocsName(fresh.db);
    }

    @ParameterizedTest(name = "filled on {0}")
    @ValueSource(strings = {"2027-01-01T00:05:00", "2027-03-01T23:55:00", "2027-07-04T10:00:00"})
    @DisplayName("Jane Doe's caller id, number, calls and open ticket do not depend on the day the demo is filled")
    void janeDoeDoesNotDependOnTheDay(String localTime) throws Exception {
        Instant at = LocalDateTime.parse(localTime).atZone(ZONE).toInstant();
        try (FreshDatabase other = FreshDatabase.start(Clock.fixed(at, ZoneOffset.UTC))) {
            assertThat(DemoData.fillIfEmpty(other.db, ZONE, () -> "not-a-real-hash")).isTrue();
            assertJaneAsTheTracesAndDocsName(other.db);
            // Every date the demo wrote is in the past of the day it was filled on.
            DSLContext dsl = other.db.dsl();
            assertThat(dsl.select(DSL.max(CALLS.ENDED_AT)).from(CALLS).fetchOne().value1()).isBefore(at);
            assertThat(dsl.select(DSL.max(TICKETS.CREATED_AT)).from(TICKETS).fetchOne().value1()).isBefore(at);
        }
    }

    private static void assertJaneAsTheTracesAndDocsName(Database db) throws Exception {
        CallerStore callers = new CallerStore(db);
        var found = await(callers.byPhone("+15551234567", 10, 0));
        assertThat(found.items()).hasSize(1);
        Caller jane = found.items().get(0);
        assertThat(jane.name()).isEqualTo("Jane Doe");
        assertThat(jane.id()).isEqualTo(42);
        var profile = await(callers.profile(jane.id(), 10)).orElseThrow();
        assertThat(profile.history()).hasSize(2);
        assertThat(profile.openTickets()).extracting(Ticket::id).containsExactly(1234L);
        assertThat(profile.openTickets().get(0).status()).isEqualTo("open");
    }

    @Test
    void knowledgeBaseFindsVpnArticles() throws Exception {
        var page = await(new KbStore(fresh.db).search("vpn", KbStore.Filter.active(Optional.empty()), 10, 0));
        assertThat(page.total()).isGreaterThan(3);
        assertThat(page.items().get(0).title()).containsIgnoringCase("vpn");
    }

    @Test
    void aSecondFillDoesNothing() {
        DSLContext dsl = fresh.db.dsl();
        int calls = dsl.fetchCount(CALLS);
        assertThat(DemoData.fillIfEmpty(fresh.db, ZoneId.of("UTC"), () -> {
            throw new AssertionError("no password needed");
        })).isFalse();
        assertThat(dsl.fetchCount(CALLERS)).isEqualTo(3000);
        assertThat(dsl.fetchCount(CALLS)).isEqualTo(calls);
    }
}
