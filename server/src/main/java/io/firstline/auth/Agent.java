package io.firstline.auth;

import io.firstline.telephony.PbxCommands;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.JsonArray;
import java.time.Instant;
import java.util.List;

/**
 * A person who signs in: help-desk agent, supervisor or administrator. {@code memberInterface} is
 * what the queues ring (e.g. {@code Local/1001@agents/n}); {@code stateInterface}, when set, is the
 * phone behind it as Asterisk knows its state (e.g. {@code PJSIP/1001}), null to derive it.
 * {@code mayJoin}: the only desk queues they may join, or null for every desk queue.
 */
public record Agent(long id, String username, String name, Role role, String memberInterface, String stateInterface,
        List<String> mayJoin, boolean active, Instant createdAt) {

    public Agent {
        mayJoin = mayJoin == null ? null : List.copyOf(mayJoin);
    }

    /** How the API shows an agent. */
    public JsonObject json() {
        return new JsonObject().put("id", id).put("username", username).put("name", name).put("role", role.wire())
                .put("interface", memberInterface).put("stateInterface", stateInterface)
                .put("phone", PbxCommands.stateInterface(memberInterface, stateInterface).orElse(null))
                .put("mayJoin", mayJoin == null ? null : new JsonArray(mayJoin))
                .put("active", active).put("createdAt", createdAt == null ? null : createdAt.toString());
    }

    /** Of the desk queues in force, those this agent may join, in the desk's order. */
    public List<String> joinable(List<String> deskQueues) {
        return mayJoin == null ? deskQueues : deskQueues.stream().filter(mayJoin::contains).toList();
    }

    /** An agent as a note or a call summary names them: {id, name}, or null. */
    public static JsonObject reference(Long id, String name) {
        return id == null ? null : new JsonObject().put("id", id).put("name", name);
    }

    /** An agent as a call or an outcome names them: {id, username, name}, or null. */
    public static JsonObject reference(Long id, String username, String name) {
        return id == null ? null : new JsonObject().put("id", id).put("username", username).put("name", name);
    }
}
