package io.firstline.metrics;

import io.firstline.bus.Bus;
import io.firstline.calls.CallChange;
import io.firstline.calls.PbxEvent;
import io.firstline.desk.ScreenPops;
import io.firstline.telephony.AmiLink;
import io.firstline.telephony.PbxHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Firstline's Prometheus metrics ({@code firstline_…}): calls by outcome, screen pops and their
 * latency, PBX links, AMI events by type, the database and the call records waiting for it, and
 * WebSocket sessions; on the same registry Vert.x's own ({@code vertx_…}, through
 * vertx-micrometer-metrics), HikariCP's ({@code hikaricp_…}) and the JVM's. Counting is called on
 * the call flow's context; pop latency is measured as pops leave on the event bus. Thread-safe.
 */
public final class Metrics {

    /** A pop that leaves later than this after its PBX event is late (the promise: p99 under a second). */
    public static final Duration LATE = Duration.ofSeconds(1);
    private static final Duration EVENT_LOOP_PROBE = Duration.ofMillis(50);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile LongSupplier countedWrites;
    private volatile LongSupplier countedBatches;
    /** What this registry's function meters read (it holds their sources weakly). */
    private final List<Object> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    {
        // Buckets for the worker pools' queue time, so that its tail can be read over any period, not only its recent max.
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals("vertx.pool.queue.time")
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
                        : config;
            }
        });
    }
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Counter> unobserved = new ConcurrentHashMap<>();
    private final Map<String, Counter> reconciles = new ConcurrentHashMap<>();

    /** The registry that HikariCP reports to. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Vert.x's metrics (HTTP server, event bus, worker pools such as {@code firstline-db}) on this
     * registry, labelled by what stays few: no event-bus address, no remote address.
     */
    public MetricsOptions vertxOptions() {
        return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE,
                        Label.EB_FAILURE));
    }

    public VertxMetricsFactory vertxMetrics() {
        return new MicrometerMetricsFactory(registry);
    }

    /** Counts one PBX event (by its type) and the calls it ended (by outcome). */
    public void observe(PbxEvent event, List<CallChange> changes) {
        String type = event.getClass().getSimpleName();
        events.computeIfAbsent(event.pbx() + "|" + type, k -> Counter.builder("firstline.ami.events")
                .description("PBX events handled, by type (as Firstline names them)")
                .tag("pbx", String.valueOf(event.pbx())).tag("type", type).register(registry)).increment();
        for (CallChange c : changes) {
            if (c instanceof CallChange.CallEnded e) {
                String outcome = e.call().status().wire();
                outcomes.computeIfAbsent(outcome, o -> Counter.builder("firstline.calls").description("Calls ended, by outcome")
                        .tag("outcome", o).register(registry)).increment();
                if (e.call().endedAtEstimated()) {
                    endedUnobserved(event.pbx(), "link-down", 1);
                }
            }
        }
    }

    /** One reconcile of a PBX's recorded calls after a snapshot, which ended {@code ended} calls. */
    public void reconciled(String pbx, int ended) {
        reconciles.computeIfAbsent(pbx, p -> Counter.builder("firstline.call.reconciles")
                .description("Reconciles of the calls recorded in progress with the PBX, after each snapshot")
                .tag("pbx", p).register(registry)).increment();
        endedUnobserved(pbx, "firstline-down", ended);
    }

    private void endedUnobserved(String pbx, String why, int n) {
        unobserved.computeIfAbsent(pbx + "|" + why, k -> Counter.builder("firstline.calls.ended.unobserved")
                .description("Calls whose end was not seen (the link or Firstline was down), ended on a resync")
                .tag("pbx", pbx).tag("while", why).register(registry)).increment(n);
    }

    /**
     * Measures every message that leaves for an agent's desktop with the time of its PBX event
     * (the pops {@code call.ringing} and {@code call.connected}, and {@code call.updated}): counted
     * by type and by how much of the caller's data it carried, its latency recorded, and counted
     * late when it left more than {@link #LATE} after the event; and the pops not sent because their
     * call had ended meanwhile.
     */
    public void watchPops(Vertx vertx, ScreenPops pops) {
        Timer.Builder latency = Timer.builder("firstline.pop.latency")
                .description("From the PBX event to the screen pop leaving for the agent's desktop")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5));
        Map<String, Timer> timers = new ConcurrentHashMap<>();
        Map<String, Counter> delivered = new ConcurrentHashMap<>();
        Map<String, Counter> late = new ConcurrentHashMap<>();
        long lateNanos = LATE.toNanos();
        for (String type : List.of("call.ringing", "call.connected")) {
            late.put(type, Counter.builder("firstline.pops.late")
                    .description("Screen pops that left more than a second after their PBX event")
                    .tag("type", type).register(registry));
        }
        vertx.eventBus().addOutboundInterceptor(dc -> {
            String at = dc.message().headers().get(ScreenPops.EVENT_NANOS);
            if (at != null && dc.body() instanceof JsonObject msg && Bus.isToAgent(dc.message().address())) {
                String type = String.valueOf(msg.getString("type"));
                String data = String.valueOf(msg.getString("callerData"));
                long took = System.nanoTime() - Long.parseLong(at);
                delivered.computeIfAbsent(type + "|" + data, k -> Counter.builder("firstline.pops")
                        .description("Screen pops and their updates sent to agents' desktops, by how much of the caller's data they carry")
                        .tag("type", type).tag("caller_data", data).register(registry)).increment();
                if (!"call.updated".equals(type)) {
                    timers.computeIfAbsent(type, t -> latency.tag("type", t).register(registry))
                            .record(took, TimeUnit.NANOSECONDS);
                    if (took > lateNanos && late.containsKey(type)) {
                        late.get(type).increment();
                    }
                }
            }
            dc.next();
        });
        // A function counter holds its object weakly: the screen pops themselves live as long as the server.
        FunctionCounter.builder("firstline.pops.dropped", pops, ScreenPops::droppedAsEnded)
                .description("Screen pops not sent because their call had ended before they could go")
                .tag("reason", "call-ended").register(registry);
    }

    /**
     * How late each event loop runs a task scheduled on it every 50 ms: the time a socket read, a
     * timer or a message waits because the loop is busy with something else.
     */
    public void eventLoops(Vertx vertx) {
        Timer delay = Timer.builder("firstline.event.loop.delay")
                .description("How late a task scheduled on each event loop ran (the loop was busy)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        // Netty's executors themselves, one per event loop: Vert.x's public API gives a context, not a chosen loop.
        for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
            probe(loop, delay);
        }
    }

    private static void probe(EventExecutor loop, Timer delay) {
        long due = System.nanoTime() + EVENT_LOOP_PROBE.toNanos();
        try {
            loop.schedule(() -> {
                delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
                probe(loop, delay);
            }, EVENT_LOOP_PROBE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // Vert.x is closing
        }
    }

    /** The PBX links: up (1 or 0), state, reconnects and events received. */
    public void pbxLinks(List<AmiLink> links) {
        Map<String, AmiLink> byName = new java.util.LinkedHashMap<>();
        links.forEach(l -> byName.put(l.name(), l));
        pbxLinks(List.copyOf(byName.keySet()), byName::get);
    }

    /**
     * The PBX links by name; {@code current} gives the link running now, or null (cluster mode: while another node
     * follows the PBX, its state is standby and its counters 0; they start again from 0 when this node takes it over).
     */
    public void pbxLinks(List<String> names, java.util.function.Function<String, AmiLink> current) {
        held.add(current);
        for (String name : names) {
            Supplier<PbxHealth.Status> status = () -> {
                AmiLink link = current.apply(name);
                return link == null ? PbxHealth.Status.STANDBY : link.health().status();
            };
            Gauge.builder("firstline.pbx.link.up", () -> status.get() == PbxHealth.Status.CONNECTED ? 1 : 0)
                    .description("1 while the AMI link is connected and logged in").tag("pbx", name).register(registry);
            for (PbxHealth.Status s : PbxHealth.Status.values()) {
                Gauge.builder("firstline.pbx.link.state", () -> status.get() == s ? 1 : 0)
                        .description("1 for the AMI link's current state").tag("pbx", name).tag("state", s.wire())
                        .register(registry);
            }
            linkCounter("firstline.pbx.reconnects", "Times the AMI link was connected again after losing the PBX", name,
                    current, AmiLink::reconnects);
            linkCounter("firstline.ami.events.received", "AMI events read from the PBX, all types", name, current,
                    AmiLink::eventsReceived);
            linkCounter("firstline.ami.events.unreadable", "AMI events Firstline follows that could not be read and were skipped",
                    name, current, AmiLink::eventsUnreadable);
        }
    }

    private void linkCounter(String metric, String description, String pbx, java.util.function.Function<String, AmiLink> current,
            java.util.function.ToLongFunction<AmiLink> count) {
        LongSupplier value = () -> {
            AmiLink link = current.apply(pbx);
            return link == null ? 0 : count.applyAsLong(link);
        };
        held.add(value);
        FunctionCounter.builder(metric, value, LongSupplier::getAsLong).description(description).tag("pbx", pbx)
                .register(registry);
    }

    /** Cluster mode: how many PBX links this node owns, the takeovers it made, and the writes its fence refused. */
    public void cluster(IntSupplier owned, LongSupplier takeovers, LongSupplier refusedWrites) {
        held.add(takeovers);
        held.add(refusedWrites);
        Gauge.builder("firstline.cluster.links.owned", owned::getAsInt)
                .description("PBX links this node owns (holds the lease of) now").strongReference(true).register(registry);
        FunctionCounter.builder("firstline.cluster.takeovers", takeovers, LongSupplier::getAsLong)
                .description("PBX links this node took over from a node whose lease had run out").register(registry);
        FunctionCounter.builder("firstline.cluster.fenced.writes", refusedWrites, LongSupplier::getAsLong)
                .description("Call-record and presence writes refused because this node no longer owned the PBX's link"
                        + " (dropped, not retried)").register(registry);
    }

    /** Cluster mode: the members this node sees (itself included). */
    public void clusterMembers(IntSupplier members) {
        Gauge.builder("firstline.cluster.members", members::getAsInt)
                .description("Members of the cluster as this node sees them, itself included").strongReference(true)
                .register(registry);
    }

    /** Whether the database answers (its pool's own figures come from HikariCP, {@code hikaricp_connections_…}). */
    public void database(BooleanSupplier up) {
        Gauge.builder("firstline.db.up", () -> up.getAsBoolean() ? 1 : 0)
                .description("1 while the database answers its periodic check").register(registry);
    }

    /** The call records: how many calls wait to be written, for how long the oldest change has, and the writes so far. */
    public void callRecords(IntSupplier waiting, Supplier<Duration> oldest, LongSupplier writes, LongSupplier batches) {
        FunctionCounter.builder("firstline.call.records.writes", writes, LongSupplier::getAsLong)
                .description("Writes of call records started (a call's changes coalesced into one write; retries count)")
                .register(registry);
        FunctionCounter.builder("firstline.call.records.batches", batches, LongSupplier::getAsLong)
                .description("Transactions those writes went in (under load several calls' writes go in one)")
                .register(registry);
        countedWrites = writes; // the registry holds its counters' sources weakly
        countedBatches = batches;
        Gauge.builder("firstline.call.records.waiting", waiting::getAsInt)
                .description("Calls with changes not yet written to the database (kept in memory, retried)").register(registry);
        TimeGauge.builder("firstline.call.records.oldest.waiting", () -> oldest.get().toNanos(), TimeUnit.NANOSECONDS)
                .description("How long the oldest call change not yet written has waited").strongReference(true)
                .register(registry);
    }

    /** The queue members' sign-ins and pauses not yet written (the board's time signed in and paused today). */
    public void presenceSteps(IntSupplier waiting) {
        Gauge.builder("firstline.presence.steps.waiting", waiting::getAsInt)
                .description("Sign-ins and pauses of queue members not yet written to the database (kept in memory, retried)")
                .register(registry);
    }

    /** Open WebSocket sessions (desktops and wallboards). */
    public void webSockets(IntSupplier open) {
        Gauge.builder("firstline.websocket.sessions", open::getAsInt)
                .description("Open WebSocket sessions").register(registry);
    }

    /** The sockets following the live board on this node, by form, and the boards built for their updates. */
    public void board(io.firstline.board.BoardFollowers followers) {
        for (boolean wallScreen : new boolean[] {false, true}) {
            Gauge.builder("firstline.board.followers", () -> followers.count(wallScreen))
                    .description("WebSockets following the live board on this node: supervisors' boards and wall screens")
                    .tag("form", wallScreen ? "wall-screen" : "board").register(registry);
        }
        FunctionCounter.builder("firstline.board.updates", followers, io.firstline.board.BoardFollowers::updatesBuilt)
                .description("Boards built for the board's updates (board.delta; none while nobody on this node follows)")
                .register(registry);
    }

    /** What the web server's limits against abuse refused, by reason (closed connections, refused WebSockets). */
    public void webRefusals(List<String> reasons, java.util.function.ToLongFunction<String> refused) {
        for (String reason : reasons) {
            FunctionCounter.builder("firstline.http.refused", reason, refused::applyAsLong)
                    .description("Connections closed and WebSockets refused by the web server's limits")
                    .tag("reason", reason).register(registry);
        }
    }

    /** The Prometheus text of every metric. */
    public String scrape() {
        return registry.scrape();
    }
}
