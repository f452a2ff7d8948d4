package io.firstline.callers;

import io.firstline.auth.Agent;
import io.firstline.auth.Role;
import io.firstline.phone.PhoneNumbers;
import io.firstline.web.ApiException;
import io.firstline.web.Csv;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/callers}: the people who call, found by number or by name, organisation or email;
 * for admins also merged, renamed by organisation, imported from CSV and (for supervisors) exported.
 */
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

    private static final int EXPORT_CHUNK = 500;

    public void mount(Router r) {
        r.get("/api/callers/export").handler(this::export);
        r.post("/api/callers/import/preview").handler(ctx -> importFile(ctx, false));
        r.post("/api/callers/import").handler(ctx -> importFile(ctx, true));
        r.get("/api/callers/organisations").handler(this::organisations);
        r.post("/api/callers/organisations/rename").handler(this::renameOrganisation);
        r.post("/api/callers/:callerId/merge").handler(this::merge);
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

    /** {@code POST /api/callers/{keep}/merge {"from": duplicate}}: the duplicate's calls, tickets and numbers go to the kept caller. */
    private void merge(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        long id = Http.pathId(ctx, "callerId");
        Input in = Input.of(ctx, Set.of("from"));
        long from = in.id("from").orElseThrow(() -> in.bad("from", "required: the id of the duplicate to merge into caller " + id));
        if (from == id) {
            throw in.bad("from", "a caller cannot be merged into themselves");
        }
        callers.merge(id, from, me.id()).onComplete(Http.reply(ctx, c -> Http.ok(ctx,
                c.orElseThrow(() -> ApiException.notFound("no caller " + id)).json())));
    }

    private void organisations(RoutingContext ctx) {
        Http.signedIn(ctx);
        Http.Paging p = Http.paging(ctx);
        callers.organisations(Http.param(ctx, "q", 200).orElse(""), p.limit(), p.offset())
                .onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, CallerStore.Organisation::json))));
    }

    /** Renames an organisation for all its callers; renaming to an existing name merges the two spellings. */
    private void renameOrganisation(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        Input in = Input.of(ctx, Set.of("from", "to"));
        String from = in.requiredText("from", 200);
        String to = in.requiredText("to", 200);
        if (from.equals(to)) {
            throw in.bad("to", "is the same as from");
        }
        callers.renameOrganisation(from, to, me.id()).onComplete(Http.reply(ctx, n -> Http.ok(ctx,
                new JsonObject().put("from", from).put("to", to).put("callers", n))));
    }

    /** Every caller as CSV, read and sent a chunk at a time so that a large directory never sits in memory. */
    private void export(RoutingContext ctx) {
        Http.require(ctx, Role.SUPERVISOR);
        HttpServerResponse res = ctx.response();
        callers.after(0, EXPORT_CHUNK).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            res.setChunked(true).putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"firstline-callers.csv\"");
            res.write(new Csv().row(List.of("id", "name", "organisation", "email", "phones", "vip", "pinSet", "createdAt"))
                    .toString());
            sendChunk(res, ar.result());
        });
    }

    private void sendChunk(HttpServerResponse res, List<Caller> chunk) {
        if (res.closed()) {
            return;
        }
        Csv csv = new Csv();
        for (Caller c : chunk) {
            csv.row(java.util.Arrays.asList(c.id(), c.name(), c.organisation(), c.email(), String.join(";", c.phones()),
                    c.vip(), c.pinSet(), c.createdAt() == null ? null : c.createdAt().toString()));
        }
        if (chunk.size() < EXPORT_CHUNK) {
            res.end(csv.toString());
            return;
        }
        res.write(csv.toString());
        long last = chunk.get(chunk.size() - 1).id();
        Runnable next = () -> callers.after(last, EXPORT_CHUNK).onComplete(ar -> {
            if (ar.failed()) {
                // Headers are gone: cutting the connection is the only way to say the file is incomplete.
                res.reset();
            } else {
                sendChunk(res, ar.result());
            }
        });
        if (res.writeQueueFull()) {
            res.drainHandler(v -> next.run());
        } else {
            next.run();
        }
    }

    /**
     * {@code POST /api/callers/import/preview} checks a CSV file (the body, UTF-8) and writes nothing;
     * {@code POST /api/callers/import} checks it again and adds every caller in one transaction, or,
     * if any row has a problem, none and answers 400 with the same per-row report.
     */
    private void importFile(RoutingContext ctx, boolean write) {
        Agent me = Http.require(ctx, Role.ADMIN);
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiException.badField("file", "the request's body must be the CSV file (UTF-8), and it is empty");
        }
        String text = Csv.text(body.getBytes());
        String what = Http.param(ctx, "filename", 200).map(n -> n.replaceAll("\\p{Cntrl}", "?")).orElse("a CSV file");
        vertx.executeBlocking(() -> CallerImport.check(text, phones), false).onComplete(Http.reply(ctx, checked -> {
            if (!write) {
                callers.ownersOf(CallerImport.numbers(checked)).onComplete(Http.reply(ctx, owners -> {
                    List<CallerImport.RowError> warnings = CallerImport.warnings(checked, owners);
                    JsonArray w = new JsonArray();
                    warnings.stream().limit(500).forEach(e -> w.add(e.json()));
                    Http.ok(ctx, checked.json(500, 20).put("warningCount", warnings.size()).put("warnings", w));
                }));
            } else if (!checked.ok()) {
                int bad = checked.errors().size();
                Http.json(ctx, 400, checked.json(500, 0).put("error", "bad-request").put("field", "file")
                        .put("detail", "file: " + bad + (bad == 1 ? " problem" : " problems") + " (first on row "
                                + checked.errors().get(0).row() + "); nothing was imported"));
            } else {
                callers.importAll(checked.callers(), me.id(), what).onComplete(Http.reply(ctx, n -> Http.ok(ctx,
                        new JsonObject().put("imported", n).put("rows", checked.rows()).put("errors", new JsonArray()))));
            }
        }));
    }
}
