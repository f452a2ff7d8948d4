package io.firstline.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
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
 * one named worker pool as large as the connection pool, never on an event loop. Once
 * {@link #watch} is called, a check every two seconds on a thread of its own says whether the
 * database answers ({@link #up()}), readable from any thread.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    /**
     * Connector/J's timeouts, so that a database that stops answering (a black hole: the socket
     * stays open, nothing comes back) fails a query instead of holding a worker for ever: a TCP
     * connection must be made (and the handshake done) within 5 s, and a query must get its
     * answer within 30 s (the longest report). Set in FIRSTLINE_DB_URL, they win.
     */
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int SOCKET_TIMEOUT_MS = 30_000;
    /** How often the database is checked, and how long a check may take before it counts as down. */
    static final long CHECK_EVERY_MS = 2_000;
    static final long CHECK_WITHIN_MS = 2_000;

    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final WorkerExecutor workers;
    private final Optional<EmbeddedMariaDb> embedded;
    private final Clock clock;
    private volatile boolean up = true;
    private WorkerExecutor checker;
    private Vertx checkVertx;
    private long checkTimer = -1;
    private long checkStarted;
    private boolean checking;
    private boolean checkerClosed;

    private Database(HikariDataSource dataSource, WorkerExecutor workers, Optional<EmbeddedMariaDb> embedded,
            Clock clock) {
        this.dataSource = dataSource;
        this.workers = workers;
        this.embedded = embedded;
        this.clock = clock;
        // Connections opened to an embedded server that died would fail once each; drop them when it is back.
        embedded.ifPresent(e -> e.onRestart(() -> dataSource.getHikariPoolMXBean().softEvictConnections()));
        this.dsl = DSL.using(dataSource, SQLDialect.MARIADB, new Settings().withRenderSchema(false));
    }

    /**
     * Opens the pool and migrates the schema. Blocking: call it from the main thread at start-up.
     *
     * @param embedded the embedded server to stop on {@link #close()}, if this database is one
     */
    public static Database open(Vertx vertx, String url, String user, String password, int poolSize,
            Optional<EmbeddedMariaDb> embedded) {
        return open(vertx, url, user, password, poolSize, embedded, Clock.systemUTC(), Optional.empty());
    }

    /**
     * As {@link #open(Vertx, String, String, String, int, Optional)}, with the clock that every store stamps rows
     * with and asks for "now" (tests give a fixed or shifted one), and HikariCP's own metrics
     * ({@code hikaricp_connections_…}, pool {@code firstline-db}) on {@code metrics}.
     */
    public static Database open(Vertx vertx, String url, String user, String password, int poolSize,
            Optional<EmbeddedMariaDb> embedded, Clock clock, Optional<MeterRegistry> metrics) {
        return open(vertx, url, user, password, poolSize, embedded, clock, metrics, Optional.empty());
    }

    /**
     * As above; with {@code idleTransactionTimeout}, the server rolls back a transaction that waits longer than that
     * between two statements and drops its connection (MariaDB's idle_transaction_timeout). Cluster mode sets it: a
     * node cut off from the database in the middle of a write would otherwise hold that write's locks, the lock on
     * its PBX's owner row among them, until the server noticed the dead connection (hours), and no other node could
     * take the link over.
     */
    public static Database open(Vertx vertx, String url, String user, String password, int poolSize,
            Optional<EmbeddedMariaDb> embedded, Clock clock, Optional<MeterRegistry> metrics,
            Optional<java.time.Duration> idleTransactionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("firstline-db");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(5));
        config.setValidationTimeout(TimeUnit.SECONDS.toMillis(2));
        // An idle connection is checked every minute, so that one the network dropped is replaced before use.
        config.setKeepaliveTime(TimeUnit.SECONDS.toMillis(60));
        if (!url.contains("connectTimeout=")) {
            config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MS));
        }
        if (!url.contains("socketTimeout=")) {
            config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_MS));
        }
        metrics.ifPresent(m -> config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(m)));
        // DATETIME columns hold UTC: every session works in UTC whatever the server's zone.
        config.setConnectionInitSql("SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"
                + idleTransactionTimeout.map(t -> ", idle_transaction_timeout = " + Math.max(1, t.toSeconds())).orElse(""));
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

    /**
     * The newest schema version this build migrates to (the highest {@code V<n>__} among its migrations), read from the
     * class path without a database: in cluster mode the nodes compare it before any of them migrates.
     */
    public static String newestMigration() {
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("(?:.*/)?V(\\d+)__[^/]*\\.sql");
        java.net.URL dir = Database.class.getClassLoader().getResource("db/migration");
        if (dir == null) {
            throw new IllegalStateException("no db/migration on the class path");
        }
        java.util.stream.Stream<String> names;
        try {
            if ("jar".equals(dir.getProtocol())) {
                java.net.JarURLConnection jar = (java.net.JarURLConnection) dir.openConnection();
                jar.setUseCaches(false);
                try (java.util.jar.JarFile file = jar.getJarFile()) {
                    names = file.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.startsWith("db/migration/")).toList().stream();
                }
            } else {
                try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(java.nio.file.Path.of(dir.toURI()))) {
                    names = files.map(f -> f.getFileName().toString()).toList().stream();
                }
            }
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("the migrations cannot be listed: " + e.getMessage(), e);
        }
        return String.valueOf(names.map(name::matcher).filter(java.util.regex.Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1))).max()
                .orElseThrow(() -> new IllegalStateException("no migration in db/migration")));
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

    /**
     * Whether the database answers: the watch's last result once {@link #watch} runs (so that a hung
     * database does not queue a check per request), else a check now on the query workers.
     */
    public Future<Boolean> healthy() {
        synchronized (this) {
            if (checker != null) {
                return Future.succeededFuture(up);
            }
        }
        return workers.executeBlocking(this::ping, false);
    }

    /**
     * Starts checking the database every two seconds on a thread of its own (not the query
     * workers, which a hung database holds): a check that fails, or has not answered within two
     * seconds, makes {@link #up()} false until one succeeds.
     */
    public synchronized void watch(Vertx vertx) {
        if (checker != null) {
            return;
        }
        checkVertx = vertx;
        checker = vertx.createSharedWorkerExecutor("firstline-db-check", 1, 60, TimeUnit.SECONDS);
        checkTimer = vertx.setPeriodic(0, CHECK_EVERY_MS, id -> check());
    }

    private synchronized void check() {
        if (checkerClosed) {
            return; // the timer fired just before close() cancelled it
        }
        long now = System.nanoTime();
        if (checking) {
            if (up && now - checkStarted > TimeUnit.MILLISECONDS.toNanos(CHECK_WITHIN_MS)) {
                changed(false, "no answer within " + CHECK_WITHIN_MS + " ms");
            }
            return;
        }
        checking = true;
        checkStarted = now;
        checker.executeBlocking(this::ping, false).onComplete(ar -> {
            synchronized (this) {
                checking = false;
                boolean ok = ar.succeeded() && ar.result();
                if (ok != up) {
                    changed(ok, ok ? "answering again" : "the check failed");
                }
            }
        });
    }

    private void changed(boolean nowUp, String why) {
        up = nowUp;
        if (nowUp) {
            log.info("The database is up again ({})", why);
        } else {
            log.warn("The database is down ({}): pops go without the caller's history, call records wait in memory", why);
        }
    }

    /** Whether the last check found the database answering (true until {@link #watch} says otherwise). Any thread. */
    public boolean up() {
        return up;
    }

    public DSLContext dsl() {
        return dsl;
    }

    /**
     * The owner's shutdown (a JVM shutdown hook that ends with {@link #close()}) stops the embedded MariaDB, if this
     * database is one, after its last writes; the server's own exit hook no longer races it.
     */
    public void stopAtExitOnlyOnClose() {
        embedded.ifPresent(EmbeddedMariaDb::stopAtExitOnlyAfterClose);
    }

    /** Stops the checks {@link #watch} started; before Vert.x closes, whose closing ends the checks' thread first. */
    public synchronized void unwatch() {
        if (checker != null && !checkerClosed) {
            checkVertx.cancelTimer(checkTimer);
            checker.close();
            checkerClosed = true;
        }
    }

    @Override
    public void close() {
        unwatch();
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

    public static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
