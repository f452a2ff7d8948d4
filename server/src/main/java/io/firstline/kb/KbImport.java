package io.firstline.kb;

import io.firstline.tickets.Ticket;
import io.firstline.web.Csv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A CSV file of articles checked row by row before anything is written: a header naming the columns
 * (title, problem, solution, category, all required; any order, any case), then one article a row.
 * Every problem of every row is reported. Pure; any thread.
 */
public final class KbImport {

    /** The most rows one file may have. */
    public static final int MAX_ROWS = 5_000;
    static final Set<String> COLUMNS = Set.of("title", "problem", "solution", "category");
    private static final Map<String, Integer> MAX = Map.of("title", 200, "problem", 20_000, "solution", 20_000, "category", 20);

    /** One problem: the row (the header being row 1), the column, and why. */
    public record RowError(int row, String field, String message) {
        public JsonObject json() {
            return new JsonObject().put("row", row).put("field", field).put("message", message);
        }
    }

    /** The checked file: the articles it would add and the problems that keep it from being imported. */
    public record Checked(List<KbStore.New> articles, List<RowError> errors, int rows) {
        public boolean ok() {
            return errors.isEmpty() && !articles.isEmpty();
        }

        public JsonObject json(int maxErrors, int sample) {
            JsonArray errs = new JsonArray();
            errors.stream().limit(maxErrors).forEach(e -> errs.add(e.json()));
            JsonArray first = new JsonArray();
            articles.stream().limit(sample).forEach(a -> first.add(new JsonObject().put("title", a.title())
                    .put("category", a.category())));
            return new JsonObject().put("rows", rows).put("valid", articles.size()).put("errorCount", errors.size())
                    .put("errors", errs).put("sample", first);
        }
    }

    private KbImport() {
    }

    public static Checked check(String text) {
        List<List<String>> records;
        try {
            records = Csv.parse(text);
        } catch (IllegalArgumentException e) {
            return fileError(0, e.getMessage());
        }
        records.removeIf(r -> r.stream().allMatch(String::isBlank));
        if (records.isEmpty()) {
            return fileError(1, "the file is empty; the first row names the columns: title,problem,solution,category");
        }
        Map<String, Integer> at = new HashMap<>();
        List<String> header = records.get(0);
        for (int i = 0; i < header.size(); i++) {
            String col = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(col)) {
                return fileError(1, "unknown column '" + header.get(i) + "' (the columns are title, problem, solution, category)");
            }
            if (at.put(col, i) != null) {
                return fileError(1, "column '" + col + "' appears twice");
            }
        }
        if (at.size() < COLUMNS.size()) {
            return fileError(1, "the first row must name the columns title, problem, solution and category");
        }
        int rows = records.size() - 1;
        if (rows > MAX_ROWS) {
            return new Checked(List.of(), List.of(new RowError(1, "file", rows + " rows; at most " + MAX_ROWS
                    + " a file: split it")), rows);
        }
        List<KbStore.New> out = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> rec = records.get(r);
            int row = r + 1;
            if (rec.size() > header.size()) {
                errors.add(new RowError(row, "file", rec.size() + " cells but " + header.size() + " columns"));
                continue;
            }
            int before = errors.size();
            Map<String, String> v = new HashMap<>();
            for (String col : List.of("title", "problem", "solution", "category")) {
                int i = at.get(col);
                String t = i < rec.size() ? rec.get(i).strip() : "";
                if (t.isEmpty()) {
                    errors.add(new RowError(row, col, "required"));
                } else if (t.codePointCount(0, t.length()) > MAX.get(col)) {
                    errors.add(new RowError(row, col, "too long (at most " + MAX.get(col) + " characters)"));
                } else if (hasControl(t, !col.equals("title") && !col.equals("category"))) {
                    errors.add(new RowError(row, col, "contains a control character"));
                } else {
                    v.put(col, t);
                }
            }
            String category = v.get("category");
            if (category != null && !Ticket.CATEGORIES.contains(category.toLowerCase(Locale.ROOT))) {
                errors.add(new RowError(row, "category", "'" + category + "' is not one of " + String.join(", ", Ticket.CATEGORIES)));
            }
            if (errors.size() == before) {
                out.add(new KbStore.New(v.get("title"), v.get("problem"), v.get("solution"), category.toLowerCase(Locale.ROOT)));
            }
        }
        if (rows == 0) {
            errors.add(new RowError(1, "file", "the file has a header but no articles"));
        }
        return new Checked(out, errors, rows);
    }

    /** Problems and solutions may have line breaks and tabs; titles and categories none. */
    private static boolean hasControl(String t, boolean multiline) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
                return true;
            }
        }
        return false;
    }

    private static Checked fileError(int row, String why) {
        return new Checked(List.of(), List.of(new RowError(row, "file", why)), 0);
    }
}
