package io.firstline.kpi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One call that entered a queue, as the KPIs read it: the same record whether it comes from the
 * problems database (reports, the board's "today") or from a test. See docs/kpis.md.
 *
 * @param result where the call stands: still waiting, answered (talking or ended), abandoned, left
 *     the queue unanswered (timeout, exit key), or unknown (it ended unobserved before any answer or abandon was seen)
 * @param waitSeconds seconds from entering the queue to the answer or to leaving it; null while waiting or unknown
 * @param talkSeconds seconds from the answer to the end; null until an answered call ends, and when its end was not
 *     observed and Asterisk never reported its talk time
 * @param wrapupSeconds the wrap-up the agent recorded with the outcome; null when none was recorded
 * @param disposition the outcome the agent recorded (e.g. {@code resolved}); null when none
 * @param category the problem category of the call: its ticket's category, else its phone-menu branch; may be null
 * @param endedUnobserved the call ended while Firstline or its PBX link was down: its end time is an estimate
 * @param agents every agent who talked on the call, in order, each with their own talk time (a transferred call has
 *     several); empty when only {@code agentId} is known
 */
public record CallFact(
        String queue,
        Long agentId,
        Instant queuedAt,
        Result result,
        Integer waitSeconds,
        Integer talkSeconds,
        Integer wrapupSeconds,
        String disposition,
        String category,
        boolean endedUnobserved,
        List<AgentPart> agents) {

    /** One agent's part of a call: who, and how long they talked (null until their part is over, or unknown). */
    public record AgentPart(Long agentId, Integer talkSeconds) {
    }

    public CallFact {
        agents = List.copyOf(agents);
    }

    /** A call whose end, if it has ended, was observed. */
    public CallFact(String queue, Long agentId, Instant queuedAt, Result result, Integer waitSeconds, Integer talkSeconds,
            Integer wrapupSeconds, String disposition, String category) {
        this(queue, agentId, queuedAt, result, waitSeconds, talkSeconds, wrapupSeconds, disposition, category, false);
    }

    /** A call taken by one agent at most. */
    public CallFact(String queue, Long agentId, Instant queuedAt, Result result, Integer waitSeconds, Integer talkSeconds,
            Integer wrapupSeconds, String disposition, String category, boolean endedUnobserved) {
        this(queue, agentId, queuedAt, result, waitSeconds, talkSeconds, wrapupSeconds, disposition, category,
                endedUnobserved, List.of());
    }

    /**
     * The call as each agent who talked on it counts it (docs/kpis.md, per agent): one fact per part, with that
     * agent's own talk time. The caller's wait belongs to the agent who answered first (an agent a call was
     * transferred to did not make the caller wait, so their part has no wait); the outcome to the last agent.
     * A call no agent took counts for none, nor does a part taken on a phone that is no agent's.
     */
    public List<CallFact> byAgent() {
        if (agents.isEmpty()) {
            return agentId == null ? List.of() : List.of(this);
        }
        List<CallFact> parts = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            AgentPart p = agents.get(i);
            if (p.agentId() == null) {
                continue; // a phone no agent of Firstline's had: that part counts for nobody
            }
            boolean first = i == 0;
            boolean last = i == agents.size() - 1;
            Integer talk = talkSeconds == null ? null : p.talkSeconds();
            parts.add(new CallFact(queue, p.agentId(), queuedAt, result, first ? waitSeconds : null, talk,
                    last ? wrapupSeconds : null, last ? disposition : null, category, endedUnobserved, List.of(p)));
        }
        return parts;
    }

    public enum Result { WAITING, ANSWERED, ABANDONED, UNANSWERED, UNKNOWN }

    /** Talk plus wrap-up, once the call has ended; null before. */
    public Integer handleSeconds() {
        return talkSeconds == null ? null : talkSeconds + (wrapupSeconds == null ? 0 : wrapupSeconds);
    }
}
