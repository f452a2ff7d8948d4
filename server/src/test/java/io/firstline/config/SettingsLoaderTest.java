package io.firstline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("settings from the environment and the config file")
class SettingsLoaderTest {

    @TempDir
    Path dir;

    private static Settings load(Map<String, String> env) {
        return SettingsLoader.load(env, Optional.empty());
    }

    @Test
    @DisplayName("with nothing set, the defaults give an embedded database, port 8080 and no PBX")
    void defaults() {
        Settings s = load(Map.of());
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.httpHost()).isEqualTo("0.0.0.0");
        assertThat(s.externalDb()).isEmpty();
        assertThat(s.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(s.pbxs()).isEmpty();
        assertThat(s.agiPort()).isEqualTo(4573);
        assertThat(s.phoneRegion()).isEqualTo("US");
        assertThat(s.sessionIdle()).isEqualTo(Duration.ofMinutes(120));
        assertThat(s.pauseReasons()).containsExactly("break", "lunch", "training", "back-office");
    }

    @Test
    @DisplayName("FIRSTLINE_DB_URL selects that server, and an empty password is a password")
    void externalDatabase() {
        Settings s = load(Map.of("FIRSTLINE_DB_URL", "jdbc:mariadb://db:3306/firstline", "FIRSTLINE_DB_USER", "fl",
                "FIRSTLINE_DB_PASSWORD", ""));
        assertThat(s.externalDb()).hasValueSatisfying(db -> {
            assertThat(db.url()).isEqualTo("jdbc:mariadb://db:3306/firstline");
            assertThat(db.password()).isEmpty();
        });
    }

    @Test
    @DisplayName("secrets never appear in the settings' text")
    void secretsHidden() {
        Settings s = load(Map.of("FIRSTLINE_DB_URL", "jdbc:mariadb://db/x", "FIRSTLINE_DB_USER", "u",
                "FIRSTLINE_DB_PASSWORD", "db-secret-123", "FIRSTLINE_AMI_HOST", "pbx1", "FIRSTLINE_AMI_USER", "fl",
                "FIRSTLINE_AMI_SECRET", "ami-secret-456", "FIRSTLINE_ADMIN_PASSWORD", "admin-secret-789"));
        assertThat(s.toString()).doesNotContain("db-secret-123", "ami-secret-456", "admin-secret-789");
    }

    @Test
    @DisplayName("a bad value stops start-up with one line naming the setting")
    void badValues() {
        assertBad(Map.of("FIRSTLINE_HTTP_PORT", "eighty"), "FIRSTLINE_HTTP_PORT: 'eighty' is not a whole number");
        assertBad(Map.of("FIRSTLINE_HTTP_PORT", "70000"), "FIRSTLINE_HTTP_PORT: '70000' is out of range");
        assertBad(Map.of("FIRSTLINE_DB_URL", "postgres://x"), "FIRSTLINE_DB_URL: 'postgres://x' is not a MariaDB JDBC URL");
        assertBad(Map.of("FIRSTLINE_DB_URL", "jdbc:mariadb://x/y"), "FIRSTLINE_DB_USER: missing");
        assertBad(Map.of("FIRSTLINE_DB_PASSWORD", "x"), "FIRSTLINE_DB_PASSWORD: set without DB_URL");
        assertBad(Map.of("FIRSTLINE_AMI_HOST", "pbx"), "FIRSTLINE_AMI_USER: missing");
        assertBad(Map.of("FIRSTLINE_AMI_HOST", "pbx", "FIRSTLINE_AMI_USER", "u"), "FIRSTLINE_AMI_SECRET: missing");
        assertBad(Map.of("FIRSTLINE_AMI_SECRET", "s"), "FIRSTLINE_AMI_SECRET: set without AMI_HOST");
        assertBad(Map.of("FIRSTLINE_AMI_HOST", "pbx", "FIRSTLINE_AMI_USER", "u", "FIRSTLINE_AMI_SECRET", "s",
                "FIRSTLINE_AMI_PORT", "0"), "FIRSTLINE_AMI_PORT: 0 is not a port number");
        assertBad(Map.of("FIRSTLINE_HTTP_HOST", "bad host!"), "FIRSTLINE_HTTP_HOST: 'bad host!' is not a host name");
        assertBad(Map.of("FIRSTLINE_PHONE_REGION", "XX"), "FIRSTLINE_PHONE_REGION: 'XX' is not a region code");
        assertBad(Map.of("FIRSTLINE_TIMEZONE", "Mars/Olympus"), "FIRSTLINE_TIMEZONE: 'Mars/Olympus' is not a time zone");
        assertBad(Map.of("FIRSTLINE_METRICS_ENABLED", "maybe"), "FIRSTLINE_METRICS_ENABLED: 'maybe' is not true or false");
        assertBad(Map.of("FIRSTLINE_ADMIN_PASSWORD", "short"), "FIRSTLINE_ADMIN_PASSWORD: too short");
        assertBad(Map.of("FIRSTLINE_PAUSE_REASONS", "break,<script>"), "FIRSTLINE_PAUSE_REASONS: '<script>' is not a reason");
    }

    private static void assertBad(Map<String, String> env, String message) {
        assertThatThrownBy(() -> load(env)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    @DisplayName("the config file gives settings and several PBXs; the environment wins over it")
    void file() throws IOException {
        Path f = dir.resolve("firstline.properties");
        Files.writeString(f, """
                HTTP_PORT = 9090
                TIMEZONE = Europe/Zurich
                PBX.north.HOST = 10.0.0.5
                PBX.north.USER = firstline
                PBX.north.SECRET = s1
                PBX.south.HOST = pbx-south.example
                PBX.south.PORT = 5039
                PBX.south.USER = firstline
                PBX.south.SECRET = s2
                """);
        Settings s = SettingsLoader.load(Map.of("FIRSTLINE_HTTP_PORT", "9191"), Optional.of(f));
        assertThat(s.httpPort()).isEqualTo(9191);
        assertThat(s.timezone()).isEqualTo(ZoneId.of("Europe/Zurich"));
        assertThat(s.pbxs()).extracting(Settings.Pbx::name).containsExactly("north", "south");
        assertThat(s.pbxs().get(1).port()).isEqualTo(5039);
        assertThat(s.pbxs().get(0).port()).isEqualTo(5038);
    }

    @Test
    @DisplayName("an unknown key or an incomplete PBX in the file is named")
    void badFile() throws IOException {
        Path f = dir.resolve("bad.properties");
        Files.writeString(f, "HTTP_PROT=1\n");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(f))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'HTTP_PROT'");
        Files.writeString(f, "PBX.x.HOST=pbx\nPBX.x.USER=u\n");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(f))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PBX.x.SECRET: missing");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(dir.resolve("missing.properties"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be read");
    }

    @Test
    @DisplayName("FIRSTLINE_ variables that are not settings are reported as likely typos; FIRSTLINE_LOG_LEVEL, read by the logging, is not one")
    void typos() {
        Map<String, String> env = new HashMap<>(Map.of("FIRSTLINE_HTTP_PROT", "1", "FIRSTLINE_HTTP_PORT", "1", "PATH", "/bin",
                "FIRSTLINE_LOG_LEVEL", "DEBUG"));
        assertThat(SettingsLoader.unknownEnvironmentSettings(env)).containsExactly("FIRSTLINE_HTTP_PROT");
    }

    @Test
    @DisplayName("wallboard thresholds: defaults, then per queue from the environment or the file; bad ones name the setting")
    void boardThresholds() throws IOException {
        Settings plain = load(Map.of());
        assertThat(plain.board().forQueue("software")).isEqualTo(Settings.Thresholds.STANDARD);
        assertThat(plain.board().defaults().serviceLevelSeconds()).isEqualTo(20);
        assertThat(plain.board().kioskDays()).isEqualTo(30);

        Settings env = load(Map.of("FIRSTLINE_SERVICE_LEVEL_SECONDS", "15", "FIRSTLINE_BOARD_WAITING", "2,4",
                "FIRSTLINE_QUEUE_NETWORK_INTERNET_WAITING", "5,9", "FIRSTLINE_QUEUE_SOFTWARE_SERVICE_LEVEL_SECONDS", "30",
                "FIRSTLINE_QUEUE_SOFTWARE_SERVICE_LEVEL", "90,70"));
        assertThat(env.board().forQueue("hardware").serviceLevelSeconds()).isEqualTo(15);
        assertThat(env.board().forQueue("hardware").waitingAmber()).isEqualTo(2);
        assertThat(env.board().forQueue("network-internet").waitingRed()).isEqualTo(9);
        assertThat(env.board().forQueue("network-internet").serviceLevelSeconds()).isEqualTo(15);
        assertThat(env.board().forQueue("Software").serviceLevelSeconds()).isEqualTo(30);
        assertThat(env.board().forQueue("software").serviceLevelAmber()).isEqualTo(90);
        assertThat(env.board().forQueue("software").waitingAmber()).isEqualTo(2);
        assertThat(SettingsLoader.unknownEnvironmentSettings(Map.of("FIRSTLINE_QUEUE_SOFTWARE_WAITING", "1,2"))).isEmpty();

        Path f = dir.resolve("board.properties");
        Files.writeString(f, "QUEUE.hardware.LONGEST_WAIT=30,90\nBOARD_SERVICE_LEVEL=85,70\n");
        Settings file = SettingsLoader.load(Map.of(), Optional.of(f));
        assertThat(file.board().forQueue("hardware").longestWaitAmber()).isEqualTo(30);
        assertThat(file.board().forQueue("hardware").serviceLevelRed()).isEqualTo(70);

        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_BOARD_WAITING", "6,3")))
                .hasMessageStartingWith("FIRSTLINE_BOARD_WAITING: '6,3' is not AMBER,RED");
        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_BOARD_SERVICE_LEVEL", "60,80")))
                .hasMessageStartingWith("FIRSTLINE_BOARD_SERVICE_LEVEL:");
        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_QUEUE_SOFTWARE_WAITING", "many")))
                .hasMessageStartingWith("FIRSTLINE_QUEUE_SOFTWARE_WAITING:");
        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_SERVICE_LEVEL_SECONDS", "0")))
                .hasMessageStartingWith("FIRSTLINE_SERVICE_LEVEL_SECONDS:");
        Files.writeString(f, "QUEUE.hardware.COLOUR=red\n");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(f))).hasMessageContaining("unknown setting 'QUEUE.hardware.COLOUR'");
    }

    @Test
    @DisplayName("cluster mode is off by default; on, it needs a shared database, this node's address, the members to join and"
            + " a secret, and takes a node id (default host:HTTP port), ports and a name")
    void clusterSettings() throws Exception {
        assertThat(load(Map.of()).cluster()).isEqualTo(Settings.Cluster.OFF);
        Map<String, String> db = Map.of("FIRSTLINE_DB_URL", "jdbc:mariadb://db:3306/firstline", "FIRSTLINE_DB_USER", "fl");
        Map<String, String> on = new java.util.HashMap<>(db);
        on.put("FIRSTLINE_CLUSTER", "true");
        on.put("FIRSTLINE_HTTP_PORT", "8081");
        on.put("FIRSTLINE_CLUSTER_HOST", "10.0.0.2");
        on.put("FIRSTLINE_CLUSTER_MEMBERS", "10.0.0.1, 10.0.0.2:5702 ,fl-3.example");
        on.put("FIRSTLINE_CLUSTER_SECRET", "0123456789abcdef");
        assertThat(load(on).cluster()).isEqualTo(new Settings.Cluster(true,
                java.net.InetAddress.getLocalHost().getHostName() + ":8081", "10.0.0.2", 5701, 5801,
                List.of("10.0.0.1:5701", "10.0.0.2:5702", "fl-3.example:5701"), "firstline", "0123456789abcdef",
                "10.0.0.2", 5701, 0, Optional.empty()));
        on.put("FIRSTLINE_NODE_ID", "fl-2.example:8080");
        on.put("FIRSTLINE_CLUSTER_PORT", "6000");
        on.put("FIRSTLINE_CLUSTER_BUS_PORT", "0");
        on.put("FIRSTLINE_CLUSTER_NAME", "desk-north");
        assertThat(load(on).cluster()).isEqualTo(new Settings.Cluster(true, "fl-2.example:8080", "10.0.0.2", 6000, 0,
                List.of("10.0.0.1:5701", "10.0.0.2:5702", "fl-3.example:5701"), "desk-north", "0123456789abcdef",
                "10.0.0.2", 6000, 0, Optional.empty()));
        assertThat(load(on).cluster().toString()).doesNotContain("0123456789abcdef");
        Map<String, String> mapped = new java.util.HashMap<>(on);
        mapped.put("FIRSTLINE_CLUSTER_PUBLIC_HOST", "fl-2.public.example");
        mapped.put("FIRSTLINE_CLUSTER_PUBLIC_PORT", "15701");
        mapped.put("FIRSTLINE_CLUSTER_PUBLIC_BUS_PORT", "15801");
        assertThat(load(mapped).cluster()).extracting(Settings.Cluster::publicHost, Settings.Cluster::publicPort,
                Settings.Cluster::publicBusPort).as("reached through a port mapping").containsExactly("fl-2.public.example", 15701, 15801);
        assertThat(load(mapped).cluster().toString()).contains("public=fl-2.public.example:15701/15801");

        Map<String, String> bad = new java.util.HashMap<>(on);
        bad.put("FIRSTLINE_NODE_ID", "node 2");
        assertBad(bad, "FIRSTLINE_NODE_ID: 'node 2' is not a node id");
        bad = new java.util.HashMap<>(on);
        bad.put("FIRSTLINE_CLUSTER_HOST", "fl-2.example");
        assertBad(bad, "FIRSTLINE_CLUSTER_HOST: 'fl-2.example' is not an IP address");
        bad.remove("FIRSTLINE_CLUSTER_HOST");
        assertBad(bad, "FIRSTLINE_CLUSTER_HOST: missing");
        bad = new java.util.HashMap<>(on);
        bad.put("FIRSTLINE_CLUSTER_MEMBERS", "10.0.0.1:99999");
        assertBad(bad, "FIRSTLINE_CLUSTER_MEMBERS: '10.0.0.1:99999' is not host or host:port");
        bad.remove("FIRSTLINE_CLUSTER_MEMBERS");
        assertBad(bad, "FIRSTLINE_CLUSTER_MEMBERS: missing");
        bad = new java.util.HashMap<>(on);
        bad.put("FIRSTLINE_CLUSTER_SECRET", "short");
        assertBad(bad, "FIRSTLINE_CLUSTER_SECRET: too short");
        bad.remove("FIRSTLINE_CLUSTER_SECRET");
        assertBad(bad, "FIRSTLINE_CLUSTER_SECRET: missing");
        bad = new java.util.HashMap<>(on);
        bad.put("FIRSTLINE_CLUSTER_BUS_PORT", "6000");
        assertBad(bad, "FIRSTLINE_CLUSTER_BUS_PORT: the HTTP port (8081), CLUSTER_PORT (6000) and CLUSTER_BUS_PORT (6000) must differ");
        bad = new java.util.HashMap<>(on);
        bad.put("FIRSTLINE_CLUSTER_NAME", "desk north");
        assertBad(bad, "FIRSTLINE_CLUSTER_NAME: 'desk north' is not a cluster name");
        Path pem = Files.writeString(dir.resolve("bus.pem"), "-----BEGIN CERTIFICATE-----\n");
        Map<String, String> tls = new java.util.HashMap<>(on);
        tls.put("FIRSTLINE_CLUSTER_TLS_CERT_FILE", pem.toString());
        tls.put("FIRSTLINE_CLUSTER_TLS_KEY_FILE", pem.toString());
        assertThat(load(tls).cluster().busTls()).as("the CA is the certificate itself unless given")
                .contains(new Settings.BusTls(pem, pem, pem));
        bad = new java.util.HashMap<>(tls);
        bad.put("FIRSTLINE_CLUSTER_TLS_CA_FILE", dir.resolve("none.pem").toString());
        assertBad(bad, "FIRSTLINE_CLUSTER_TLS_CA_FILE: '" + dir.resolve("none.pem") + "' is not a readable file");
        bad.remove("FIRSTLINE_CLUSTER_TLS_KEY_FILE");
        assertBad(bad, "FIRSTLINE_CLUSTER_TLS_KEY_FILE: missing; CLUSTER_TLS_CERT_FILE and CLUSTER_TLS_KEY_FILE go together");
        bad = new java.util.HashMap<>(on);
        bad.put("FIRSTLINE_CLUSTER_TLS_CA_FILE", pem.toString());
        assertBad(bad, "FIRSTLINE_CLUSTER_TLS_CA_FILE: set without CLUSTER_TLS_CERT_FILE");
        bad = new java.util.HashMap<>(mapped);
        bad.put("FIRSTLINE_CLUSTER_PUBLIC_PORT", "0");
        assertBad(bad, "FIRSTLINE_CLUSTER_PUBLIC_PORT: 0 is not a port number");
        bad.put("FIRSTLINE_CLUSTER_PUBLIC_HOST", "fl 2");
        assertBad(bad, "FIRSTLINE_CLUSTER_PUBLIC_HOST: 'fl 2' is not a host name or IP address");
        assertBad(Map.of("FIRSTLINE_CLUSTER", "true"), "FIRSTLINE_CLUSTER: true needs DB_URL");
        assertBad(Map.of("FIRSTLINE_CLUSTER", "maybe"), "FIRSTLINE_CLUSTER: 'maybe' is not true or false");
        assertBad(Map.of("FIRSTLINE_CLUSTER_MEMBERS", "10.0.0.1"), "FIRSTLINE_CLUSTER_MEMBERS: set without CLUSTER=true");
        assertBad(Map.of("FIRSTLINE_NODE_ID", "n1"), "FIRSTLINE_NODE_ID: set without CLUSTER=true");
        assertBad(Map.of("FIRSTLINE_CLUSTER_PUBLIC_PORT", "15701"), "FIRSTLINE_CLUSTER_PUBLIC_PORT: set without CLUSTER=true");
    }

    @Test
    @DisplayName("the web server's limits, TLS files and trusted proxies have defaults; bad ones name the setting")
    void webSettings() throws IOException {
        Settings.Web d = load(Map.of()).web();
        assertThat(d.tls()).isEmpty();
        assertThat(d.trustedProxies()).isEmpty();
        assertThat(d.maxConnectionsPerAddress()).isEqualTo(256);
        assertThat(d.requestHeadSeconds()).isEqualTo(10);
        assertThat(d.idleSeconds()).isEqualTo(120);
        assertThat(d.webSocketsPerSession()).isEqualTo(20);

        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        Settings.Web w = load(Map.of("FIRSTLINE_TLS_CERT_FILE", cert.toString(), "FIRSTLINE_TLS_KEY_FILE", key.toString(),
                "FIRSTLINE_TRUSTED_PROXIES", "10.0.0.5, 192.168.0.0/16,::1", "FIRSTLINE_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "50",
                "FIRSTLINE_HTTP_REQUEST_HEAD_SECONDS", "5", "FIRSTLINE_HTTP_IDLE_SECONDS", "30",
                "FIRSTLINE_WEBSOCKETS_PER_SESSION", "4")).web();
        assertThat(w.tls()).hasValue(new Settings.Tls(cert, key));
        assertThat(w.trustedProxies()).containsExactly("10.0.0.5", "192.168.0.0/16", "::1");
        assertThat(w.maxConnectionsPerAddress()).isEqualTo(50);
        assertThat(w.requestHeadSeconds()).isEqualTo(5);
        assertThat(w.idleSeconds()).isEqualTo(30);
        assertThat(w.webSocketsPerSession()).isEqualTo(4);

        assertBad(Map.of("FIRSTLINE_TLS_CERT_FILE", cert.toString()), "FIRSTLINE_TLS_KEY_FILE: missing");
        assertBad(Map.of("FIRSTLINE_TLS_KEY_FILE", key.toString()), "FIRSTLINE_TLS_CERT_FILE: missing");
        assertBad(Map.of("FIRSTLINE_TLS_CERT_FILE", dir.resolve("nothing.pem").toString(), "FIRSTLINE_TLS_KEY_FILE",
                key.toString()), "FIRSTLINE_TLS_CERT_FILE: '" + dir.resolve("nothing.pem") + "' is not a readable file");
        assertBad(Map.of("FIRSTLINE_TRUSTED_PROXIES", "proxy.example.org"),
                "FIRSTLINE_TRUSTED_PROXIES: 'proxy.example.org' is not an IP address");
        assertBad(Map.of("FIRSTLINE_TRUSTED_PROXIES", "10.0.0.0/33"), "FIRSTLINE_TRUSTED_PROXIES: '10.0.0.0/33'");
        assertBad(Map.of("FIRSTLINE_TRUSTED_PROXIES", "300.1.1.1"), "FIRSTLINE_TRUSTED_PROXIES: '300.1.1.1'");
        assertBad(Map.of("FIRSTLINE_HTTP_MAX_CONNECTIONS_PER_ADDRESS", "0"),
                "FIRSTLINE_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' is out of range");
        assertBad(Map.of("FIRSTLINE_HTTP_REQUEST_HEAD_SECONDS", "soon"), "FIRSTLINE_HTTP_REQUEST_HEAD_SECONDS: 'soon'");
        assertBad(Map.of("FIRSTLINE_HTTP_IDLE_SECONDS", "1"), "FIRSTLINE_HTTP_IDLE_SECONDS: '1' is out of range");
        assertBad(Map.of("FIRSTLINE_WEBSOCKETS_PER_SESSION", "0"), "FIRSTLINE_WEBSOCKETS_PER_SESSION: '0' is out of range");
    }
}
