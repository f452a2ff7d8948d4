package io.firstline.auth;

import io.firstline.telephony.PbxCommands;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A person who signs in: help-desk agent, supervisor or administrator. {@code memberInterface} is
 * what the queues ring (e.g. {@code Local/1001@agents/n}); {@code stateInterface}, when set, is the
 * phone behind it as Asterisk knows its state (e.g. {@code PJSIP/1001}), null to derive it.
 */
public record Agent(long id, String username, String name, Role role, String memberInterface, String stateInterface,
        boolean active, Instant createdAt) {
    /** How the API shows an agent. */
    public JsonObject json() {
        return new JsonObject().put("id", id).put("username", username).put("name", name).put("role", role.wire())
                .put("interface", memberInterface).put("stateInterface", stateInterface)
                .put("phone", PbxCommands.stateInterface(memberInterface, stateInterface).orElse(null))
                .put("active", active).put("createdAt", createdAt == null ? null : createdAt.toString());
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
