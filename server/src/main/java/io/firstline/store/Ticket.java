package io.firstline.store;

import java.time.Instant;

/** A problem reported by a caller, from opening to resolution. */
public record Ticket(long id, long callerId, Long callId, String category, String priority, String status,
        String subject, String problem, String resolution, Long createdBy, Instant createdAt, Instant updatedAt,
        Instant resolvedAt) {

    public static final java.util.List<String> CATEGORIES = java.util.List.of("hardware", "software", "network", "account", "other");
    public static final java.util.List<String> PRIORITIES = java.util.List.of("low", "normal", "high", "urgent");
    public static final java.util.List<String> STATUSES = java.util.List.of("open", "pending", "resolved", "closed");

    public boolean isOpen() {
        return status.equals("open") || status.equals("pending");
    }
}
