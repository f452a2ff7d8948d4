// What manager.conf lets one AMI user read: its read classes and its event filters (advanced syntax); immutable, used by any thread.
package io.firstline.sim;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The events Asterisk sends an AMI user: those of a class in its {@code read} line, less what its
 * {@code eventfilter} lines leave out. Filters follow Asterisk's advanced syntax (Asterisk 20.11, 21.6
 * and 22.1 on): {@code eventfilter(action(include|exclude),name(Event),header(Header),method(m)) = expression},
 * with the method {@code none} (the default), {@code regex}, {@code exact}, {@code starts_with},
 * {@code ends_with} or {@code contains}. With include filters only, an event must match one; with exclude
 * filters only, an event matching one is dropped; with both, the includes are applied first.
 */
public record ManagerUser(Set<String> readClasses, List<Filter> filters) {

    /**
     * A variable name that is not Firstline's: three underscores or more, or after at most two inheritance
     * underscores, shorter than {@code FIRSTLINE_} or not starting with it (POSIX extended regex, as Asterisk's regcomp reads it).
     */
    public static final String NOT_FIRSTLINE_VARIABLE =
            "^(___|_{0,2}(.{0,9}$|[^F_]|F[^I]|FI[^R]|FIR[^S]|FIRS[^T]|FIRST[^L]|FIRSTL[^I]|FIRSTLI[^N]|FIRSTLIN[^E]|FIRSTLINE[^_]))";

    /** Every class, no filter: what the simulator sends when nothing is configured. */
    public static final ManagerUser ALL = new ManagerUser(Set.of("all"), List.of());

    /**
     * What Firstline's {@code dialplans/manager_firstline.conf} gives its user: the classes of the events it
     * follows, less the dialplan's steps ({@code Newexten}) and the variables that are not Firstline's. A test
     * holds this equal to the shipped file.
     */
    public static final ManagerUser FIRSTLINE = new ManagerUser(Set.of("call", "agent", "dialplan"), List.of(
            Filter.parse("action(exclude),name(Newexten)", ""),
            Filter.parse("action(exclude),name(VarSet),header(Variable),method(regex)", NOT_FIRSTLINE_VARIABLE)));

    public ManagerUser {
        readClasses = Set.copyOf(readClasses.stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList());
        filters = List.copyOf(filters);
    }

    /** One {@code eventfilter(...) = expression} line. */
    public record Filter(boolean include, String name, String header, String method, String expression, Pattern regex) {

        private static final Pattern CRITERION = Pattern.compile("\\s*(action|name|header|method)\\(([^)]*)\\)\\s*");

        /** Reads the part between {@code eventfilter(} and {@code )}, and the expression after {@code =}. */
        public static Filter parse(String criteria, String expression) {
            boolean include = true;
            String name = null;
            String header = null;
            String method = "none";
            for (String part : criteria.split(",")) {
                Matcher m = CRITERION.matcher(part);
                if (!m.matches()) {
                    throw new IllegalArgumentException("eventfilter criterion not understood: '" + part + "'");
                }
                String value = m.group(2).trim();
                switch (m.group(1)) {
                    case "action" -> {
                        if (!value.equals("include") && !value.equals("exclude")) {
                            throw new IllegalArgumentException("eventfilter action must be include or exclude: " + value);
                        }
                        include = value.equals("include");
                    }
                    case "name" -> name = value;
                    case "header" -> header = value;
                    default -> {
                        if (!List.of("none", "regex", "exact", "starts_with", "ends_with", "contains").contains(value)) {
                            throw new IllegalArgumentException("eventfilter method not known: " + value);
                        }
                        method = value;
                    }
                }
            }
            String expr = expression == null ? "" : expression.trim();
            // Asterisk refuses these at load, with a warning, and drops the filter
            if (method.equals("none") && !expr.isEmpty()) {
                throw new IllegalArgumentException("eventfilter: method can't be 'none' with a filter pattern: " + expr);
            }
            if (!method.equals("none") && expr.isEmpty()) {
                throw new IllegalArgumentException("eventfilter: method can't be '" + method + "' with no filter pattern");
            }
            if (method.equals("none") && name == null && header == null) {
                throw new IllegalArgumentException("eventfilter: no name or header option found and no filter pattern");
            }
            return new Filter(include, name, header, method, expr, method.equals("regex") ? Pattern.compile(expr) : null);
        }

        boolean matches(AmiMessage event) {
            if (name != null && !name.equals(event.eventName())) {
                return false;
            }
            // like Asterisk, a header that is missing or empty matches nothing
            String value = header == null ? null : event.get(header);
            if (header != null && (value == null || value.isEmpty())) {
                return false;
            }
            if (method.equals("none")) {
                return true;
            }
            String data;
            if (header != null) {
                data = value;
            } else {
                data = event.toWire();
            }
            return switch (method) {
                case "regex" -> regex.matcher(data).find();
                case "exact" -> data.equals(expression);
                case "starts_with" -> data.startsWith(expression);
                case "ends_with" -> data.endsWith(expression);
                default -> data.contains(expression);
            };
        }
    }

    /** Whether this user gets the event (with its Privilege header's classes). */
    boolean gets(AmiMessage event) {
        if (!readClasses.contains("all")) {
            String privilege = event.get("Privilege");
            boolean readable = false;
            if (privilege != null) {
                for (String p : privilege.split(",")) {
                    String c = p.trim().toLowerCase(Locale.ROOT);
                    if (!c.equals("all") && readClasses.contains(c)) {
                        readable = true;
                        break;
                    }
                }
            }
            if (!readable) {
                return false;
            }
        }
        boolean anyInclude = false;
        boolean included = false;
        for (Filter f : filters) {
            if (f.include()) {
                anyInclude = true;
                included = included || f.matches(event);
            }
        }
        if (anyInclude && !included) {
            return false;
        }
        for (Filter f : filters) {
            if (!f.include() && f.matches(event)) {
                return false;
            }
        }
        return true;
    }
}
