package io.firstline.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestDatabase;
import io.firstline.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("a session used within its idle period stays alive, however short the period")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionSlidingIT {

    /** A clock the test moves; the sessions table keeps what it says. */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2030-03-04T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private TestDatabase.Fresh fresh;
    private Vertx vertx;
    private Database db;
    private final TestClock clock = new TestClock();
    private Accounts accounts;

    @BeforeAll
    void start() throws Exception {
        fresh = TestDatabase.fresh();
        vertx = Vertx.vertx();
        db = Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 2, Optional.empty());
        AgentStore agents = new AgentStore(db);
        await(agents.create("slider", "Sam Slider", Passwords.hash("slider-secret-42"), Role.AGENT, null));
        accounts = new Accounts(vertx, agents, new SessionStore(db), Duration.ofMinutes(1), clock);
    }

    @AfterAll
    void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (vertx != null) {
            await(vertx.close());
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    private String signIn() throws Exception {
        return await(accounts.login("slider", "slider-secret-42", "127.0.0.1")).signedIn().orElseThrow().token();
    }

    private Optional<Agent> use(String token) throws Exception {
        return await(accounts.authenticate(token));
    }

    @Test
    @DisplayName("with a one-minute idle period, a use every 50 s keeps the session for ten minutes; a minute unused ends it")
    void slowUse() throws Exception {
        String token = signIn();
        for (int i = 1; i <= 12; i++) {
            clock.advance(Duration.ofSeconds(50));
            assertThat(use(token)).as("use %d, %d s after sign-in", i, i * 50).isPresent();
        }
        clock.advance(Duration.ofSeconds(61));
        assertThat(use(token)).as("61 s unused").isEmpty();
    }

    @Test
    @DisplayName("a use every few seconds (answered from memory) keeps the session too, and it ends a minute after the last")
    void busyUse() throws Exception {
        String token = signIn();
        for (int i = 1; i <= 60; i++) {
            clock.advance(Duration.ofSeconds(4));
            assertThat(use(token)).as("use %d, %d s after sign-in", i, i * 4).isPresent();
        }
        clock.advance(Duration.ofSeconds(55));
        assertThat(use(token)).as("55 s after the last use").isPresent();
        clock.advance(Duration.ofSeconds(61));
        assertThat(use(token)).as("61 s after the last use").isEmpty();
    }

    @Test
    @DisplayName("the open desktops' sessions rechecked together each minute stay alive; ended, idle or unknown ones are not")
    void recheckedTogether() throws Exception {
        String kept = signIn();
        String signedOut = signIn();
        String neverUsed = signIn();
        String unknown = Accounts.hash("no-such-token-anywhere-0123456789");
        List<String> all = List.of(Accounts.hash(kept), Accounts.hash(signedOut), unknown);
        assertThat(accounts.recheckEvery()).as("twice per idle period of a minute").isEqualTo(Duration.ofSeconds(30));
        Duration late = accounts.recheckEvery().plusSeconds(5); // each recheck's timer a little late
        clock.advance(late);
        assertThat(await(accounts.stillSignedIn(all))).as("the first recheck")
                .containsExactlyInAnyOrder(Accounts.hash(kept), Accounts.hash(signedOut));
        await(accounts.logout(signedOut));
        for (int i = 2; i <= 20; i++) {
            clock.advance(late);
            assertThat(await(accounts.stillSignedIn(all))).as("recheck %d", i).containsExactly(Accounts.hash(kept));
        }
        assertThat(use(kept)).as("a rechecked session, used by its token").isPresent();
        assertThat(use(neverUsed)).as("the session neither used nor rechecked for over ten minutes").isEmpty();
        clock.advance(Duration.ofSeconds(61));
        assertThat(await(accounts.stillSignedIn(all))).as("61 s after the last recheck and use").isEqualTo(Set.of());
        assertThat(use(kept)).as("nor by its token").isEmpty();
    }
}
