package io.firstline.auth;

import java.util.Locale;
import java.util.Optional;

/** What a signed-in person may do; each role includes the ones before it. */
public enum Role {
    AGENT, SUPERVISOR, ADMIN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public static Optional<Role> parse(String s) {
        for (Role r : values()) {
            if (r.wire().equals(s)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
