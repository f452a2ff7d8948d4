package io.firstline.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Argon2id password hashes (OWASP's parameters), and which new passwords are too weak. Hashing is
 * CPU-heavy: call it from a worker thread only; {@link #weakness} is cheap and thread-safe.
 */
public final class Passwords {

    private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /** The shortest password accepted. */
    public static final int MIN_LENGTH = 8;
    /** The commonest passwords, lower case (the resource next to this class). */
    private static final Set<String> COMMON = loadCommon();
    /** Digits and symbols around a word, as people add them to meet a policy ("Welcome2024!"). */
    private static final Pattern DECORATION = Pattern.compile("^[^\\p{L}]*(.*?)[^\\p{L}]*$");

    private Passwords() {
    }

    /**
     * Why {@code password} is too weak for {@code username}, or empty when it may be used: too short,
     * one of the commonest passwords (digits and symbols around it do not help), or the username
     * itself, reversed, doubled or decorated the same way.
     */
    public static Optional<String> weakness(String username, String password) {
        if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("too short (at least " + MIN_LENGTH + " characters)");
        }
        String p = password.toLowerCase(Locale.ROOT);
        Matcher m = DECORATION.matcher(p);
        String word = m.matches() ? m.group(1) : p;
        if (COMMON.contains(p) || COMMON.contains(word)) {
            return Optional.of("too common; choose one that is not on lists of popular passwords");
        }
        String u = username == null ? "" : username.toLowerCase(Locale.ROOT);
        if (!u.isEmpty()) {
            Matcher um = DECORATION.matcher(u);
            String uw = um.matches() && !um.group(1).isEmpty() ? um.group(1) : u;
            Set<String> near = Stream.of(u, uw, reverse(u), reverse(uw), u + u, uw + uw).collect(Collectors.toSet());
            if (near.contains(p) || near.contains(word)) {
                return Optional.of("too close to the username");
            }
        }
        return Optional.empty();
    }

    private static String reverse(String s) {
        return new StringBuilder(s).reverse().toString();
    }

    private static Set<String> loadCommon() {
        try (InputStream in = Passwords.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2ID).getResult();
    }

    public static boolean matches(String password, String hash) {
        if (hash == null || !hash.startsWith("$argon2id$")) {
            return false;
        }
        try {
            return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A password for a person to type once: 16 characters without look-alikes. */
    public static String generate() {
        StringBuilder sb = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
