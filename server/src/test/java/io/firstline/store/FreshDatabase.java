package io.firstline.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A migrated, empty problems database in a private embedded MariaDB, for the integration tests of
 * demo data and seeding (stands in until the shared test database helper exists). Test thread only.
 */
final class FreshDatabase implements AutoCloseable {

    final Vertx vertx;
    final Database db;

    private FreshDatabase(Vertx vertx, Database db) {
        this.vertx = vertx;
        this.db = db;
    }

    static FreshDatabase start(Path dir, String name) throws SQLException {
        EmbeddedMariaDb mariaDb = EmbeddedMariaDb.start(dir, 0);
        String server = "jdbc:mariadb://127.0.0.1:" + mariaDb.port() + "/";
        try (Connection c = DriverManager.getConnection(server, mariaDb.user(), mariaDb.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        Vertx vertx = Vertx.vertx();
        return new FreshDatabase(vertx,
                Database.open(vertx, server + name, mariaDb.user(), mariaDb.password(), 4, Optional.of(mariaDb)));
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    @Override
    public void close() throws Exception {
        db.close();
        await(vertx.close());
    }
}
