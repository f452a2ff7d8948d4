package io.firstline.records;

import io.firstline.auth.Agent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A past call as the caller's history shows it: when, where, who took it and how it ended. */
public record CallSummary(long id, Instant enteredAt, String queue, String menuPath, String status, Long agentId,
        String agentName, Integer waitSeconds, Integer talkSeconds, String disposition, Long ticketId) {

    /** The one JSON view of a past call, for the pop and the API alike; {@code agent} is {@code {id, name}} or null. */
    public JsonObject json() {
        return new JsonObject().put("id", id).put("enteredAt", enteredAt == null ? null : enteredAt.toString())
                .put("queue", queue).put("menuPath", menuPath).put("status", status)
                .put("agent", Agent.reference(agentId, agentName))
                .put("waitSeconds", waitSeconds).put("talkSeconds", talkSeconds)
                .put("disposition", disposition).put("ticketId", ticketId);
    }
}
