package io.firstline.kpi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A report over a range of periods: one {@link Figures} per period and queue, per period and agent,
 * or per period for all calls, plus the same over the whole range. Pure; built on one thread.
 */
public final class Report {

    /** What a report's rows are about. */
    public enum Kind {
        /** A row per period and queue that had a call or a callback in it. */
        QUEUES,
        /** A row per period and agent who answered a call or made a callback in it. */
        AGENTS,
        /** A row per period, every period even when empty, over all queues. */
        CALLS;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How a report names an agent. */
    public record AgentLabel(long id, String username, String name) {
    }

    /**
     * One row.
     *
     * @param period null in the totals over the whole range
     * @param queue the queue of a {@code queues} row (null for callbacks not tied to a queue); null otherwise
     * @param agent the agent of an {@code agents} row; null otherwise
     */
    public record Row(ReportPeriods.Period period, String queue, AgentLabel agent, Figures figures, int callbacksMade) {
    }

    private final Kind kind;
    private final List<ReportPeriods.Period> periods;
    private final List<Row> rows;
    private final List<Row> totals;

    private Report(Kind kind, List<ReportPeriods.Period> periods, List<Row> rows, List<Row> totals) {
        this.kind = kind;
        this.periods = periods;
        this.rows = rows;
        this.totals = totals;
    }

    /**
     * @param facts the calls that entered a queue within the periods (others are ignored)
     * @param callbacks the callbacks made within the periods (others are ignored)
     * @param agents names of the agents in {@code facts} and {@code callbacks}; an unknown one is shown by id
     * @param serviceLevelSeconds the service-level threshold of each queue
     */
    public static Report build(Kind kind, List<ReportPeriods.Period> periods, List<CallFact> facts,
            List<CallbackFact> callbacks, Map<Long, AgentLabel> agents, ToIntFunction<String> serviceLevelSeconds) {
        Map<Key, Cell> byPeriod = new HashMap<>();
        Map<Key, Cell> overall = new HashMap<>();
        if (kind == Kind.CALLS) {
            for (int i = 0; i < periods.size(); i++) {
                byPeriod.put(new Key(i, null), new Cell(serviceLevelSeconds));
            }
            overall.put(new Key(-1, null), new Cell(serviceLevelSeconds));
        }
        for (CallFact f : kind == Kind.AGENTS ? facts.stream().flatMap(c -> c.byAgent().stream()).toList() : facts) {
            int i = ReportPeriods.indexOf(periods, f.queuedAt());
            Object subject = subject(kind, f.queue(), f.agentId());
            if (i < 0 || (kind == Kind.AGENTS && subject == null)) {
                continue;
            }
            byPeriod.computeIfAbsent(new Key(i, subject), k -> new Cell(serviceLevelSeconds)).figures.add(f);
            overall.computeIfAbsent(new Key(-1, subject), k -> new Cell(serviceLevelSeconds)).figures.add(f);
        }
        for (CallbackFact c : callbacks) {
            int i = ReportPeriods.indexOf(periods, c.handledAt());
            Object subject = subject(kind, c.queue(), c.agentId());
            if (i < 0 || (kind == Kind.AGENTS && subject == null)) {
                continue;
            }
            byPeriod.computeIfAbsent(new Key(i, subject), k -> new Cell(serviceLevelSeconds)).callbacks++;
            overall.computeIfAbsent(new Key(-1, subject), k -> new Cell(serviceLevelSeconds)).callbacks++;
        }
        return new Report(kind, periods, rows(kind, periods, byPeriod, agents), rows(kind, periods, overall, agents));
    }

    public Kind kind() {
        return kind;
    }

    public List<ReportPeriods.Period> periods() {
        return periods;
    }

    /** The rows by period (in time order), then by queue name or agent name. */
    public List<Row> rows() {
        return rows;
    }

    /** The same rows over the whole range: one per queue, per agent, or a single one for {@code calls}. */
    public List<Row> totals() {
        return totals;
    }

    /** A queue name for queues, an agent id for agents, nothing for calls. */
    private static Object subject(Kind kind, String queue, Long agentId) {
        switch (kind) {
            case QUEUES:
                return queue;
            case AGENTS:
                return agentId;
            default:
                return null;
        }
    }

    private static List<Row> rows(Kind kind, List<ReportPeriods.Period> periods, Map<Key, Cell> cells,
            Map<Long, AgentLabel> agents) {
        List<Row> out = new ArrayList<>();
        cells.forEach((k, c) -> {
            AgentLabel agent = kind == Kind.AGENTS ? agents.getOrDefault((Long) k.subject(),
                    new AgentLabel((Long) k.subject(), null, "agent " + k.subject())) : null;
            out.add(new Row(k.period() < 0 ? null : periods.get(k.period()), kind == Kind.QUEUES ? (String) k.subject() : null,
                    agent, c.figures, c.callbacks));
        });
        Comparator<Row> byPeriod = Comparator.comparing(r -> r.period() == null ? null : r.period().start(),
                Comparator.nullsFirst(Comparator.naturalOrder()));
        Comparator<Row> bySubject = Comparator.comparing(Row::queue, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(r -> r.agent() == null ? "" : r.agent().name(), Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(r -> r.agent() == null ? 0L : r.agent().id());
        out.sort(byPeriod.thenComparing(bySubject));
        return List.copyOf(out);
    }

    /** A period index (-1: the whole range) and a queue name, agent id or nothing. */
    private record Key(int period, Object subject) {
    }

    private static final class Cell {
        final Figures figures;
        int callbacks;

        Cell(ToIntFunction<String> serviceLevelSeconds) {
            figures = new Figures(serviceLevelSeconds);
        }
    }
}
