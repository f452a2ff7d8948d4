package io.firstline.board;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The board as a follower that is not a browser keeps it from its socket's messages, as docs/api.md says: a
 * {@code board.update} is the whole board, each {@code board.delta} must follow the board it has.
 */
final class BoardReplica {

    private JsonObject board;

    /** Takes a message of the socket; returns the board after it, or null for a message that is not the board's. */
    JsonObject take(JsonObject message) {
        String type = message.getString("type");
        if ("board.update".equals(type)) {
            board = message.copy();
            return board;
        }
        if (!"board.delta".equals(type)) {
            return null;
        }
        assertThat(board).as("a delta before the whole board").isNotNull();
        assertThat(message.getLong("base")).as("the delta's base").isEqualTo(board.getLong("seq"));
        Map<String, JsonObject> rows = new LinkedHashMap<>();
        board.getJsonArray("agents").forEach(o -> rows.put(((JsonObject) o).getString("key"), (JsonObject) o));
        message.getJsonArray("agents").forEach(o -> rows.put(((JsonObject) o).getString("key"), ((JsonObject) o).copy()));
        List<String> order = message.containsKey("agentOrder")
                ? message.getJsonArray("agentOrder").stream().map(String.class::cast).toList()
                : board.getJsonArray("agents").stream().map(o -> ((JsonObject) o).getString("key")).toList();
        JsonArray agents = new JsonArray();
        order.forEach(k -> agents.add(rows.get(k)));
        message.forEach(e -> {
            if (!List.of("base", "agents", "agentOrder").contains(e.getKey())) {
                board.put(e.getKey(), e.getValue());
            }
        });
        board.put("type", "board.update").put("agents", agents);
        return board;
    }
}
