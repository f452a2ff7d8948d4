package io.firstline.records;

import io.firstline.auth.Agent;
import io.vertx.core.json.JsonObject;
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
    public JsonObject json() {
        return new JsonObject().put("id", id).put("pbx", pbx).put("linkedid", linkedid).put("callerNumber", callerNumber)
                .put("callerId", callerId).put("callerName", callerName).put("queue", queue).put("menuPath", menuPath)
                .put("ticketTyped", ticketTyped).put("status", status)
                .put("agent", Agent.reference(agentId, agentUsername, agentName))
                .put("enteredAt", time(enteredAt)).put("answeredAt", time(answeredAt)).put("endedAt", time(endedAt))
                .put("endedAtEstimated", endedAtEstimated).put("waitSeconds", waitSeconds).put("talkSeconds", talkSeconds)
                .put("callbackId", callbackId);
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
