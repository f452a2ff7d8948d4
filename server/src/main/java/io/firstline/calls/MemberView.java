package io.firstline.calls;

import java.time.Instant;
import java.util.Set;

/**
 * A queue member (an agent's phone) as the PBX reports it, at one moment. Immutable.
 *
 * @param since when {@code state} began
 * @param linkedid the call ringing or connected to this member, if any
 */
public record MemberView(String pbx, String memberInterface, String memberName, Set<String> queues, MemberState state,
        String pauseReason, Instant since, String linkedid) {

    public MemberView {
        queues = Set.copyOf(queues);
    }
}
