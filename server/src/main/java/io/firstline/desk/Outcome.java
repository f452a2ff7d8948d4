package io.firstline.desk;

import java.time.Instant;

/**
 * What an agent recorded at the end of a call. {@code newArticleId} is the solution the outcome
 * added to the knowledge base, if it added one.
 */
public record Outcome(long id, long callId, Long agentId, String agentUsername, String agentName, String disposition,
        String notes, Long ticketId, String ticketAction, Long kbArticleId, Long newArticleId, Integer wrapupSeconds,
        Instant createdAt) {

    public static final java.util.List<String> DISPOSITIONS = java.util.List.of("resolved", "ticket-opened",
            "ticket-updated", "escalated", "callback-needed", "no-problem");
}
