package io.firstline.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/** Databases a tool makes on a MariaDB server for a run of its own, and drops after it (the load run's). */
public final class ServerDatabases {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,64}");

    private ServerDatabases() {
    }

    /** Makes the database {@code name} on the server at {@code serverUrl} (a URL without a database). Blocking; fails with {@link StoreException}. */
    public static void create(String serverUrl, String user, String password, String name) {
        run(serverUrl, user, password, "CREATE DATABASE `" + checked(name) + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }

    /** Drops the database {@code name} if it is there. Blocking. */
    public static void drop(String serverUrl, String user, String password, String name) {
        run(serverUrl, user, password, "DROP DATABASE IF EXISTS `" + checked(name) + "`");
    }

    private static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a database name: " + name);
        }
        return name;
    }

    private static void run(String serverUrl, String user, String password, String sql) {
        try (Connection c = DriverManager.getConnection(serverUrl, user, password); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new StoreException(sql + ": " + e.getMessage(), e);
        }
    }
}
