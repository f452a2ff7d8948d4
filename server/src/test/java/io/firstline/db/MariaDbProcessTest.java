package io.firstline.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a leftover mariadbd is told apart from every other process")
class MariaDbProcessTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("only mariadbd with exactly our --datadir counts as ours")
    void onlyOurDataDirectory() throws Exception {
        Path data = Files.createDirectories(dir.resolve("mariadb").resolve("data"));
        String ours = "--datadir=" + data.toFile().getCanonicalPath();
        assertThat(MariaDbProcess.serves(List.of("/x/base/bin/mariadbd", "--no-defaults", ours, "--port=3307"), data)).isTrue();
        assertThat(MariaDbProcess.serves(List.of("/x/base/bin/mariadbd", ours + "2"), data)).as("another data directory").isFalse();
        assertThat(MariaDbProcess.serves(List.of("/x/base/bin/mariadbd", "--datadir=/var/lib/mysql"), data)).isFalse();
        assertThat(MariaDbProcess.serves(List.of("/usr/sbin/mariadbd"), data)).as("no --datadir").isFalse();
        assertThat(MariaDbProcess.serves(List.of("/bin/sh", "-c", "mariadbd " + ours), data)).as("another program").isFalse();
        assertThat(MariaDbProcess.serves(List.of("/x/bin/mariadbd-safe", ours), data)).isFalse();
        assertThat(MariaDbProcess.serves(List.of(), data)).as("a zombie's empty command line").isFalse();
    }

    @Test
    @DisplayName("a pid file naming another program leaves it alone and is removed; one naming no process is removed")
    void stalePidFiles() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Process standIn = new ProcessBuilder("sleep", "600").start();
        try {
            Process ended = new ProcessBuilder("true").start();
            assertThat(ended.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Path other = Files.writeString(dir.resolve("other.pid"), standIn.pid() + "\n");
            Path gone = Files.writeString(dir.resolve("gone.pid"), ended.pid() + "\n");
            Path garbage = Files.writeString(dir.resolve("garbage.pid"), "not a pid");

            assertThat(MariaDbProcess.of(standIn.pid(), data)).isEmpty();
            MariaDbProcess.stopLeftovers(List.of(other, gone, garbage, dir.resolve("missing.pid")), data);

            assertThat(standIn.isAlive()).isTrue();
            assertThat(other).doesNotExist();
            assertThat(gone).doesNotExist();
            assertThat(garbage).doesNotExist();
        } finally {
            standIn.destroyForcibly();
        }
    }

    @Test
    @DisplayName("a process is known by its pid and start time: once it has ended it no longer runs")
    void startTimeNamesOneProcess() throws Exception {
        Process p = new ProcessBuilder("sleep", "600").start();
        String started = MariaDbProcess.startTime(p.pid()).orElseThrow();
        MariaDbProcess same = new MariaDbProcess(p.pid(), started);
        assertThat(same.running()).isTrue();
        assertThat(new MariaDbProcess(p.pid(), started + "1").running()).as("another start, same pid").isFalse();
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(same.running()).isFalse();
    }
}
