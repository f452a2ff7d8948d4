package io.firstline;

import io.firstline.db.EmbeddedMariaDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh databases for integration tests: on the MariaDB server named by FIRSTLINE_TEST_DB_URL
 * (with FIRSTLINE_TEST_DB_USER, default root, and FIRSTLINE_TEST_DB_PASSWORD, default empty), or
 * else on one embedded MariaDB per test JVM under target/. Each test drops only what it created.
 */
public final class TestDatabase {

    private static String serverUrl;
    private static String user;
    private static String password;

    private TestDatabase() {
    }

    /** A database made for one test class, and how to reach it. */
    public record Fresh(String name, String url, String user, String password) implements AutoCloseable {

        /** FIRSTLINE_DB_* settings pointing at this database. */
        public Map<String, String> env() {
            return Map.of("FIRSTLINE_DB_URL", url, "FIRSTLINE_DB_USER", user, "FIRSTLINE_DB_PASSWORD", password);
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        /** The number a query of one row and one column answers, e.g. a {@code SELECT COUNT(*)}, on a connection of its own. */
        public long count(String sql, Object... args) {
            try (Connection c = connect(); java.sql.PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                try (java.sql.ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            execute("DROP DATABASE IF EXISTS `" + name + "`");
        }
    }

    public static Fresh fresh() {
        ensureServer();
        String name = "fl_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffff_ffff_ffffL);
        execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return new Fresh(name, serverUrl + name, user, password);
    }

    /** Whether the tests run against an external server (FIRSTLINE_TEST_DB_URL) rather than the embedded one. */
    public static boolean external() {
        String url = System.getenv("FIRSTLINE_TEST_DB_URL");
        return url != null && !url.isBlank();
    }

    private static synchronized void ensureServer() {
        if (serverUrl != null) {
            return;
        }
        if (external()) {
            String url = System.getenv("FIRSTLINE_TEST_DB_URL");
            int slash = url.indexOf('/', "jdbc:mariadb://".length());
            serverUrl = slash < 0 ? url + "/" : url.substring(0, slash + 1);
            user = System.getenv().getOrDefault("FIRSTLINE_TEST_DB_USER", "root");
            password = System.getenv().getOrDefault("FIRSTLINE_TEST_DB_PASSWORD", "");
        } else {
            EmbeddedMariaDb db = EmbeddedMariaDb.start(Path.of("target", "test-mariadb").toAbsolutePath(), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(db::close));
            serverUrl = "jdbc:mariadb://127.0.0.1:" + db.port() + "/";
            user = db.user();
            password = db.password();
        }
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(serverUrl, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
