package io.firstline.desk;

import io.firstline.bus.Bus;
import io.firstline.calls.CallChange;
import io.firstline.calls.MemberView;
import io.firstline.telephony.PbxCommands;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wrap-up: remembers when each member's part of a call ended and, when the setting asks for it,
 * pauses them (reason {@code wrap-up}) until they say they are ready. {@link #apply} runs on the call
 * flow's context, and {@link Bus#WRAPUP_READY} is answered there too (registered from it): one owner, no locks.
 */
public final class Wrapups {

    private static final Logger log = LoggerFactory.getLogger(Wrapups.class);
    /** The pause reason the server uses for wrap-up. */
    public static final String REASON = "wrap-up";

    /** One member's finished call. {@code paused}: the server paused them for it. */
    private record Ended(String pbx, String linkedid, Instant at, boolean paused) {
    }

    private final boolean pause;
    private final Supplier<PbxCommands> pbx;
    private final Clock clock;
    private final Map<String, Ended> ended = new HashMap<>();
    /** The pause reason of each paused member ("" when paused without one); absent when not paused. */
    private final Map<String, String> pausedFor = new HashMap<>();

    /** @param clock what the calls' end and the agent's "ready" are stamped with */
    public Wrapups(boolean pause, Supplier<PbxCommands> pbx, Clock clock) {
        this.pause = pause;
        this.pbx = pbx;
        this.clock = clock;
    }

    /** Answers {@link Bus#WRAPUP_READY}. */
    public MessageConsumer<String> register(Vertx vertx) {
        return Bus.answer(vertx, Bus.WRAPUP_READY, iface -> ready(iface, clock.instant()).orElseGet(JsonObject::new));
    }

    public void apply(CallChange change) {
        if (change instanceof CallChange.MemberChanged m) {
            MemberView v = m.member();
            if (v.paused()) {
                pausedFor.put(key(v.memberInterface()), v.pauseReason() == null ? "" : v.pauseReason());
            } else {
                pausedFor.remove(key(v.memberInterface()));
            }
            return;
        }
        if (!(change instanceof CallChange.MemberDone d) || d.memberInterface() == null) {
            return;
        }
        // A member who paused themselves (or was paused by a supervisor) during the call stays in that pause.
        PbxCommands commands = pause && !pausedFor.containsKey(key(d.memberInterface())) ? pbx.get() : null;
        ended.put(key(d.memberInterface()), new Ended(d.call().pbx(), d.call().linkedid(), clock.instant(), commands != null));
        if (commands != null) {
            commands.pause(d.call().pbx(), d.memberInterface(), Optional.empty(), REASON).onComplete(ar -> {
                if (ar.failed() || !ar.result().success()) {
                    log.warn("PBX {}: wrap-up pause of {} after call {} failed: {}", d.call().pbx(), d.memberInterface(),
                            d.call().linkedid(), ar.failed() ? ar.cause().getMessage() : ar.result().message());
                }
            });
        }
    }

    /** The member's last finished call, forgotten once asked for: they are ready again. */
    Optional<JsonObject> ready(String memberInterface, Instant now) {
        if (memberInterface == null) {
            return Optional.empty();
        }
        Ended e = ended.remove(key(memberInterface));
        if (e == null) {
            return Optional.empty();
        }
        // Resume only from the server's own wrap-up pause, not from one the agent or a supervisor chose since.
        boolean stillOurs = e.paused() && REASON.equals(pausedFor.getOrDefault(key(memberInterface), REASON));
        long seconds = Math.min(86_400, Math.max(0, Duration.between(e.at(), now).toSeconds()));
        return Optional.of(new JsonObject().put("pbx", e.pbx()).put("linkedid", e.linkedid())
                .put("endedAt", e.at().toString()).put("wrapupSeconds", seconds).put("paused", stillOurs));
    }

    /** As AgentDirectory compares interfaces: without FreePBX's trailing /n, ignoring case. */
    private static String key(String memberInterface) {
        String k = memberInterface.toLowerCase(Locale.ROOT);
        return k.endsWith("/n") ? k.substring(0, k.length() - 2) : k;
    }
}
