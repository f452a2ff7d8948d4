package io.firstline;

import io.vertx.core.Handler;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * WebSockets to the server under test, opened with their handlers in place before the handshake: a handler set in
 * {@code connect(…).onSuccess(…)} is set too late when the test thread registers it after the socket has opened, and the
 * server's first message or its close is then lost.
 */
public final class TestSockets {

    private TestSockets() {
    }

    /** A desktop's socket signed in with {@code token}; each text message goes to {@code onText}. */
    public static WebSocket open(WebSocketClient client, int port, String token, Handler<String> onText) throws Exception {
        return open(client, desk(port, token), onText, code -> { }).get(10, TimeUnit.SECONDS);
    }

    /**
     * Starts a handshake; the future fails when it is refused. {@code onClose} gets the close status code (null when the
     * connection ended without a close frame).
     */
    public static CompletableFuture<WebSocket> open(WebSocketClient client, WebSocketConnectOptions options,
            Handler<String> onText, Handler<Short> onClose) {
        ClientWebSocket socket = client.webSocket();
        socket.textMessageHandler(onText);
        socket.closeHandler(v -> onClose.handle(socket.closeStatusCode()));
        return socket.connect(options).toCompletionStage().toCompletableFuture();
    }

    /** The options of a desktop's socket on the local server. */
    public static WebSocketConnectOptions desk(int port, String token) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
        return token == null ? options : options.addHeader("Authorization", "Bearer " + token);
    }
}
