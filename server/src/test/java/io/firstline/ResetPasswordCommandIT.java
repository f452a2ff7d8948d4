package io.firstline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.config.SettingsLoader;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("java -jar firstline.jar reset-password, against a real database")
class ResetPasswordCommandIT {

    private static final Pattern SHOWN = Pattern.compile("^ {4}([A-Za-z0-9]{16})$", Pattern.MULTILINE);

    /** What one run of the command printed, and its exit status. */
    private record Run(int status, String out, String err) {
        String password() {
            Matcher m = SHOWN.matcher(out);
            assertThat(m.find()).as(out).isTrue();
            return m.group(1);
        }
    }

    private static Run run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int status = ResetPasswordCommand.run(List.of(args), env, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int loginStatus(TestServer server, String username, String password) {
        return server.post("/api/login", null, new JsonObject().put("username", username).put("password", password)).status();
    }

    @Test
    @DisplayName("on the server's own MariaDB: a generated password shown once, or one from stdin; the user's sessions end")
    void externalDatabase() {
        try (TestServer server = TestServer.start()) {
            Map<String, String> env = server.db().env();
            // Signed in, but not yet used: the server has nothing cached for it, so the database decides at once.
            String session = server.loginAdmin();

            Run generated = run(env, "", "admin");
            assertThat(generated.status()).as(generated.err()).isZero();
            assertThat(generated.out()).contains("shown this once").contains("Every session of admin has ended");
            String password = generated.password();
            assertThat(server.get("/api/agents/me", session).status()).isEqualTo(401);
            assertThat(loginStatus(server, "admin", TestServer.ADMIN_PASSWORD)).isEqualTo(401);
            assertThat(loginStatus(server, "admin", password)).isEqualTo(200);

            Run chosen = run(env, "river-stone-crane-9\n", "admin", "--password-stdin");
            assertThat(chosen.status()).as(chosen.err()).isZero();
            assertThat(chosen.out()).doesNotContain("river-stone-crane-9");
            assertThat(loginStatus(server, "admin", "river-stone-crane-9")).isEqualTo(200);

            Run weak = run(env, "admin123\n", "admin", "--password-stdin");
            assertThat(weak.status()).isEqualTo(2);
            assertThat(weak.err()).contains("nothing was changed");
            Run empty = run(env, "", "admin", "--password-stdin");
            assertThat(empty.status()).isEqualTo(2);
            assertThat(empty.err()).contains("no password on standard input");
            assertThat(loginStatus(server, "admin", "river-stone-crane-9")).as("the refused runs changed nothing").isEqualTo(200);

            Run unknown = run(env, "", "nobody");
            assertThat(unknown.status()).isEqualTo(1);
            assertThat(unknown.err()).contains("there is no user 'nobody'");
            assertThat(server.queryLong("SELECT COUNT(*) FROM agents WHERE username = 'nobody'")).isZero();

            assertThat(run(env, "").status()).isEqualTo(2);
            Run help = run(env, "", "--help");
            assertThat(help.status()).isZero();
            assertThat(help.out()).startsWith("usage: java -jar firstline.jar reset-password USERNAME");
            assertThat(run(env, "", "admin", "bob").err()).contains("one username only");
            assertThat(run(env, "", "admin", "--force").err()).contains("unknown argument '--force'");
            Map<String, String> badEnv = new HashMap<>(env);
            badEnv.put("FIRSTLINE_DB_POOL_SIZE", "many");
            Run badConfig = run(badEnv, "", "admin");
            assertThat(badConfig.status()).isEqualTo(2);
            assertThat(badConfig.err()).contains("FIRSTLINE_DB_POOL_SIZE");
        }
    }

    @Test
    @DisplayName("on the embedded MariaDB: refused with a clear line while the server runs on the data directory, done once it stopped")
    void embeddedDatabase() throws IOException {
        Path dataDir = Files.createTempDirectory("firstline-reset-password-it");
        Map<String, String> env = Map.of("FIRSTLINE_DATA_DIR", dataDir.toString(), "FIRSTLINE_HTTP_HOST", "127.0.0.1",
                "FIRSTLINE_HTTP_PORT", "0", "FIRSTLINE_AGI_PORT", "0", "FIRSTLINE_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
        try {
            try (Firstline app = Firstline.start(SettingsLoader.load(env, Optional.empty()), false)) {
                assertThat(app.httpPort()).isPositive();
                Run refused = run(env, "", "admin");
                assertThat(refused.status()).isEqualTo(1);
                assertThat(refused.err()).contains("the Firstline server is running on the data directory " + dataDir)
                        .contains("stop the server");
            }
            Run done = run(env, "", "admin");
            assertThat(done.status()).as(done.err()).isZero();
            String password = done.password();
            try (Firstline app = Firstline.start(SettingsLoader.load(env, Optional.empty()), false)) {
                var http = java.net.http.HttpClient.newHttpClient();
                for (String[] attempt : new String[][] {{password, "200"}, {TestServer.ADMIN_PASSWORD, "401"}}) {
                    var r = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + app.httpPort() + "/api/login"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", "admin")
                                    .put("password", attempt[0]).encode())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(attempt[1]).isEqualTo(Integer.parseInt(attempt[1]));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } finally {
            try (var walk = Files.walk(dataDir)) {
                walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
