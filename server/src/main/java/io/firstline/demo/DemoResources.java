package io.firstline.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts demo data is made of, read from {@code io/firstline/demo/}: word lists and the
 * knowledge-base articles. Read on the main thread while demo data is loaded.
 */
final class DemoResources {

    private static final String FOLDER = "/io/firstline/demo/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private static final List<String> CATEGORIES = List.of("hardware", "software", "network", "account", "other");

    private DemoResources() {
    }

    /** A knowledge-base article as the file gives it. */
    record Article(String category, String title, String problem, String solution) {
    }

    /** The non-empty, non-comment lines of a word list. */
    static List<String> words(String file) {
        return lines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /**
     * The articles of {@code kb-articles.txt}. Each starts with {@code === category | title}, may
     * have {@code @ key: value | key: value} lines (one article per such line, its values put in
     * for {@code {key}}), then the problem (lines joined, a blank line starts a paragraph), a line
     * {@code ---}, and the solution (lines kept).
     */
    static List<Article> articles() {
        List<Article> out = new ArrayList<>();
        List<String> block = new ArrayList<>();
        for (String line : lines("kb-articles.txt")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("=== ") && !block.isEmpty()) {
                out.addAll(parse(block));
                block.clear();
            }
            if (!block.isEmpty() || line.startsWith("=== ")) {
                block.add(line);
            }
        }
        if (!block.isEmpty()) {
            out.addAll(parse(block));
        }
        return out;
    }

    private static List<Article> parse(List<String> block) {
        String[] head = block.get(0).substring(4).split("\\|", 2);
        String category = head[0].strip();
        if (head.length < 2 || !CATEGORIES.contains(category)) {
            throw new IllegalStateException("kb-articles.txt: bad heading '" + block.get(0) + "'");
        }
        String title = head[1].strip();
        List<Map<String, String>> variants = new ArrayList<>();
        StringBuilder problem = new StringBuilder();
        StringBuilder solution = new StringBuilder();
        boolean inSolution = false;
        boolean paragraphBreak = false;
        for (String raw : block.subList(1, block.size())) {
            String line = raw.strip();
            if (line.startsWith("@ ")) {
                variants.add(variant(line.substring(2), title));
            } else if (line.equals("---")) {
                inSolution = true;
            } else if (inSolution) {
                if (!line.isEmpty()) {
                    solution.append(solution.isEmpty() ? "" : "\n").append(line);
                }
            } else if (line.isEmpty()) {
                paragraphBreak = !problem.isEmpty();
            } else {
                problem.append(problem.isEmpty() ? "" : paragraphBreak ? "\n\n" : " ").append(line);
                paragraphBreak = false;
            }
        }
        if (problem.isEmpty() || solution.isEmpty()) {
            throw new IllegalStateException("kb-articles.txt: '" + title + "' needs a problem and a solution");
        }
        if (variants.isEmpty()) {
            variants.add(Map.of());
        }
        List<Article> out = new ArrayList<>();
        for (Map<String, String> v : variants) {
            out.add(new Article(category, fill(title, v, title), fill(problem.toString(), v, title),
                    fill(solution.toString(), v, title)));
        }
        return out;
    }

    private static Map<String, String> variant(String spec, String title) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : spec.split("\\|")) {
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IllegalStateException("kb-articles.txt: '" + title + "': bad variant '" + spec + "'");
            }
            values.put(pair.substring(0, colon).strip(), pair.substring(colon + 1).strip());
        }
        return values;
    }

    private static String fill(String text, Map<String, String> values, String title) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("kb-articles.txt: '" + title + "' has no value for {" + m.group(1) + "}");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static List<String> lines(String file) {
        try (InputStream in = DemoResources.class.getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + FOLDER + file);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
