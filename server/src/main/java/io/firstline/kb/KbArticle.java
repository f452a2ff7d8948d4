package io.firstline.kb;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An entry of the problems-and-solutions log; {@code retiredAt} is set once it is no longer offered,
 * {@code mergedIntoId} when it was merged into that other article.
 */
public record KbArticle(long id, String title, String problem, String solution, String category, int timesUsed,
        Instant createdAt, Instant updatedAt, Instant retiredAt, Long mergedIntoId) {
    public JsonObject json() {
        return new JsonObject().put("id", id).put("title", title).put("problem", problem).put("solution", solution)
                .put("category", category).put("timesUsed", timesUsed)
                .put("retiredAt", retiredAt == null ? null : retiredAt.toString()).put("mergedIntoId", mergedIntoId)
                .put("createdAt", createdAt == null ? null : createdAt.toString())
                .put("updatedAt", updatedAt == null ? null : updatedAt.toString());
    }
}
