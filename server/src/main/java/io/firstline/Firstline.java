package io.firstline;

import io.firstline.auth.Accounts;
import io.firstline.config.ConfigException;
import io.firstline.config.Settings;
import io.firstline.config.SettingsLoader;
import io.firstline.phone.PhoneNumbers;
import io.firstline.store.AgentStore;
import io.firstline.store.CallStore;
import io.firstline.store.CallerStore;
import io.firstline.store.Database;
import io.firstline.store.EmbeddedMariaDb;
import io.firstline.store.KbStore;
import io.firstline.store.OutcomeStore;
import io.firstline.store.SessionStore;
import io.firstline.store.StoreException;
import io.firstline.store.TicketStore;
import io.firstline.web.WebVerticle;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Firstline's entry point: reads the settings, opens the problems database (embedded MariaDB when
 * none is configured), and starts the HTTP server. {@link #start} is also what tests call.
 */
public final class Firstline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Firstline.class);

    private final Vertx vertx;
    private final Database db;
    private final WebVerticle web;

    private Firstline(Vertx vertx, Database db, WebVerticle web) {
        this.vertx = vertx;
        this.db = db;
        this.web = web;
    }

    public static void main(String[] args) {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("firstline: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        Settings settings;
        try {
            settings = SettingsLoader.load(System.getenv(), options.config());
        } catch (ConfigException e) {
            System.err.println("firstline: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        for (String unknown : SettingsLoader.unknownEnvironmentSettings(System.getenv())) {
            log.warn("{} is not a Firstline setting and is ignored (a typo?)", unknown);
        }
        try {
            Firstline app = start(settings, options.demo());
            Runtime.getRuntime().addShutdownHook(new Thread(app::close, "firstline-shutdown"));
        } catch (StoreException | ConfigException e) {
            System.err.println("firstline: cannot start: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Starts everything and returns once the HTTP server listens. Blocking. */
    public static Firstline start(Settings settings, boolean demo) {
        Vertx vertx = Vertx.vertx();
        Database db = null;
        try {
            db = openDatabase(vertx, settings);
            AgentStore agents = new AgentStore(db);
            CallerStore callers = new CallerStore(db);
            TicketStore tickets = new TicketStore(db);
            KbStore kb = new KbStore(db);
            Accounts accounts = new Accounts(vertx, agents, new SessionStore(db), settings.sessionIdle());
            Optional<String> generated = await(accounts.ensureAdmin(settings.adminPassword()));
            generated.ifPresent(p -> System.out.println("""

                    ================================================================
                     Firstline created the administrator account.
                       username: admin
                       password: %s
                     It is shown this once. Sign in and change it, or set
                     FIRSTLINE_ADMIN_PASSWORD before the first start.
                    ================================================================
                    """.formatted(p)));
            PhoneNumbers phones = new PhoneNumbers(settings.phoneRegion());
            WebVerticle web = new WebVerticle(settings.httpHost(), settings.httpPort(),
                    new WebVerticle.Services(db, agents, callers, tickets, kb, new CallStore(db, phones),
                            new OutcomeStore(db, phones), accounts, phones, List::of));
            await(vertx.deployVerticle(web));
            vertx.setPeriodic(TimeUnit.MINUTES.toMillis(10), id -> accounts.purgeIdleSessions());
            log.info("Firstline is ready on http://{}:{}{}", displayHost(settings.httpHost()), web.actualPort(),
                    settings.pbxs().isEmpty() ? " (no PBX configured: set FIRSTLINE_AMI_HOST to connect to Asterisk)" : "");
            return new Firstline(vertx, db, web);
        } catch (RuntimeException | Error e) {
            if (db != null) {
                db.close();
            }
            await(vertx.close());
            throw e;
        }
    }

    private static Database openDatabase(Vertx vertx, Settings settings) {
        if (settings.externalDb().isPresent()) {
            Settings.ExternalDb x = settings.externalDb().get();
            return Database.open(vertx, x.url(), x.user(), x.password(), settings.dbPoolSize(), Optional.empty());
        }
        EmbeddedMariaDb embedded = EmbeddedMariaDb.start(settings.dataDir(), settings.embeddedDbPort());
        try {
            return Database.open(vertx, embedded.jdbcUrl(), embedded.user(), embedded.password(), settings.dbPoolSize(),
                    Optional.of(embedded));
        } catch (RuntimeException | Error e) {
            embedded.close();
            throw e;
        }
    }

    public int httpPort() {
        return web.actualPort();
    }

    /** Stops the HTTP server, then the database (and the embedded MariaDB, waiting for it). */
    @Override
    public void close() {
        try {
            await(vertx.close());
        } catch (RuntimeException e) {
            log.warn("Stopping Vert.x: {}", e.getMessage());
        }
        db.close();
        log.info("Firstline stopped");
    }

    static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out", e);
        }
    }

    private static String displayHost(String host) {
        return host.equals("0.0.0.0") ? "localhost" : host;
    }

    /** The command line. */
    record Options(Optional<Path> config, boolean demo, boolean help) {

        static final String USAGE = """
                usage: java -jar firstline.jar [--config FILE] [--demo]
                  --config FILE   settings file (KEY=VALUE lines, e.g. HTTP_PORT=8080); FIRSTLINE_* variables win
                  --demo          add demo data and a simulated PBX, so that calls arrive at once
                  --help          this text""";

        static Options parse(String[] args) {
            Optional<Path> config = Optional.empty();
            boolean demo = false;
            boolean help = false;
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String a = rest.remove(0);
                switch (a) {
                    case "--config" -> {
                        if (rest.isEmpty()) {
                            throw new IllegalArgumentException("--config needs a file name");
                        }
                        config = Optional.of(Path.of(rest.remove(0)));
                    }
                    case "--demo" -> demo = true;
                    case "--help", "-h" -> help = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            return new Options(config, demo, help);
        }
    }
}
