package io.firstline.calls;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * A queue member (an agent's phone) as the PBX reports it, at one moment. Immutable.
 *
 * @param paused whether Asterisk has the member paused: {@code state} says {@code PAUSED} only when nothing
 *     outranks it (a call ringing or connected does), so a pause taken during a call is known from this
 * @param pauseReason the reason of that pause, if it was given one
 * @param since when {@code state} began
 * @param linkedid the call ringing or connected to this member, if any
 */
public record MemberView(String pbx, String memberInterface, String memberName, Set<String> queues, MemberState state,
        boolean paused, String pauseReason, Instant since, String linkedid) {

    public MemberView {
        queues = Set.copyOf(queues);
    }

    /**
     * An interface as Firstline compares them (an agent's setting with Asterisk's report): ignoring
     * case and FreePBX's trailing {@code /n}, so {@code Local/1001@agents/n} and {@code local/1001@agents} are one.
     */
    public static String interfaceKey(String memberInterface) {
        if (memberInterface == null) {
            return "";
        }
        String k = memberInterface.strip().toLowerCase(Locale.ROOT);
        return k.endsWith("/n") ? k.substring(0, k.length() - 2) : k;
    }
}
