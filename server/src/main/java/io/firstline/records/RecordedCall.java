package io.firstline.records;

import java.time.Instant;

/**
 * A call as the problems database keeps it. {@code status} is how it ended, or {@code in-progress}
 * while it has not; {@code agentId} is the agent who answered, when known; {@code callbackId} the
 * callback request a one-click callback's call answers; {@code endedAtEstimated} says that its end was
 * not seen (Firstline or its PBX link was down) and {@code endedAt} is the last moment it was seen.
 */
public record RecordedCall(long id, String pbx, String linkedid, String callerNumber, Long callerId, String callerName,
        String queue, String menuPath, String ticketTyped, String status, Long agentId, String agentUsername,
        String agentName, String agentInterface, Instant enteredAt, Instant answeredAt, Instant endedAt,
        Integer waitSeconds, Integer talkSeconds, String endReason, Long callbackId, boolean endedAtEstimated) {
}
