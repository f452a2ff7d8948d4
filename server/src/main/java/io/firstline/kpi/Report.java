package io.firstline.kpi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Tally tally = new Tally(kind, periods, serviceLevelSeconds);
        facts.forEach(tally::add);
        callbacks.forEach(tally::add);
        return tally.report(agents);
    }

    /**
     * A report being filled one call at a time: it keeps a {@link Figures} per row, never the calls themselves.
     * Not thread-safe.
     */
    public static final class Tally {
        private final Kind kind;
        private final List<ReportPeriods.Period> periods;
        private final ToIntFunction<String> serviceLevelSeconds;
        private final Map<Key, Cell> byPeriod = new HashMap<>();
        private final Map<Key, Cell> overall = new HashMap<>();

        public Tally(Kind kind, List<ReportPeriods.Period> periods, ToIntFunction<String> serviceLevelSeconds) {
            this.kind = kind;
            this.periods = List.copyOf(periods);
            this.serviceLevelSeconds = serviceLevelSeconds;
            if (kind == Kind.CALLS) {
                for (int i = 0; i < periods.size(); i++) {
                    byPeriod.put(new Key(i, null), new Cell(serviceLevelSeconds));
                }
                overall.put(new Key(-1, null), new Cell(serviceLevelSeconds));
            }
        }

        /** A call that entered a queue; one outside the periods is ignored. */
        public void add(CallFact call) {
            for (CallFact f : kind == Kind.AGENTS ? call.byAgent() : List.of(call)) {
                Cell[] cells = cells(f.queuedAt(), f.queue(), f.agentId());
                if (cells != null) {
                    cells[0].figures.add(f);
                    cells[1].figures.add(f);
                }
            }
        }

        /** A callback made; one outside the periods is ignored. */
        public void add(CallbackFact callback) {
            Cell[] cells = cells(callback.handledAt(), callback.queue(), callback.agentId());
            if (cells != null) {
                cells[0].callbacks++;
                cells[1].callbacks++;
            }
        }

        /** The agents the rows so far are about (for an {@code agents} report; empty otherwise). */
        public Set<Long> agentIds() {
            Set<Long> ids = new HashSet<>();
            if (kind == Kind.AGENTS) {
                overall.keySet().forEach(k -> ids.add((Long) k.subject()));
            }
            return ids;
        }

        /** @param agents names of the agents of {@link #agentIds()}; an unknown one is shown by id */
        public Report report(Map<Long, AgentLabel> agents) {
            return new Report(kind, periods, rows(kind, periods, byPeriod, agents), rows(kind, periods, overall, agents));
        }

        /** The cell of the call's period and subject and the one of its subject over the whole range; null: none. */
        private Cell[] cells(java.time.Instant at, String queue, Long agentId) {
            int i = ReportPeriods.indexOf(periods, at);
            Object subject = subject(kind, queue, agentId);
            if (i < 0 || (kind == Kind.AGENTS && subject == null)) {
                return null;
            }
            return new Cell[] {
                byPeriod.computeIfAbsent(new Key(i, subject), k -> new Cell(serviceLevelSeconds)),
                overall.computeIfAbsent(new Key(-1, subject), k -> new Cell(serviceLevelSeconds))};
        }
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
