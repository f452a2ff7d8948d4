package io.firstline.presence;

import java.time.Instant;

/**
 * A stretch of time a queue member was signed in or paused, as stored.
 *
 * @param reason the pause reason, if the pause was given one; null for signed-in
 * @param end null while the interval is open
 */
public record PresenceInterval(String pbx, String memberInterface, PresenceKind kind, String reason, Instant start,
        Instant end) {
}
