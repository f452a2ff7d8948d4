package io.firstline.auth;

import io.firstline.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sign-in, sessions and the first administrator. Tokens are random; only their SHA-256 is stored.
 * Sessions slide: each use moves their idle deadline. Called from event loops; password hashing
 * runs on Vert.x's worker pool.
 */
public final class Accounts {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long a checked session is trusted without asking the database again. */
    private static final Duration CACHE_FOR = Duration.ofSeconds(10);
    /** Sessions kept in memory at most; past it the memory starts again empty. */
    private static final int CACHED_AT_MOST = 10_000;
    /** A session's last use is saved at least this often, and at least ten times per idle period. */
    private static final Duration TOUCH_AT_MOST_EVERY = Duration.ofSeconds(60);
    private static final Duration RECHECK_AT_MOST_EVERY = Duration.ofSeconds(60);
    /** A password check against no account still costs as much as a real one. */
    private static final String DUMMY_HASH = Passwords.hash("not a password of anybody");

    private final Vertx vertx;
    private final AgentStore agents;
    private final SessionStore sessions;
    private final Duration idle;
    /** How old the saved last use may get while the session is used: a tenth of the idle period, at most a minute. */
    private final Duration touchEvery;
    private final Clock clock;
    private final LoginThrottle throttle;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Agent agent, Instant checkedAt, Instant lastSeenAt) {
    }

    /** A successful sign-in. */
    public record SignedIn(String token, Agent agent) {
    }

    /** Why a sign-in did not succeed. */
    public sealed interface Refusal {
        /** Wrong username or password (never said which). */
        record BadCredentials() implements Refusal {
        }

        /** Too many failures: try again later. */
        record Throttled(Duration retryAfter) implements Refusal {
        }
    }

    /** The outcome of a sign-in attempt: either signed in or refused. */
    public record LoginResult(Optional<SignedIn> signedIn, Optional<Refusal> refusal) {
    }

    public Accounts(Vertx vertx, AgentStore agents, SessionStore sessions, Duration idle, Clock clock) {
        this.vertx = vertx;
        this.agents = agents;
        this.sessions = sessions;
        this.idle = idle;
        Duration tenth = idle.dividedBy(10);
        this.touchEvery = tenth.compareTo(TOUCH_AT_MOST_EVERY) < 0 ? tenth : TOUCH_AT_MOST_EVERY;
        this.clock = clock;
        this.throttle = new LoginThrottle(vertx);
    }

    public Future<LoginResult> login(String username, String password, String address) {
        return throttle.waitBefore(username, address, clock.instant()).compose(wait -> {
            if (wait.isPresent()) {
                return Future.succeededFuture(new LoginResult(Optional.empty(), Optional.of(new Refusal.Throttled(wait.get()))));
            }
            return agents.credentials(username).compose(found -> vertx.executeBlocking(() -> {
                String hash = found.map(AgentStore.Credentials::passwordHash).orElse(DUMMY_HASH);
                boolean ok = Passwords.matches(password, hash) && found.isPresent() && found.get().agent().active();
                return ok ? found.get().agent() : null;
            }, false)).compose(agent -> {
                if (agent == null) {
                    // Counted before the answer, so that the next attempt, on whichever node, sees it.
                    return throttle.failed(username, address, clock.instant())
                            .map(v -> new LoginResult(Optional.empty(), Optional.of(new Refusal.BadCredentials())));
                }
                String token = newToken();
                return throttle.succeeded(username, address)
                        .compose(v -> sessions.create(hash(token), agent.id(), clock.instant()))
                        .map(v -> new LoginResult(Optional.of(new SignedIn(token, agent)), Optional.empty()));
            });
        });
    }

    /** What became of a person's request to change their own password. */
    public sealed interface PasswordChange {
        /** Changed; every other session of theirs has ended. */
        record Changed(Agent agent) implements PasswordChange {
        }

        /** The current password given was wrong (counted like a failed sign-in). */
        record WrongCurrent() implements PasswordChange {
        }

        /** Too many wrong passwords for this person or from this address: try again later. */
        record Throttled(Duration retryAfter) implements PasswordChange {
        }
    }

    /**
     * Changes the password of the person signed in with {@code token} once {@code current} is theirs;
     * their other sessions end, this one stays. Wrong current passwords are throttled as sign-ins are.
     * The new password must have been checked ({@link Passwords#weakness}) by the caller.
     */
    public Future<PasswordChange> changeOwnPassword(Agent me, String token, String current, String next, String address) {
        return throttle.waitBefore(me.username(), address, clock.instant()).compose(wait -> {
            if (wait.isPresent()) {
                return Future.succeededFuture(new PasswordChange.Throttled(wait.get()));
            }
            return agents.credentials(me.username()).compose(found -> vertx.executeBlocking(() -> {
                boolean ok = found.isPresent() && found.get().agent().id() == me.id()
                        && Passwords.matches(current, found.get().passwordHash());
                return ok ? Passwords.hash(next) : null;
            }, false)).compose(hash -> {
                if (hash == null) {
                    return throttle.failed(me.username(), address, clock.instant())
                            .<PasswordChange>map(v -> new PasswordChange.WrongCurrent());
                }
                return throttle.succeeded(me.username(), address)
                        .compose(v -> agents.changeOwnPassword(me.id(), hash, hash(token))).map(changed -> {
                            forget(me.id());
                            return changed.<PasswordChange>map(PasswordChange.Changed::new)
                                    .orElseGet(PasswordChange.WrongCurrent::new);
                        });
            });
        });
    }

    /** The agent whose live session this token is, if any; moves the session's idle deadline. */
    public Future<Optional<Agent>> authenticate(String token) {
        if (token == null || token.length() < 20 || token.length() > 100) {
            return Future.succeededFuture(Optional.empty());
        }
        String key = hash(token);
        Instant now = clock.instant();
        Cached c = cache.get(key);
        // Trusted from memory only while its saved last use is fresh, so that a session in use keeps sliding.
        if (c != null && c.checkedAt().plus(CACHE_FOR).isAfter(now) && c.lastSeenAt().plus(touchEvery).isAfter(now)) {
            return Future.succeededFuture(Optional.of(c.agent()));
        }
        return sessions.find(key, now.minus(idle)).compose(found -> {
            if (found.isEmpty()) {
                cache.remove(key);
                return Future.succeededFuture(Optional.<Agent>empty());
            }
            Instant lastSeen = found.get().lastSeenAt();
            Future<Void> touched = Future.succeededFuture();
            if (!lastSeen.plus(touchEvery).isAfter(now)) {
                touched = sessions.touch(key, now);
                lastSeen = now;
            }
            remember(key, new Cached(found.get().agent(), now, lastSeen));
            return touched.map(v -> Optional.of(found.get().agent()));
        });
    }

    /**
     * How often the sessions of open WebSockets are checked again ({@link #stillSignedIn}): every minute, or twice per
     * idle period if that is shorter, so that a socket open all along keeps its session however short the period.
     */
    public Duration recheckEvery() {
        Duration half = idle.dividedBy(2);
        return half.compareTo(RECHECK_AT_MOST_EVERY) < 0 ? half : RECHECK_AT_MOST_EVERY;
    }

    /**
     * Of these sessions (by the SHA-256 of their token), those still live; each moves its idle deadline as
     * {@link #authenticate} would. One database task for them all: a node's open desktops are rechecked together.
     */
    public Future<Set<String>> stillSignedIn(Collection<String> tokenHashes) {
        Instant now = clock.instant();
        return sessions.refresh(tokenHashes, now.minus(idle), now.minus(touchEvery), now).map(found -> {
            Set<String> live = new HashSet<>();
            for (SessionStore.Session s : found) {
                live.add(s.tokenHash());
                remember(s.tokenHash(), new Cached(s.agent(), now, s.lastSeenAt()));
            }
            tokenHashes.stream().filter(h -> !live.contains(h)).forEach(cache::remove);
            return live;
        });
    }

    private void remember(String tokenHash, Cached checked) {
        if (cache.size() > CACHED_AT_MOST) {
            cache.clear();
        }
        cache.put(tokenHash, checked);
    }

    public Future<Void> logout(String token) {
        String key = hash(token);
        cache.remove(key);
        return sessions.delete(key);
    }

    /** Forgets a cached session, by the SHA-256 of its token ({@link #hash}), e.g. after it signed out on another node. */
    public void forgetSession(String tokenHash) {
        cache.remove(tokenHash);
    }

    /** Forgets cached sessions of this agent, e.g. after their role or password changed. */
    public void forget(long agentId) {
        cache.values().removeIf(c -> c.agent().id() == agentId);
    }

    public Future<Integer> purgeIdleSessions() {
        return sessions.deleteIdle(clock.instant().minus(idle));
    }

    /**
     * Creates the {@code admin} account on the first start, with {@code password} or a generated
     * one, which is then returned so that it can be shown once. A weak {@code password} fails with a
     * {@link ConfigException} naming FIRSTLINE_ADMIN_PASSWORD.
     */
    public Future<Optional<String>> ensureAdmin(Optional<String> password) {
        return agents.credentials("admin").compose(existing -> {
            if (existing.isPresent()) {
                return Future.succeededFuture(Optional.<String>empty());
            }
            Optional<String> weak = password.flatMap(p -> Passwords.weakness("admin", p));
            if (weak.isPresent()) {
                // Only the first start uses it, so only the first start refuses it.
                return Future.failedFuture(new ConfigException("FIRSTLINE_ADMIN_PASSWORD: " + weak.get()
                        + "; set a stronger one, or unset it to have one generated"));
            }
            String chosen = password.orElseGet(Passwords::generate);
            return vertx.executeBlocking(() -> Passwords.hash(chosen), false)
                    .compose(h -> agents.create("admin", "Administrator", h, Role.ADMIN, null))
                    .map(a -> password.isPresent() ? Optional.<String>empty() : Optional.of(chosen));
        });
    }

    static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The SHA-256 of a session token, in hex: what the database keeps, and what names a session on the event bus. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
