package io.firstline.tickets;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A problem reported by a caller, from opening to resolution. */
public record Ticket(long id, long callerId, Long callId, String category, String priority, String status,
        String subject, String problem, String resolution, Long createdBy, Instant createdAt, Instant updatedAt,
        Instant resolvedAt) {

    public static final java.util.List<String> CATEGORIES = java.util.List.of("hardware", "software", "network", "account", "other");
    public static final java.util.List<String> PRIORITIES = java.util.List.of("low", "normal", "high", "urgent");
    public static final java.util.List<String> STATUSES = java.util.List.of("open", "pending", "resolved", "closed");

    /** The one JSON view of a ticket, for the pop and the API alike. */
    public JsonObject json() {
        return new JsonObject().put("id", id).put("callerId", callerId).put("callId", callId)
                .put("subject", subject).put("category", category).put("priority", priority)
                .put("status", status).put("problem", problem).put("resolution", resolution)
                .put("createdBy", createdBy).put("createdAt", time(createdAt))
                .put("updatedAt", time(updatedAt)).put("resolvedAt", time(resolvedAt));
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    public boolean isOpen() {
        return status.equals("open") || status.equals("pending");
    }
}
