package io.firstline.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.firstline.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of the cluster (cluster mode): a Hazelcast member on {@code host:port}, joining the listed
 * members over TCP (no multicast), that carries Vert.x's clustered event bus. Each member names its node, its
 * Firstline version and the database schema its build migrates to; a node whose build differs from a member's refuses
 * to go on, before it touches the database. Vert.x joins and leaves the cluster as it starts and closes.
 */
public final class ClusterNode {

    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    private static final String NODE = "firstline.node";
    private static final String VERSION = "firstline.version";
    private static final String SCHEMA = "firstline.schema";

    private final Settings.Cluster settings;
    private final String version;
    private final String schema;
    private final String instanceName;
    private final HazelcastClusterManager manager;
    private volatile HazelcastInstance hazelcast;
    /** Whether a member left since this node last had them all (or since it joined). */
    private final java.util.concurrent.atomic.AtomicBoolean lostOne = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Runnable rejoined = () -> { };

    private ClusterNode(Settings.Cluster settings, String version, String schema, Config config) {
        this.settings = settings;
        this.version = version;
        this.schema = schema;
        this.instanceName = config.getInstanceName();
        this.manager = new HazelcastClusterManager(config);
    }

    /** This node's membership as configured; Vert.x joins it as it starts in clustered mode ({@link #manager()}). */
    public static ClusterNode of(Settings.Cluster settings, String version, String schema) {
        Config config = ConfigUtil.loadConfig(); // the Vert.x maps' settings
        // Nodes with another secret (or name) form a cluster of their own: they never see these nodes' members or bus.
        config.setClusterName(settings.name() + "-" + digest(settings.name() + "\n" + settings.secret()).substring(0, 24));
        config.setInstanceName("firstline-" + settings.nodeId() + "-" + java.util.UUID.randomUUID());
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(settings.port()).setPortAutoIncrement(false);
        net.setPublicAddress(settings.publicHost() + ":" + settings.publicPort());
        net.getInterfaces().setEnabled(true).setInterfaces(List.of(settings.host()));
        net.getJoin().getMulticastConfig().setEnabled(false);
        net.getJoin().getAutoDetectionConfig().setEnabled(false);
        net.getJoin().getTcpIpConfig().setEnabled(true).setMembers(settings.members()).setConnectionTimeoutSeconds(2);
        config.getMemberAttributeConfig().setAttribute(NODE, settings.nodeId());
        config.getMemberAttributeConfig().setAttribute(VERSION, version);
        config.getMemberAttributeConfig().setAttribute(SCHEMA, schema);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false"); // Firstline stops its parts in order
        config.setProperty("hazelcast.socket.bind.any", "false");
        // Joining: look for the members for a second, not the default five; a member silent for 10 s is gone.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        return new ClusterNode(settings, version, schema, config);
    }

    /**
     * Once joined (Vert.x started in clustered mode): throws {@link IncompatibleNodeException} when a member runs
     * another version or schema, or has this node's id. Blocking; before this node touches the database.
     */
    public void checkMembers() {
        HazelcastInstance hz = Hazelcast.getHazelcastInstanceByName(instanceName);
        if (hz == null) {
            throw new IllegalStateException("the cluster member " + instanceName + " is not running");
        }
        hazelcast = hz;
        for (Member other : hz.getCluster().getMembers()) {
            if (other.localMember()) {
                continue;
            }
            String name = other.getAttribute(NODE);
            if (settings.nodeId().equals(name)) {
                throw new IncompatibleNodeException("node " + name + " at " + other.getAddress() + " has this node's id;"
                        + " give each node its own FIRSTLINE_NODE_ID");
            }
            if (!version.equals(other.getAttribute(VERSION)) || !schema.equals(other.getAttribute(SCHEMA))) {
                throw new IncompatibleNodeException("node " + name + " at " + other.getAddress() + " runs Firstline "
                        + other.getAttribute(VERSION) + " (database schema " + other.getAttribute(SCHEMA) + "), this node "
                        + version + " (schema " + schema + "): the nodes of a cluster run one build. Upgrade by stopping every"
                        + " node, then starting the new build (docs/cluster.md)");
            }
        }
        log.info("Cluster {}: this node ({}, {}) joined; {} members", settings.name(), settings.nodeId(),
                hz.getCluster().getLocalMember().getAddress(), hz.getCluster().getMembers().size());
        if (hz.getCluster().getMembers().size() == 1) {
            warnAlone();
        }
        hz.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
                log.info("Cluster {}: node {} ({}) joined; {} members", settings.name(), e.getMember().getAttribute(NODE),
                        e.getMember().getAddress(), e.getMembers().size());
                rejoinedIfApart();
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
                log.warn("Cluster {}: node {} ({}) left or is unreachable; {} members", settings.name(),
                        e.getMember().getAttribute(NODE), e.getMember().getAddress(), e.getMembers().size());
                lostOne.set(true);
                if (e.getMembers().size() == 1) {
                    warnAlone();
                }
            }
        });
        // The side of a split that merges into the other restarts its membership: it may see no member join.
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
                log.info("Cluster {}: merged with the other side of a split; {} members", settings.name(),
                        hz.getCluster().getMembers().size());
                rejoinedIfApart();
            }
        });
    }

    /**
     * What to do once this node is joined to others again after it lost one (on a Hazelcast thread: hand the work
     * over to a context). Set once, after {@link #checkMembers()}.
     */
    public void onRejoined(Runnable r) {
        rejoined = r;
    }

    private void rejoinedIfApart() {
        if (lostOne.getAndSet(false)) {
            rejoined.run();
        }
    }

    /** Alone, this node serves its own people only: it pops nothing unless it follows the PBXs itself. */
    private void warnAlone() {
        log.warn("Cluster {}: this node reaches no other member ({}); it goes on as a cluster of one, and its people get"
                + " pops only if it follows the PBXs. It joins the others as soon as they are reachable (check"
                + " FIRSTLINE_CLUSTER_MEMBERS, the secret, and that the ports are open between the nodes)",
                settings.name(), String.join(", ", settings.members()));
    }

    /** What Vert.x's clustered mode runs on. */
    public ClusterManager manager() {
        return manager;
    }

    /** The members as this node sees them now: {@code [{"node", "address", "version", "self"}]}, the oldest first. Any thread. */
    public JsonArray members() {
        JsonArray out = new JsonArray();
        HazelcastInstance hz = hazelcast;
        if (hz == null || !hz.getLifecycleService().isRunning()) {
            return out;
        }
        for (Member m : hz.getCluster().getMembers()) {
            out.add(new JsonObject().put("node", m.getAttribute(NODE)).put("address", m.getAddress().toString())
                    .put("version", m.getAttribute(VERSION)).put("self", m.localMember()));
        }
        return out;
    }

    /** How many members this node sees now (itself included); 0 once it has left. Any thread. */
    public int size() {
        HazelcastInstance hz = hazelcast;
        return hz != null && hz.getLifecycleService().isRunning() ? hz.getCluster().getMembers().size() : 0;
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A node that must not join this cluster: another build, or the id of a member. */
    public static final class IncompatibleNodeException extends RuntimeException {
        IncompatibleNodeException(String message) {
            super(message);
        }
    }
}
