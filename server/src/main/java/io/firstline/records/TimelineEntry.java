package io.firstline.records;

import java.time.Instant;

/** One step of a recorded call's timeline; the agent fields are set when the interface is an agent's. */
public record TimelineEntry(Instant at, String type, String queue, Long agentId, String agentUsername, String agentName,
        String memberInterface, String detail) {
}
