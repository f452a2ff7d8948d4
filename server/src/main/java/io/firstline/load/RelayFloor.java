package io.firstline.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor the load run compares Firstline with: the simplest relay of the same AMI bytes to the
 * same WebSockets. It logs in to AMI, splits the stream on blank lines and, for each {@code
 * AgentConnect}, sends {@code {"type":"call.connected","call":{"linkedid":…}}} to the WebSocket of
 * the agent whose {@code Interface} it names. No call model, no database, no sign-in: a desktop
 * says who it is in its URI, {@code /ws?interface=Local/2000@agents/n}. The load run starts it in
 * its own JVM: {@code RelayFloor --ami-port N [--ami-user U --ami-secret S]}; it prints
 * {@code relay ready on port P} once it listens and is logged in.
 */
public final class RelayFloor {

    /** Held for the life of the process: Vert.x closes a client, and its connections, once it is garbage collected. */
    private static NetClient ami;

    private RelayFloor() {
    }

    public static void main(String[] args) {
        Map<String, String> opts = LoadRun.options(args, "usage: RelayFloor --ami-port N [--ami-user U] [--ami-secret S]");
        int amiPort = Integer.parseInt(opts.get("ami-port"));
        String user = opts.getOrDefault("ami-user", "firstline");
        String secret = opts.getOrDefault("ami-secret", "firstline-secret");
        Vertx vertx = Vertx.vertx();
        Map<String, ServerWebSocket> desktops = new ConcurrentHashMap<>();
        HttpServer http = vertx.createHttpServer().webSocketHandler(ws -> {
            String query = ws.query() == null ? "" : ws.query();
            if (!ws.path().equals("/ws") || !query.startsWith("interface=")) {
                ws.close((short) 1008);
                return;
            }
            String iface = URLDecoder.decode(query.substring("interface=".length()), StandardCharsets.UTF_8);
            desktops.put(iface, ws);
            ws.closeHandler(v -> desktops.remove(iface, ws));
        });
        ami = vertx.createNetClient();
        http.listen(0, "127.0.0.1").compose(server -> ami.connect(amiPort, "127.0.0.1").map(socket -> {
            relay(socket, desktops, server.actualPort());
            socket.write("Action: Login\r\nUsername: " + user + "\r\nSecret: " + secret + "\r\nEvents: on\r\n\r\n");
            return socket;
        })).onFailure(e -> {
            System.err.println("relay: cannot start: " + e);
            System.exit(1);
        });
    }

    private static void relay(NetSocket socket, Map<String, ServerWebSocket> desktops, int httpPort) {
        boolean[] ready = {false};
        RecordParser messages = RecordParser.newDelimited("\r\n\r\n", record -> {
            String m = record.toString(StandardCharsets.ISO_8859_1);
            if (m.startsWith("Event: AgentConnect\r\n")) {
                String iface = field(m, "Interface");
                String linkedid = field(m, "Linkedid");
                ServerWebSocket ws = iface == null ? null : desktops.get(iface);
                if (ws != null && linkedid != null) {
                    ws.writeTextMessage(new JsonObject().put("type", "call.connected")
                            .put("call", new JsonObject().put("linkedid", linkedid)).encode());
                }
            } else if (!ready[0] && m.contains("Response: Success")) {
                ready[0] = true;
                System.out.println("relay ready on port " + httpPort);
            } else if (!ready[0] && m.contains("Response: Error")) {
                System.err.println("relay: AMI login refused: " + m);
                System.exit(1);
            }
        });
        socket.handler(messages);
        socket.closeHandler(v -> {
            System.out.println("relay: the AMI connection closed");
        });
    }

    private static String field(String message, String name) {
        String key = "\r\n" + name + ": ";
        int at = message.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        int end = message.indexOf("\r\n", from);
        return message.substring(from, end < 0 ? message.length() : end);
    }
}
