package io.firstline.tickets;

import io.firstline.auth.Agent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A note added to a ticket by an agent. */
public record TicketNote(long id, long ticketId, Long agentId, String agentName, String body, Instant createdAt) {
    public JsonObject json() {
        return new JsonObject().put("id", id).put("ticketId", ticketId).put("agent", Agent.reference(agentId, agentName))
                .put("body", body).put("createdAt", createdAt == null ? null : createdAt.toString());
    }
}
