package io.firstline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstline.TestServer;
import io.firstline.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("HTTPS from PEM files, and X-Forwarded-* believed only from trusted proxies")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsAndProxyIT {

    private static final String PROXY = "127.0.0.2";

    @TempDir
    static Path dir;
    private Path certFile;
    private Path keyFile;
    private TestServer tls;
    private TestServer proxied;
    private HttpClient https;
    private SSLContext ssl;

    @BeforeAll
    void start() throws Exception {
        makeCertificate();
        tls = TestServer.start(Map.of("FIRSTLINE_TLS_CERT_FILE", certFile.toString(), "FIRSTLINE_TLS_KEY_FILE", keyFile.toString()));
        proxied = TestServer.start(Map.of("FIRSTLINE_TRUSTED_PROXIES", PROXY));
    }

    @AfterAll
    void stop() {
        if (tls != null) {
            tls.close();
        }
        if (proxied != null) {
            proxied.close();
        }
    }

    private void makeCertificate() throws Exception {
        io.firstline.TestCertificate made = io.firstline.TestCertificate.make(dir);
        certFile = made.certFile();
        keyFile = made.keyFile();
        ssl = made.trustingIt();
        https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> httpsSend(HttpRequest.Builder b) throws Exception {
        return https.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("with a certificate and key, the server speaks HTTPS: health, sign-in with a Secure cookie, wss with the https origin")
    void httpsServer() throws Exception {
        String base = "https://127.0.0.1:" + tls.port();
        assertThat(httpsSend(HttpRequest.newBuilder(URI.create(base + "/health")).GET()).statusCode()).isEqualTo(200);
        HttpResponse<String> login = httpsSend(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                        .put("username", "admin").put("password", TestServer.ADMIN_PASSWORD).encode())));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).contains("firstline_session=").containsIgnoringCase("Secure");
        String token = new JsonObject(login.body()).getString("token");

        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + tls.port() + "/health")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString())).as("plain HTTP on the HTTPS port").isInstanceOf(IOException.class);

        try (Socket s = ssl.getSocketFactory().createSocket("127.0.0.1", tls.port())) {
            assertThat(upgrade(s, "127.0.0.1:" + tls.port(), "Origin: " + base + "\r\nCookie: firstline_session=" + token + "\r\n"))
                    .as("the https origin").startsWith("HTTP/1.1 101");
        }
        try (Socket s = ssl.getSocketFactory().createSocket("127.0.0.1", tls.port())) {
            assertThat(upgrade(s, "127.0.0.1:" + tls.port(), "Origin: http://127.0.0.1:" + tls.port()
                    + "\r\nCookie: firstline_session=" + token + "\r\n")).as("the http origin").startsWith("HTTP/1.1 403");
        }
    }

    /** Asks for a WebSocket on {@code s}; returns the answer's status line. */
    private static String upgrade(Socket s, String host, String headers) throws IOException {
        s.setSoTimeout(20_000);
        s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        StringBuilder line = new StringBuilder();
        InputStream in = s.getInputStream();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Test
    @DisplayName("a certificate file that is no certificate stops start-up with one line naming the settings")
    void badCertificate() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "this is not a certificate\n");
        assertThatThrownBy(() -> TestServer.start(Map.of("FIRSTLINE_TLS_CERT_FILE", garbage.toString(),
                "FIRSTLINE_TLS_KEY_FILE", keyFile.toString())).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("FIRSTLINE_TLS_CERT_FILE / FIRSTLINE_TLS_KEY_FILE: not a PEM certificate")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** A request sent from the trusted proxy's address; returns the whole answer's head and body. */
    private String fromProxy(String method, String path, String headers, String body) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(PROXY, 0));
            s.connect(new InetSocketAddress("127.0.0.1", proxied.port()), 5000);
            s.setSoTimeout(20_000);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + proxied.port() + "\r\nConnection: close\r\n"
                    + headers + (b.length > 0 ? "Content-Type: application/json\r\n" : "") + "Content-Length: " + b.length
                    + "\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String setCookie(String response) {
        return response.lines().filter(l -> l.regionMatches(true, 0, "Set-Cookie:", 0, 11)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("behind a trusted proxy, X-Forwarded-Proto https makes the cookie Secure; from anyone else it is ignored")
    void forwardedProto() throws Exception {
        String body = new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD).encode();
        String viaProxy = fromProxy("POST", "/api/login", "X-Forwarded-Proto: https\r\nX-Forwarded-For: 198.51.100.7\r\n", body);
        assertThat(viaProxy).startsWith("HTTP/1.1 200");
        assertThat(setCookie(viaProxy)).containsIgnoringCase("Secure");
        String plainViaProxy = fromProxy("POST", "/api/login", "X-Forwarded-Proto: http\r\n", body);
        assertThat(setCookie(plainViaProxy)).doesNotContainIgnoringCase("Secure");

        TestServer.Reply direct = proxied.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxied.port() + "/api/login"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json").header("X-Forwarded-Proto", "https")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(direct.status()).isEqualTo(200);
        assertThat(direct.header("Set-Cookie")).as("not from a trusted proxy").doesNotContainIgnoringCase("Secure");
    }

    @Test
    @DisplayName("behind a trusted proxy, failed sign-ins are throttled by the client's address it forwards, not by the proxy's")
    void forwardedFor() throws Exception {
        String status = "";
        for (int i = 0; i < 40 && !status.startsWith("HTTP/1.1 429"); i++) {
            String wrong = new JsonObject().put("username", "nobody" + i).put("password", "wrong-password").encode();
            status = fromProxy("POST", "/api/login", "X-Forwarded-For: 203.0.113.50\r\n", wrong).lines().findFirst().orElse("");
        }
        assertThat(status).as("one client guessing through the proxy is slowed down").startsWith("HTTP/1.1 429");
        String right = new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD).encode();
        assertThat(fromProxy("POST", "/api/login", "X-Forwarded-For: 203.0.113.51\r\n", right))
                .as("another client behind the same proxy").startsWith("HTTP/1.1 200");
    }

    @Test
    @DisplayName("behind a trusted proxy, the WebSocket accepts the https origin the proxy names; nobody else can claim it")
    void forwardedOrigin() throws Exception {
        String token = proxied.loginAdmin();
        String claims = "Origin: https://desk.example.org\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: desk.example.org\r\n"
                + "Authorization: Bearer " + token + "\r\n";
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(PROXY, 0));
            s.connect(new InetSocketAddress("127.0.0.1", proxied.port()), 5000);
            assertThat(upgrade(s, "127.0.0.1:" + proxied.port(), claims)).as("through the proxy").startsWith("HTTP/1.1 101");
        }
        try (Socket s = new Socket("127.0.0.1", proxied.port())) {
            assertThat(upgrade(s, "127.0.0.1:" + proxied.port(), claims)).as("not a trusted proxy").startsWith("HTTP/1.1 403");
        }
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(PROXY, 0));
            s.connect(new InetSocketAddress("127.0.0.1", proxied.port()), 5000);
            assertThat(upgrade(s, "127.0.0.1:" + proxied.port(), claims.replace("X-Forwarded-Proto: https", "X-Forwarded-Proto: http")))
                    .as("the proxy says the client used http").startsWith("HTTP/1.1 403");
        }
    }
}
