package io.firstline.telephony;

import io.firstline.calls.PbxEvent;
import io.firstline.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.asteriskjava.manager.AuthenticationFailedException;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerEventListener;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.EventGeneratingAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.action.QueueStatusAction;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.internal.FastEventsConnection;
import org.asteriskjava.manager.response.ManagerError;
import org.asteriskjava.manager.response.ManagerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link to one Asterisk server over AMI: logs in (retrying from the first attempt on), follows
 * events, notices a dead or half-open socket (pings plus a read timeout), reconnects with backoff,
 * and after every login resynchronises from Asterisk's own state (CoreShowChannels, QueueStatus).
 *
 * <p>Threads: Asterisk-Java's threads only translate each event and hand it to {@code sink}, which
 * must not block. Connecting, logging in and sending actions happen on this link's own thread,
 * never on Asterisk-Java's (a synchronous action there would deadlock its reader).
 */
public final class AmiLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmiLink.class);

    /**
     * How often to ping, how long the socket may stay silent, and how long to wait between attempts.
     * A healthy Asterisk answers every Ping, so the socket is never silent for longer than
     * {@code pingEvery}; once it is silent for {@code readTimeout} the reader gives up and the link is
     * lost. Pings that go unanswered for {@code readTimeout + pingEvery} while other bytes still
     * arrive (events, but no answers) end the link too.
     */
    public record Timing(Duration pingEvery, Duration readTimeout, Duration firstRetry, Duration maxRetry,
            Duration actionTimeout) {

        public static Timing standard() {
            return new Timing(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30),
                    Duration.ofSeconds(10));
        }
    }

    /** Asterisk's answer to an action. */
    public record ActionResult(boolean success, String message, Map<String, Object> fields) {
    }

    private final Settings.Pbx pbx;
    private final Consumer<PbxEvent> sink;
    private final Timing timing;
    private final ScheduledExecutorService thread;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong eventsReceived = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong eventsUnreadable = new AtomicLong();
    /** Kinds of unreadable events already logged: bounded by Asterisk-Java's event classes. */
    private final java.util.Set<String> unreadableKinds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private volatile PbxHealth.Status status = PbxHealth.Status.CONNECTING;
    private volatile boolean closed;
    private ManagerConnection connection;
    private Duration nextRetry;
    private ScheduledFuture<?> pinger;
    private final Clock clock;
    /**
     * When Asterisk last answered a ping (System.nanoTime): how long it has been silent is elapsed time, not the
     * clock's, so that a clock step (NTP, or a test moving the clock on) does not end a healthy link.
     */
    private volatile long lastPongNanos;

    /** @param clock what the events are stamped with as they arrive (Asterisk's own stamps are off) */
    public AmiLink(Settings.Pbx pbx, Consumer<PbxEvent> sink, Timing timing, Clock clock) {
        this.pbx = pbx;
        this.sink = sink;
        this.timing = timing;
        this.clock = clock;
        this.lastPongNanos = System.nanoTime();
        this.nextRetry = timing.firstRetry();
        java.util.concurrent.ScheduledThreadPoolExecutor one = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ami-" + pbx.name());
            t.setDaemon(true);
            return t;
        });
        // A close does not wait for the timeouts still scheduled (a listing's: up to actionTimeout).
        one.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = one;
    }

    public void start() {
        thread.execute(this::connect);
    }

    public String name() {
        return pbx.name();
    }

    public PbxHealth health() {
        return new PbxHealth(pbx.name(), status);
    }

    public long eventsReceived() {
        return eventsReceived.get();
    }

    /** Events Firstline follows that could not be read (a field it could not make sense of): skipped. */
    public long eventsUnreadable() {
        return eventsUnreadable.get();
    }

    /** Counts an event that could not be read, and logs the first of each kind (they come in series). */
    private void unreadable(ManagerEvent event, RuntimeException why) {
        eventsUnreadable.incrementAndGet();
        if (unreadableKinds.add(event.getClass().getSimpleName())) {
            log.warn("PBX {}: a {} event could not be read and is skipped ({}); further ones of this kind are only"
                    + " counted (firstline_ami_events_unreadable_total)", pbx.name(), event.getClass().getSimpleName(),
                    why.toString());
        }
    }

    public long reconnects() {
        return reconnects.get();
    }

    /**
     * Whether the link is connected through Firstline's {@link FastEventsConnection} and its reader builds the events
     * without reflection (for tests; meaningful once {@link #health()} says connected).
     */
    /** Whether the link's thread has ended (after {@link #close}). */
    boolean closedDown() {
        return thread.isTerminated();
    }

    boolean buildsEventsFast() {
        return connection instanceof FastEventsConnection c && c.buildsEventsFast();
    }

    /** Sends an action and completes with Asterisk's answer; fails when the link is down or times out. */
    public Future<ActionResult> send(ManagerAction action) {
        Promise<ActionResult> promise = Promise.promise();
        thread.execute(() -> {
            ManagerConnection c = connection;
            if (c == null || status != PbxHealth.Status.CONNECTED) {
                promise.tryFail(new PbxUnavailableException("the PBX '" + pbx.name() + "' is not connected"));
                return;
            }
            ScheduledFuture<?> timeout = thread.schedule(() -> promise.tryFail(new PbxUnavailableException(
                    "the PBX '" + pbx.name() + "' did not answer " + action.getAction() + " in time")),
                    timing.actionTimeout().toMillis(), TimeUnit.MILLISECONDS);
            try {
                c.sendAction(action, response -> {
                    timeout.cancel(false);
                    promise.tryComplete(result(response));
                });
            } catch (Exception e) {
                timeout.cancel(false);
                promise.tryFail(new PbxUnavailableException("the PBX '" + pbx.name() + "' could not be sent "
                        + action.getAction() + ": " + e.getMessage()));
            }
        });
        return promise.future();
    }

    private static ActionResult result(ManagerResponse r) {
        boolean ok = !(r instanceof ManagerError) && "Success".equalsIgnoreCase(r.getResponse());
        Map<String, Object> fields = r.getAttributes() == null ? Map.of() : Map.copyOf(r.getAttributes());
        return new ActionResult(ok, r.getMessage(), fields);
    }

    // --- connection lifecycle (on this link's thread) --------------------------------------

    private void connect() {
        if (closed) {
            return;
        }
        long gen = generation.incrementAndGet();
        status = PbxHealth.Status.CONNECTING;
        // Asterisk-Java's own connection (what DefaultManagerConnection wraps), whose reader builds events without
        // reflection; the concrete class, not the ManagerConnection interface: only it takes these settings.
        FastEventsConnection c = new FastEventsConnection(pbx.host(), pbx.port(), pbx.user(), pbx.secret());
        c.setSocketReadTimeout((int) timing.readTimeout().toMillis());
        c.setSocketTimeout((int) timing.readTimeout().toMillis());
        c.setDefaultResponseTimeout(timing.actionTimeout().toMillis());
        c.setKeepAliveAfterAuthenticationFailure(false);
        c.addEventListener(listener(gen));
        try {
            c.login("on");
        } catch (AuthenticationFailedException e) {
            log.error("PBX {}: AMI login refused for user '{}' at {}:{} (check FIRSTLINE_AMI_USER and FIRSTLINE_AMI_SECRET);"
                    + " trying again in {} s", pbx.name(), pbx.user(), pbx.host(), pbx.port(), nextRetry.toSeconds());
            fail(c);
            return;
        } catch (Exception e) {
            log.warn("PBX {}: cannot reach AMI at {}:{} ({}); trying again in {} s", pbx.name(), pbx.host(), pbx.port(),
                    e.getMessage(), nextRetry.toSeconds());
            fail(c);
            return;
        }
        if (closed || gen != generation.get()) {
            quietLogoff(c);
            return;
        }
        connection = c;
        nextRetry = timing.firstRetry();
        status = PbxHealth.Status.CONNECTED;
        lastPongNanos = System.nanoTime();
        log.info("PBX {}: connected to AMI at {}:{} as {}", pbx.name(), pbx.host(), pbx.port(), pbx.user());
        resync(c, gen);
        pinger = thread.scheduleWithFixedDelay(() -> ping(gen), timing.pingEvery().toMillis(),
                timing.pingEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fail(ManagerConnection c) {
        status = PbxHealth.Status.DOWN;
        quietLogoff(c);
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        long delay = nextRetry.toMillis();
        Duration doubled = nextRetry.multipliedBy(2);
        nextRetry = doubled.compareTo(timing.maxRetry()) > 0 ? timing.maxRetry() : doubled;
        thread.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Called (on this link's thread) when the connection of generation {@code gen} is gone. */
    private void lost(long gen, String why) {
        if (gen != generation.get() || closed) {
            return;
        }
        generation.incrementAndGet();
        reconnects.incrementAndGet();
        if (pinger != null) {
            pinger.cancel(false);
        }
        ManagerConnection c = connection;
        connection = null;
        status = PbxHealth.Status.CONNECTING;
        log.warn("PBX {}: AMI link lost ({}); reconnecting", pbx.name(), why);
        sink.accept(new PbxEvent.LinkLost(pbx.name(), clock.instant()));
        quietLogoff(c);
        thread.schedule(this::connect, timing.firstRetry().toMillis() / 2, TimeUnit.MILLISECONDS);
    }

    private void ping(long gen) {
        ManagerConnection c = connection;
        if (c == null || gen != generation.get()) {
            return;
        }
        Duration silent = Duration.ofNanos(System.nanoTime() - lastPongNanos);
        if (silent.compareTo(timing.readTimeout().plus(timing.pingEvery())) > 0) {
            lost(gen, "no answer to ping for " + silent.toSeconds() + " s");
            return;
        }
        try {
            c.sendAction(new PingAction(), response -> lastPongNanos = System.nanoTime());
        } catch (Exception e) {
            lost(gen, "ping failed: " + e.getMessage());
        }
    }

    /** Asks Asterisk for its channels, then its queues; the tracker rebuilds its state from them. */
    private void resync(ManagerConnection c, long gen) {
        sink.accept(new PbxEvent.SnapshotStarted(pbx.name(), clock.instant()));
        list(c, gen, new CoreShowChannelsAction(), channelsListed -> list(c, gen, new QueueStatusAction(),
                membersListed -> sink.accept(new PbxEvent.SnapshotDone(pbx.name(), clock.instant(), channelsListed,
                        membersListed))));
    }

    /**
     * Sends a listing action and hands its lines to the sink; {@code then} runs once, on this link's thread, with
     * whether the list is whole. Asterisk-Java calls back with what it has on an error answer (no lines) and when the
     * link is lost (part of them), and never when the Complete event does not come: a wait of actionTimeout ends that.
     */
    private void list(ManagerConnection c, long gen, EventGeneratingAction action, Consumer<Boolean> then) {
        AtomicBoolean over = new AtomicBoolean();
        ScheduledFuture<?> timeout = thread.schedule(() -> {
            if (over.compareAndSet(false, true) && gen == generation.get()) {
                log.warn("PBX {}: {} did not complete in {} s; what it left out is kept", pbx.name(), action.getAction(),
                        timing.actionTimeout().toSeconds());
                then.accept(false);
            }
        }, timing.actionTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            c.sendEventGeneratingAction(action, (ResponseEvents events) -> {
                if (gen != generation.get() || !over.compareAndSet(false, true)) {
                    return;
                }
                timeout.cancel(false);
                boolean whole = whole(action, events);
                if (!whole) {
                    log.warn("PBX {}: {} was not listed in full ({}); what it left out is kept", pbx.name(),
                            action.getAction(), events.getResponse() == null ? "no answer"
                                    : events.getResponse().getResponse() + " " + events.getResponse().getMessage());
                }
                Instant at = clock.instant();
                for (ResponseEvent e : events.getEvents()) {
                    AmiEvents.translate(pbx.name(), e, at, this::unreadable).ifPresent(sink);
                }
                thread.execute(() -> then.accept(whole));
            });
        } catch (Exception e) {
            timeout.cancel(false);
            thread.execute(() -> lost(gen, action.getAction() + " failed: " + e.getMessage()));
        }
    }

    /** Asterisk did not refuse the action and ended the list with its Complete event. */
    private static boolean whole(EventGeneratingAction action, ResponseEvents events) {
        return !(events.getResponse() instanceof ManagerError)
                && events.getEvents().stream().anyMatch(action.getActionCompleteEventClass()::isInstance);
    }

    private ManagerEventListener listener(long gen) {
        return (ManagerEvent event) -> {
            if (gen != generation.get()) {
                return;
            }
            if (event instanceof DisconnectEvent) {
                thread.execute(() -> lost(gen, "disconnected"));
                return;
            }
            if (event instanceof ResponseEvent r && r.getActionId() != null) {
                return; // a line of a list we asked for: it arrives through the list's callback
            }
            eventsReceived.incrementAndGet();
            AmiEvents.translate(pbx.name(), event, clock.instant(), this::unreadable).ifPresent(sink);
        };
    }

    /** Logs off without waiting: on a half-open socket Logoff would wait for an answer that never comes. */
    private static void quietLogoff(ManagerConnection c) {
        if (c == null) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                c.logoff();
            } catch (Exception e) {
                // already gone
            }
        }, "ami-logoff");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        thread.execute(() -> {
            generation.incrementAndGet();
            quietLogoff(connection);
            connection = null;
            status = PbxHealth.Status.DOWN;
        });
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
