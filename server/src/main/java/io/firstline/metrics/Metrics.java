package io.firstline.metrics;

import io.firstline.calls.CallChange;
import io.firstline.calls.PbxEvent;
import io.firstline.telephony.AmiLink;
import io.firstline.telephony.PbxHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Firstline's Prometheus metrics ({@code firstline_…}): calls by outcome, screen pops and their
 * latency, PBX links, AMI events by type, the database pool and WebSocket sessions. Counting is
 * called on the call flow's context; pop latency is measured as pops leave on the event bus.
 * Thread-safe.
 */
public final class Metrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Counter> unobserved = new ConcurrentHashMap<>();
    private final Map<String, Counter> reconciles = new ConcurrentHashMap<>();
    /** When the PBX event behind a pop was handled, by call and pop type; forgotten when the call ends. */
    private final Map<String, Long> popStarted = new ConcurrentHashMap<>();

    /** Counts one PBX event (by its type) and what it changed. */
    public void observe(PbxEvent event, List<CallChange> changes) {
        String type = event.getClass().getSimpleName();
        events.computeIfAbsent(event.pbx() + "|" + type, k -> Counter.builder("firstline.ami.events")
                .description("PBX events handled, by type (as Firstline names them)")
                .tag("pbx", String.valueOf(event.pbx())).tag("type", type).register(registry)).increment();
        long now = System.nanoTime();
        for (CallChange c : changes) {
            if (c instanceof CallChange.MemberRang r) {
                popStarted.putIfAbsent(popKey(r.call().linkedid(), "call.ringing"), now);
            } else if (c instanceof CallChange.CallAnswered a) {
                popStarted.putIfAbsent(popKey(a.call().linkedid(), "call.connected"), now);
            } else if (c instanceof CallChange.CallEnded e) {
                String outcome = e.call().status().wire();
                outcomes.computeIfAbsent(outcome, o -> Counter.builder("firstline.calls").description("Calls ended, by outcome")
                        .tag("outcome", o).register(registry)).increment();
                if (e.call().endedAtEstimated()) {
                    endedUnobserved(event.pbx(), "link-down", 1);
                }
                popStarted.remove(popKey(e.call().linkedid(), "call.ringing"));
                popStarted.remove(popKey(e.call().linkedid(), "call.connected"));
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

    /** Measures every pop ({@code call.ringing}, {@code call.connected}) that leaves for an agent's desktop. */
    public void watchPops(Vertx vertx) {
        Timer.Builder latency = Timer.builder("firstline.pop.latency")
                .description("From the PBX event to the screen pop leaving for the agent's desktop")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10));
        Map<String, Timer> timers = new ConcurrentHashMap<>();
        Map<String, Counter> delivered = new ConcurrentHashMap<>();
        vertx.eventBus().addOutboundInterceptor(dc -> {
            if (dc.message().address().startsWith("desk.agent.") && dc.body() instanceof JsonObject msg) {
                String type = msg.getString("type");
                JsonObject call = msg.getValue("call") instanceof JsonObject c ? c : null;
                if (call != null && ("call.ringing".equals(type) || "call.connected".equals(type))) {
                    delivered.computeIfAbsent(type, t -> Counter.builder("firstline.pops")
                            .description("Screen pops sent to agents' desktops").tag("type", t).register(registry)).increment();
                    Long started = popStarted.get(popKey(call.getString("linkedid"), type));
                    if (started != null) {
                        timers.computeIfAbsent(type, t -> latency.tag("type", t).register(registry))
                                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                }
            }
            dc.next();
        });
    }

    /** The PBX links: up (1 or 0), state, reconnects and events received. */
    public void pbxLinks(List<AmiLink> links) {
        for (AmiLink link : links) {
            Gauge.builder("firstline.pbx.link.up", () -> link.health().status() == PbxHealth.Status.CONNECTED ? 1 : 0)
                    .description("1 while the AMI link is connected and logged in").tag("pbx", link.name()).register(registry);
            for (PbxHealth.Status s : PbxHealth.Status.values()) {
                Gauge.builder("firstline.pbx.link.state", () -> link.health().status() == s ? 1 : 0)
                        .description("1 for the AMI link's current state").tag("pbx", link.name()).tag("state", s.wire())
                        .register(registry);
            }
            FunctionCounter.builder("firstline.pbx.reconnects", link, AmiLink::reconnects)
                    .description("Times the AMI link was connected again after losing the PBX").tag("pbx", link.name())
                    .register(registry);
            FunctionCounter.builder("firstline.ami.events.received", link, AmiLink::eventsReceived)
                    .description("AMI events read from the PBX, all types").tag("pbx", link.name()).register(registry);
        }
    }

    /** The database pool: connections in use and its size. */
    public void databasePool(IntSupplier active, IntSupplier size) {
        Gauge.builder("firstline.db.pool.active", active::getAsInt)
                .description("Database connections in use").register(registry);
        Gauge.builder("firstline.db.pool.max", size::getAsInt)
                .description("Database connections the pool may open").register(registry);
    }

    /** Open WebSocket sessions (desktops and wallboards). */
    public void webSockets(IntSupplier open) {
        Gauge.builder("firstline.websocket.sessions", open::getAsInt)
                .description("Open WebSocket sessions").register(registry);
    }

    /** The Prometheus text of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    private static String popKey(String linkedid, String type) {
        return linkedid + "|" + type;
    }
}
