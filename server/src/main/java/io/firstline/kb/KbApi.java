package io.firstline.kb;

import io.firstline.auth.Agent;
import io.firstline.auth.Role;
import io.firstline.tickets.Ticket;
import io.firstline.web.ApiException;
import io.firstline.web.Csv;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/** {@code /api/kb}: the problems-and-solutions log, searched as you type. */
public final class KbApi {

    private static final Set<String> FIELDS = Set.of("title", "problem", "solution", "category");

    private final io.vertx.core.Vertx vertx;
    private final KbStore kb;

    public KbApi(io.vertx.core.Vertx vertx, KbStore kb) {
        this.vertx = vertx;
        this.kb = kb;
    }

    public void mount(Router r) {
        r.get("/api/kb").handler(this::search);
        r.post("/api/kb/import/preview").handler(ctx -> importFile(ctx, false));
        r.post("/api/kb/import").handler(ctx -> importFile(ctx, true));
        r.post("/api/kb").handler(this::create);
        r.get("/api/kb/:articleId").handler(this::get);
        r.patch("/api/kb/:articleId").handler(this::patch);
        r.post("/api/kb/:articleId/retire").handler(ctx -> retire(ctx, true));
        r.post("/api/kb/:articleId/restore").handler(ctx -> retire(ctx, false));
        r.post("/api/kb/:articleId/merge").handler(this::merge);
    }

    /** Agents search the articles in use; supervisors and admins may also list retired and never-used ones. */
    private void search(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        Http.Paging p = Http.paging(ctx);
        Optional<String> category = Http.param(ctx, "category", 20);
        if (category.isPresent() && !Ticket.CATEGORIES.contains(category.get())) {
            throw ApiException.badField("category", "'" + category.get() + "' is not one of " + String.join(", ", Ticket.CATEGORIES));
        }
        KbStore.Status status = switch (Http.param(ctx, "status", 20).orElse("active")) {
            case "active" -> KbStore.Status.ACTIVE;
            case "retired" -> KbStore.Status.RETIRED;
            case "all" -> KbStore.Status.ALL;
            default -> throw ApiException.badField("status", "'" + ctx.queryParams().get("status")
                    + "' is not one of active, retired, all");
        };
        Optional<String> used = Http.param(ctx, "used", 20);
        if (used.isPresent() && !used.get().equals("never")) {
            throw ApiException.badField("used", "'" + used.get() + "' is not 'never' (leave it out for every article)");
        }
        if ((status != KbStore.Status.ACTIVE || used.isPresent()) && !me.role().atLeast(Role.SUPERVISOR)) {
            throw ApiException.forbidden("retired and never-used articles are listed for supervisors and admins");
        }
        kb.search(Http.param(ctx, "q", 200).orElse(""), new KbStore.Filter(category, status, used.isPresent()),
                p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, KbArticle::json))));
    }

    private void create(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        KbStore.New a = newArticle(Input.of(ctx, FIELDS));
        kb.create(a, me.id()).onComplete(Http.reply(ctx, c -> Http.created(ctx, "/api/kb/" + c.id(), c.json())));
    }

    /** The fields of a new article, as POST /api/kb and an outcome's new solution give them. */
    public static KbStore.New newArticle(Input in) {
        return new KbStore.New(in.requiredText("title", 200), in.requiredText("problem", 20_000),
                in.requiredText("solution", 20_000),
                in.oneOf("category", Ticket.CATEGORIES).orElseThrow(() -> in.bad("category", "required; one of "
                        + String.join(", ", Ticket.CATEGORIES))));
    }

    private void get(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "articleId");
        kb.find(id).onComplete(Http.reply(ctx, a -> Http.ok(ctx, a.orElseThrow(() -> ApiException.notFound("no article " + id)).json())));
    }

    private void patch(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "articleId");
        Input in = Input.of(ctx, FIELDS);
        var changes = new KbStore.Changes(in.optionalText("title", 200), in.optionalText("problem", 20_000),
                in.optionalText("solution", 20_000), in.oneOf("category", Ticket.CATEGORIES));
        kb.update(id, changes).onComplete(Http.reply(ctx, a -> Http.ok(ctx, a.orElseThrow(() -> ApiException.notFound("no article " + id)).json())));
    }

    private void retire(RoutingContext ctx, boolean retired) {
        Agent me = Http.require(ctx, Role.ADMIN);
        long id = Http.pathId(ctx, "articleId");
        kb.retire(id, retired, me.id()).onComplete(Http.reply(ctx, a -> Http.ok(ctx,
                a.orElseThrow(() -> ApiException.notFound("no article " + id)).json())));
    }

    /** {@code POST /api/kb/{keep}/merge {"from": duplicate}}: the duplicate goes into the article of the path. */
    private void merge(RoutingContext ctx) {
        Agent me = Http.require(ctx, Role.ADMIN);
        long id = Http.pathId(ctx, "articleId");
        Input in = Input.of(ctx, Set.of("from"));
        long from = in.id("from").orElseThrow(() -> in.bad("from", "required: the id of the duplicate to merge into "
                + "article " + id));
        if (from == id) {
            throw in.bad("from", "an article cannot be merged into itself");
        }
        kb.merge(id, from, me.id()).onComplete(Http.reply(ctx, a -> Http.ok(ctx,
                a.orElseThrow(() -> ApiException.notFound("no article " + id)).json())));
    }

    /**
     * {@code POST /api/kb/import/preview} checks a CSV file of articles (the body) and writes nothing;
     * {@code POST /api/kb/import} checks it again and adds all its articles in one transaction, or none.
     */
    private void importFile(RoutingContext ctx, boolean write) {
        Agent me = Http.require(ctx, Role.ADMIN);
        var body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiException.badField("file", "the request's body must be the CSV file (UTF-8), and it is empty");
        }
        String text = Csv.text(body.getBytes());
        String what = Http.param(ctx, "filename", 200).map(n -> n.replaceAll("\\p{Cntrl}", "?")).orElse("a CSV file");
        vertx.executeBlocking(() -> KbImport.check(text), false).onComplete(Http.reply(ctx, checked -> {
            if (!write) {
                Http.ok(ctx, checked.json(500, 20));
            } else if (!checked.ok()) {
                int bad = checked.errors().size();
                Http.json(ctx, 400, checked.json(500, 0).put("error", "bad-request").put("field", "file")
                        .put("detail", "file: " + bad + (bad == 1 ? " problem" : " problems") + " (first on row "
                                + checked.errors().get(0).row() + "); nothing was imported"));
            } else {
                kb.importAll(checked.articles(), me.id(), what).onComplete(Http.reply(ctx, n -> Http.ok(ctx,
                        new io.vertx.core.json.JsonObject().put("imported", n).put("rows", checked.rows())
                                .put("errors", new io.vertx.core.json.JsonArray()))));
            }
        }));
    }
}
