package io.firstline.callers;

import io.firstline.phone.PhoneNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A CSV file of callers checked row by row before anything is written: a header naming the columns
 * (name required; organisation, email, phones, vip optional; any order, any case), then one caller a
 * row. Every problem of every row is reported, so a file is fixed in one go. Pure; any thread.
 */
public final class CallerImport {

    /** The most rows one file may have. */
    public static final int MAX_ROWS = 10_000;
    static final Set<String> COLUMNS = Set.of("name", "organisation", "email", "phones", "vip");
    /** Columns of an export that an import must not take: it adds new callers, it does not update. */
    static final Set<String> EXPORT_ONLY = Set.of("id", "pinset", "createdat");
    private static final int MAX_PHONES = 20;

    /** One problem: the row (as a spreadsheet numbers it, the header being row 1), the column, and why. */
    public record RowError(int row, String field, String message) {
        public JsonObject json() {
            return new JsonObject().put("row", row).put("field", field).put("message", message);
        }
    }

    /** The checked file: the callers it would add, and the problems that keep it from being imported. */
    public record Checked(List<CallerStore.New> callers, List<Integer> callerRows, List<RowError> errors, int rows) {
        public boolean ok() {
            return errors.isEmpty() && !callers.isEmpty();
        }

        /** The preview: how many rows, the problems (at most {@code maxErrors}), and the first callers as they would be. */
        public JsonObject json(int maxErrors, int sample) {
            JsonArray errs = new JsonArray();
            errors.stream().limit(maxErrors).forEach(e -> errs.add(e.json()));
            JsonArray first = new JsonArray();
            callers.stream().limit(sample).forEach(c -> first.add(new JsonObject().put("name", c.name())
                    .put("organisation", c.organisation()).put("email", c.email()).put("vip", c.vip())
                    .put("phones", new JsonArray(c.phones()))));
            return new JsonObject().put("rows", rows).put("valid", callers.size())
                    .put("errorCount", errors.size()).put("errors", errs).put("sample", first);
        }

    }

    private CallerImport() {
    }

    /** Checks the whole file; a problem with the file itself (no header, unknown column) is the only error, on row 1. */
    public static Checked check(String text, PhoneNumbers phones) {
        List<List<String>> records;
        try {
            records = io.firstline.web.Csv.parse(text);
        } catch (IllegalArgumentException e) {
            return new Checked(List.of(), List.of(), List.of(new RowError(0, "file", e.getMessage())), 0);
        }
        records.removeIf(r -> r.stream().allMatch(String::isBlank));
        if (records.isEmpty()) {
            return new Checked(List.of(), List.of(), List.of(new RowError(1, "file", "the file is empty; the first row names the columns,"
                    + " e.g. name,organisation,email,phones,vip")), 0);
        }
        Map<String, Integer> at = new LinkedHashMap<>();
        List<String> header = records.get(0);
        for (int i = 0; i < header.size(); i++) {
            String col = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (EXPORT_ONLY.contains(col)) {
                return fileError("column '" + header.get(i) + "' is only in exports: an import adds new callers, so remove it");
            }
            if (!COLUMNS.contains(col)) {
                return fileError("unknown column '" + header.get(i) + "' (the columns are name, organisation, email, phones, vip)");
            }
            if (at.put(col, i) != null) {
                return fileError("column '" + col + "' appears twice");
            }
        }
        if (!at.containsKey("name")) {
            return fileError("the first row must name the columns, and one of them must be 'name'");
        }
        int rows = records.size() - 1;
        if (rows > MAX_ROWS) {
            return new Checked(List.of(), List.of(), List.of(new RowError(1, "file", rows + " rows; at most " + MAX_ROWS
                    + " a file: split it")), rows);
        }
        List<CallerStore.New> out = new ArrayList<>();
        List<Integer> outRows = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> rec = records.get(r);
            int row = r + 1;
            int before = errors.size();
            if (rec.size() > header.size()) {
                errors.add(new RowError(row, "file", rec.size() + " cells but " + header.size() + " columns (a comma too many,"
                        + " or a cell with a comma that is not in quotes?)"));
                continue;
            }
            String name = text(rec, at.get("name"), row, "name", 200, errors);
            if (name == null && errors.size() == before) {
                errors.add(new RowError(row, "name", "required"));
            }
            String organisation = text(rec, at.get("organisation"), row, "organisation", 200, errors);
            String email = text(rec, at.get("email"), row, "email", 254, errors);
            if (email != null && !email.matches("[^@\\s]{1,64}@[^@\\s]{1,189}\\.[^@\\s]{1,63}")) {
                errors.add(new RowError(row, "email", "'" + email + "' is not an email address"));
            }
            List<String> numbers = new ArrayList<>();
            String p = text(rec, at.get("phones"), row, "phones", 2000, errors);
            if (p != null) {
                String[] parts = p.split("[;|]");
                if (parts.length > MAX_PHONES) {
                    errors.add(new RowError(row, "phones", "at most " + MAX_PHONES + " numbers a caller"));
                }
                for (String part : parts) {
                    if (part.isBlank()) {
                        continue;
                    }
                    phones.normalize(part.strip()).ifPresentOrElse(numbers::add, () -> errors.add(new RowError(row, "phones",
                            "'" + part.strip() + "' is not a phone number")));
                }
            }
            boolean vip = false;
            String v = text(rec, at.get("vip"), row, "vip", 5, errors);
            if (v != null) {
                switch (v.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "1" -> vip = true;
                    case "false", "no", "0" -> vip = false;
                    default -> errors.add(new RowError(row, "vip", "'" + v + "' is not true/false, yes/no or 1/0"));
                }
            }
            if (errors.size() == before) {
                out.add(new CallerStore.New(name, organisation, email, vip, numbers.stream().distinct().toList()));
                outRows.add(row);
            }
        }
        if (rows == 0) {
            errors.add(new RowError(1, "file", "the file has a header but no callers"));
        }
        return new Checked(out, outRows, errors, rows);
    }

    /**
     * What to look at before importing, though it does not stop the import: numbers that a caller
     * already has (the row may be someone the directory knows) or that an earlier row of the file has.
     */
    public static List<RowError> warnings(Checked checked, Map<String, List<CallerStore.Owner>> owners) {
        List<RowError> out = new ArrayList<>();
        Map<String, Integer> firstRow = new java.util.HashMap<>();
        for (int i = 0; i < checked.callers().size(); i++) {
            int row = checked.callerRows().get(i);
            for (String phone : checked.callers().get(i).phones()) {
                List<CallerStore.Owner> known = owners.getOrDefault(phone, List.of());
                if (!known.isEmpty()) {
                    out.add(new RowError(row, "phones", phone + " is already the number of " + String.join(", ",
                            known.stream().map(o -> "#" + o.id() + " " + o.name()).toList())));
                }
                Integer earlier = firstRow.putIfAbsent(phone, row);
                if (earlier != null) {
                    out.add(new RowError(row, "phones", phone + " is also on row " + earlier));
                }
            }
        }
        return out;
    }

    /** Every number of the checked callers. */
    public static Set<String> numbers(Checked checked) {
        Set<String> all = new java.util.HashSet<>();
        checked.callers().forEach(c -> all.addAll(c.phones()));
        return all;
    }

    private static Checked fileError(String why) {
        return new Checked(List.of(), List.of(), List.of(new RowError(1, "file", why)), 0);
    }

    /** A cell, stripped; null when the column is absent or the cell empty. Control characters are refused. */
    private static String text(List<String> rec, Integer col, int row, String field, int max, List<RowError> errors) {
        if (col == null || col >= rec.size()) {
            return null;
        }
        String t = rec.get(col).strip();
        if (t.isEmpty()) {
            return null;
        }
        if (t.codePointCount(0, t.length()) > max) {
            errors.add(new RowError(row, field, "too long (at most " + max + " characters)"));
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 && c != '\t') {
                errors.add(new RowError(row, field, "contains a line break or control character"));
                return null;
            }
        }
        return t;
    }
}
