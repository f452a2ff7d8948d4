package io.firstline.config;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads settings from the environment ({@code FIRSTLINE_…}) and an optional properties file.
 *
 * <p>The file uses the same names without the prefix ({@code HTTP_PORT=8080}); the environment
 * wins over the file. Several Asterisk servers are named in the file as
 * {@code PBX.<name>.HOST}, {@code PBX.<name>.PORT}, {@code PBX.<name>.USER}, {@code PBX.<name>.SECRET}.
 */
public final class SettingsLoader {

    public static final String ENV_PREFIX = "FIRSTLINE_";

    private static final Set<String> KEYS = Set.of(
            "HTTP_HOST", "HTTP_PORT", "DATA_DIR", "DB_URL", "DB_USER", "DB_PASSWORD", "DB_POOL_SIZE",
            "EMBEDDED_DB_PORT", "AMI_NAME", "AMI_HOST", "AMI_PORT", "AMI_USER", "AMI_SECRET", "AGI_HOST", "AGI_PORT",
            "ADMIN_PASSWORD", "PHONE_REGION", "TIMEZONE", "SESSION_IDLE_MINUTES", "METRICS_ENABLED", "PAUSE_REASONS",
            "SERVICE_LEVEL_SECONDS", "BOARD_WAITING", "BOARD_LONGEST_WAIT", "BOARD_SERVICE_LEVEL", "KIOSK_DAYS",
            "CALLBACK_CONTEXT", "TRANSFER_CONTEXT", "DESK_QUEUES", "WRAPUP_PAUSE", "CALLBACK_CLAIM_MINUTES",
            "PIN_FAILURES", "PIN_LOCK_MINUTES", "TLS_CERT_FILE", "TLS_KEY_FILE", "TRUSTED_PROXIES",
            "HTTP_MAX_CONNECTIONS_PER_ADDRESS", "HTTP_REQUEST_HEAD_SECONDS", "HTTP_IDLE_SECONDS", "WEBSOCKETS_PER_SESSION",
            "CLUSTER", "NODE_ID", "CLUSTER_HOST", "CLUSTER_PORT", "CLUSTER_BUS_PORT", "CLUSTER_MEMBERS", "CLUSTER_NAME",
            "CLUSTER_SECRET", "CLUSTER_PUBLIC_HOST", "CLUSTER_PUBLIC_PORT", "CLUSTER_PUBLIC_BUS_PORT", "CLUSTER_TLS_CERT_FILE",
            "CLUSTER_TLS_KEY_FILE", "CLUSTER_TLS_CA_FILE");
    /** A queue's own wallboard thresholds: {@code QUEUE.<name>.WAITING} in the file. */
    private static final Pattern QUEUE_KEY = Pattern.compile(
            "QUEUE\\.([A-Za-z0-9_-]{1,64})\\.(SERVICE_LEVEL_SECONDS|WAITING|LONGEST_WAIT|SERVICE_LEVEL)");
    /** The same in the environment: {@code FIRSTLINE_QUEUE_<NAME>_WAITING} ({@code _} stands for {@code -} too). */
    private static final Pattern QUEUE_ENV = Pattern.compile(
            "QUEUE_([A-Z0-9_]{1,64})_(SERVICE_LEVEL_SECONDS|WAITING|LONGEST_WAIT|SERVICE_LEVEL)");
    private static final Pattern PBX_KEY = Pattern.compile("PBX\\.([A-Za-z0-9_-]{1,32})\\.(HOST|PORT|USER|SECRET)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,60}");
    /** A member: host (a name, an IPv4 address, or an IPv6 one in brackets) and an optional port. */
    private static final Pattern MEMBER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]]+)(?::(\\d{1,5}))?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]%]{1,253}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final Map<String, String> values;
    private final Map<String, String> origin;

    private SettingsLoader(Map<String, String> values, Map<String, String> origin) {
        this.values = values;
        this.origin = origin;
    }

    /** Settings from this process's environment and, when given, the file. */
    public static Settings load(Map<String, String> env, Optional<Path> file) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> origin = new HashMap<>();
        if (file.isPresent()) {
            readFile(file.get(), values, origin);
        }
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX)) {
                String key = k.substring(ENV_PREFIX.length());
                Matcher q = QUEUE_ENV.matcher(key);
                if (KEYS.contains(key)) {
                    values.put(key, v);
                    origin.put(key, k);
                } else if (q.matches()) {
                    String fileKey = "QUEUE." + Settings.Board.normalQueue(q.group(1)) + "." + q.group(2);
                    values.put(fileKey, v);
                    origin.put(fileKey, k);
                }
            }
        });
        return new SettingsLoader(values, origin).parse();
    }

    /** Environment variables that look like settings but are not: most likely typos. */
    public static List<String> unknownEnvironmentSettings(Map<String, String> env) {
        return env.keySet().stream()
                .filter(k -> k.startsWith(ENV_PREFIX))
                .filter(k -> !KEYS.contains(k.substring(ENV_PREFIX.length())))
                .filter(k -> !QUEUE_ENV.matcher(k.substring(ENV_PREFIX.length())).matches())
                .filter(k -> !k.startsWith(ENV_PREFIX + "TEST_"))
                .filter(k -> !k.equals(ENV_PREFIX + "LOG_LEVEL")) // read by the logging (logback.xml), not a setting here
                .sorted()
                .toList();
    }

    private static void readFile(Path file, Map<String, String> values, Map<String, String> origin) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("--config " + file + ": cannot be read (" + e.getMessage() + ")");
        }
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (!KEYS.contains(key) && !PBX_KEY.matcher(key).matches() && !QUEUE_KEY.matcher(key).matches()) {
                throw new ConfigException(file + ": unknown setting '" + key + "' (known: " + new TreeSet<>(KEYS)
                        + ", PBX.<name>.HOST/PORT/USER/SECRET and QUEUE.<name>.SERVICE_LEVEL_SECONDS/WAITING/LONGEST_WAIT/SERVICE_LEVEL)");
            }
            Matcher q = QUEUE_KEY.matcher(key);
            String stored = q.matches() ? "QUEUE." + Settings.Board.normalQueue(q.group(1)) + "." + q.group(2) : key;
            values.put(stored, p.getProperty(key).strip());
            origin.put(stored, file + ": " + key);
        }
    }

    private Settings parse() {
        String httpHost = host("HTTP_HOST", "0.0.0.0");
        int httpPort = port("HTTP_PORT", 8080, true);
        Path dataDir = Path.of(text("DATA_DIR").orElse("./data")).toAbsolutePath().normalize();

        Optional<Settings.ExternalDb> externalDb = Optional.empty();
        Optional<String> dbUrl = text("DB_URL");
        if (dbUrl.isPresent()) {
            String url = dbUrl.get();
            if (!url.startsWith("jdbc:mariadb://") && !url.startsWith("jdbc:mysql://")) {
                throw bad("DB_URL", "'" + url + "' is not a MariaDB JDBC URL (jdbc:mariadb://HOST:PORT/DATABASE)");
            }
            String user = text("DB_USER").orElseThrow(() -> bad("DB_USER", "missing; it is required with DB_URL"));
            // An empty password is a valid password: only an absent one defaults to empty.
            String password = values.getOrDefault("DB_PASSWORD", "");
            externalDb = Optional.of(new Settings.ExternalDb(url, user, password));
        } else {
            for (String k : List.of("DB_USER", "DB_PASSWORD")) {
                if (text(k).isPresent()) {
                    throw bad(k, "set without DB_URL; set DB_URL too, or neither to use the embedded MariaDB");
                }
            }
        }
        int embeddedDbPort = port("EMBEDDED_DB_PORT", 0, false);
        int poolSize = integer("DB_POOL_SIZE", 10, 1, 200);

        List<Settings.Pbx> pbxs = pbxs();
        String agiHost = host("AGI_HOST", "127.0.0.1");
        int agiPort = port("AGI_PORT", 4573, true);
        Optional<String> adminPassword = Optional.ofNullable(values.get("ADMIN_PASSWORD")).filter(s -> !s.isEmpty());
        if (adminPassword.isPresent() && adminPassword.get().length() < 8) {
            throw bad("ADMIN_PASSWORD", "too short; use at least 8 characters");
        }
        String region = text("PHONE_REGION").orElse("US").toUpperCase();
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(region)) {
            throw bad("PHONE_REGION", "'" + region + "' is not a region code like US, GB or DE");
        }
        ZoneId zone;
        try {
            zone = text("TIMEZONE").map(ZoneId::of).orElse(ZoneId.systemDefault());
        } catch (DateTimeException e) {
            throw bad("TIMEZONE", "'" + values.get("TIMEZONE") + "' is not a time zone like Europe/Zurich or UTC");
        }
        Duration idle = Duration.ofMinutes(integer("SESSION_IDLE_MINUTES", 120, 1, 7 * 24 * 60));
        boolean metrics = bool("METRICS_ENABLED", true);
        List<String> reasons = rule("PAUSE_REASONS", () -> RunTimeRules.pauseReasons(
                Arrays.asList(text("PAUSE_REASONS").orElse("break,lunch,training,back-office").split(","))));
        return new Settings(httpHost, httpPort, dataDir, externalDb, embeddedDbPort, poolSize, pbxs, agiHost, agiPort,
                adminPassword, region, zone, idle, metrics, reasons, desk(), board(),
                new Settings.PhoneMenu(integer("PIN_FAILURES", 5, 1, 100),
                        Duration.ofMinutes(integer("PIN_LOCK_MINUTES", 15, 1, 7 * 24 * 60))), web(), cluster(httpPort, externalDb.isPresent()), runTimeGiven());
    }

    private Settings.Cluster cluster(int httpPort, boolean sharedDb) {
        boolean enabled = bool("CLUSTER", false);
        Optional<String> given = text("NODE_ID");
        if (!enabled) {
            for (String k : List.of("NODE_ID", "CLUSTER_HOST", "CLUSTER_PORT", "CLUSTER_BUS_PORT", "CLUSTER_MEMBERS",
                    "CLUSTER_NAME", "CLUSTER_SECRET", "CLUSTER_PUBLIC_HOST", "CLUSTER_PUBLIC_PORT", "CLUSTER_PUBLIC_BUS_PORT",
                    "CLUSTER_TLS_CERT_FILE", "CLUSTER_TLS_KEY_FILE", "CLUSTER_TLS_CA_FILE")) {
                if (text(k).isPresent()) {
                    throw bad(k, "set without CLUSTER=true; a single node needs no cluster settings");
                }
            }
            return Settings.Cluster.OFF;
        }
        if (!sharedDb) {
            // Each node's embedded MariaDB would make each node the owner of every PBX.
            throw bad("CLUSTER", "true needs DB_URL: the nodes of a cluster share one MariaDB, not an embedded one each");
        }
        String id = given.orElseGet(() -> localHostName() + ":" + httpPort);
        if (!NODE_ID.matcher(id).matches()) {
            throw bad("NODE_ID", "'" + id + "' is not a node id (1-100 letters, digits and . _ : @ -)"
                    + (given.isEmpty() ? "; set FIRSTLINE_NODE_ID" : ""));
        }
        String host = text("CLUSTER_HOST").orElseThrow(() -> bad("CLUSTER_HOST",
                "missing; it is required with CLUSTER=true: the IP address the other nodes reach this one on"));
        if (!IPV4.matcher(host).matches() && !IPV6.matcher(host).matches()) {
            throw bad("CLUSTER_HOST", "'" + host + "' is not an IP address (the nodes' membership binds to it)");
        }
        int port = port("CLUSTER_PORT", 5701, false);
        int busPort = port("CLUSTER_BUS_PORT", 5801, true); // 0: any free port (the nodes tell each other which)
        if (port == busPort || port == httpPort || busPort != 0 && busPort == httpPort) {
            throw bad("CLUSTER_BUS_PORT", "the HTTP port (" + httpPort + "), CLUSTER_PORT (" + port
                    + ") and CLUSTER_BUS_PORT (" + busPort + ") must differ");
        }
        List<String> members = new ArrayList<>();
        for (String m : text("CLUSTER_MEMBERS").orElseThrow(() -> bad("CLUSTER_MEMBERS", "missing; it is required with"
                + " CLUSTER=true: the nodes to join, as host:port of their CLUSTER_PORT, comma-separated (this node may be"
                + " among them)")).split(",")) {
            String member = m.strip();
            java.util.regex.Matcher hp = MEMBER.matcher(member);
            if (!hp.matches() || !HOST.matcher(hp.group(1)).matches()
                    || hp.group(2) != null && (Integer.parseInt(hp.group(2)) < 1 || Integer.parseInt(hp.group(2)) > 65535)) {
                throw bad("CLUSTER_MEMBERS", "'" + member + "' is not host or host:port (port 1-65535)");
            }
            members.add(hp.group(2) == null ? member + ":5701" : member);
        }
        String name = text("CLUSTER_NAME").orElse("firstline");
        if (!CLUSTER_NAME.matcher(name).matches()) {
            throw bad("CLUSTER_NAME", "'" + name + "' is not a cluster name (1-60 letters, digits and . _ -)");
        }
        String secret = Optional.ofNullable(values.get("CLUSTER_SECRET")).orElseThrow(() -> bad("CLUSTER_SECRET",
                "missing; it is required with CLUSTER=true: the same secret (16 characters or more) on every node"));
        if (secret.length() < 16) {
            throw bad("CLUSTER_SECRET", "too short; use at least 16 characters, the same on every node");
        }
        // Behind a NAT or a port mapping the other nodes reach this one elsewhere than where it listens.
        String publicHost = text("CLUSTER_PUBLIC_HOST").orElse(host);
        if (!HOST.matcher(publicHost).matches()) {
            throw bad("CLUSTER_PUBLIC_HOST", "'" + publicHost + "' is not a host name or IP address");
        }
        int publicPort = port("CLUSTER_PUBLIC_PORT", port, false);
        int publicBusPort = port("CLUSTER_PUBLIC_BUS_PORT", 0, true);
        Optional<String> cert = text("CLUSTER_TLS_CERT_FILE");
        Optional<String> key = text("CLUSTER_TLS_KEY_FILE");
        if (cert.isPresent() != key.isPresent()) {
            String missing = cert.isPresent() ? "CLUSTER_TLS_KEY_FILE" : "CLUSTER_TLS_CERT_FILE";
            throw bad(missing, "missing; CLUSTER_TLS_CERT_FILE and CLUSTER_TLS_KEY_FILE go together (PEM files)");
        }
        if (cert.isEmpty() && text("CLUSTER_TLS_CA_FILE").isPresent()) {
            throw bad("CLUSTER_TLS_CA_FILE", "set without CLUSTER_TLS_CERT_FILE and CLUSTER_TLS_KEY_FILE");
        }
        Optional<Settings.BusTls> busTls = cert.map(c -> {
            Path certFile = readableFile("CLUSTER_TLS_CERT_FILE", c);
            return new Settings.BusTls(certFile, readableFile("CLUSTER_TLS_KEY_FILE", key.get()),
                    text("CLUSTER_TLS_CA_FILE").map(ca -> readableFile("CLUSTER_TLS_CA_FILE", ca)).orElse(certFile));
        });
        return new Settings.Cluster(true, id, host, port, busPort, List.copyOf(members), name, secret, publicHost,
                publicPort, publicBusPort, busTls);
    }

    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** Where each run-time setting was given (environment variable or file), for the start's comparison with the database. */
    private Map<String, String> runTimeGiven() {
        Map<String, String> given = new java.util.TreeMap<>();
        for (String key : values.keySet()) {
            boolean runTime = List.of("PAUSE_REASONS", "DESK_QUEUES", "SERVICE_LEVEL_SECONDS", "BOARD_WAITING",
                    "BOARD_LONGEST_WAIT", "BOARD_SERVICE_LEVEL").contains(key) || QUEUE_KEY.matcher(key).matches();
            if (runTime && text(key).isPresent()) {
                given.put(key, origin.getOrDefault(key, ENV_PREFIX + key));
            }
        }
        return given;
    }

    private <T> T rule(String key, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (RunTimeRules.Broken e) {
            throw bad(key, e.getMessage());
        }
    }

    /** TLS, trusted proxies and the web server's limits. */
    private Settings.Web web() {
        Optional<String> cert = text("TLS_CERT_FILE");
        Optional<String> key = text("TLS_KEY_FILE");
        Optional<Settings.Tls> tls = Optional.empty();
        if (cert.isPresent() != key.isPresent()) {
            String missing = cert.isPresent() ? "TLS_KEY_FILE" : "TLS_CERT_FILE";
            throw bad(missing, "missing; TLS_CERT_FILE and TLS_KEY_FILE go together (PEM files)");
        }
        if (cert.isPresent()) {
            tls = Optional.of(new Settings.Tls(readableFile("TLS_CERT_FILE", cert.get()), readableFile("TLS_KEY_FILE", key.get())));
        }
        List<String> proxies = Arrays.stream(text("TRUSTED_PROXIES").orElse("").split(","))
                .map(String::strip).filter(p -> !p.isEmpty()).distinct().toList();
        for (String p : proxies) {
            if (!addressOrRange(p)) {
                throw bad("TRUSTED_PROXIES", "'" + p + "' is not an IP address or range like 10.0.0.5, 10.0.0.0/24 or ::1");
            }
        }
        Settings.Web d = Settings.Web.STANDARD;
        return new Settings.Web(tls, proxies,
                integer("HTTP_MAX_CONNECTIONS_PER_ADDRESS", d.maxConnectionsPerAddress(), 1, 1_000_000),
                integer("HTTP_REQUEST_HEAD_SECONDS", d.requestHeadSeconds(), 1, 600),
                integer("HTTP_IDLE_SECONDS", d.idleSeconds(), 5, 86_400),
                integer("WEBSOCKETS_PER_SESSION", d.webSocketsPerSession(), 1, 10_000));
    }

    private Path readableFile(String key, String name) {
        Path p = Path.of(name).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw bad(key, "'" + p + "' is not a readable file");
        }
        return p;
    }

    /** An IP address literal, or one with a prefix length ({@code 10.0.0.0/8}); never looked up in DNS. */
    static boolean addressOrRange(String s) {
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = java.net.InetAddress.getByName(address).getAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
        if (slash < 0) {
            return true;
        }
        try {
            int prefix = Integer.parseInt(s.substring(slash + 1));
            return prefix >= 0 && prefix <= bytes.length * 8;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The wallboard's thresholds: defaults for every queue, then each queue's own. */
    private Settings.Board board() {
        Settings.Thresholds defaults = thresholds("SERVICE_LEVEL_SECONDS", "BOARD_WAITING", "BOARD_LONGEST_WAIT",
                "BOARD_SERVICE_LEVEL", Settings.Thresholds.STANDARD);
        Map<String, Settings.Thresholds> queues = new LinkedHashMap<>();
        for (String key : new TreeSet<>(values.keySet())) {
            Matcher m = QUEUE_KEY.matcher(key);
            if (m.matches() && !queues.containsKey(m.group(1))) {
                String q = "QUEUE." + m.group(1) + ".";
                queues.put(m.group(1), thresholds(q + "SERVICE_LEVEL_SECONDS", q + "WAITING", q + "LONGEST_WAIT",
                        q + "SERVICE_LEVEL", defaults));
            }
        }
        return new Settings.Board(defaults, queues, integer("KIOSK_DAYS", 30, 1, 366));
    }

    private Settings.Thresholds thresholds(String slSeconds, String waiting, String longest, String level,
            Settings.Thresholds fallback) {
        int[] w = pair(waiting, fallback.waitingAmber(), fallback.waitingRed(), 0, RunTimeRules.WAITING_MAX, true);
        int[] l = pair(longest, fallback.longestWaitAmber(), fallback.longestWaitRed(), 0, RunTimeRules.LONGEST_WAIT_MAX, true);
        int[] sl = pair(level, fallback.serviceLevelAmber(), fallback.serviceLevelRed(), 0, 100, false);
        return new Settings.Thresholds(integer(slSeconds, fallback.serviceLevelSeconds(), RunTimeRules.SL_SECONDS_MIN,
                RunTimeRules.SL_SECONDS_MAX), w[0], w[1], l[0], l[1], sl[0], sl[1]);
    }

    /** "AMBER,RED": amber before red, rising (counts, seconds) or falling (percentages). */
    private int[] pair(String key, int amber, int red, int min, int max, boolean rising) {
        Optional<String> v = text(key);
        if (v.isEmpty()) {
            return new int[] {amber, red};
        }
        String[] parts = v.get().split(",");
        String shape = rising ? "AMBER,RED with AMBER <= RED, e.g. 3,6" : "AMBER,RED with AMBER >= RED, e.g. 80,60";
        if (parts.length != 2) {
            throw bad(key, "'" + v.get() + "' is not " + shape);
        }
        try {
            int a = Integer.parseInt(parts[0].strip());
            int r = Integer.parseInt(parts[1].strip());
            if (!RunTimeRules.pairInOrder(a, r, min, max, rising)) {
                throw bad(key, "'" + v.get() + "' is not " + shape + " (" + min + "-" + max + ")");
            }
            return new int[] {a, r};
        } catch (NumberFormatException e) {
            throw bad(key, "'" + v.get() + "' is not " + shape);
        }
    }

    private Settings.Desk desk() {
        String callback = dialplanName("CALLBACK_CONTEXT", "firstline-callback");
        String transfer = dialplanName("TRANSFER_CONTEXT", "firstline-transfer");
        List<String> queues = rule("DESK_QUEUES", () -> RunTimeRules.deskQueues(
                Arrays.asList(text("DESK_QUEUES").orElse("helpdesk,hardware,software,network").split(","))));
        return new Settings.Desk(callback, transfer, queues, bool("WRAPUP_PAUSE", false),
                Duration.ofMinutes(integer("CALLBACK_CLAIM_MINUTES", 10, 1, 24 * 60)));
    }

    private String dialplanName(String key, String fallback) {
        String v = text(key).orElse(fallback);
        if (!v.matches("[A-Za-z0-9_-]{1,80}")) {
            throw bad(key, "'" + v + "' is not a dialplan context name (letters, digits, _ and -, up to 80)");
        }
        return v;
    }

    private List<Settings.Pbx> pbxs() {
        List<Settings.Pbx> result = new ArrayList<>();
        if (text("AMI_HOST").isPresent()) {
            String name = text("AMI_NAME").orElse("pbx");
            if (!NAME.matcher(name).matches()) {
                throw bad("AMI_NAME", "'" + name + "' is not a name (letters, digits, - and _, up to 32)");
            }
            result.add(new Settings.Pbx(name, host("AMI_HOST", null), port("AMI_PORT", 5038, false),
                    text("AMI_USER").orElseThrow(() -> bad("AMI_USER", "missing; it is required with AMI_HOST")),
                    Optional.ofNullable(values.get("AMI_SECRET")).orElseThrow(
                            () -> bad("AMI_SECRET", "missing; it is required with AMI_HOST"))));
        } else {
            for (String k : List.of("AMI_USER", "AMI_SECRET", "AMI_PORT", "AMI_NAME")) {
                if (text(k).isPresent()) {
                    throw bad(k, "set without AMI_HOST; set AMI_HOST too");
                }
            }
        }
        Map<String, Map<String, String>> named = new LinkedHashMap<>();
        for (String key : new TreeSet<>(values.keySet())) {
            Matcher m = PBX_KEY.matcher(key);
            if (m.matches()) {
                named.computeIfAbsent(m.group(1), n -> new HashMap<>()).put(m.group(2), key);
            }
        }
        for (var e : named.entrySet()) {
            String name = e.getKey();
            Map<String, String> keys = e.getValue();
            for (String part : List.of("HOST", "USER", "SECRET")) {
                if (!keys.containsKey(part)) {
                    throw new ConfigException("PBX." + name + "." + part + ": missing; every PBX needs HOST, USER and SECRET");
                }
            }
            if (result.stream().anyMatch(p -> p.name().equals(name))) {
                throw new ConfigException("PBX." + name + ": the name is used twice (AMI_NAME is '" + name + "' too)");
            }
            result.add(new Settings.Pbx(name, host(keys.get("HOST"), null),
                    keys.containsKey("PORT") ? port(keys.get("PORT"), 5038, false) : 5038,
                    text(keys.get("USER")).orElseThrow(() -> bad(keys.get("USER"), "empty")),
                    values.get(keys.get("SECRET"))));
        }
        return result;
    }

    private Optional<String> text(String key) {
        return Optional.ofNullable(values.get(key)).map(String::strip).filter(s -> !s.isEmpty());
    }

    private String host(String key, String fallback) {
        String h = text(key).orElse(fallback);
        if (h == null) {
            throw bad(key, "missing");
        }
        if (!HOST.matcher(h).matches()) {
            throw bad(key, "'" + h + "' is not a host name or IP address");
        }
        return h;
    }

    private int port(String key, int fallback, boolean zeroAllowed) {
        int p = integer(key, fallback, 0, 65535);
        if (p == 0 && !zeroAllowed && values.containsKey(key) && fallback != 0) {
            throw bad(key, "0 is not a port number (1-65535)");
        }
        return p;
    }

    private int integer(String key, int fallback, int min, int max) {
        Optional<String> v = text(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n < min || n > max) {
                throw bad(key, "'" + v.get() + "' is out of range (" + min + "-" + max + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(key, "'" + v.get() + "' is not a whole number (" + min + "-" + max + ")");
        }
    }

    private boolean bool(String key, boolean fallback) {
        Optional<String> v = text(key);
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.get().toLowerCase()) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw bad(key, "'" + v.get() + "' is not true or false");
        };
    }

    private ConfigException bad(String key, String what) {
        String where = origin.getOrDefault(key, key.contains(".") ? key : ENV_PREFIX + key);
        return new ConfigException(where + ": " + what);
    }
}
