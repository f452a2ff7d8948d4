package io.firstline.auth;

import java.time.Instant;

/**
 * A person who signs in: help-desk agent, supervisor or administrator. {@code memberInterface} is
 * what the queues ring (e.g. {@code Local/1001@agents/n}); {@code stateInterface}, when set, is the
 * phone behind it as Asterisk knows its state (e.g. {@code PJSIP/1001}), null to derive it.
 */
public record Agent(long id, String username, String name, Role role, String memberInterface, String stateInterface,
        boolean active, Instant createdAt) {
}
