package io.firstline.web;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON request body checked field by field: every problem becomes a 400 that names the field,
 * unknown fields included, so that nothing half-valid is ever written.
 */
public final class Input {

    private final JsonObject json;
    private final String prefix;

    private Input(JsonObject json, String prefix) {
        this.json = json;
        this.prefix = prefix;
    }

    /** The request's body as an object with only the {@code allowed} fields. */
    public static Input of(RoutingContext ctx, Set<String> allowed) {
        JsonObject json;
        try {
            var body = ctx.body();
            if (body == null || body.buffer() == null || body.buffer().length() == 0) {
                throw ApiException.badRequest("the request needs a JSON object as its body");
            }
            String text = utf8(body.buffer().getBytes()).stripLeading();
            if (!text.startsWith("{")) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            json = new JsonObject(text);
        } catch (DecodeException e) {
            throw ApiException.badRequest("the body is not valid JSON");
        }
        refuseLoneSurrogates(json, "");
        return new Input(json, "").only(allowed);
    }

    /**
     * Refuses a body with an unpaired UTF-16 surrogate ({@code "\ud800"} escaped in JSON) in any
     * string or field name, nested ones included: MariaDB would store it as {@code ?}.
     */
    private static void refuseLoneSurrogates(Object value, String path) {
        if (value instanceof JsonObject o) {
            for (String key : o.fieldNames()) {
                if (hasLoneSurrogate(key)) {
                    String where = path.isEmpty() ? "body" : path;
                    throw ApiException.badField(where, "a field name contains an unpaired UTF-16 surrogate");
                }
                refuseLoneSurrogates(o.getValue(key), path.isEmpty() ? key : path + "." + key);
            }
        } else if (value instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                refuseLoneSurrogates(a.getValue(i), path + "[" + i + "]");
            }
        } else if (value instanceof String s && hasLoneSurrogate(s)) {
            throw ApiException.badField(path, LONE_SURROGATE);
        }
    }

    static final String LONE_SURROGATE = "contains an unpaired UTF-16 surrogate (not a character; it cannot be stored)";

    /** True when the text has a high surrogate not followed by a low one, or a low one alone. */
    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The body's text; bytes that are not UTF-8 (an encoded lone surrogate among them) are refused, not replaced. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("the body is not valid UTF-8");
        }
    }

    /** A nested object field, checked the same way. */
    public Optional<Input> object(String field, Set<String> allowed) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof JsonObject o)) {
            throw bad(field, "must be an object");
        }
        return Optional.of(new Input(o, name(field) + ".").only(allowed));
    }

    private Input only(Set<String> allowed) {
        Set<String> unknown = new TreeSet<>(json.fieldNames());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            String f = unknown.iterator().next();
            throw bad(f, "unknown field (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
        return this;
    }

    boolean has(String field) {
        return json.containsKey(field);
    }

    public String requiredText(String field, int max) {
        return optionalText(field, max).orElseThrow(() -> bad(field, "required"));
    }

    /** A text that, when present, is not blank; stripped of surrounding white space. */
    public Optional<String> optionalText(String field, int max) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw bad(field, "must be a string");
        }
        String t = s.strip();
        if (t.isEmpty()) {
            throw bad(field, "must not be empty");
        }
        return Optional.of(checkText(field, t, max));
    }

    /** For PATCH: absent → leave; null or "" → clear; text → set. */
    public Optional<Optional<String>> clearableText(String field, int max) {
        if (!json.containsKey(field)) {
            return Optional.empty();
        }
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.of(Optional.empty());
        }
        if (!(v instanceof String s)) {
            throw bad(field, "must be a string or null");
        }
        String t = s.strip();
        return Optional.of(t.isEmpty() ? Optional.empty() : Optional.of(checkText(field, t, max)));
    }

    public Optional<String> oneOf(String field, List<String> allowed) {
        Optional<String> v = optionalText(field, 40);
        if (v.isPresent() && !allowed.contains(v.get())) {
            throw bad(field, "'" + v.get() + "' is not one of " + String.join(", ", allowed));
        }
        return v;
    }

    public Optional<Boolean> bool(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            throw bad(field, "must be true or false");
        }
        return Optional.of(b);
    }

    public Optional<Long> id(String field) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1) {
            throw bad(field, "must be a positive whole number");
        }
        return Optional.of(n.longValue());
    }

    /** A whole number within [min, max], when present. */
    public Optional<Long> wholeNumber(String field, long min, long max) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw bad(field, "must be a whole number");
        }
        if (n.doubleValue() < min || n.doubleValue() > max) {
            throw bad(field, "must be between " + min + " and " + max);
        }
        return Optional.of(n.longValue());
    }

    public Optional<List<String>> texts(String field, int maxItems, int maxLength) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof JsonArray a)) {
            throw bad(field, "must be a list of strings");
        }
        if (a.size() > maxItems) {
            throw bad(field, "at most " + maxItems + " items");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            Object item = a.getValue(i);
            String f = field + "[" + i + "]";
            if (!(item instanceof String s) || s.isBlank()) {
                throw bad(f, "must be a non-empty string");
            }
            out.add(checkText(f, s.strip(), maxLength));
        }
        return Optional.of(out);
    }

    /** A list of objects, each checked as {@link #object} checks one; empty when absent. */
    public Optional<List<Input>> objects(String field, int maxItems, Set<String> allowed) {
        Object v = json.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof JsonArray a)) {
            throw bad(field, "must be a list of objects");
        }
        if (a.size() > maxItems) {
            throw bad(field, "at most " + maxItems + " items");
        }
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!(a.getValue(i) instanceof JsonObject o)) {
                throw bad(field + "[" + i + "]", "must be an object");
            }
            out.add(new Input(o, name(field) + "[" + i + "].").only(allowed));
        }
        return Optional.of(out);
    }

    /** For PATCH: absent → leave; null → clear; a list of strings → set (an empty list too). */
    public Optional<Optional<List<String>>> clearableTexts(String field, int maxItems, int maxLength) {
        if (!json.containsKey(field)) {
            return Optional.empty();
        }
        if (json.getValue(field) == null) {
            return Optional.of(Optional.empty());
        }
        return Optional.of(texts(field, maxItems, maxLength));
    }

    public ApiException bad(String field, String why) {
        return ApiException.badField(name(field), why);
    }

    private String name(String field) {
        return prefix + field;
    }

    private String checkText(String field, String t, int max) {
        if (t.codePointCount(0, t.length()) > max) {
            throw bad(field, "too long (at most " + max + " characters)");
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                throw bad(field, "contains a control character");
            }
        }
        return t;
    }
}
