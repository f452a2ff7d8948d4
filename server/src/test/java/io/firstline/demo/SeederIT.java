package io.firstline.demo;

import static io.firstline.db.FreshDatabase.await;
import static io.firstline.db.schema.Tables.CALLERS;
import static io.firstline.db.schema.Tables.CALLER_PHONES;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.TICKETS;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.callers.Caller;
import io.firstline.callers.CallerStore;
import io.firstline.db.FreshDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SeederIT {

    static FreshDatabase fresh;

    @BeforeAll
    static void start() throws Exception {
        fresh = FreshDatabase.start();
    }

    @AfterAll
    static void stop() throws Exception {
        fresh.close();
    }

    @Test
    void seedsCallersWithNumbersTicketsAndCalls() throws Exception {
        DSLContext dsl = fresh.db.dsl();
        int callers = dsl.fetchCount(CALLERS);
        int phones = dsl.fetchCount(CALLER_PHONES);
        int tickets = dsl.fetchCount(TICKETS);
        int calls = dsl.fetchCount(CALLS);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Seeder.Result first = new Seeder(fresh.db, new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new Seeder.Counts(20_000, 3_000, 7_000));
        Seeder.Result second = new Seeder(fresh.db, new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new Seeder.Counts(1_000, 10, 10));
        System.out.println("seeded " + first + " then " + second);

        assertThat(dsl.fetchCount(CALLERS)).isEqualTo(callers + 21_000);
        assertThat(dsl.fetchCount(CALLER_PHONES)).isEqualTo(phones + (int) (first.phones() + second.phones()));
        assertThat(first.phones()).isBetween(26_000L, 27_000L);
        assertThat(dsl.fetchCount(dsl.selectDistinct(CALLER_PHONES.PHONE).from(CALLER_PHONES)))
                .isEqualTo(dsl.fetchCount(CALLER_PHONES));
        assertThat(dsl.fetchCount(CALLER_PHONES, CALLER_PHONES.PHONE.notLike("+1555_______"))).isZero();
        assertThat(dsl.fetchCount(TICKETS)).isEqualTo(tickets + 3_010);
        assertThat(dsl.fetchCount(CALLS, CALLS.PBX.eq("seed"))).isEqualTo(calls + 7_010);
        assertThat(dsl.fetchCount(CALLS, CALLS.CALLER_ID.isNotNull()
                .and(CALLS.CALLER_ID.notIn(DSL.select(CALLERS.ID).from(CALLERS))))).isZero();
        assertThat(dsl.fetchCount(TICKETS, TICKETS.CALLER_ID.notIn(DSL.select(CALLERS.ID).from(CALLERS)))).isZero();

        String progress = err.toString(StandardCharsets.UTF_8);
        assertThat(progress).contains("\rcallers 20000/20000 (100%)").contains("calls 7000/7000 (100%)");

        long someCaller = callers + 5_000;
        var page = await(new CallerStore(fresh.db).byPhone(Seeder.phoneOf(2 * someCaller), 5, 0));
        assertThat(page.items()).extracting(Caller::id).containsExactly(someCaller);
    }

    @Test
    void sessionChecksAreOnAgainAfterSeeding() {
        new Seeder(fresh.db, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(new Seeder.Counts(10, 0, 0));
        for (int i = 0; i < 8; i++) {
            assertThat(fresh.db.dsl().fetchValue("SELECT @@SESSION.foreign_key_checks + @@SESSION.unique_checks"))
                    .hasToString("2");
        }
    }
}
