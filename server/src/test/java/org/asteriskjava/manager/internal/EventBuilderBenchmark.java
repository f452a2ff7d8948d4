package org.asteriskjava.manager.internal;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long Asterisk-Java's own event builder and Firstline's take to build every event of the recordings in traces/,
 * and how much each allocates: a plain main class, not run by the tests (see docs/benchmarks.md for the command).
 * Arguments: the rounds (40), and optionally {@code stock} or {@code fast} to time only that builder (for a profiler).
 */
public final class EventBuilderBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private EventBuilderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        List<List<String>> events = RecordedEvents.allLines();
        Object source = new Object();
        EventBuilder stock = new EventBuilderImpl();
        PrecompiledEventBuilder fast = new PrecompiledEventBuilder(new EventBuilderImpl());
        System.out.printf("%,d events of the recordings, %d rounds of each builder after %d to warm up%n", events.size(),
                rounds, rounds / 2);
        for (int i = 0; i < rounds / 2; i++) {
            run(stock, events, source);
            run(fast, events, source);
        }
        if (args.length > 1) { // a single builder only: "stock" or "fast"
            EventBuilder only = args[1].equals("stock") ? stock : fast;
            long[] t = new long[2];
            for (int i = 0; i < rounds; i++) {
                add(t, run(only, events, source));
            }
            print(args[1], t, (long) rounds * events.size());
            return;
        }
        long fastBefore = fast.built();
        long delegatedBefore = fast.delegated();
        long[] stockTotals = new long[2];
        long[] fastTotals = new long[2];
        for (int i = 0; i < rounds; i++) {
            add(stockTotals, run(stock, events, source));
            add(fastTotals, run(fast, events, source));
        }
        long n = (long) rounds * events.size();
        print("Asterisk-Java's EventBuilderImpl", stockTotals, n);
        print("Firstline's PrecompiledEventBuilder", fastTotals, n);
        System.out.printf(Locale.ROOT, "built by Firstline's: %.2f %% (the rest left to Asterisk-Java's)%n",
                100.0 * (fast.built() - fastBefore) / (fast.built() - fastBefore + fast.delegated() - delegatedBefore));
    }

    /** Events read ahead of being built, so that their strings are as fresh in the CPU's caches as in the reader. */
    private static final int CHUNK = 100;

    /**
     * CPU nanoseconds of this thread (the machine may be shared) and bytes allocated while building the events, for one
     * pass: each read from its lines as the reader reads them (not counted), then built, a hundred at a time.
     */
    private static long[] run(EventBuilder builder, List<List<String>> events, Object source) {
        long thread = Thread.currentThread().getId();
        long nanos = 0;
        long bytes = 0;
        int built = 0;
        List<Map<String, Object>> chunk = new java.util.ArrayList<>(CHUNK);
        for (int from = 0; from < events.size(); from += CHUNK) {
            chunk.clear();
            for (List<String> lines : events.subList(from, Math.min(from + CHUNK, events.size()))) {
                chunk.add(RecordedEvents.attributes(lines));
            }
            long allocated = THREADS.getThreadAllocatedBytes(thread);
            long start = THREADS.getCurrentThreadCpuTime();
            for (Map<String, Object> attributes : chunk) {
                if (builder.buildEvent(source, attributes) != null) {
                    built++;
                }
            }
            nanos += THREADS.getCurrentThreadCpuTime() - start;
            bytes += THREADS.getThreadAllocatedBytes(thread) - allocated;
        }
        if (built == 0) {
            throw new IllegalStateException("nothing built");
        }
        return new long[] {nanos, bytes};
    }

    private static void add(long[] totals, long[] run) {
        totals[0] += run[0];
        totals[1] += run[1];
    }

    private static void print(String name, long[] totals, long events) {
        System.out.printf(Locale.ROOT, "%-40s %8.0f ns/event (CPU) %8.0f bytes/event%n", name, (double) totals[0] / events,
                (double) totals[1] / events);
    }
}
