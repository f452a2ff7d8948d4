package io.firstline.tickets;

import io.firstline.auth.Agent;
import io.firstline.web.ApiException;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/** {@code /api/tickets}: open, follow up and resolve callers' problems; notes on them. */
public final class TicketsApi {

    private static final Set<String> CREATE = Set.of("callerId", "subject", "category", "priority", "problem");
    private static final Set<String> PATCH = Set.of("status", "resolution", "priority", "subject", "category");

    private final TicketStore tickets;

    public TicketsApi(TicketStore tickets) {
        this.tickets = tickets;
    }

    public void mount(Router r) {
        r.get("/api/tickets").handler(this::list);
        r.post("/api/tickets").handler(this::create);
        r.get("/api/tickets/:ticketId").handler(this::get);
        r.patch("/api/tickets/:ticketId").handler(this::patch);
        r.post("/api/tickets/:ticketId/notes").handler(this::addNote);
    }

    private void list(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        Http.Paging p = Http.paging(ctx);
        Optional<String> mine = Http.param(ctx, "mine", 5);
        if (mine.isPresent() && !mine.get().equals("true") && !mine.get().equals("false")) {
            throw ApiException.badField("mine", "'" + mine.get() + "' is not true or false");
        }
        Optional<String> queue = Http.param(ctx, "queue", 80);
        Optional<Long> callerId = Http.idParam(ctx, "callerId");
        Optional<String> status = Http.param(ctx, "status", 20);
        if (status.isPresent() && !Ticket.STATUSES.contains(status.get())) {
            throw ApiException.badField("status", "'" + status.get() + "' is not one of " + String.join(", ", Ticket.STATUSES));
        }
        var filter = new TicketStore.Filter(callerId, status, mine.filter("true"::equals).map(m -> me.id()), queue);
        tickets.list(filter, p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, Ticket::json))));
    }

    private void create(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        Input in = Input.of(ctx, CREATE);
        TicketStore.New t = newTicket(in);
        tickets.create(t, me.id()).onComplete(Http.reply(ctx, created -> Http.created(ctx, "/api/tickets/" + created.id(), created.json())));
    }

    /** The fields of a new ticket, as POST /api/tickets and an outcome's "new" ticket give them. */
    static TicketStore.New newTicket(Input in) {
        long callerId = in.id("callerId").orElseThrow(() -> in.bad("callerId", "required"));
        return new TicketStore.New(callerId,
                in.requiredText("subject", 200),
                in.oneOf("category", Ticket.CATEGORIES).orElseThrow(() -> in.bad("category", "required; one of "
                        + String.join(", ", Ticket.CATEGORIES))),
                in.oneOf("priority", Ticket.PRIORITIES).orElse("normal"),
                in.optionalText("problem", 20_000).orElse(null));
    }

    private void get(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "ticketId");
        tickets.find(id).onComplete(Http.reply(ctx, d -> Http.ok(ctx, d.orElseThrow(() -> ApiException.notFound("no ticket " + id)).json())));
    }

    private void patch(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "ticketId");
        Input in = Input.of(ctx, PATCH);
        var changes = new TicketStore.Changes(in.oneOf("status", Ticket.STATUSES), in.optionalText("resolution", 20_000),
                in.oneOf("priority", Ticket.PRIORITIES), in.optionalText("subject", 200), in.oneOf("category", Ticket.CATEGORIES));
        tickets.update(id, changes).onComplete(Http.reply(ctx, t -> Http.ok(ctx, t.orElseThrow(() -> ApiException.notFound("no ticket " + id)).json())));
    }

    private void addNote(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        long id = Http.pathId(ctx, "ticketId");
        Input in = Input.of(ctx, Set.of("body"));
        String body = in.requiredText("body", 20_000);
        tickets.addNote(id, me.id(), body)
                .onComplete(Http.reply(ctx, n -> Http.created(ctx, "/api/tickets/" + id, n.orElseThrow(() -> ApiException.notFound("no ticket " + id)).json())));
    }
}
