package io.firstline.records;

import java.time.Instant;

/**
 * One agent's part of a recorded call: who took it, when, and how long they talked (null while
 * they still do). A transferred call has one per agent, in order.
 */
public record CallAgent(int seq, Long agentId, String agentUsername, String agentName, String memberInterface,
        Instant answeredAt, Integer talkSeconds) {
}
