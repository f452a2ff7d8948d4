package io.firstline.db;

import io.firstline.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A migrated, empty problems database from {@link TestDatabase}, opened as the server opens it. Test thread only. */
public final class FreshDatabase implements AutoCloseable {

    final Vertx vertx;
    public final Database db;
    private final TestDatabase.Fresh fresh;

    private FreshDatabase(Vertx vertx, Database db, TestDatabase.Fresh fresh) {
        this.vertx = vertx;
        this.db = db;
        this.fresh = fresh;
    }

    public static FreshDatabase start() {
        return start(Clock.systemUTC());
    }

    /** A fresh database whose stores stamp rows and tell "now" by {@code clock}. */
    public static FreshDatabase start(Clock clock) {
        TestDatabase.Fresh fresh = TestDatabase.fresh();
        Vertx vertx = Vertx.vertx();
        return new FreshDatabase(vertx, Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 4,
                Optional.empty(), clock, Optional.empty()), fresh);
    }

    public static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    @Override
    public void close() throws TimeoutException {
        db.close();
        vertx.close().await(1, TimeUnit.MINUTES);
        fresh.close();
    }
}
