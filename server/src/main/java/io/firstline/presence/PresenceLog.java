package io.firstline.presence;

import io.firstline.calls.CallChange;
import io.firstline.calls.MemberView;
import io.firstline.calls.PbxEvent;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the call tracker's member changes into presence intervals: signed in while a member of some queue, paused
 * while signed in and paused (a new interval when the pause's reason changes). While a PBX is being resynchronised
 * its members' changes wait; at the snapshot's end the tracker's members say what is open
 * ({@link PresenceStep.Resync}). While its link is up, a PBX's open intervals are confirmed every minute, and once
 * more when the link is lost, so that one found over at the next resync ends where it was last known to hold. Lives on the call flow's context.
 */
public final class PresenceLog {

    static final long CONFIRM_EVERY_MS = 60_000;
    /** The database's columns' width. */
    private static final int MAX_TEXT = 200;

    /** A member's presence as last written. */
    private record Presence(boolean signedIn, boolean paused, String reason) {
        static final Presence OUT = new Presence(false, false, null);
    }

    private final Vertx vertx;
    private final PresenceWriter writer;
    private final Clock clock;
    private final Map<String, Presence> last = new HashMap<>();
    private final Set<String> resyncing = new HashSet<>();
    /** PBXs whose link is up and resynchronised: their open intervals hold now. Read by {@link #confirmLive} too. */
    private final Set<String> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public PresenceLog(Vertx vertx, PresenceWriter writer, Clock clock) {
        this.vertx = vertx;
        this.writer = writer;
        this.clock = clock;
    }

    /** Starts confirming the live PBXs' open intervals, on the current (call flow) context. */
    public void start() {
        vertx.setPeriodic(CONFIRM_EVERY_MS, id -> confirmLive());
    }

    /**
     * The live PBXs' open intervals hold now. Any thread: Firstline calls it as it stops, so that an interval found
     * over at the next start ends at the stop, not up to a minute before it.
     */
    public void confirmLive() {
        Instant now = clock.instant();
        live.forEach(pbx -> writer.submit(new PresenceStep.Confirm(pbx, now)));
    }

    /** One PBX event and what it changed; {@code members} is the tracker's members now (read at a snapshot's end). */
    public void apply(PbxEvent event, List<CallChange> changes, Supplier<List<MemberView>> members) {
        if (event instanceof PbxEvent.SnapshotStarted) {
            resyncing.add(event.pbx());
            live.remove(event.pbx());
        } else if (event instanceof PbxEvent.LinkLost) {
            resyncing.remove(event.pbx());
            if (live.remove(event.pbx())) {
                // The last moment its open intervals are known to hold: one found over at the resync ends here.
                writer.submit(new PresenceStep.Confirm(event.pbx(), event.at()));
            }
        } else if (event instanceof PbxEvent.SnapshotDone) {
            resynced(event.pbx(), event.at(), members.get());
            return;
        }
        if (resyncing.contains(event.pbx())) {
            return;
        }
        for (CallChange c : changes) {
            if (c instanceof CallChange.MemberChanged m) {
                changed(m.member(), event.at());
            }
        }
    }

    private void changed(MemberView m, Instant at) {
        String iface = clip(m.memberInterface());
        String key = key(m.pbx(), iface);
        Presence was = last.getOrDefault(key, Presence.OUT);
        Presence now = presence(m);
        if (now.equals(was)) {
            return;
        }
        // A pause ends before the sign-in it belongs to, and begins after it.
        if (was.paused() && (!now.paused() || !Objects.equals(was.reason(), now.reason()))) {
            writer.submit(new PresenceStep.Close(m.pbx(), iface, PresenceKind.PAUSED, at));
        }
        if (was.signedIn() != now.signedIn()) {
            writer.submit(now.signedIn() ? new PresenceStep.Open(m.pbx(), iface, PresenceKind.SIGNED_IN, null, at)
                    : new PresenceStep.Close(m.pbx(), iface, PresenceKind.SIGNED_IN, at));
        }
        if (now.paused() && (!was.paused() || !Objects.equals(was.reason(), now.reason()))) {
            writer.submit(new PresenceStep.Open(m.pbx(), iface, PresenceKind.PAUSED, now.reason(), at));
        }
        if (now.equals(Presence.OUT)) {
            last.remove(key);
        } else {
            last.put(key, now);
        }
    }

    private void resynced(String pbx, Instant at, List<MemberView> members) {
        resyncing.remove(pbx);
        live.add(pbx);
        last.keySet().removeIf(k -> k.startsWith(pbx + "\u0000"));
        Set<PresenceStep.OpenInterval> open = new HashSet<>();
        for (MemberView m : members) {
            if (!m.pbx().equals(pbx)) {
                continue;
            }
            Presence p = presence(m);
            if (p.equals(Presence.OUT)) {
                continue;
            }
            String iface = clip(m.memberInterface());
            last.put(key(pbx, iface), p);
            open.add(new PresenceStep.OpenInterval(iface, PresenceKind.SIGNED_IN, null));
            if (p.paused()) {
                open.add(new PresenceStep.OpenInterval(iface, PresenceKind.PAUSED, p.reason()));
            }
        }
        writer.submit(new PresenceStep.Resync(pbx, open, at));
    }

    /** Paused counts only while signed in: Asterisk keeps the flag of a member it took out of every queue. */
    private static Presence presence(MemberView m) {
        boolean signedIn = !m.queues().isEmpty();
        boolean paused = signedIn && m.paused();
        return signedIn ? new Presence(true, paused, paused ? clip(m.pauseReason()) : null) : Presence.OUT;
    }

    private static String clip(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    private static String key(String pbx, String iface) {
        return pbx + "\u0000" + iface;
    }
}
