package io.firstline.desk;

import io.firstline.auth.Agent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What an agent recorded at the end of a call. {@code newArticleId} is the solution the outcome
 * added to the knowledge base, if it added one.
 */
public record Outcome(long id, long callId, Long agentId, String agentUsername, String agentName, String disposition,
        String notes, Long ticketId, String ticketAction, Long kbArticleId, Long newArticleId, Integer wrapupSeconds,
        Instant createdAt) {
    public JsonObject json() {
        return new JsonObject().put("id", id).put("callId", callId).put("disposition", disposition).put("notes", notes)
                .put("ticketId", ticketId).put("ticketAction", ticketAction).put("kbArticleId", kbArticleId)
                .put("newArticleId", newArticleId).put("wrapupSeconds", wrapupSeconds)
                .put("agent", Agent.reference(agentId, agentUsername, agentName))
                .put("createdAt", createdAt == null ? null : createdAt.toString());
    }


    public static final java.util.List<String> DISPOSITIONS = java.util.List.of("resolved", "ticket-opened",
            "ticket-updated", "escalated", "callback-needed", "no-problem");
}
