package io.firstline.telephony;

import io.firstline.calls.PbxEvent;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.asteriskjava.manager.event.AgentCalledEvent;
import org.asteriskjava.manager.event.AgentCompleteEvent;
import org.asteriskjava.manager.event.AgentConnectEvent;
import org.asteriskjava.manager.event.AgentRingNoAnswerEvent;
import org.asteriskjava.manager.event.AttendedTransferEvent;
import org.asteriskjava.manager.event.BlindTransferEvent;
import org.asteriskjava.manager.event.ChanSpyStartEvent;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.NewCallerIdEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.QueueCallerAbandonEvent;
import org.asteriskjava.manager.event.QueueCallerJoinEvent;
import org.asteriskjava.manager.event.QueueCallerLeaveEvent;
import org.asteriskjava.manager.event.QueueEntryEvent;
import org.asteriskjava.manager.event.QueueMemberAddedEvent;
import org.asteriskjava.manager.event.QueueMemberEvent;
import org.asteriskjava.manager.event.QueueMemberPauseEvent;
import org.asteriskjava.manager.event.QueueMemberPausedEvent;
import org.asteriskjava.manager.event.QueueMemberRemovedEvent;
import org.asteriskjava.manager.event.VarSetEvent;

/**
 * Translates Asterisk-Java's events into our {@link PbxEvent}s, at once, on the thread that read
 * them; events Firstline does not need, and events too broken to use, become nothing. Cheap and
 * non-blocking: it runs on Asterisk-Java's reader thread.
 */
final class AmiEvents {

    /** Our dialplan's variables; anything else set in the dialplan is none of our business. */
    static final String VARIABLE_PREFIX = "FIRSTLINE_";
    private static final int MAX = 256;

    private AmiEvents() {
    }

    /** What became of events that could not be read, so that a changed event of a new Asterisk is noticed. */
    interface Unreadable {
        void seen(ManagerEvent event, RuntimeException why);
    }

    static Optional<PbxEvent> translate(String pbx, ManagerEvent e, Instant at, Unreadable unreadable) {
        try {
            return Optional.ofNullable(map(pbx, e, at));
        } catch (RuntimeException bad) {
            // A field Asterisk-Java could not make sense of: skip the event, keep the link, say so.
            unreadable.seen(e, bad);
            return Optional.empty();
        }
    }

    private static PbxEvent map(String pbx, ManagerEvent e, Instant at) {
        if (e instanceof NewChannelEvent n) {
            return new PbxEvent.ChannelCreated(pbx, at, t(n.getUniqueId()), t(n.getLinkedid()), t(n.getChannel()),
                    t(n.getCallerIdNum()), t(n.getCallerIdName()), t(n.getContext()), t(n.getExten()));
        }
        if (e instanceof NewCallerIdEvent n) {
            return new PbxEvent.CallerIdChanged(pbx, at, t(n.getUniqueId()), t(n.getLinkedId()), t(n.getChannel()),
                    t(n.getCallerIdNum()), t(n.getCallerIdName()));
        }
        if (e instanceof VarSetEvent v) {
            String name = v.getVariable();
            if (name == null) {
                return null;
            }
            // Set(__FIRSTLINE_X=…) inherits to new channels; VarSet shows the underscores as written.
            String bare = name.startsWith("__") ? name.substring(2) : name.startsWith("_") ? name.substring(1) : name;
            if (!bare.toUpperCase(Locale.ROOT).startsWith(VARIABLE_PREFIX) || bare.length() > 64) {
                return null;
            }
            return new PbxEvent.VariableSet(pbx, at, t(v.getUniqueId()), t(v.getLinkedId()), t(v.getChannel()),
                    bare.toUpperCase(Locale.ROOT), t(v.getValue()));
        }
        if (e instanceof QueueCallerJoinEvent q) {
            return new PbxEvent.QueueJoined(pbx, at, t(q.getUniqueId()), t(q.getLinkedId()), t(q.getChannel()),
                    t(q.getCallerIdNum()), t(q.getCallerIdName()), t(q.getQueue()), n(q.getPosition()));
        }
        if (e instanceof QueueCallerAbandonEvent q) {
            return new PbxEvent.CallerAbandoned(pbx, at, t(q.getUniqueId()), t(q.getLinkedId()), t(q.getQueue()),
                    n(q.getHoldTime()));
        }
        if (e instanceof QueueCallerLeaveEvent q) {
            return new PbxEvent.QueueLeft(pbx, at, t(q.getUniqueId()), t(q.getLinkedId()), t(q.getQueue()));
        }
        if (e instanceof AgentCalledEvent a) {
            return new PbxEvent.MemberRinging(pbx, at, t(a.getUniqueId()), t(a.getLinkedId()), t(a.getQueue()),
                    t(a.getInterface()), t(a.getMemberName()), t(a.getDestChannel()));
        }
        if (e instanceof AgentRingNoAnswerEvent a) {
            return new PbxEvent.MemberRingNoAnswer(pbx, at, t(a.getUniqueId()), t(a.getLinkedId()), t(a.getQueue()),
                    t(a.getInterface()), t(a.getMemberName()), a.getRingtime() == null ? 0 : a.getRingtime());
        }
        if (e instanceof AgentConnectEvent a) {
            return new PbxEvent.MemberConnected(pbx, at, t(a.getUniqueId()), t(a.getLinkedId()), t(a.getQueue()),
                    t(a.getInterface()), t(a.getMemberName()), t(a.getDestChannel()), n(a.getHoldTime()), n(a.getRingtime()));
        }
        if (e instanceof AgentCompleteEvent a) {
            return new PbxEvent.MemberCompleted(pbx, at, t(a.getUniqueId()), t(a.getLinkedId()), t(a.getQueue()),
                    t(a.getInterface()), t(a.getMemberName()), n(a.getHoldTime()), n(a.getTalkTime()), t(a.getReason()));
        }
        if (e instanceof BlindTransferEvent b) {
            // Context and Extension say where the caller was sent; TransfereeContext is where they were.
            return new PbxEvent.BlindTransferred(pbx, at, t(b.getTransfererLinkedId()), t(b.getTransfererChannel()),
                    t(b.getExtension()), t(first(b.getContext(), b.getTransfereeContext())));
        }
        if (e instanceof AttendedTransferEvent a) {
            return new PbxEvent.AttendedTransferred(pbx, at, "Success".equalsIgnoreCase(a.getResult()),
                    t(a.getOrigTransfererChannel()), t(a.getTransfereeChannel()), t(a.getTransfereeUniqueid()),
                    t(a.getTransfereeLinkedId()), t(a.getTransferTargetChannel()), t(a.getTransferTargetUniqueID()),
                    t(a.getTransferTargetLinkedID()));
        }
        if (e instanceof DialBeginEvent d) {
            return new PbxEvent.Dialled(pbx, at, t(d.getUniqueId()), t(d.getLinkedId()), t(d.getDestChannel()),
                    t(d.getDestUniqueId()), null);
        }
        if (e instanceof DialEndEvent d) {
            return new PbxEvent.Dialled(pbx, at, t(d.getUniqueId()), t(d.getLinkedId()), t(d.getDestChannel()),
                    t(d.getDestUniqueId()), d.getDialStatus() == null ? "" : t(d.getDialStatus()));
        }
        if (e instanceof ChanSpyStartEvent s) {
            return new PbxEvent.SpyStarted(pbx, at, t(s.getSpyerLinkedId()), t(s.getSpyerChannel()),
                    t(s.getSpyeeLinkedId()));
        }
        if (e instanceof HangupEvent h) {
            return new PbxEvent.ChannelHungUp(pbx, at, t(h.getUniqueId()), t(h.getLinkedId()), t(h.getChannel()),
                    n(h.getCause()), t(h.getCauseTxt()));
        }
        if (e instanceof QueueMemberPausedEvent p) {
            // Asterisk 22 sends QueueMemberPause with PausedReason, which Asterisk-Java puts in a field of its own.
            String reason = first(p instanceof QueueMemberPauseEvent pe ? pe.getPausedreason() : null, p.getReason(),
                    p.getPausedReason());
            return new PbxEvent.MemberPaused(pbx, at, t(p.getQueue()), t(p.getInterface()), t(p.getMemberName()),
                    Boolean.TRUE.equals(p.getPaused()), t(reason));
        }
        if (e instanceof QueueMemberAddedEvent a) {
            return new PbxEvent.MemberAdded(pbx, at, t(a.getQueue()), t(a.getInterface()), t(a.getMemberName()),
                    Boolean.TRUE.equals(a.getPaused()));
        }
        if (e instanceof QueueMemberRemovedEvent r) {
            return new PbxEvent.MemberRemoved(pbx, at, t(r.getQueue()), t(r.getInterface()), t(r.getMemberName()));
        }
        if (e instanceof QueueMemberEvent m) {
            // QueueMemberStatus (live) and QueueMember (a line of a QueueStatus snapshot).
            // getLocation() and getMemberName() are deprecated aliases of the same two fields.
            String iface = first(m.getInterface(), m.getStateinterface());
            return new PbxEvent.MemberStatus(pbx, at, t(m.getQueue()), t(iface), t(m.getName()),
                    n(m.getStatus()), Boolean.TRUE.equals(m.getPaused()), t(m.getPausedreason()), n(m.getIncall()) > 0,
                    t(m.getStateinterface()));
        }
        if (e instanceof QueueEntryEvent q) {
            return new PbxEvent.WaitingCaller(pbx, at, t(q.getUniqueId()), null, t(q.getChannel()), t(q.getQueue()),
                    n(q.getPosition()), t(q.getCallerIdNum()), t(q.getCallerIdName()),
                    q.getWait() == null ? 0 : (int) Math.min(Integer.MAX_VALUE, q.getWait()));
        }
        if (e instanceof CoreShowChannelEvent c) {
            return new PbxEvent.LiveChannel(pbx, at, t(c.getUniqueid()), t(c.getLinkedid()), t(c.getChannel()),
                    t(c.getCallerIdNum()), t(c.getCallerIdName()), t(c.getApplication()), seconds(c.getDuration()));
        }
        return null;
    }

    /** "HH:MM:SS" (CoreShowChannel's Duration) in seconds; 0 when unreadable. */
    static int seconds(String hms) {
        if (hms == null || !hms.matches("\\d{1,6}:\\d{2}:\\d{2}")) {
            return 0;
        }
        String[] p = hms.split(":");
        return Integer.parseInt(p[0]) * 3600 + Integer.parseInt(p[1]) * 60 + Integer.parseInt(p[2]);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** Text as received, without absurd lengths. */
    private static String t(String s) {
        if (s == null) {
            return null;
        }
        return s.length() > MAX ? s.substring(0, MAX) : s;
    }

    private static int n(Number v) {
        if (v == null) {
            return 0;
        }
        long l = v.longValue();
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l));
    }
}
