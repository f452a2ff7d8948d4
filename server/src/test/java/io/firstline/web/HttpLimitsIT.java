package io.firstline.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.firstline.TestSockets;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("one client cannot hold the web server: connections per address, request-head deadline, WebSockets per session")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpLimitsIT {

    /** The abuser's own loopback address, so that the test's normal client (127.0.0.1) is another client. */
    private static final String ABUSER = "127.0.0.2";
    private static final int CAP = 10;

    /** Caps connections and WebSockets; a head deadline long enough not to interfere. */
    private TestServer capped;
    /** A short head deadline. */
    private TestServer hurried;
    private Vertx client;
    private WebSocketClient wsClient;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    void start() {
        capped = TestServer.start(Map.of("FIRSTLINE_HTTP_MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(CAP),
                "FIRSTLINE_HTTP_REQUEST_HEAD_SECONDS", "300", "FIRSTLINE_WEBSOCKETS_PER_SESSION", "3"));
        hurried = TestServer.start(Map.of("FIRSTLINE_HTTP_REQUEST_HEAD_SECONDS", "2"));
        client = Vertx.vertx();
        wsClient = client.createWebSocketClient();
        String admin = capped.loginAdmin();
        assertThat(capped.post("/api/agents", admin, new JsonObject().put("username", "alice").put("name", "Alice Agent")
                .put("password", "alice-password")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        closeAll();
        if (client != null) {
            client.close();
        }
        if (capped != null) {
            capped.close();
        }
        if (hurried != null) {
            hurried.close();
        }
    }

    private void closeAll() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        sockets.clear();
    }

    /** A connection from the abuser's address that sends the start of a request and never finishes it. */
    private Socket halfSent(TestServer server) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(ABUSER, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** Whether the server closed the socket within {@code within} (end of stream or reset). */
    private static boolean closedBy(Socket s, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        s.setSoTimeout(200);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) == -1) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open: keep waiting
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    private static boolean stillOpen(Socket s) throws IOException {
        s.setSoTimeout(300);
        try {
            return s.getInputStream().read() != -1;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    @DisplayName("an address holding its maximum of half-sent requests gets no more, while /health and sign-in answer others")
    void connectionsPerAddress() throws Exception {
        try {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < CAP; i++) {
                held.add(halfSent(capped));
            }
            // Each held connection is counted once the server has it; wait until the cap bites.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int refused = 0;
            for (int i = 0; i < 3 * CAP && System.nanoTime() < deadline; i++) {
                if (closedBy(halfSent(capped), Duration.ofSeconds(5))) {
                    refused++;
                }
            }
            assertThat(refused).as("connections over the cap of " + CAP + " are closed").isEqualTo(3 * CAP);
            for (Socket s : held) {
                assertThat(stillOpen(s)).as("the connections under the cap are untouched").isTrue();
            }
            assertThat(capped.get("/health", null).status()).isEqualTo(200);
            assertThat(capped.login("alice", "alice-password")).isNotBlank();
            assertThat(capped.get("/metrics", null).raw().body())
                    .containsPattern("firstline_http_refused_total\\{reason=\"connections-per-address\",?\\} [1-9]");

            // Closing its connections gives the address its room back.
            closeAll();
            boolean accepted = false;
            long again = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!accepted && System.nanoTime() < again) {
                Socket s = halfSent(capped);
                s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(5000);
                byte[] status = s.getInputStream().readNBytes(12);
                accepted = new String(status, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
                s.close();
            }
            assertThat(accepted).as("a new connection from the address is served once its others closed").isTrue();
        } finally {
            closeAll();
        }
    }

    @Test
    @DisplayName("a client that trickles its request head a byte at a time is closed at the head deadline")
    void slowHead() throws Exception {
        try {
            Socket s = halfSent(hurried);
            OutputStream out = s.getOutputStream();
            s.setSoTimeout(500);
            boolean closed = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!closed && System.nanoTime() < deadline) {
                try {
                    out.write('X');
                    out.flush();
                    closed = s.getInputStream().read() == -1;
                } catch (SocketTimeoutException e) {
                    // nothing from the server yet: trickle on
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed although a byte came every half second").isTrue();
            assertThat(hurried.get("/health", null).status()).isEqualTo(200);
        } finally {
            closeAll();
        }
    }

    @Test
    @DisplayName("a kept-alive connection must send its next request within the deadline; a WebSocket is not bound by it")
    void deadlineAfterAnswerNotForWebSockets() throws Exception {
        try {
            Socket s = halfSent(hurried);
            s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5000);
            assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            assertThat(closedBy(s, Duration.ofSeconds(60))).as("closed after idling past the deadline").isTrue();
        } finally {
            closeAll();
        }
        String token = hurried.loginAdmin();
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        WebSocket ws = TestSockets.open(wsClient, hurried.port(), token, got::add);
        try {
            assertThat(got.poll(10, TimeUnit.SECONDS)).contains("hello");
            Thread.sleep(4000); // twice the head deadline
            assertThat(ws.isClosed()).isFalse();
            ws.writeTextMessage("{\"type\":\"ping\"}");
            String pong = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pong == null && System.nanoTime() < deadline) {
                String m = got.poll(200, TimeUnit.MILLISECONDS);
                if (m != null && m.contains("pong")) {
                    pong = m;
                }
            }
            assertThat(pong).isNotNull();
        } finally {
            ws.close();
        }
    }

    @Test
    @DisplayName("a request line over 4 KiB or headers over 8 KiB are refused")
    void oversizedHeads() throws Exception {
        try (Socket s = new Socket("127.0.0.1", hurried.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(9000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 431");
        }
        try (Socket s = new Socket("127.0.0.1", hurried.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET /health?" + "a".repeat(5000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // The request line is not read, so its HTTP version is not known: Vert.x answers as HTTP/1.0.
            assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).matches("HTTP/1\\.[01] 414");
        }
        assertThat(hurried.get("/health", null).status()).isEqualTo(200);
    }

    private CompletableFuture<WebSocket> desk(String token) {
        return wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(capped.port()).setURI("/ws")
                .addHeader("Authorization", "Bearer " + token)).toCompletionStage().toCompletableFuture();
    }

    @Test
    @DisplayName("a session gets at most its WebSockets; one more is refused with 429 and the others keep working")
    void webSocketsPerSession() throws Exception {
        String token = capped.login("alice", "alice-password");
        List<WebSocket> open = new ArrayList<>();
        List<LinkedBlockingQueue<String>> inboxes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
                WebSocket ws = TestSockets.open(wsClient, capped.port(), token, inbox::add);
                open.add(ws);
                inboxes.add(inbox);
                assertThat(inbox.poll(10, TimeUnit.SECONDS)).contains("hello");
            }
            for (int i = 0; i < 5; i++) {
                ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> desk(token).get(10, TimeUnit.SECONDS));
                assertThat(refused.getCause()).isInstanceOf(UpgradeRejectedException.class);
                assertThat(((UpgradeRejectedException) refused.getCause()).getStatus()).isEqualTo(429);
            }
            for (int i = 0; i < 3; i++) {
                open.get(i).writeTextMessage("{\"type\":\"ping\"}");
                String m;
                do {
                    m = inboxes.get(i).poll(10, TimeUnit.SECONDS);
                } while (m != null && !m.contains("pong"));
                assertThat(m).as("socket %d still answers", i).contains("pong");
            }
            String otherSession = capped.login("alice", "alice-password");
            WebSocket other = desk(otherSession).get(10, TimeUnit.SECONDS);
            other.close();

            open.remove(0).close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            WebSocket again = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (again == null && System.nanoTime() < deadline) {
                try {
                    again = desk(token).get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    Thread.sleep(100); // the server may not have seen the close yet
                }
            }
            assertThat(again).as("a closed socket frees its place").isNotNull();
            open.add(again);
            assertThat(capped.get("/metrics", null).raw().body())
                    .containsPattern("firstline_http_refused_total\\{reason=\"websockets-per-session\",?\\} [1-9]");
        } finally {
            for (WebSocket ws : open) {
                ws.close();
            }
        }
    }
}
