package io.firstline.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The time as the database keeps it: UTC, to the millisecond. */
final class Clock {

    private Clock() {
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
