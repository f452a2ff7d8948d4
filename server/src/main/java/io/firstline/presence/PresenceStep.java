package io.firstline.presence;

import java.time.Instant;
import java.util.Set;

/**
 * One change to the stored presence intervals, as {@link PresenceLog} decides it and {@link PresenceStore#write}
 * applies it. Each is idempotent: written twice (a retry after an answer lost), it changes nothing the second time.
 */
sealed interface PresenceStep {

    String pbx();

    Instant at();

    /** An interval begins; an open one of the same member and kind with the same reason simply goes on. */
    record Open(String pbx, String memberInterface, PresenceKind kind, String reason, Instant at) implements PresenceStep {
    }

    /** The member's open interval of this kind ends. */
    record Close(String pbx, String memberInterface, PresenceKind kind, Instant at) implements PresenceStep {
    }

    /** The PBX's link is up: its open intervals still held at {@code at}. */
    record Confirm(String pbx, Instant at) implements PresenceStep {
    }

    /**
     * After a snapshot of the PBX: exactly {@code open} are open now. Others left open (from before a restart or a
     * lost link) end when they were last confirmed; missing ones begin at {@code at}; the rest go on, confirmed.
     */
    record Resync(String pbx, Set<OpenInterval> open, Instant at) implements PresenceStep {
        public Resync {
            open = Set.copyOf(open);
        }
    }

    /** An interval open now: the member, its kind and (paused) the reason. */
    record OpenInterval(String memberInterface, PresenceKind kind, String reason) {
    }
}
