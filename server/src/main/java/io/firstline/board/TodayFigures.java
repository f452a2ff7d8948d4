package io.firstline.board;

import io.firstline.config.Settings;
import io.firstline.kpi.CallFact;
import io.firstline.kpi.Figures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * The board's "today", filled with the day's calls in the order they entered a queue (as {@code KpiStore.fold} streams
 * them): figures per queue, calls each agent handled, and the day's chart of quarter hours. It keeps one
 * {@link Figures} per queue and per quarter hour, never the calls. Not thread-safe: fill it, then hand it over.
 */
final class TodayFigures {

    static final int BUCKET_MINUTES = 15;

    private final Settings.Board settings;
    private final Instant from;
    private final Map<String, Figures> byQueue = new TreeMap<>();
    private final Map<Long, Integer> handled = new HashMap<>();
    private final TreeMap<Instant, Figures> buckets = new TreeMap<>();
    /** The service level of the day so far at the end of each quarter hour already passed. */
    private final Map<Instant, Double> serviceLevelAtEnd = new HashMap<>();
    private final Figures day;
    /** The first quarter hour whose end the calls added so far have not passed. */
    private Instant open;

    TodayFigures(Settings.Board settings, Instant from, Instant now) {
        this.settings = settings;
        this.from = from;
        ToIntFunction<String> threshold = q -> settings.forQueue(q).serviceLevelSeconds();
        this.day = new Figures(threshold);
        for (Instant b = from; b.isBefore(now); b = b.plus(BUCKET_MINUTES, ChronoUnit.MINUTES)) {
            buckets.put(b, new Figures(threshold));
        }
        this.open = buckets.isEmpty() ? null : buckets.firstKey();
    }

    /** One call of today; calls must come in the order they entered a queue. */
    void add(CallFact f) {
        byQueue.computeIfAbsent(f.queue(), q -> new Figures(settings.forQueue(q).serviceLevelSeconds())).add(f);
        if (f.result() == CallFact.Result.ANSWERED) {
            f.byAgent().forEach(part -> handled.merge(part.agentId(), 1, Integer::sum));
        }
        closeBucketsEndingBy(f.queuedAt());
        day.add(f);
        Map.Entry<Instant, Figures> bucket = buckets.floorEntry(f.queuedAt());
        if (bucket != null) {
            bucket.getValue().add(f);
        }
    }

    private void closeBucketsEndingBy(Instant at) {
        while (open != null && !open.plus(BUCKET_MINUTES, ChronoUnit.MINUTES).isAfter(at)) {
            serviceLevelAtEnd.put(open, day.serviceLevelPercent());
            open = buckets.higherKey(open);
        }
    }

    Map<String, Figures> byQueue() {
        return byQueue;
    }

    Map<Long, Integer> handled() {
        return handled;
    }

    /** The day's chart: each quarter hour's calls, and the day's service level at its end. Call once, after the last add. */
    JsonObject chart() {
        closeBucketsEndingBy(Instant.MAX);
        JsonArray rows = new JsonArray();
        buckets.forEach((start, f) -> rows.add(new JsonObject().put("at", start.toString()).put("offered", f.offered())
                .put("answered", f.answered()).put("abandoned", f.abandoned())
                .put("serviceLevelPercent", serviceLevelAtEnd.get(start))));
        return new JsonObject().put("from", from.toString()).put("bucketMinutes", BUCKET_MINUTES)
                .put("serviceLevelSeconds", day.serviceLevelSeconds()).put("buckets", rows);
    }
}
