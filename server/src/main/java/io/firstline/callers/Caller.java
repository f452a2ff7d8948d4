package io.firstline.callers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** Someone who calls the help desk, with the numbers they call from (E.164); {@code pinSet}: the menu asks for their PIN. */
public record Caller(long id, String name, String organisation, String email, boolean vip, List<String> phones,
        Instant createdAt, boolean pinSet) {

    public Caller {
        phones = List.copyOf(phones);
    }

    /** The one JSON view of a caller, for the pop and the API alike. */
    public JsonObject json() {
        return new JsonObject().put("id", id).put("name", name).put("organisation", organisation)
                .put("email", email).put("vip", vip).put("pinSet", pinSet).put("phones", new JsonArray(phones))
                .put("createdAt", createdAt == null ? null : createdAt.toString());
    }
}
