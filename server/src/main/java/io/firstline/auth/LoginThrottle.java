package io.firstline.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing: after a few failed sign-ins for a username or from an address,
 * further attempts are refused for a time that doubles with each failure (up to 15 minutes).
 * The failures are counted in Vert.x's shared data, so every node of a cluster sees them all (on a single
 * node it is that node's memory). Called from event loops; thread-safe.
 */
public final class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    /** The shared map's name; its entries are {@code "u:" + username} or {@code "a:" + address} → {@link Failures#wire}. */
    static final String MAP = "auth.login-failures";
    /** Failures allowed per username before waiting starts. */
    static final int FREE_PER_USER = 5;
    /** Failures allowed per address: higher, as many people may share one (NAT, a proxy). */
    static final int FREE_PER_ADDRESS = 30;
    private static final Duration MAX_WAIT = Duration.ofMinutes(15);
    static final Duration FORGET_AFTER = Duration.ofHours(1);
    private static final int MAX_ENTRIES = 100_000;
    /** A shared map that has not answered by then is taken as out of reach (Hazelcast's own timeout is minutes). */
    private static final long SHARED_TIMEOUT_MS = 2_000;
    /** Rounds of a failure's compare-and-set before it is left to this node's own count. */
    private static final int MAX_ROUNDS = 64;
    private static final long WARN_EVERY_MS = 60_000;

    /** How many times a key failed, and when last. */
    record Failures(int count, long lastMillis) {

        /** A plain string: values of a clustered map must be serializable, and are compared as their bytes. */
        String wire() {
            return count + "@" + lastMillis;
        }

        static Failures of(String wire) {
            int at = wire.indexOf('@');
            return new Failures(Integer.parseInt(wire.substring(0, at)), Long.parseLong(wire.substring(at + 1)));
        }

        Failures plus(Failures other) {
            return new Failures(count + other.count, Math.max(lastMillis, other.lastMillis));
        }

        boolean forgotten(Instant now) {
            return lastMillis + FORGET_AFTER.toMillis() < now.toEpochMilli();
        }
    }

    /** Gives the shared map: cheap (Hazelcast hands out its local proxy), so asked for each time. */
    private final Supplier<Future<AsyncMap<String, String>>> open;
    /**
     * This node's own count of the failures it saw, kept as well so that it can answer, warm, when the shared map
     * cannot: an outage then throttles each node on its own, as before clustering, rather than refusing every
     * sign-in (a cluster fault would lock everybody out) or none (a fault would open the door to guessing).
     */
    private final Map<String, Failures> local = new ConcurrentHashMap<>();
    private final AtomicLong outages = new AtomicLong();
    private volatile long lastWarning;

    public LoginThrottle(Vertx vertx) {
        this(() -> vertx.sharedData().<String, String>getAsyncMap(MAP));
    }

    /** With {@code open} giving the shared map (a test makes it fail, as a cluster out of reach does). */
    LoginThrottle(Supplier<Future<AsyncMap<String, String>>> open) {
        this.open = open;
    }

    /** How long the caller must wait before this attempt may be checked, if at all. Never fails. */
    public Future<Optional<Duration>> waitBefore(String username, String address, Instant now) {
        String user = "u:" + username;
        String addr = "a:" + address;
        return shared(map -> map.get(user).compose(u -> map.get(addr).map(a -> longest(
                wait(u == null ? null : Failures.of(u), FREE_PER_USER, now),
                wait(a == null ? null : Failures.of(a), FREE_PER_ADDRESS, now)))))
                .recover(e -> {
                    outage("check", e);
                    return Future.succeededFuture(longest(wait(local.get(user), FREE_PER_USER, now),
                            wait(local.get(addr), FREE_PER_ADDRESS, now)));
                });
    }

    /** Counts a failed attempt; never fails. */
    public Future<Void> failed(String username, String address, Instant now) {
        if (local.size() > MAX_ENTRIES) {
            local.values().removeIf(f -> f.forgotten(now));
        }
        Failures one = new Failures(1, now.toEpochMilli());
        String user = "u:" + username;
        String addr = "a:" + address;
        for (String key : new String[] {user, addr}) {
            local.merge(key, one, (old, x) -> old.forgotten(now) ? x : old.plus(x));
        }
        return shared(map -> add(map, user, now, 0).compose(v -> add(map, addr, now, 0)))
                .recover(e -> {
                    outage("count a failure", e);
                    return Future.succeededFuture();
                });
    }

    /** Forgets the failures of this username and address; never fails. */
    public Future<Void> succeeded(String username, String address) {
        local.remove("u:" + username);
        local.remove("a:" + address);
        return shared(map -> map.remove("u:" + username).compose(v -> map.remove("a:" + address)).<Void>mapEmpty())
                .recover(e -> {
                    outage("forget failures", e);
                    return Future.succeededFuture();
                });
    }

    /**
     * Adds one failure to a key's count, atomically across nodes. Only take-and-put is used: Hazelcast's map has no
     * compare-and-set that keeps a time to live (its {@code replace} makes the entry eternal), and the time to live is
     * what forgets a key an hour after its last failure and so bounds the map. A node that takes a count off the map
     * ({@code removeIfPresent}) owns it until it puts it back with one more ({@code putIfAbsent}); should another node
     * have put a count meanwhile, that one is taken too and added, so that no failure is lost.
     */
    private Future<Void> add(AsyncMap<String, String> map, String key, Instant now, int round) {
        if (round >= MAX_ROUNDS) {
            return Future.failedFuture("no agreement on " + key + " after " + round + " rounds");
        }
        Failures one = new Failures(1, now.toEpochMilli());
        return map.get(key).compose(wire -> {
            if (wire == null) {
                return map.putIfAbsent(key, one.wire(), FORGET_AFTER.toMillis())
                        .compose(was -> was == null ? Future.succeededFuture() : add(map, key, now, round + 1));
            }
            Failures old = Failures.of(wire);
            return map.removeIfPresent(key, wire).compose(taken -> !taken ? add(map, key, now, round + 1)
                    : putBack(map, key, old.forgotten(now) ? one : old.plus(one), round + 1));
        });
    }

    private Future<Void> putBack(AsyncMap<String, String> map, String key, Failures owned, int round) {
        if (round >= MAX_ROUNDS) {
            return Future.failedFuture("no agreement on " + key + " after " + round + " rounds");
        }
        return map.putIfAbsent(key, owned.wire(), FORGET_AFTER.toMillis()).compose(was -> {
            if (was == null) {
                return Future.succeededFuture();
            }
            // Put by another node meanwhile: take it too, and put back both.
            return map.removeIfPresent(key, was)
                    .compose(taken -> putBack(map, key, taken ? owned.plus(Failures.of(was)) : owned, round + 1));
        });
    }

    /** Runs {@code op} on the shared map, failing when the map cannot be had or does not answer in time. */
    private <T> Future<T> shared(java.util.function.Function<AsyncMap<String, String>, Future<T>> op) {
        return open.get().compose(op).timeout(SHARED_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void outage(String what, Throwable e) {
        long n = outages.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastWarning >= WARN_EVERY_MS) {
            lastWarning = now;
            log.warn("the sign-in throttle's shared map failed to {} ({}); this node throttles on its own count until it "
                    + "answers again ({} such failures so far)", what, e.getMessage(), n);
        }
    }

    private static Optional<Duration> longest(Duration a, Duration b) {
        Duration w = a.compareTo(b) >= 0 ? a : b;
        return w.isZero() || w.isNegative() ? Optional.empty() : Optional.of(w);
    }

    private static Duration wait(Failures f, int free, Instant now) {
        if (f == null || f.count() < free || f.forgotten(now)) {
            return Duration.ZERO;
        }
        int over = Math.min(f.count() - free, 20);
        Duration penalty = Duration.ofSeconds(1L << over);
        if (penalty.compareTo(MAX_WAIT) > 0) {
            penalty = MAX_WAIT;
        }
        return Duration.between(now, Instant.ofEpochMilli(f.lastMillis()).plus(penalty));
    }
}
