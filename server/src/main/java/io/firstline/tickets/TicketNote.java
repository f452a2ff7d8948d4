package io.firstline.tickets;

import java.time.Instant;

/** A note added to a ticket by an agent. */
public record TicketNote(long id, long ticketId, Long agentId, String agentName, String body, Instant createdAt) {
}
