package io.firstline.desk;

import io.firstline.auth.Agent;
import io.firstline.auth.AgentStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which agent a queue member is: by the Asterisk interface the agent is configured with (compared
 * without FreePBX's trailing "/n" and ignoring case), or else by the member name. A cached copy of
 * the agents table, refreshed now and then. Used on the call flow's context only.
 */
final class AgentDirectory {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentDirectory.class);

    private static final Duration REFRESH = Duration.ofSeconds(30);

    private final AgentStore agents;
    private Map<String, Agent> byInterface = Map.of();
    private Map<String, Agent> byName = Map.of();
    private Instant loadedAt = Instant.EPOCH;
    private long started;
    private long applied;

    AgentDirectory(AgentStore agents) {
        this.agents = agents;
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

    /** Reads the agents again; when several reads overlap, the one started last wins. */
    Future<Void> reload() {
        long mine = ++started;
        return agents.withInterfaces().map(list -> {
            if (mine < applied) {
                return (Void) null;
            }
            applied = mine;
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
            return (Void) null;
        });
    }

    static String normal(String iface) {
        String s = iface.strip().toLowerCase(Locale.ROOT);
        return s.endsWith("/n") ? s.substring(0, s.length() - 2) : s;
    }
}
