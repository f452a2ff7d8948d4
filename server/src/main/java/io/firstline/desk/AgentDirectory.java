package io.firstline.desk;

import io.firstline.auth.Agent;
import io.firstline.auth.AgentStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which agent a queue member is: by the Asterisk interface the agent is configured with (compared
 * without FreePBX's trailing "/n" and ignoring case), or else by the member name. A cached copy of
 * the agents table, refreshed now and then. Used on the call flow's context only.
 */
final class AgentDirectory {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentDirectory.class);

    private static final Duration REFRESH = Duration.ofSeconds(30);

    private final Supplier<Future<List<Agent>>> read;
    private Map<String, Agent> byInterface = Map.of();
    private Map<String, Agent> byName = Map.of();
    private Instant loadedAt = Instant.EPOCH;
    /** The read under way, if any. */
    private Future<Void> reading;
    /** Those who asked while a read was under way: the read after it answers them. */
    private Promise<Void> readAgain;

    AgentDirectory(AgentStore agents) {
        this(agents::withInterfaces);
    }

    /** @param read all active agents with an interface ({@link AgentStore#withInterfaces} in production) */
    AgentDirectory(Supplier<Future<List<Agent>>> read) {
        this.read = read;
    }

    /** The agent for this member, loading the table when it is old or the member is unknown. */
    Future<Optional<Agent>> find(String memberInterface, String memberName) {
        Optional<Agent> known = lookup(memberInterface, memberName);
        boolean stale = Duration.between(loadedAt, Instant.now()).compareTo(REFRESH) > 0;
        if (known.isPresent() && !stale) {
            return Future.succeededFuture(known);
        }
        boolean recentlyLoaded = Duration.between(loadedAt, Instant.now()).toSeconds() < 2;
        if (known.isEmpty() && recentlyLoaded) {
            return Future.succeededFuture(known);
        }
        return reload().map(v -> lookup(memberInterface, memberName)).recover(e -> Future.succeededFuture(known));
    }

    /** The agent for this member from what is loaded already. */
    Optional<Agent> lookup(String memberInterface, String memberName) {
        Agent a = memberInterface == null ? null : byInterface.get(normal(memberInterface));
        if (a == null && memberName != null) {
            a = byName.get(memberName.strip().toLowerCase(Locale.ROOT));
        }
        return Optional.ofNullable(a);
    }

    /**
     * Reads the agents again. A read asked for while one is under way is the read after it, one for all who asked
     * meanwhile: an admin creating two thousand agents makes two reads of the table, not two thousand.
     */
    Future<Void> reload() {
        if (reading == null) {
            return start();
        }
        if (readAgain == null) {
            readAgain = Promise.promise();
        }
        return readAgain.future();
    }

    private Future<Void> start() {
        Future<Void> f;
        try {
            f = read.get().map(list -> {
                apply(list);
                return (Void) null;
            });
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        reading = f;
        f.onComplete(ar -> {
            reading = null;
            Promise<Void> next = readAgain;
            readAgain = null;
            if (next != null) {
                start().onComplete(next);
            }
        });
        return f;
    }

    private void apply(List<Agent> list) {
        Map<String, Agent> i = new HashMap<>();
        Map<String, Agent> n = new HashMap<>();
        for (Agent a : list) {
            i.put(normal(a.memberInterface()), a);
            n.putIfAbsent(a.name().strip().toLowerCase(Locale.ROOT), a);
        }
        byInterface = i;
        byName = n;
        loadedAt = Instant.now();
        log.debug("{} agents with a queue-member interface", i.size());
    }

    static String normal(String iface) {
        String s = iface.strip().toLowerCase(Locale.ROOT);
        return s.endsWith("/n") ? s.substring(0, s.length() - 2) : s;
    }
}
