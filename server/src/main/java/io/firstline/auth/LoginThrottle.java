package io.firstline.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after a few failed sign-ins for a username or from an address,
 * further attempts are refused for a time that doubles with each failure (up to 15 minutes).
 * Thread-safe; kept in memory, so each node throttles on its own.
 */
public final class LoginThrottle {

    /** Failures allowed per username before waiting starts. */
    static final int FREE_PER_USER = 5;
    /** Failures allowed per address: higher, as many people may share one (NAT, a proxy). */
    static final int FREE_PER_ADDRESS = 30;
    private static final Duration MAX_WAIT = Duration.ofMinutes(15);
    private static final Duration FORGET_AFTER = Duration.ofHours(1);
    private static final int MAX_ENTRIES = 100_000;

    private record Failures(int count, Instant last) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    /** How long the caller must wait before this attempt may be checked, if at all. */
    public Optional<Duration> waitBefore(String username, String address, Instant now) {
        Duration a = wait("u:" + username, FREE_PER_USER, now);
        Duration b = wait("a:" + address, FREE_PER_ADDRESS, now);
        Duration w = a.compareTo(b) >= 0 ? a : b;
        return w.isZero() || w.isNegative() ? Optional.empty() : Optional.of(w);
    }

    public void failed(String username, String address, Instant now) {
        if (failures.size() > MAX_ENTRIES) {
            failures.entrySet().removeIf(e -> e.getValue().last().plus(FORGET_AFTER).isBefore(now));
        }
        for (String key : new String[] {"u:" + username, "a:" + address}) {
            failures.merge(key, new Failures(1, now), (old, one) -> new Failures(old.count() + 1, now));
        }
    }

    public void succeeded(String username, String address) {
        failures.remove("u:" + username);
        failures.remove("a:" + address);
    }

    private Duration wait(String key, int free, Instant now) {
        Failures f = failures.get(key);
        if (f == null || f.count() < free) {
            return Duration.ZERO;
        }
        if (f.last().plus(FORGET_AFTER).isBefore(now)) {
            failures.remove(key, f);
            return Duration.ZERO;
        }
        int over = Math.min(f.count() - free, 20);
        Duration penalty = Duration.ofSeconds(1L << over);
        if (penalty.compareTo(MAX_WAIT) > 0) {
            penalty = MAX_WAIT;
        }
        return Duration.between(now, f.last().plus(penalty));
    }
}
