package io.firstline.kpi;

import java.time.Instant;

/**
 * One callback an agent made: a callback request marked done. See docs/kpis.md, "callbacks made".
 *
 * @param queue the queue the caller had asked for or abandoned; null when none is known
 * @param agentId the agent who made it; null when the agent has since been deleted
 */
public record CallbackFact(String queue, Long agentId, Instant handledAt) {
}
