package io.firstline.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstline.TestDatabase;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("schema migrations")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationIT {

    private Vertx vertx;

    @BeforeAll
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    void stop() {
        vertx.close();
    }

    @Test
    @DisplayName("an empty database is migrated, and opening it again changes nothing")
    void migratesOnce() throws Exception {
        try (TestDatabase.Fresh fresh = TestDatabase.fresh()) {
            Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 2, Optional.empty()).close();
            Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 2, Optional.empty()).close();
            try (Connection c = fresh.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(success) FROM flyway_schema_history WHERE version IS NOT NULL")) {
                rs.next();
                long migrations;
                try (var files = java.nio.file.Files.list(java.nio.file.Path.of("../sql"))) {
                    migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.+\\.sql")).count();
                }
                assertThat(rs.getInt(1)).isEqualTo(migrations).isGreaterThanOrEqualTo(2);
                assertThat(rs.getBoolean(2)).isTrue();
            }
            try (Connection c = fresh.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE()"
                         + " AND index_type = 'FULLTEXT'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("FULLTEXT index columns").isGreaterThanOrEqualTo(6);
            }
            try (Connection c = fresh.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                         + " AND table_name = 'agent_state_log'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("agent_state_log, never used, is dropped by V14").isZero();
            }
        }
    }

    @Test
    @DisplayName("a database migrated by a newer Firstline stops start-up with a clear message")
    void newerSchemaStopsStartUp() throws Exception {
        try (TestDatabase.Fresh fresh = TestDatabase.fresh()) {
            Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 2, Optional.empty()).close();
            try (Connection c = fresh.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, execution_time, success) VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql',"
                        + " 1, 'test', 1, 1)");
            }
            assertThatThrownBy(() -> Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 2, Optional.empty()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("the database schema cannot be migrated")
                    .hasMessageContaining("99");
        }
    }

    @Test
    @DisplayName("a failed earlier migration stops start-up with a clear message")
    void failedMigrationStopsStartUp() throws Exception {
        try (TestDatabase.Fresh fresh = TestDatabase.fresh()) {
            Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 2, Optional.empty()).close();
            try (Connection c = fresh.connect(); Statement s = c.createStatement()) {
                s.execute("UPDATE flyway_schema_history SET success = 0 WHERE version = '1'");
            }
            assertThatThrownBy(() -> Database.open(vertx, fresh.url(), fresh.user(), fresh.password(), 2, Optional.empty()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("the database schema cannot be migrated");
        }
    }

    @Test
    @DisplayName("a database that cannot be reached names the settings to check")
    void unreachable() {
        assertThatThrownBy(() -> Database.open(vertx, "jdbc:mariadb://127.0.0.1:1/nothing", "nobody", "", 2, Optional.empty()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("FIRSTLINE_DB_URL");
    }
}
