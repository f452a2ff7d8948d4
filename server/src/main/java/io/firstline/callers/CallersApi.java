package io.firstline.callers;

import io.firstline.phone.PhoneNumbers;
import io.firstline.web.ApiException;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /api/callers}: the people who call, found by number or by name, organisation or email. */
public final class CallersApi {

    private static final Set<String> FIELDS = Set.of("name", "organisation", "email", "phones", "vip", "pin");
    private static final int HISTORY = 20;

    private final io.vertx.core.Vertx vertx;
    private final CallerStore callers;
    private final PhoneNumbers phones;

    public CallersApi(io.vertx.core.Vertx vertx, CallerStore callers, PhoneNumbers phones) {
        this.vertx = vertx;
        this.callers = callers;
        this.phones = phones;
    }

    public void mount(Router r) {
        r.get("/api/callers").handler(this::list);
        r.post("/api/callers").handler(this::create);
        r.get("/api/callers/:callerId").handler(this::get);
        r.get("/api/callers/:callerId/notes").handler(this::notes);
        r.patch("/api/callers/:callerId").handler(this::patch);
    }

    private void list(RoutingContext ctx) {
        Http.signedIn(ctx);
        Http.Paging p = Http.paging(ctx);
        Optional<String> phone = Http.param(ctx, "phone", 64);
        Optional<String> q = Http.param(ctx, "q", 200);
        if (phone.isPresent() && q.isPresent()) {
            throw ApiException.badRequest("give either phone or q, not both");
        }
        if (phone.isPresent()) {
            String e164 = phones.normalize(phone.get())
                    .orElseThrow(() -> ApiException.badField("phone", "'" + phone.get() + "' is not a phone number"));
            callers.byPhone(e164, p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, Caller::json))));
        } else {
            callers.search(q.orElse(""), p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, Caller::json))));
        }
    }

    private void create(RoutingContext ctx) {
        Http.signedIn(ctx);
        Input in = Input.of(ctx, FIELDS);
        String name = in.requiredText("name", 200);
        String organisation = in.optionalText("organisation", 200).orElse(null);
        String email = email(in, in.optionalText("email", 254));
        List<String> numbers = numbers(in).orElse(List.of());
        boolean vip = in.bool("vip").orElse(false);
        Optional<Optional<String>> pin = pin(in);
        hashed(pin).compose(h -> callers.create(name, organisation, email, vip, numbers, h.flatMap(x -> x).orElse(null)))
                .onComplete(Http.reply(ctx, c -> Http.created(ctx, "/api/callers/" + c.id(), c.json())));
    }

    private void get(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callerId");
        callers.profile(id, HISTORY)
                .onComplete(Http.reply(ctx, p -> Http.ok(ctx, p.orElseThrow(() -> ApiException.notFound("no caller " + id)).json())));
    }

    /** The newest notes about a caller (their tickets' and their calls' outcomes'), newest first; {@code limit} up to 100. */
    private void notes(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callerId");
        Http.Paging p = Http.paging(ctx);
        if (p.offset() != 0) {
            throw ApiException.badField("offset", "not supported here: the notes come newest first, up to limit");
        }
        if (p.limit() > 100) {
            throw ApiException.badField("limit", "at most 100");
        }
        callers.find(id).compose(c -> {
            if (c.isEmpty()) {
                throw ApiException.notFound("no caller " + id);
            }
            return callers.notes(id, p.limit());
        }).onComplete(Http.reply(ctx, notes -> {
            io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
            notes.forEach(n -> items.add(n.json()));
            Http.ok(ctx, new io.vertx.core.json.JsonObject().put("items", items));
        }));
    }

    private void patch(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callerId");
        Input in = Input.of(ctx, FIELDS);
        Optional<String> name = in.optionalText("name", 200);
        Optional<Optional<String>> organisation = in.clearableText("organisation", 200);
        Optional<Optional<String>> mail = in.clearableText("email", 254).map(e -> e.map(v -> email(in, Optional.of(v))));
        Optional<Boolean> vip = in.bool("vip");
        Optional<List<String>> numbers = numbers(in);
        Optional<Optional<String>> pin = pin(in);
        hashed(pin).compose(h -> callers.update(id, new CallerStore.Changes(name, organisation, mail, vip, numbers, h)))
                .onComplete(Http.reply(ctx, c -> Http.ok(ctx, c.orElseThrow(() -> ApiException.notFound("no caller " + id)).json())));
    }

    /** The PIN the phone menu asks before telling a ticket's status: 4-8 digits; null clears it. */
    private static Optional<Optional<String>> pin(Input in) {
        Optional<Optional<String>> pin = in.clearableText("pin", 8);
        pin.flatMap(p -> p).ifPresent(p -> {
            if (!p.matches("[0-9]{4,8}")) {
                throw in.bad("pin", "use 4 to 8 digits");
            }
        });
        return pin;
    }

    /** Argon2id of the PIN, on a worker thread (it costs tens of milliseconds). */
    private io.vertx.core.Future<Optional<Optional<String>>> hashed(Optional<Optional<String>> pin) {
        if (pin.isEmpty() || pin.get().isEmpty()) {
            return io.vertx.core.Future.succeededFuture(pin);
        }
        String plain = pin.get().get();
        return vertx.executeBlocking(() -> Optional.of(Optional.of(io.firstline.auth.Passwords.hash(plain))), false);
    }

    private Optional<List<String>> numbers(Input in) {
        Optional<List<String>> raw = in.texts("phones", 20, 64);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < raw.get().size(); i++) {
            String n = raw.get().get(i);
            out.add(phones.normalize(n).orElseThrow(() -> in.bad("phones[" + out.size() + "]", "'" + n + "' is not a phone number")));
        }
        return Optional.of(out.stream().distinct().toList());
    }

    private static String email(Input in, Optional<String> email) {
        if (email.isPresent() && !email.get().matches("[^@\\s]{1,64}@[^@\\s]{1,189}\\.[^@\\s]{1,63}")) {
            throw in.bad("email", "'" + email.get() + "' is not an email address");
        }
        return email.orElse(null);
    }
}
