package io.firstline.calls;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A call as the tracker knows it at one moment: immutable, safe to hand to any thread.
 *
 * @param callerIdHint the FIRSTLINE_CALLER_ID the dialplan set: only a hint, to be checked against the number
 * @param ringing member interfaces whose phones ring for this call now
 * @param callbackId the callback request this call answers (Firstline's one-click callback), or null
 * @param talks every agent who took the call, in order: the first who answered, then those it was transferred to;
 *     {@code memberInterface} is the one who has (or last had) it, {@code talkSeconds} all of theirs together
 * @param endedAtEstimated the end was not seen (Firstline or its PBX link was down): {@code endedAt} is the
 *     last moment the call was seen, {@code endReason} says why
 * @param callbackDialStatus for a callback's call, how its dial of the customer ended (Asterisk's DialStatus:
 *     ANSWER, NOANSWER, BUSY, CONGESTION, CHANUNAVAIL, CANCEL …), or null while (or if) the customer was not dialled
 * @param callbackRequestChannel the uniqueid of the caller's channel on which the phone menu took a callback request
 *     (key 1 while waiting, after hours, overflow), or null: that request belongs to this call
 */
public record CallView(
        String pbx,
        String linkedid,
        String callerNumber,
        String callerName,
        String callerIdHint,
        String menuPath,
        String ticketTyped,
        String queue,
        Integer position,
        CallStatus status,
        Instant enteredAt,
        Instant queuedAt,
        Instant answeredAt,
        Instant endedAt,
        String memberInterface,
        String memberName,
        Integer waitSeconds,
        Integer talkSeconds,
        String endReason,
        boolean transferred,
        List<String> ringing,
        Long callbackId,
        List<Talk> talks,
        boolean endedAtEstimated,
        String callbackDialStatus,
        String callbackRequestChannel) {

    /** One agent's part of a call: when they took it and, once it is over, how long they talked. */
    public record Talk(String memberInterface, String memberName, Instant answeredAt, Integer talkSeconds) {
    }

    /** A call whose callback dial (if it is a callback's call) has not ended. */
    public CallView(String pbx, String linkedid, String callerNumber, String callerName, String callerIdHint,
            String menuPath, String ticketTyped, String queue, Integer position, CallStatus status, Instant enteredAt,
            Instant queuedAt, Instant answeredAt, Instant endedAt, String memberInterface, String memberName,
            Integer waitSeconds, Integer talkSeconds, String endReason, boolean transferred, List<String> ringing,
            Long callbackId, List<Talk> talks, boolean endedAtEstimated) {
        this(pbx, linkedid, callerNumber, callerName, callerIdHint, menuPath, ticketTyped, queue, position, status,
                enteredAt, queuedAt, answeredAt, endedAt, memberInterface, memberName, waitSeconds, talkSeconds,
                endReason, transferred, ringing, callbackId, talks, endedAtEstimated, null, null);
    }

    public CallView {
        ringing = List.copyOf(ringing);
        talks = List.copyOf(talks);
    }

    /** A call that is not a callback, taken by one agent at most, whose end (if it has ended) was seen. */
    public CallView(String pbx, String linkedid, String callerNumber, String callerName, String callerIdHint,
            String menuPath, String ticketTyped, String queue, Integer position, CallStatus status, Instant enteredAt,
            Instant queuedAt, Instant answeredAt, Instant endedAt, String memberInterface, String memberName,
            Integer waitSeconds, Integer talkSeconds, String endReason, boolean transferred, List<String> ringing) {
        this(pbx, linkedid, callerNumber, callerName, callerIdHint, menuPath, ticketTyped, queue, position, status,
                enteredAt, queuedAt, answeredAt, endedAt, memberInterface, memberName, waitSeconds, talkSeconds,
                endReason, transferred, ringing, null, List.of(), false, null, null);
    }

    /** Seconds waited in the queue so far (or until answered or abandoned). */
    public int waitedSeconds(Instant now) {
        if (waitSeconds != null) {
            return waitSeconds;
        }
        if (queuedAt == null) {
            return 0;
        }
        Instant until = answeredAt != null ? answeredAt : endedAt != null ? endedAt : now;
        return (int) Math.max(0, Duration.between(queuedAt, until).toSeconds());
    }

    public boolean ended() {
        return endedAt != null;
    }
}
