package io.firstline.records;

import io.firstline.auth.Agent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One step of a recorded call's timeline; the agent fields are set when the interface is an agent's. */
public record TimelineEntry(Instant at, String type, String queue, Long agentId, String agentUsername, String agentName,
        String memberInterface, String detail) {
    /** The entry as the API shows it; fields it does not have are left out. */
    public JsonObject json() {
        JsonObject o = new JsonObject().put("at", RecordedCall.time(at)).put("type", type);
        if (queue != null) {
            o.put("queue", queue);
        }
        if (agentId != null) {
            o.put("agent", Agent.reference(agentId, agentUsername, agentName));
        }
        if (memberInterface != null) {
            o.put("interface", memberInterface);
        }
        if (detail != null) {
            o.put("detail", detail);
        }
        return o;
    }
}
