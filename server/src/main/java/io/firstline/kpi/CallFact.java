package io.firstline.kpi;

import java.time.Instant;

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
        boolean endedUnobserved) {

    /** A call whose end, if it has ended, was observed. */
    public CallFact(String queue, Long agentId, Instant queuedAt, Result result, Integer waitSeconds, Integer talkSeconds,
            Integer wrapupSeconds, String disposition, String category) {
        this(queue, agentId, queuedAt, result, waitSeconds, talkSeconds, wrapupSeconds, disposition, category, false);
    }

    public enum Result { WAITING, ANSWERED, ABANDONED, UNANSWERED, UNKNOWN }

    /** Talk plus wrap-up, once the call has ended; null before. */
    public Integer handleSeconds() {
        return talkSeconds == null ? null : talkSeconds + (wrapupSeconds == null ? 0 : wrapupSeconds);
    }
}
