package io.firstline.store;

import java.time.Instant;

/** A person who signs in: help-desk agent, supervisor or administrator. */
public record Agent(long id, String username, String name, Role role, String memberInterface, boolean active,
        Instant createdAt) {
}
