package io.firstline.reports;

import io.firstline.auth.Role;
import io.firstline.kpi.Report;
import io.firstline.kpi.ReportPeriods;
import io.firstline.web.ApiException;
import io.firstline.web.Csv;
import io.firstline.web.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * {@code /api/reports/{queues|agents|calls}}: the KPIs of docs/kpis.md over a range of days, by day or
 * hour, as JSON or CSV (supervisor role). Handlers run on the event loop; the figures are summed on a worker.
 */
public final class ReportsApi {

    static final int MAX_DAYS_BY_DAY = 366;
    static final int MAX_DAYS_BY_HOUR = 31;
    static final int TOP_CATEGORIES = 3;
    private static final List<String> FORMATS = List.of("json", "csv");
    private static final List<String> FIGURES = List.of("offered", "answered", "abandoned", "unanswered",
            "abandonedPercent", "serviceLevelSeconds", "serviceLevelPercent", "averageWaitSeconds",
            "averageHandleSeconds", "firstCallResolutionPercent");

    private final Vertx vertx;
    private final KpiStore kpis;
    private final ZoneId zone;
    private final ToIntFunction<String> serviceLevelSeconds;

    /** @param serviceLevelSeconds each queue's service-level threshold, as the board uses it */
    public ReportsApi(Vertx vertx, KpiStore kpis, ZoneId zone, ToIntFunction<String> serviceLevelSeconds) {
        this.vertx = vertx;
        this.kpis = kpis;
        this.zone = zone;
        this.serviceLevelSeconds = serviceLevelSeconds;
    }

    /** What a request asks for, validated. */
    record Request(Report.Kind kind, LocalDate from, LocalDate to, ReportPeriods.By by, String format) {
    }

    public void mount(Router r) {
        r.get("/api/reports/:kind").handler(this::report);
    }

    private void report(RoutingContext ctx) {
        Http.require(ctx, Role.SUPERVISOR);
        Request req = request(ctx);
        List<ReportPeriods.Period> periods = ReportPeriods.of(zone, req.from(), req.to(), req.by());
        var start = periods.get(0).start();
        var end = periods.get(periods.size() - 1).end();
        Report.Tally tally = new Report.Tally(req.kind(), periods, serviceLevelSeconds);
        kpis.fold(start, end, null, tally, Report.Tally::add)
                .compose(t -> kpis.callbacks(start, end))
                .compose(callbacks -> {
                    callbacks.forEach(tally::add);
                    return kpis.agentLabels(tally.agentIds());
                })
                .compose(agents -> vertx.executeBlocking(() -> {
                    Report report = tally.report(agents);
                    return req.format().equals("csv") ? csv(report) : json(req, report).encode();
                }, false))
                .onComplete(Http.reply(ctx, body -> {
                    if (req.format().equals("csv")) {
                        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
                                .putHeader("Content-Disposition", "attachment; filename=\"" + fileName(req) + "\"")
                                .end(body);
                    } else {
                        ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body);
                    }
                }));
    }

    /** Every parameter checked; a problem is a 400 naming it (an unknown report is a 404). */
    private static Request request(RoutingContext ctx) {
        String kindName = ctx.pathParam("kind");
        Report.Kind kind = null;
        for (Report.Kind k : Report.Kind.values()) {
            if (k.wire().equals(kindName)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw ApiException.notFound("no report '" + kindName + "'; there are /api/reports/queues, /api/reports/agents"
                    + " and /api/reports/calls");
        }
        LocalDate from = date(ctx, "from").orElseThrow(() -> ApiException.badField("from",
                "required: the first day of the report, as YYYY-MM-DD"));
        LocalDate to = date(ctx, "to").orElse(from);
        if (to.isBefore(from)) {
            throw ApiException.badField("to", "must not be before from (" + from + "); to is the last day included");
        }
        ReportPeriods.By by = ReportPeriods.By.DAY;
        Optional<String> byName = Http.param(ctx, "by", 10);
        if (byName.isPresent()) {
            by = List.of(ReportPeriods.By.values()).stream().filter(b -> b.wire().equals(byName.get())).findFirst()
                    .orElseThrow(() -> ApiException.badField("by", "'" + byName.get() + "' is not one of day, hour"));
        }
        String format = Http.param(ctx, "format", 10).orElse("json");
        if (!FORMATS.contains(format)) {
            throw ApiException.badField("format", "'" + format + "' is not one of " + String.join(", ", FORMATS));
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        int max = by == ReportPeriods.By.DAY ? MAX_DAYS_BY_DAY : MAX_DAYS_BY_HOUR;
        if (days > max) {
            throw ApiException.badField("to", "the range is " + days + " days; at most " + MAX_DAYS_BY_DAY
                    + " by day and " + MAX_DAYS_BY_HOUR + " by hour");
        }
        return new Request(kind, from, to, by, format);
    }

    private static Optional<LocalDate> date(RoutingContext ctx, String name) {
        Optional<String> v = Http.param(ctx, name, 20);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            LocalDate d = LocalDate.parse(v.get());
            if (d.getYear() < 2000 || d.getYear() > 9998) {
                throw ApiException.badField(name, "'" + v.get() + "' is out of range (years 2000 to 9998)");
            }
            return Optional.of(d);
        } catch (DateTimeParseException e) {
            throw ApiException.badField(name, "'" + v.get() + "' is not a date such as 2026-11-24");
        }
    }

    private JsonObject json(Request req, Report report) {
        JsonArray items = new JsonArray();
        report.rows().forEach(r -> items.add(row(report.kind(), r)));
        JsonArray totals = new JsonArray();
        report.totals().forEach(r -> totals.add(row(report.kind(), r)));
        return new JsonObject().put("report", req.kind().wire()).put("from", req.from().toString())
                .put("to", req.to().toString()).put("by", req.by().wire()).put("timezone", zone.getId())
                .put("items", items).put("total", items.size()).put("totals", totals);
    }

    private static JsonObject row(Report.Kind kind, Report.Row r) {
        JsonObject o = new JsonObject();
        if (r.period() != null) {
            o.put("period", r.period().label()).put("periodStart", r.period().start().toString())
                    .put("periodEnd", r.period().end().toString());
        }
        if (kind == Report.Kind.AGENTS) {
            o.put("agentId", r.agent().id()).put("username", r.agent().username()).put("agent", r.agent().name());
        } else if (kind == Report.Kind.QUEUES) {
            o.put("queue", r.queue());
        }
        r.figures().asMap().forEach(o::put);
        JsonArray top = new JsonArray();
        r.figures().topCategories(TOP_CATEGORIES).forEach(e -> top.add(new JsonObject().put("category", e.getKey())
                .put("calls", e.getValue())));
        return o.put("topCategories", top).put("callbacksMade", r.callbacksMade());
    }

    private String csv(Report report) {
        Csv csv = new Csv();
        List<Object> header = new ArrayList<>(List.of("period", "periodStart"));
        switch (report.kind()) {
            case QUEUES -> header.add("queue");
            case AGENTS -> header.addAll(List.of("agentId", "username", "agent"));
            default -> { }
        }
        header.addAll(FIGURES);
        // Added after the first columns, so that a spreadsheet reading columns by position keeps working.
        header.addAll(List.of("topCategories", "callbacksMade", "endedUnobserved"));
        csv.row(header);
        for (Report.Row r : report.rows()) {
            List<Object> cells = new ArrayList<>(List.of(r.period().label(), r.period().start().toString()));
            switch (report.kind()) {
                case QUEUES -> cells.add(r.queue());
                case AGENTS -> cells.addAll(Arrays.asList(r.agent().id(), r.agent().username(), r.agent().name()));
                default -> { }
            }
            Map<String, Object> figures = r.figures().asMap();
            FIGURES.forEach(f -> cells.add(figures.get(f)));
            cells.add(r.figures().topCategories(TOP_CATEGORIES).stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining("; ")));
            cells.add(r.callbacksMade());
            cells.add(r.figures().endedUnobserved());
            csv.row(cells);
        }
        return csv.toString();
    }

    private static String fileName(Request req) {
        return String.format(Locale.ROOT, "firstline-%s-%s-to-%s-by-%s.csv", req.kind().wire(), req.from(), req.to(),
                req.by().wire());
    }
}
