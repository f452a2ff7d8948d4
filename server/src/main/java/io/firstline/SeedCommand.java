package io.firstline;

import io.firstline.config.ConfigException;
import io.firstline.config.Settings;
import io.firstline.config.SettingsLoader;
import io.firstline.db.Database;
import io.firstline.db.StoreException;
import io.firstline.demo.Seeder;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code java -jar firstline.jar seed}: loads synthetic callers, tickets and calls into the
 * configured database for load tests, then exits. Runs on the main thread instead of the server.
 */
final class SeedCommand {

    static final String USAGE = "usage: java -jar firstline.jar seed [--callers N] [--tickets N] [--calls N] [--config FILE]";

    /** The seed command line. */
    record Arguments(Seeder.Counts counts, Optional<Path> config) {

        static Arguments parse(List<String> args) {
            int callers = 100_000;
            int tickets = 20_000;
            int calls = 100_000;
            Optional<Path> config = Optional.empty();
            List<String> rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String a = rest.remove(0);
                if (!List.of("--callers", "--tickets", "--calls", "--config").contains(a)) {
                    throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String value = rest.remove(0);
                switch (a) {
                    case "--callers" -> callers = count(a, value, 1, Seeder.MAX_CALLERS);
                    case "--tickets" -> tickets = count(a, value, 0, Integer.MAX_VALUE);
                    case "--calls" -> calls = count(a, value, 0, Integer.MAX_VALUE);
                    default -> config = Optional.of(Path.of(value));
                }
            }
            return new Arguments(new Seeder.Counts(callers, tickets, calls), config);
        }

        private static int count(String flag, String value, int min, int max) {
            int n;
            try {
                n = Integer.parseInt(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a whole number, not '" + value + "'");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", not " + n);
            }
            return n;
        }
    }

    private SeedCommand() {
    }

    /** Runs the command; returns the exit status. */
    static int run(List<String> args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("firstline seed: " + e.getMessage() + " (" + USAGE + ")");
            return 2;
        }
        Settings settings;
        try {
            settings = SettingsLoader.load(System.getenv(), arguments.config());
        } catch (ConfigException e) {
            System.err.println("firstline seed: configuration error: " + e.getMessage());
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        try (Database db = Firstline.openDatabase(vertx, settings, java.time.Clock.systemUTC(), null)) {
            Seeder.Result r = new Seeder(db, System.err).run(arguments.counts());
            System.out.printf("Seeded %d callers (%d phone numbers), %d tickets and %d calls in %s (callers: %.0f/s)%n",
                    r.counts().callers(), r.phones(), r.counts().tickets(), r.counts().calls(), format(r.took()),
                    r.callersPerSecond());
            return 0;
        } catch (StoreException e) {
            System.err.println();
            System.err.println("firstline seed: failed: " + e.getMessage());
            return 1;
        } finally {
            Firstline.await(vertx.close());
        }
    }

    private static String format(Duration d) {
        return d.toMinutes() > 0 ? d.toMinutes() + "m " + d.toSecondsPart() + "s" : d.toMillis() / 1000.0 + "s";
    }
}
