package io.firstline.records;

import io.firstline.auth.Agent;
import io.firstline.bus.Bus;
import io.firstline.desk.Outcome;
import io.firstline.desk.OutcomeStore;
import io.firstline.kb.KbApi;
import io.firstline.kb.KbStore;
import io.firstline.tickets.Ticket;
import io.firstline.web.ApiException;
import io.firstline.web.Http;
import io.firstline.web.Input;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /api/calls}: the calls Asterisk reported, with their timelines, and the outcomes agents record. */
public final class CallsApi {

    private static final Set<String> OUTCOME = Set.of("disposition", "notes", "ticket", "kbArticleId", "newSolution",
            "wrapupSeconds");
    private static final Set<String> TICKET = Set.of("action", "id", "subject", "category", "priority", "problem",
            "resolution");
    private static final List<String> TICKET_ACTIONS = List.of("new", "update", "resolve");
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final CallStore calls;
    private final OutcomeStore outcomes;

    public CallsApi(CallStore calls, OutcomeStore outcomes) {
        this.calls = calls;
        this.outcomes = outcomes;
    }

    public void mount(Router r) {
        r.get("/api/calls").handler(this::list);
        r.get("/api/agents/me/calls").handler(this::mine);
        r.get("/api/calls/:callId").handler(this::get);
        r.post("/api/calls/:callId/outcome").handler(this::outcome);
    }

    private void list(RoutingContext ctx) {
        Http.signedIn(ctx);
        Http.Paging p = Http.paging(ctx);
        Optional<Instant> from = instantParam(ctx, "from");
        Optional<Instant> to = instantParam(ctx, "to");
        if (from.isPresent() && to.isPresent() && !to.get().isAfter(from.get())) {
            throw ApiException.badField("to", "must be after from");
        }
        Optional<String> status = Http.param(ctx, "status", 20);
        if (status.isPresent() && !CallStore.STATUS_FILTERS.contains(status.get())) {
            throw ApiException.badField("status", "'" + status.get() + "' is not one of "
                    + String.join(", ", CallStore.STATUS_FILTERS));
        }
        Optional<String> digits = Http.param(ctx, "number", 40).map(n -> {
            if (!n.matches("[0-9+()./ -]+") || n.replaceAll("[^0-9]", "").length() < 3) {
                throw ApiException.badField("number", "'" + n + "' is not a phone number or part of one (at least 3 digits)");
            }
            return n.replaceAll("[^0-9]", "");
        });
        Optional<String> disposition = Http.param(ctx, "disposition", 20);
        if (disposition.isPresent() && !Outcome.DISPOSITIONS.contains(disposition.get())) {
            throw ApiException.badField("disposition", "'" + disposition.get() + "' is not one of "
                    + String.join(", ", Outcome.DISPOSITIONS));
        }
        var filter = new CallStore.Filter(from, to, Http.param(ctx, "queue", 80), Http.idParam(ctx, "agentId"),
                Http.idParam(ctx, "callerId"), status, digits, disposition);
        calls.list(filter, p.limit(), p.offset()).onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, RecordedCall::json))));
    }

    /** The signed-in agent's own calls, newest first, with the outcome they recorded; {@code unsaved=true}: only those without one. */
    private void mine(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        Http.Paging p = Http.paging(ctx);
        Optional<String> unsaved = Http.param(ctx, "unsaved", 5);
        if (unsaved.isPresent() && !unsaved.get().equals("true") && !unsaved.get().equals("false")) {
            throw ApiException.badField("unsaved", "'" + unsaved.get() + "' is not true or false");
        }
        calls.callsOf(me.id(), unsaved.map("true"::equals).orElse(false), p.limit(), p.offset())
                .onComplete(Http.reply(ctx, page -> Http.ok(ctx, Http.page(page, CallStore.AgentCall::json))));
    }

    private void get(RoutingContext ctx) {
        Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callId");
        calls.find(id).onComplete(Http.reply(ctx, d -> Http.ok(ctx, d.orElseThrow(() -> ApiException.notFound("no call " + id)).json())));
    }

    private void outcome(RoutingContext ctx) {
        Agent me = Http.signedIn(ctx);
        long id = Http.pathId(ctx, "callId");
        Optional<String> key = idempotencyKey(ctx);
        OutcomeStore.New o = newOutcome(Input.of(ctx, OUTCOME));
        outcomes.record(id, me, o, key).onComplete(Http.reply(ctx, result -> {
            if (result instanceof OutcomeStore.Result.Recorded r) {
                // handle time and first-call resolution on the board count it within about a second
                Bus.publish(ctx.vertx(), Bus.FIGURES_CHANGED, null);
                if (r.first()) {
                    Http.created(ctx, "/api/calls/" + id, r.outcome().json());
                } else {
                    Http.ok(ctx, r.outcome().json());
                }
            } else if (result instanceof OutcomeStore.Result.NoSuchCall) {
                throw ApiException.notFound("no call " + id);
            } else if (result instanceof OutcomeStore.Result.NotYours) {
                throw ApiException.forbidden("only the agent who took call " + id + " or a supervisor may record its outcome");
            } else if (result instanceof OutcomeStore.Result.KeyUsedElsewhere k) {
                throw ApiException.conflict(IDEMPOTENCY_KEY, IDEMPOTENCY_KEY + ": already used for the outcome of call " + k.callId());
            }
        }));
    }

    /** The fields of an outcome; every problem is a 400 naming the field, before anything is written. */
    private static OutcomeStore.New newOutcome(Input in) {
        String disposition = in.oneOf("disposition", Outcome.DISPOSITIONS).orElseThrow(() -> in.bad("disposition",
                "required; one of " + String.join(", ", Outcome.DISPOSITIONS)));
        String notes = in.optionalText("notes", 20_000).orElse(null);
        Optional<OutcomeStore.TicketAction> ticket = in.object("ticket", TICKET).map(CallsApi::ticketAction);
        Optional<Long> kbArticleId = in.id("kbArticleId");
        Optional<KbStore.New> newSolution = in.object("newSolution", Set.of("title", "problem", "solution", "category"))
                .map(KbApi::newArticle);
        Integer wrapup = in.wholeNumber("wrapupSeconds", 0, 86_400).map(Long::intValue).orElse(null);
        return new OutcomeStore.New(disposition, notes, ticket, kbArticleId, newSolution, wrapup);
    }

    private static OutcomeStore.TicketAction ticketAction(Input t) {
        String action = t.oneOf("action", TICKET_ACTIONS).orElseThrow(() -> t.bad("action", "required; one of "
                + String.join(", ", TICKET_ACTIONS)));
        Optional<String> priority = t.oneOf("priority", Ticket.PRIORITIES);
        Optional<String> category = t.oneOf("category", Ticket.CATEGORIES);
        Optional<String> subject = t.optionalText("subject", 200);
        Optional<String> problem = t.optionalText("problem", 20_000);
        Optional<String> resolution = t.optionalText("resolution", 20_000);
        Optional<Long> id = t.id("id");
        if (action.equals("new")) {
            if (id.isPresent()) {
                throw t.bad("id", "a new ticket has no id yet (use action update or resolve for an existing one)");
            }
            if (resolution.isPresent()) {
                throw t.bad("resolution", "only when resolving a ticket");
            }
            return new OutcomeStore.TicketAction(action, null, subject.orElseThrow(() -> t.bad("subject", "required")),
                    category.orElseThrow(() -> t.bad("category", "required; one of " + String.join(", ", Ticket.CATEGORIES))),
                    priority.orElse("normal"), problem.orElse(null), null);
        }
        long ticketId = id.orElseThrow(() -> t.bad("id", "required to " + action + " a ticket"));
        if (problem.isPresent()) {
            throw t.bad("problem", "only for a new ticket");
        }
        if (action.equals("resolve") && resolution.isEmpty()) {
            throw t.bad("resolution", "required to resolve a ticket");
        }
        if (action.equals("update") && resolution.isPresent()) {
            throw t.bad("resolution", "only when resolving a ticket");
        }
        return new OutcomeStore.TicketAction(action, ticketId, subject.orElse(null), category.orElse(null),
                priority.orElse(null), null, resolution.orElse(null));
    }

    private static Optional<String> idempotencyKey(RoutingContext ctx) {
        String v = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isEmpty() || v.length() > 100 || !v.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.badField(IDEMPOTENCY_KEY, "1 to 100 visible ASCII characters");
        }
        return Optional.of(v);
    }

    private static Optional<Instant> instantParam(RoutingContext ctx, String name) {
        Optional<String> v = Http.param(ctx, name, 40);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(v.get()));
        } catch (DateTimeParseException e) {
            throw ApiException.badField(name, "'" + v.get() + "' is not an ISO-8601 instant such as 2026-11-24T09:00:00Z");
        }
    }
}
