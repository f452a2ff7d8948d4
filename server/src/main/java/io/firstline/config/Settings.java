package io.firstline.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
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
        Desk desk) {

    public Settings {
        pbxs = List.copyOf(pbxs);
        pauseReasons = List.copyOf(pauseReasons);
    }

    /**
     * The agent desktop's dialplan names and wrap-up rule.
     *
     * @param callbackContext where a call-back Originate sends the caller's number (dialplans: firstline-callback)
     * @param transferContext where a blind transfer sends the caller (dialplans: firstline-transfer)
     * @param queues the queues an agent may join, leave and transfer to
     * @param wrapupPause whether the server pauses an agent when a call ends, until they say they are ready
     */
    public record Desk(String callbackContext, String transferContext, List<String> queues, boolean wrapupPause) {
        public Desk {
            queues = List.copyOf(queues);
        }
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
                + ", metrics=" + metricsEnabled + ", pauseReasons=" + pauseReasons + ", desk=" + desk + "]";
    }
}
