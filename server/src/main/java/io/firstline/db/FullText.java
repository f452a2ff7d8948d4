package io.firstline.db;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Builds MariaDB FULLTEXT queries from what a person typed, without letting operators through. */
public final class FullText {

    /** InnoDB's default innodb_ft_min_token_size: shorter words are not in the index. */
    static final int MIN_WORD = 3;

    private FullText() {
    }

    /** The words of {@code q}: letters and digits only, lower case, at most 10. */
    public static List<String> words(String q) {
        return Arrays.stream(q.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty())
                .limit(10)
                .toList();
    }

    /** Boolean-mode query requiring every word as a prefix: "ali smi" → "+ali* +smi*". */
    public static String allPrefixes(List<String> words) {
        return String.join(" ", words.stream().map(w -> "+" + w + "*").toList());
    }

    public static boolean indexable(List<String> words) {
        return !words.isEmpty() && words.stream().allMatch(w -> w.length() >= MIN_WORD);
    }
}
