package io.firstline;

import io.firstline.auth.Agent;
import io.firstline.auth.AgentStore;
import io.firstline.auth.Passwords;
import io.firstline.config.ConfigException;
import io.firstline.config.Settings;
import io.firstline.config.SettingsLoader;
import io.firstline.db.DataDirectoryInUseException;
import io.firstline.db.Database;
import io.firstline.db.StoreException;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar firstline.jar reset-password USERNAME}: gives someone (a locked-out administrator,
 * most likely) a new password straight in the database the server uses, ends their sessions, and
 * exits. Runs on the main thread instead of the server.
 */
final class ResetPasswordCommand {

    static final String USAGE = "usage: java -jar firstline.jar reset-password USERNAME [--password-stdin] [--config FILE]";

    /** The command line. */
    record Arguments(String username, boolean passwordFromStdin, Optional<Path> config) {

        static Arguments parse(List<String> args) {
            String username = null;
            boolean stdin = false;
            Optional<Path> config = Optional.empty();
            List<String> rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String a = rest.remove(0);
                if (a.equals("--password-stdin")) {
                    stdin = true;
                } else if (a.equals("--config")) {
                    if (rest.isEmpty()) {
                        throw new IllegalArgumentException("--config needs a file name");
                    }
                    config = Optional.of(Path.of(rest.remove(0)));
                } else if (a.startsWith("-")) {
                    throw new IllegalArgumentException("unknown argument '" + a + "'");
                } else if (username != null) {
                    throw new IllegalArgumentException("one username only, not '" + username + "' and '" + a + "'");
                } else {
                    username = a;
                }
            }
            if (username == null) {
                throw new IllegalArgumentException("whose password? name the username");
            }
            return new Arguments(username, stdin, config);
        }
    }

    private ResetPasswordCommand() {
    }

    /** Runs the command with the process's environment and streams; returns the exit status. */
    static int run(List<String> args) {
        return run(args, System.getenv(), System.in, System.out, System.err);
    }

    /** Runs the command; returns the exit status: 0 done, 1 not done (no such user, no database), 2 a usage error. */
    static int run(List<String> args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("firstline reset-password: " + e.getMessage() + " (" + USAGE + ")");
            return 2;
        }
        Settings settings;
        try {
            settings = SettingsLoader.load(env, arguments.config());
        } catch (ConfigException e) {
            err.println("firstline reset-password: configuration error: " + e.getMessage());
            return 2;
        }
        String username = arguments.username();
        String password;
        if (arguments.passwordFromStdin()) {
            Optional<String> read = firstLine(stdin);
            if (read.isEmpty() || read.get().isBlank()) {
                err.println("firstline reset-password: --password-stdin: no password on standard input");
                return 2;
            }
            password = read.get().strip();
            Optional<String> weak = Passwords.weakness(username, password);
            if (weak.isPresent()) {
                err.println("firstline reset-password: that password is " + weak.get() + "; nothing was changed");
                return 2;
            }
        } else {
            password = Passwords.generate();
        }
        String hash = Passwords.hash(password);
        Vertx vertx = Vertx.vertx();
        try (Database db = Firstline.openDatabase(vertx, settings, Clock.systemUTC(), null)) {
            Optional<Agent> agent = Firstline.await(new AgentStore(db).resetPassword(username, hash));
            if (agent.isEmpty()) {
                err.println("firstline reset-password: there is no user '" + username + "' in this database; nothing was changed");
                return 1;
            }
            Agent a = agent.get();
            if (arguments.passwordFromStdin()) {
                out.println("The password of " + a.username() + " (" + a.name() + ") has been changed.");
            } else {
                out.println("The new password of " + a.username() + " (" + a.name() + "), shown this once:");
                out.println();
                out.println("    " + password);
                out.println();
                out.println("Sign in with it and change it (\"Change password\" at the top of every page).");
            }
            out.println("Every session of " + a.username() + " has ended.");
            if (!a.active()) {
                out.println("Note: " + a.username() + " is deactivated and cannot sign in until an administrator"
                        + " reactivates the account on /admin.");
            }
            return 0;
        } catch (DataDirectoryInUseException e) {
            err.println("firstline reset-password: the Firstline server is running on the data directory " + e.dataDir()
                    + " (its embedded database serves one process at a time): stop the server, run this command,"
                    + " then start the server again");
            return 1;
        } catch (StoreException e) {
            err.println("firstline reset-password: the database cannot be reached: " + e.getMessage());
            return 1;
        } finally {
            Firstline.await(vertx.close());
        }
    }

    private static Optional<String> firstLine(InputStream in) {
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return Optional.ofNullable(r.readLine());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
