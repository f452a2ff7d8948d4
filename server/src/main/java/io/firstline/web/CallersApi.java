package io.firstline.web;

import io.firstline.phone.PhoneNumbers;
import io.firstline.store.CallerStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /api/callers}: the people who call, found by number or by name, organisation or email. */
final class CallersApi {

    private static final Set<String> FIELDS = Set.of("name", "organisation", "email", "phones", "vip");
    private static final int HISTORY = 20;

    private final CallerStore callers;
    private final PhoneNumbers phones;

    CallersApi(CallerStore callers, PhoneNumbers phones) {
        this.callers = callers;
        this.phones = phones;
    }

    void mount(Router r) {
        r.get("/api/callers").handler(this::list);
        r.post("/api/callers").handler(this::create);
        r.get("/api/callers/:callerId").handler(this::get);
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
            callers.byPhone(e164, p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, Views::caller))));
        } else {
            callers.search(q.orElse(""), p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, Views::caller))));
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
        callers.create(name, organisation, email, vip, numbers)
                .onComplete(Http.reply(ctx, c -> Http.created(ctx, "/api/callers/" + c.id(), Views.caller(c))));
    }

    private void get(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callerId");
        callers.profile(id, HISTORY)
                .onComplete(Http.reply(ctx, p -> Http.ok(ctx, Views.profile(p.orElseThrow(() -> ApiException.notFound("no caller " + id))))));
    }

    private void patch(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callerId");
        Input in = Input.of(ctx, FIELDS);
        var changes = new CallerStore.Changes(
                in.optionalText("name", 200),
                in.clearableText("organisation", 200),
                in.clearableText("email", 254).map(e -> e.map(v -> email(in, Optional.of(v)))),
                in.bool("vip"),
                numbers(in));
        callers.update(id, changes)
                .onComplete(Http.reply(ctx, c -> Http.ok(ctx, Views.caller(c.orElseThrow(() -> ApiException.notFound("no caller " + id))))));
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
