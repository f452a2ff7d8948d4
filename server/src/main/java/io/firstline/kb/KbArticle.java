package io.firstline.kb;

import java.time.Instant;

/** An entry of the problems-and-solutions log. */
public record KbArticle(long id, String title, String problem, String solution, String category, int timesUsed,
        Instant createdAt, Instant updatedAt) {
}
