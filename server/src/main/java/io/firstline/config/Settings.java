package io.firstline.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of a Firstline process, parsed and validated once at start; immutable afterwards. */
public record Settings(
        String httpHost,
        int httpPort,
        Path dataDir,
        Optional<ExternalDb> externalDb,
        int embeddedDbPort,
        int dbPoolSize,
        List<Pbx> pbxs,
        String agiHost,
        int agiPort,
        Optional<String> adminPassword,
        String phoneRegion,
        ZoneId timezone,
        Duration sessionIdle,
        boolean metricsEnabled,
        List<String> pauseReasons,
        Desk desk,
        Board board,
        PhoneMenu phoneMenu,
        Web web,
        Cluster cluster,
        Map<String, String> runTimeGiven) {

    /**
     * {@code pauseReasons}, {@code desk.queues} and {@code board}'s thresholds are what the run-time settings start
     * from when the database has none yet (see io.firstline.settings); {@code runTimeGiven} says which of them were
     * given (setting name such as {@code PAUSE_REASONS} or {@code QUEUE.sales.WAITING}, to where it was given) rather
     * than left to their defaults.
     */
    public Settings {
        pbxs = List.copyOf(pbxs);
        pauseReasons = List.copyOf(pauseReasons);
        runTimeGiven = Map.copyOf(runTimeGiven);
    }

    /**
     * The web server's TLS, the reverse proxies it believes, and its limits against abuse.
     *
     * @param tls the certificate and key to serve HTTPS with; empty: plain HTTP
     * @param trustedProxies addresses or CIDR ranges whose X-Forwarded-Proto/-Host/-For are believed
     * @param maxConnectionsPerAddress open connections one client address may hold (trusted proxies have no cap)
     * @param requestHeadSeconds time for a complete request head, from connecting or from the previous answer
     * @param idleSeconds a connection with no traffic for this long is closed
     * @param webSocketsPerSession WebSockets one session (or kiosk link) may hold open
     */
    public record Web(Optional<Tls> tls, List<String> trustedProxies, int maxConnectionsPerAddress,
            int requestHeadSeconds, int idleSeconds, int webSocketsPerSession) {
        public Web {
            trustedProxies = List.copyOf(trustedProxies);
        }

        /** Plain HTTP, no proxies, the default limits (for tests and tools that need a server). */
        public static final Web STANDARD = new Web(Optional.empty(), List.of(), 256, 10, 120, 20);
    }

    /**
     * Several nodes against one database (FIRSTLINE_CLUSTER), joined by Vert.x's clustered event bus (Hazelcast): the
     * node that holds the PBXs' leases follows them; every node serves any person. Off: a single node, as always.
     *
     * @param nodeId this node's name in the cluster, unique among the nodes (FIRSTLINE_NODE_ID; default host:HTTP port)
     * @param host the address the other nodes reach this one on (FIRSTLINE_CLUSTER_HOST)
     * @param port the cluster membership's TCP port (Hazelcast; FIRSTLINE_CLUSTER_PORT)
     * @param busPort the event bus's TCP port (FIRSTLINE_CLUSTER_BUS_PORT)
     * @param members the nodes to join, host:port of their membership port (FIRSTLINE_CLUSTER_MEMBERS)
     * @param name the cluster's name (FIRSTLINE_CLUSTER_NAME); with the secret it keeps other clusters apart
     * @param secret shared by the nodes (FIRSTLINE_CLUSTER_SECRET): a node with another one forms a cluster of its own
     * @param publicHost where the other nodes reach this one when a NAT or port mapping lies between (FIRSTLINE_CLUSTER_PUBLIC_HOST;
     *        default {@code host})
     * @param publicPort the membership's port as the other nodes reach it (FIRSTLINE_CLUSTER_PUBLIC_PORT; default {@code port})
     * @param publicBusPort the event bus's port as the other nodes reach it (FIRSTLINE_CLUSTER_PUBLIC_BUS_PORT; 0: the
     *        port it listens on)
     * @param busTls the event bus over mutual TLS (FIRSTLINE_CLUSTER_TLS_*); empty: plain TCP
     */
    public record Cluster(boolean enabled, String nodeId, String host, int port, int busPort, List<String> members,
            String name, String secret, String publicHost, int publicPort, int publicBusPort, Optional<BusTls> busTls) {
        public static final Cluster OFF = new Cluster(false, "", "", 0, 0, List.of(), "", "", "", 0, 0, Optional.empty());

        /** A node on this machine (tests): membership and event bus on loopback, the given ports. */
        public static Cluster loopback(String nodeId, int port, int busPort, List<Integer> memberPorts, String secret) {
            return new Cluster(true, nodeId, "127.0.0.1", port, busPort,
                    memberPorts.stream().map(p -> "127.0.0.1:" + p).toList(), "firstline", secret, "127.0.0.1", port, 0,
                    Optional.empty());
        }

        @Override
        public String toString() {
            return enabled ? "Cluster[node=" + nodeId + ", host=" + host + ", port=" + port + ", busPort=" + busPort
                    + ", members=" + members + ", name=" + name + ", secret=***"
                    + (publicHost.equals(host) && publicPort == port && publicBusPort == 0 ? ""
                            : ", public=" + publicHost + ":" + publicPort + (publicBusPort == 0 ? "" : "/" + publicBusPort))
                    + (busTls.isPresent() ? ", busTls" : "") + "]" : "Cluster[off]";
        }
    }

    /**
     * The event bus's TLS, both ways: each node shows its certificate and accepts only peers whose certificate the CA
     * file holds (or was signed by a certificate it holds).
     *
     * @param caFile PEM certificates trusted (FIRSTLINE_CLUSTER_TLS_CA_FILE; default the node's own certificate, for one
     *        certificate shared by all nodes)
     */
    public record BusTls(Path certFile, Path keyFile, Path caFile) {
    }

    /** PEM files: the certificate (with its chain) and its private key. */
    public record Tls(Path certFile, Path keyFile) {
    }

    /**
     * The agent desktop's dialplan names and wrap-up rule.
     *
     * @param callbackContext where a call-back Originate sends the caller's number (dialplans: firstline-callback)
     * @param transferContext where a blind transfer sends the caller (dialplans: firstline-transfer)
     * @param queues the queues an agent may join, leave and transfer to
     * @param wrapupPause whether the server pauses an agent when a call ends, until they say they are ready
     * @param callbackClaim how long a click on "call back" keeps everyone else (and further clicks) from
     *        calling the same person, unless its result is recorded sooner
     */
    public record Desk(String callbackContext, String transferContext, List<String> queues, boolean wrapupPause,
            Duration callbackClaim) {
        public Desk {
            queues = List.copyOf(queues);
        }
    }

    /**
     * The wallboard: thresholds for every queue and per queue, and how long a wall screen's kiosk
     * link stays valid.
     */
    public record Board(Thresholds defaults, Map<String, Thresholds> queues, int kioskDays) {
        public Board {
            queues = Map.copyOf(queues);
        }

        /** The thresholds of a queue: its own, else the defaults. */
        public Thresholds forQueue(String queue) {
            return queue == null ? defaults : queues.getOrDefault(normalQueue(queue), defaults);
        }

        /** Queue names as settings match them: lower case, {@code _} and {@code -} the same. */
        public static String normalQueue(String name) {
            return name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * When a queue's tile turns amber or red: callers waiting and longest wait (seconds) at or above
     * the value, service level (percent) below it. {@code serviceLevelSeconds}: answered within it
     * counts as in service.
     */
    public record Thresholds(int serviceLevelSeconds, int waitingAmber, int waitingRed, int longestWaitAmber,
            int longestWaitRed, int serviceLevelAmber, int serviceLevelRed) {
        public static final Thresholds STANDARD = new Thresholds(io.firstline.kpi.Figures.DEFAULT_SERVICE_LEVEL_SECONDS, 3, 6, 60,
                120, 80, 60);
    }

    /**
     * The phone menu's guard against PIN guessing: after {@code pinFailures} wrong PINs from one
     * calling number, or for one ticket, within {@code pinWindow}, no PIN is checked for them until
     * the window has passed, and the caller is sent to a person.
     */
    public record PhoneMenu(int pinFailures, Duration pinWindow) {
    }

    /** A MariaDB server named by FIRSTLINE_DB_URL instead of the embedded one. */
    public record ExternalDb(String url, String user, String password) {
        @Override
        public String toString() {
            return "ExternalDb[url=" + url + ", user=" + user + ", password=***]";
        }
    }

    /** One Asterisk server reached over AMI. */
    public record Pbx(String name, String host, int port, String user, String secret) {
        @Override
        public String toString() {
            return "Pbx[name=" + name + ", host=" + host + ", port=" + port + ", user=" + user + ", secret=***]";
        }
    }

    @Override
    public String toString() {
        return "Settings[http=" + httpHost + ":" + httpPort + ", dataDir=" + dataDir
                + ", db=" + externalDb.map(ExternalDb::toString).orElse("embedded")
                + ", pbxs=" + pbxs + ", agi=" + agiHost + ":" + agiPort
                + ", adminPassword=" + (adminPassword.isPresent() ? "***" : "unset")
                + ", phoneRegion=" + phoneRegion + ", timezone=" + timezone + ", sessionIdle=" + sessionIdle
                + ", metrics=" + metricsEnabled + ", pauseReasons=" + pauseReasons + ", desk=" + desk + ", board=" + board
                + ", phoneMenu=" + phoneMenu + ", web=" + web + ", cluster=" + cluster + "]";
    }
}
