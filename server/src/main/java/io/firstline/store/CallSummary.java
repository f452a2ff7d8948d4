package io.firstline.store;

import java.time.Instant;

/** A past call as the caller's history shows it: when, where, who took it and how it ended. */
public record CallSummary(long id, Instant enteredAt, String queue, String menuPath, String status, Long agentId,
        String agentName, Integer waitSeconds, Integer talkSeconds, String disposition, Long ticketId) {
}
