package io.firstline.kpi;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * The queue KPIs of a set of calls, each defined once here (docs/kpis.md says the same in words):
 * the live board's "today" and every report row are a {@code Figures} filled with the calls of
 * their period. Not thread-safe: fill it on one thread, then read it.
 */
public final class Figures {

    /** The service-level threshold of a queue that names none (docs/kpis.md). */
    public static final int DEFAULT_SERVICE_LEVEL_SECONDS = 20;

    private final ToIntFunction<String> thresholdOfQueue;
    /** The one threshold every call so far was measured against; null once calls of different thresholds mix. */
    private Integer serviceLevelSeconds;
    private boolean mixedThresholds;
    private int offered;
    private int answered;
    private int abandoned;
    private int unanswered;
    private int endedUnobserved;
    private int answeredInTime;
    /** Answered calls whose wait is known. */
    private int waited;
    private long waitSum;
    private int handled;
    private long handleSum;
    private int withOutcome;
    private int resolvedFirstCall;
    private final Map<String, Integer> categories = new HashMap<>();

    /** @param serviceLevelSeconds the queue's threshold: answered within it counts as in service */
    public Figures(int serviceLevelSeconds) {
        this.thresholdOfQueue = q -> serviceLevelSeconds;
        this.serviceLevelSeconds = serviceLevelSeconds;
    }

    /**
     * For calls of several queues (a day's total, an agent): each call is measured against its own
     * queue's threshold.
     */
    public Figures(ToIntFunction<String> serviceLevelSecondsOfQueue) {
        this.thresholdOfQueue = serviceLevelSecondsOfQueue;
    }

    public Figures add(CallFact c) {
        offered++;
        int threshold = threshold(c.queue());
        switch (c.result()) {
            case ANSWERED -> {
                answered++;
                // A wait not known (answered before Firstline saw the call, or an agent's part of a call transferred
                // to them, which made nobody wait) is in neither the waits nor the service level.
                if (c.waitSeconds() != null) {
                    waited++;
                    waitSum += c.waitSeconds();
                    if (c.waitSeconds() <= threshold) {
                        answeredInTime++;
                    }
                }
                if (c.handleSeconds() != null) {
                    handled++;
                    handleSum += c.handleSeconds();
                }
                if (c.disposition() != null) {
                    withOutcome++;
                    if (c.disposition().equals("resolved")) {
                        resolvedFirstCall++;
                    }
                }
            }
            case ABANDONED -> abandoned++;
            case UNANSWERED -> unanswered++;
            case WAITING, UNKNOWN -> { }
        }
        if (c.endedUnobserved()) {
            endedUnobserved++;
        }
        if (c.category() != null) {
            categories.merge(c.category(), 1, Integer::sum);
        }
        return this;
    }

    private int threshold(String queue) {
        int t = thresholdOfQueue.applyAsInt(queue);
        if (!mixedThresholds && serviceLevelSeconds != null && serviceLevelSeconds != t) {
            mixedThresholds = true;
        }
        if (serviceLevelSeconds == null) {
            serviceLevelSeconds = t;
        }
        return t;
    }

    /** The service-level threshold, when all these calls share one; null when their queues' thresholds differ. */
    public Integer serviceLevelSeconds() {
        return mixedThresholds ? null : serviceLevelSeconds;
    }

    /** Calls that entered the queue, whatever became of them (those still waiting, and those of unknown fate, included). */
    public int offered() {
        return offered;
    }

    /** Calls an agent answered. */
    public int answered() {
        return answered;
    }

    /** Calls whose caller hung up while waiting. */
    public int abandoned() {
        return abandoned;
    }

    /** Calls that left the queue without an answer and without hanging up (timeout, exit key). */
    public int unanswered() {
        return unanswered;
    }

    /**
     * Calls that ended while Firstline or its PBX link was down, so that their end was not observed
     * (whatever they were counted as: answered ones are answered; those never seen answered or
     * abandoned are offered but not decided).
     */
    public int endedUnobserved() {
        return endedUnobserved;
    }

    /** Abandoned as a share of offered, in percent (one decimal); null when nothing was offered. */
    public Double abandonedPercent() {
        return percent(abandoned, offered);
    }

    /**
     * Answered within the threshold as a share of the calls that were decided (answered, abandoned
     * or unanswered), in percent; calls still waiting do not count yet, nor do calls that ended
     * unobserved before an answer or abandon was seen, nor answered calls whose wait is not known.
     * Null when none was decided.
     */
    public Double serviceLevelPercent() {
        return percent(answeredInTime, waited + abandoned + unanswered);
    }

    /** Mean seconds answered calls waited (those whose wait is known); null when there is none. */
    public Double averageWaitSeconds() {
        return mean(waitSum, waited);
    }

    /** Mean talk plus wrap-up of answered calls that have ended; null when none has. */
    public Double averageHandleSeconds() {
        return mean(handleSum, handled);
    }

    /** Answered calls whose outcome is "resolved", as a share of answered calls with an outcome. */
    public Double firstCallResolutionPercent() {
        return percent(resolvedFirstCall, withOutcome);
    }

    /** The problem categories, most frequent first (ties by name), at most {@code limit}. */
    public List<Map.Entry<String, Integer>> topCategories(int limit) {
        return categories.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit).map(e -> Map.entry(e.getKey(), e.getValue())).collect(Collectors.toList());
    }

    /** Every figure by the name the API and docs/kpis.md use. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offered", offered);
        m.put("answered", answered);
        m.put("abandoned", abandoned);
        m.put("unanswered", unanswered);
        m.put("abandonedPercent", abandonedPercent());
        m.put("serviceLevelSeconds", serviceLevelSeconds());
        m.put("serviceLevelPercent", serviceLevelPercent());
        m.put("averageWaitSeconds", averageWaitSeconds());
        m.put("averageHandleSeconds", averageHandleSeconds());
        m.put("firstCallResolutionPercent", firstCallResolutionPercent());
        m.put("endedUnobserved", endedUnobserved);
        return m;
    }

    private static Double percent(long part, long whole) {
        return whole == 0 ? null : Math.round(part * 1000.0 / whole) / 10.0;
    }

    private static Double mean(long sum, long count) {
        return count == 0 ? null : Math.round(sum * 10.0 / count) / 10.0;
    }
}
