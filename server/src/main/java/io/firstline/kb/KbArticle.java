package io.firstline.kb;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** An entry of the problems-and-solutions log. */
public record KbArticle(long id, String title, String problem, String solution, String category, int timesUsed,
        Instant createdAt, Instant updatedAt) {
    public JsonObject json() {
        return new JsonObject().put("id", id).put("title", title).put("problem", problem).put("solution", solution)
                .put("category", category).put("timesUsed", timesUsed)
                .put("createdAt", createdAt == null ? null : createdAt.toString())
                .put("updatedAt", updatedAt == null ? null : updatedAt.toString());
    }
}
