package io.firstline.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The problems database: a HikariCP pool, Flyway migrations and jOOQ, with every JDBC call run on
 * one named worker pool as large as the connection pool, never on an event loop.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final WorkerExecutor workers;
    private final Optional<EmbeddedMariaDb> embedded;
    private final Clock clock;

    private Database(HikariDataSource dataSource, WorkerExecutor workers, Optional<EmbeddedMariaDb> embedded,
            Clock clock) {
        this.dataSource = dataSource;
        this.workers = workers;
        this.embedded = embedded;
        this.clock = clock;
        this.dsl = DSL.using(dataSource, SQLDialect.MARIADB, new Settings().withRenderSchema(false));
    }

    /**
     * Opens the pool and migrates the schema. Blocking: call it from the main thread at start-up.
     *
     * @param embedded the embedded server to stop on {@link #close()}, if this database is one
     */
    public static Database open(Vertx vertx, String url, String user, String password, int poolSize,
            Optional<EmbeddedMariaDb> embedded) {
        return open(vertx, url, user, password, poolSize, embedded, Clock.systemUTC());
    }

    /**
     * As {@link #open(Vertx, String, String, String, int, Optional)}, with the clock that every store stamps rows
     * with and asks for "now" (tests give a fixed or shifted one).
     */
    public static Database open(Vertx vertx, String url, String user, String password, int poolSize,
            Optional<EmbeddedMariaDb> embedded, Clock clock) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("firstline-db");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(5));
        config.setValidationTimeout(TimeUnit.SECONDS.toMillis(2));
        // DATETIME columns hold UTC: every session works in UTC whatever the server's zone.
        config.setConnectionInitSql("SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
        config.setInitializationFailTimeout(TimeUnit.SECONDS.toMillis(10));
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the database at " + url + " as " + user + ": "
                    + rootMessage(e) + " (check FIRSTLINE_DB_URL, FIRSTLINE_DB_USER and FIRSTLINE_DB_PASSWORD)", e);
        }
        try {
            migrate(ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        WorkerExecutor workers = vertx.createSharedWorkerExecutor("firstline-db", poolSize, 60, TimeUnit.SECONDS);
        return new Database(ds, workers, embedded, clock);
    }

    private static void migrate(HikariDataSource ds) {
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    // A database migrated by a newer Firstline must not be run by an older one.
                    .ignoreMigrationPatterns("")
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                log.info("Database schema migrated to version {} ({} migrations)", result.targetSchemaVersion,
                        result.migrationsExecuted);
            } else {
                log.info("Database schema is at version {}", result.initialSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StoreException("the database schema cannot be migrated: " + oneLine(e.getMessage())
                    + " (restore the database from a backup or run the Firstline version that migrated it)", e);
        }
    }

    /** The time as the database keeps it: UTC, to the millisecond, by the clock Firstline runs on. */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The clock Firstline runs on (the system's UTC clock unless a test gives another). */
    public Clock clock() {
        return clock;
    }

    /** Runs {@code work} in one transaction on the database worker pool. */
    public <T> Future<T> transaction(Function<DSLContext, T> work) {
        return workers.executeBlocking(() -> dsl.transactionResult(cfg -> work.apply(cfg.dsl())), false);
    }

    /** Runs {@code work} without a transaction (single statements, reads) on the database worker pool. */
    public <T> Future<T> query(Function<DSLContext, T> work) {
        return workers.executeBlocking(() -> work.apply(dsl), false);
    }

    /** Whether a connection can be had and answers, within a second. Blocking. */
    boolean ping() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    public Future<Boolean> healthy() {
        return workers.executeBlocking(this::ping, false);
    }

    /** Connections in use and the pool size, for metrics. */
    public int activeConnections() {
        var mx = dataSource.getHikariPoolMXBean();
        return mx == null ? 0 : mx.getActiveConnections();
    }

    public int poolSize() {
        return dataSource.getMaximumPoolSize();
    }

    DSLContext dsl() {
        return dsl;
    }

    @Override
    public void close() {
        workers.close();
        dataSource.close();
        embedded.ifPresent(EmbeddedMariaDb::close);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return oneLine(c.getMessage());
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
