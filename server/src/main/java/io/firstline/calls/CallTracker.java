package io.firstline.calls;

import io.firstline.calls.CallChange.Timeline;
import io.firstline.calls.PbxEvent.AttendedTransferred;
import io.firstline.calls.PbxEvent.BlindTransferred;
import io.firstline.calls.PbxEvent.CallerAbandoned;
import io.firstline.calls.PbxEvent.CallerIdChanged;
import io.firstline.calls.PbxEvent.ChannelCreated;
import io.firstline.calls.PbxEvent.ChannelHungUp;
import io.firstline.calls.PbxEvent.Dialled;
import io.firstline.calls.PbxEvent.LinkLost;
import io.firstline.calls.PbxEvent.LiveChannel;
import io.firstline.calls.PbxEvent.MemberAdded;
import io.firstline.calls.PbxEvent.MemberCompleted;
import io.firstline.calls.PbxEvent.MemberConnected;
import io.firstline.calls.PbxEvent.MemberPaused;
import io.firstline.calls.PbxEvent.MemberRemoved;
import io.firstline.calls.PbxEvent.MemberRingNoAnswer;
import io.firstline.calls.PbxEvent.MemberRinging;
import io.firstline.calls.PbxEvent.MemberStatus;
import io.firstline.calls.PbxEvent.QueueJoined;
import io.firstline.calls.PbxEvent.QueueLeft;
import io.firstline.calls.PbxEvent.SnapshotDone;
import io.firstline.calls.PbxEvent.SnapshotStarted;
import io.firstline.calls.PbxEvent.SpyStarted;
import io.firstline.calls.PbxEvent.VariableSet;
import io.firstline.calls.PbxEvent.WaitingCaller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns PBX events into calls and member states. Calls are keyed by (pbx, Linkedid): the Linkedid
 * ties the caller's leg, the queue and the member's leg together. A call ends when its last
 * channel hangs up. Pure logic, no I/O: one owner calls {@link #apply} from a single thread.
 */
public final class CallTracker {

    /** Longest caller name or number kept; Asterisk allows far more than a person needs. */
    private static final int MAX_TEXT = 200;

    /** The end reason of a call that ended while the link was down: its end time is the last moment it was seen. */
    public static final String ENDED_WHILE_LINK_WAS_DOWN = "ended-while-link-was-down";

    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    /** Members by the device Asterisk watches for them (pbx + lower-case state interface): whose phone a channel is. */
    private final Map<String, Member> membersByDevice = new HashMap<>();
    /** Linkedids of calls being confirmed by a snapshot, per PBX. */
    private final Map<String, Set<String>> snapshotSeen = new HashMap<>();
    private final Map<String, Instant> snapshotStart = new HashMap<>();
    /** The queues a snapshot (or a live event during it) has shown each member in, per PBX: by the member's key. */
    private final Map<String, Map<String, Set<String>>> snapshotQueues = new HashMap<>();
    /** Channels that hung up lately: a snapshot taken before their hang-up must not bring them back. */
    private final Set<String> recentlyGone = java.util.Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 50_000;
        }
    });

    /** Applies one event and says what changed. Never throws for odd input: it is skipped. */
    public List<CallChange> apply(PbxEvent e) {
        List<CallChange> out = new ArrayList<>(2);
        e.accept(dispatch, out);
        return out;
    }

    /** Every kind of event to its step: a new kind of PbxEvent does not compile until it has one here. */
    private final PbxEvent.Handler<List<CallChange>> dispatch = new PbxEvent.Handler<>() {
        @Override
        public void on(ChannelCreated e, List<CallChange> out) {
            channelCreated(e, out);
        }

        @Override
        public void on(CallerIdChanged e, List<CallChange> out) {
            callerIdChanged(e, out);
        }

        @Override
        public void on(VariableSet e, List<CallChange> out) {
            variableSet(e, out);
        }

        @Override
        public void on(QueueJoined e, List<CallChange> out) {
            queueJoined(e, out);
        }

        @Override
        public void on(QueueLeft e, List<CallChange> out) {
            queueLeft(e, out);
        }

        @Override
        public void on(CallerAbandoned e, List<CallChange> out) {
            abandoned(e, out);
        }

        @Override
        public void on(MemberRinging e, List<CallChange> out) {
            ringing(e, out);
        }

        @Override
        public void on(MemberRingNoAnswer e, List<CallChange> out) {
            ringNoAnswer(e, out);
        }

        @Override
        public void on(MemberConnected e, List<CallChange> out) {
            connected(e, out);
        }

        @Override
        public void on(MemberCompleted e, List<CallChange> out) {
            completed(e, out);
        }

        @Override
        public void on(AttendedTransferred e, List<CallChange> out) {
            attendedTransferred(e, out);
        }

        @Override
        public void on(BlindTransferred e, List<CallChange> out) {
            transferred(e, out);
        }

        @Override
        public void on(SpyStarted e, List<CallChange> out) {
            spyStarted(e, out);
        }

        @Override
        public void on(Dialled e, List<CallChange> out) {
            dialled(e, out);
        }

        @Override
        public void on(ChannelHungUp e, List<CallChange> out) {
            hungUp(e, out);
        }

        @Override
        public void on(MemberStatus e, List<CallChange> out) {
            memberStatus(e, out);
        }

        @Override
        public void on(MemberPaused e, List<CallChange> out) {
            memberPaused(e, out);
        }

        @Override
        public void on(MemberAdded e, List<CallChange> out) {
            memberAdded(e, out);
        }

        @Override
        public void on(MemberRemoved e, List<CallChange> out) {
            memberRemoved(e, out);
        }

        @Override
        public void on(WaitingCaller e, List<CallChange> out) {
            waitingCaller(e, out);
        }

        @Override
        public void on(LiveChannel e, List<CallChange> out) {
            liveChannel(e, out);
        }

        @Override
        public void on(SnapshotStarted e, List<CallChange> out) {
            snapshotSeen.put(e.pbx(), new LinkedHashSet<>());
            snapshotStart.put(e.pbx(), e.at());
            snapshotQueues.put(e.pbx(), new HashMap<>());
        }

        @Override
        public void on(SnapshotDone e, List<CallChange> out) {
            snapshotDone(e, out);
        }

        @Override
        public void on(LinkLost e, List<CallChange> out) {
            snapshotSeen.remove(e.pbx());
            snapshotQueues.remove(e.pbx());
        }
    };

    public Optional<CallView> call(String pbx, String linkedid) {
        return Optional.ofNullable(calls.get(key(pbx, linkedid))).map(Call::view);
    }

    /** Calls in progress, oldest first. */
    public List<CallView> activeCalls() {
        return calls.values().stream().map(Call::view).toList();
    }

    public List<MemberView> members() {
        return members.values().stream().map(Member::view).toList();
    }

    /** The call a member is ringing for or talking on, if any. */
    public Optional<CallView> callOf(String pbx, String memberInterface) {
        Member m = members.get(key(pbx, memberInterface));
        if (m == null || m.linkedid == null) {
            return Optional.empty();
        }
        return call(pbx, m.linkedid);
    }

    /**
     * The channel of the member's leg of a call being talked on now (AgentConnect's DestChannel,
     * e.g. {@code Local/1001@agents-00000028;1}): what a blind transfer of the caller acts on.
     */
    public Optional<String> connectedChannel(String pbx, String memberInterface) {
        Member m = members.get(key(pbx, memberInterface));
        if (m == null || m.linkedid == null || !m.inCall) {
            return Optional.empty();
        }
        Call call = calls.get(key(pbx, m.linkedid));
        if (call == null || call.status != CallStatus.CONNECTED || !memberInterface.equals(call.memberInterface)) {
            return Optional.empty();
        }
        return Optional.ofNullable(call.memberChannel);
    }

    // --- calls -----------------------------------------------------------------------------

    private void channelCreated(ChannelCreated c, List<CallChange> out) {
        if (blank(c.linkedid()) || blank(c.uniqueid())) {
            return;
        }
        Call call = calls.get(key(c.pbx(), c.linkedid()));
        if (call == null) {
            call = new Call(c.pbx(), c.linkedid(), c.at());
            calls.put(key(c.pbx(), c.linkedid()), call);
            call.channels.add(c.uniqueid());
            call.callerChannels.add(c.uniqueid());
            call.takeCaller(c.callerNumber(), c.callerName());
            call.firstChannel = c.channel();
            out.add(new CallChange.CallStarted(call.view(), call.entry(c.at(), "entered", null, null,
                    call.callerNumber, "entered")));
            return;
        }
        // Later channels of the Linkedid are the members' legs (Local/…@agents, PJSIP/100X) or other
        // parties: their caller id is an agent's, never the caller's.
        call.channels.add(c.uniqueid());
    }

    private void callerIdChanged(CallerIdChanged c, List<CallChange> out) {
        Call call = find(c.pbx(), c.linkedid());
        if (call == null || call.answeredAt != null || !call.callerChannels.contains(c.uniqueid())) {
            return;
        }
        if (call.takeCaller(c.callerNumber(), c.callerName())) {
            out.add(new CallChange.CallUpdated(call.view(), null));
        }
    }

    private void variableSet(VariableSet v, List<CallChange> out) {
        Call call = find(v.pbx(), v.linkedid());
        if (call == null || v.value() == null) {
            return;
        }
        String value = clip(v.value().strip());
        switch (v.name()) {
            case "FIRSTLINE_MENU_PATH" -> {
                if (!value.matches("[A-Za-z0-9_/.-]{1,200}") || value.equals(call.menuPath)) {
                    return;
                }
                call.menuPath = value;
                out.add(new CallChange.CallUpdated(call.view(), call.entry(v.at(), "menu", null, null, value, "menu:" + value)));
            }
            case "FIRSTLINE_TICKET" -> {
                String digits = value.replaceAll("[^0-9]", "");
                if (digits.isEmpty() || digits.length() > 18 || digits.equals(call.ticketTyped)) {
                    return;
                }
                call.ticketTyped = digits;
                out.add(new CallChange.CallUpdated(call.view(), call.entry(v.at(), "ticket-typed", null, null, digits,
                        "ticket:" + digits)));
            }
            case "FIRSTLINE_CALLBACK_ID" -> {
                // Set by Firstline's own Originate of a one-click callback.
                if (!value.matches("[0-9]{1,18}") || call.callbackId != null) {
                    return;
                }
                call.callbackId = Long.parseLong(value);
                call.callerName = null;
                out.add(new CallChange.CallUpdated(call.view(), call.entry(v.at(), "callback", null, null,
                        "callback request " + value, "callback")));
            }
            case "FIRSTLINE_CALLBACK_STATUS" -> {
                // The phone menu's FastAGI stored a callback request keyed by this channel's uniqueid, then said ok.
                if (!value.equals("ok") || blank(v.uniqueid()) || v.uniqueid().length() > 64
                        || v.uniqueid().equals(call.callbackRequestChannel)) {
                    return;
                }
                call.callbackRequestChannel = v.uniqueid();
                out.add(new CallChange.CallUpdated(call.view(), call.entry(v.at(), "callback-requested", call.queue, null,
                        call.queue == null ? "in the phone menu" : "while waiting in " + call.queue, "callback-requested")));
            }
            case "FIRSTLINE_CALLER_ID" -> {
                if (value.matches("[0-9]{1,18}") && !value.equals(call.callerIdHint)) {
                    call.callerIdHint = value;
                    out.add(new CallChange.CallUpdated(call.view(), null));
                }
            }
            default -> {
                // other FIRSTLINE_* variables are for the dialplan itself
            }
        }
    }

    private void queueJoined(QueueJoined q, List<CallChange> out) {
        Call call = findOrStart(q.pbx(), q.linkedid(), q.uniqueid(), q.at(), out);
        if (call == null) {
            return;
        }
        call.callerChannel = q.uniqueid();
        if (!blank(q.uniqueid())) {
            call.callerChannels.add(q.uniqueid());
        }
        call.takeCaller(q.callerNumber(), q.callerName());
        call.queue = clip(q.queue());
        call.position = q.position();
        if (call.queuedAt == null) {
            call.queuedAt = q.at();
        }
        if (call.status == CallStatus.IN_MENU) {
            call.status = CallStatus.QUEUED;
        }
        out.add(new CallChange.CallUpdated(call.view(), call.entry(q.at(), "queued", call.queue, null,
                "position " + q.position(), "queued:" + call.queue)));
    }

    private void queueLeft(QueueLeft q, List<CallChange> out) {
        // Asterisk reports the leave just before AgentConnect when a member answers, so this only
        // says the caller no longer waits; how the wait ended comes with the next events.
        Call call = find(q.pbx(), q.linkedid());
        if (call == null || call.position == null) {
            return;
        }
        call.position = null;
        out.add(new CallChange.CallUpdated(call.view(), null));
    }

    private void abandoned(CallerAbandoned a, List<CallChange> out) {
        Call call = find(a.pbx(), a.linkedid());
        if (call == null || call.answeredAt != null) {
            return;
        }
        call.status = CallStatus.ABANDONED;
        call.waitSeconds = Math.max(0, a.holdSeconds());
        call.position = null;
        withdrawAll(call, a.at(), out);
        out.add(new CallChange.CallUpdated(call.view(), call.entry(a.at(), "abandoned", a.queue(), null,
                "after " + call.waitSeconds + " s", "abandoned:" + a.queue())));
    }

    private void ringing(MemberRinging r, List<CallChange> out) {
        Call call = find(r.pbx(), r.linkedid());
        if (call == null || call.status == CallStatus.CONNECTED || blank(r.memberInterface())) {
            return;
        }
        if (r.memberChannel() != null) {
            call.memberChannelNames.put(r.memberChannel(), r.memberInterface());
        }
        call.ringing.add(r.memberInterface());
        if (call.status == CallStatus.QUEUED || call.status == CallStatus.IN_MENU) {
            call.status = CallStatus.RINGING;
        }
        Member m = member(r.pbx(), r.memberInterface(), r.memberName(), r.at());
        m.linkedid = call.linkedid;
        m.ringing = true;
        int n = ++call.rings;
        out.add(new CallChange.MemberRang(call.view(), r.memberInterface(), m.name,
                call.entry(r.at(), "ring", r.queue(), r.memberInterface(), null, "ring:" + n)));
        memberChanged(m, r.at(), out);
    }

    private void ringNoAnswer(MemberRingNoAnswer r, List<CallChange> out) {
        Call call = find(r.pbx(), r.linkedid());
        Member m = members.get(key(r.pbx(), r.memberInterface()));
        if (call != null && call.ringing.remove(r.memberInterface())) {
            if (call.ringing.isEmpty() && call.status == CallStatus.RINGING) {
                call.status = CallStatus.QUEUED;
            }
            int n = ++call.misses;
            out.add(new CallChange.MemberMissed(call.view(), r.memberInterface(), r.memberName(), Math.max(0, r.ringMillis()),
                    call.entry(r.at(), "ring-no-answer", r.queue(), r.memberInterface(),
                            "rang " + Math.max(0, r.ringMillis()) / 1000 + " s", "rna:" + n)));
        }
        if (m != null && m.ringing && (call == null || call.linkedid.equals(m.linkedid))) {
            m.ringing = false;
            m.linkedid = null;
            memberChanged(m, r.at(), out);
        }
    }

    private void connected(MemberConnected c, List<CallChange> out) {
        Call call = find(c.pbx(), c.linkedid());
        if (call == null || blank(c.memberInterface())) {
            return;
        }
        if (call.queue == null) {
            call.queue = clip(c.queue());
        }
        answer(call, c.pbx(), c.memberInterface(), c.memberName(), c.memberChannel(), Math.max(0, c.holdSeconds()), c.at(), out);
    }

    /** A member took the call: the first answer, or the next agent after a transfer. */
    private void answer(Call call, String pbx, String iface, String name, String memberChannel, int holdSeconds, Instant at,
            List<CallChange> out) {
        if (call.status == CallStatus.CONNECTED && iface.equals(call.memberInterface)) {
            return; // told already
        }
        boolean first = call.answeredAt == null;
        if (first) {
            // The offered call's answer: its wait and service level are measured to here.
            call.answeredAt = at;
            call.waitSeconds = holdSeconds;
        }
        call.status = CallStatus.CONNECTED;
        call.memberInterface = iface;
        call.memberName = clip(name);
        call.talks.add(new Talk(iface, call.memberName, at));
        call.position = null;
        if (memberChannel != null) {
            call.memberChannelNames.put(memberChannel, iface);
        }
        call.memberChannel = blank(memberChannel) ? null : memberChannel;
        call.ringing.remove(iface);
        withdrawAll(call, at, out);
        Member m = member(pbx, iface, name, at);
        m.ringing = false;
        m.inCall = true;
        m.linkedid = call.linkedid;
        out.add(new CallChange.CallAnswered(call.view(), iface, call.memberName,
                call.entry(at, "answered", call.queue, iface,
                        first ? "after " + call.waitSeconds + " s" : "after " + holdSeconds + " s, transferred",
                        first ? "answered" : "answered:" + call.talks.size())));
        memberChanged(m, at, out);
    }

    /**
     * The caller's channel dials an agent's own phone outside any queue (a transfer to a colleague):
     * the phone rings, is answered or not, and that agent's part ends when their phone hangs up.
     * Dials made by a queue (to the members' Local channels) are told by AgentCalled and AgentConnect.
     */
    private void dialled(Dialled d, List<CallChange> out) {
        Call call = find(d.pbx(), d.linkedid());
        if (call != null && call.callbackId != null && d.dialStatus() != null && !blank(d.destChannel())
                && call.callerChannels.contains(d.uniqueid()) && memberOfDevice(d.pbx(), d.destChannel()) == null
                && !"ANSWER".equals(call.callbackDialStatus)) {
            // The callback's own dial of the customer (the agent's phone is a member's device): how it ended
            // closes the callback request when the call ends.
            call.callbackDialStatus = d.dialStatus();
        }
        // A one-click callback rings the agent's phone from the other half of its Local channel.
        boolean fromCall = call != null && !internal(call) && (call.callerChannels.contains(d.uniqueid())
                || call.callbackId != null && call.channels.contains(d.uniqueid()));
        if (!fromCall || blank(d.destChannel()) || call.status == CallStatus.QUEUED
                || call.status == CallStatus.RINGING && (d.dialStatus() == null || !call.memberChannelNames.containsKey(d.destChannel()))) {
            return; // a queue's own dials are told by AgentCalled and AgentConnect
        }
        Member m = memberOfDevice(d.pbx(), d.destChannel());
        if (m == null) {
            return;
        }
        if (d.dialStatus() == null) {
            if (!call.ringing.add(m.iface)) {
                return;
            }
            call.memberChannelNames.put(d.destChannel(), m.iface);
            m.linkedid = call.linkedid;
            m.ringing = true;
            if (call.status == CallStatus.IN_MENU) {
                call.status = CallStatus.RINGING;
            }
            int n = ++call.rings;
            out.add(new CallChange.MemberRang(call.view(), m.iface, m.name,
                    call.entry(d.at(), "ring", null, m.iface, call.callbackId != null ? "callback" : "transferred",
                            "ring:" + n)));
            memberChanged(m, d.at(), out);
        } else if (d.dialStatus().equals("ANSWER")) {
            if (!blank(d.destUniqueid())) {
                call.directLegs.put(d.destUniqueid(), m.iface);
            }
            answer(call, d.pbx(), m.iface, m.name, d.destChannel(), 0, d.at(), out);
        } else if (call.ringing.remove(m.iface)) {
            if (call.ringing.isEmpty() && call.status == CallStatus.RINGING) {
                call.status = CallStatus.IN_MENU; // back in the dialplan
            }
            int n = ++call.withdrawals;
            out.add(new CallChange.CallWithdrawn(call.view(), m.iface,
                    call.entry(d.at(), "withdrawn", null, m.iface, clip(d.dialStatus().toLowerCase(Locale.ROOT)),
                            "withdrawn:" + n)));
            if (call.linkedid.equals(m.linkedid) && !m.inCall) {
                m.ringing = false;
                m.linkedid = null;
                memberChanged(m, d.at(), out);
            }
        }
    }

    /**
     * A supervisor's leg (ChanSpy), or a call made from an agent's own phone (a colleague, the
     * consultation before an attended transfer, trying a queue): none of a caller's. The phone is
     * told by its channel's device once that member's state interface is known, which may be after
     * the call began (Asterisk reports it with the member's status).
     */
    private boolean internal(Call call) {
        return call.internal || call.firstChannel != null && memberOfDevice(call.pbx, call.firstChannel) != null;
    }

    /** The member whose state interface is the device of this channel (PJSIP/1003-0000000b → PJSIP/1003). */
    private Member memberOfDevice(String pbx, String channel) {
        int dash = channel.lastIndexOf('-');
        if (dash <= 0) {
            return null;
        }
        return membersByDevice.get(key(pbx, channel.substring(0, dash).toLowerCase(Locale.ROOT)));
    }

    private void completed(MemberCompleted c, List<CallChange> out) {
        Call call = find(c.pbx(), c.linkedid());
        if (call == null && !blank(c.memberInterface())) {
            // Asterisk sends AgentComplete without the caller's ids when that leg was redirected away.
            call = callOf(c.pbx(), c.memberInterface()).map(v -> calls.get(key(v.pbx(), v.linkedid()))).orElse(null);
        }
        Member m = blank(c.memberInterface()) ? null : members.get(key(c.pbx(), c.memberInterface()));
        if (call != null) {
            String reason = c.reason() == null ? "unknown" : clip(c.reason());
            int talked = Math.max(0, c.talkSeconds());
            boolean hadPart = call.talks.stream().anyMatch(t -> t.iface.equals(c.memberInterface()));
            int n = call.endTalk(c.memberInterface(), talked);
            if (n == 0 && hadPart) {
                // Its part ended already (an attended transfer); app_queue only learns of it when its leg goes.
                if (call.endReason == null || call.endReason.equals("transfer")) {
                    call.endReason = c.reason() == null ? "unknown" : clip(c.reason());
                }
                return;
            }
            if (reason.equals("transfer")) {
                call.transferred = true;
                if (call.status == CallStatus.CONNECTED && c.memberInterface() != null
                        && c.memberInterface().equals(call.memberInterface)) {
                    call.status = CallStatus.IN_MENU; // back in the dialplan until the next queue or phone takes it
                }
            }
            if (call.endReason == null || call.endReason.equals("transfer")) {
                call.endReason = reason; // how the call ended in the end; transferred says it was passed on
            }
            out.add(new CallChange.MemberDone(call.view(), c.memberInterface(), reason,
                    call.entry(c.at(), "completed", call.queue, c.memberInterface(), "talked " + talked + " s, ended by " + reason,
                            n <= 1 ? "completed:" + c.memberInterface() : "completed:" + c.memberInterface() + ":" + n)));
        }
        if (m != null && (call == null || call.linkedid.equals(m.linkedid))) {
            m.inCall = false;
            m.linkedid = null;
            memberChanged(m, c.at(), out);
        }
    }

    private void transferred(BlindTransferred t, List<CallChange> out) {
        Call call = find(t.pbx(), t.linkedid());
        if (call == null) {
            return;
        }
        call.transferred = true;
        String target = clip(t.extension() + "@" + t.context());
        out.add(new CallChange.CallUpdated(call.view(), call.entry(t.at(), "transferred", call.queue, call.memberInterface,
                "to " + target, "transfer:" + target)));
    }

    /**
     * An attended transfer joined a caller's call with another call (an agent's consultation with a
     * colleague): the transferring agent's part ends, the party of the other call takes the caller
     * (a member when it is one of their phones: they get the pop), and that party's channel now
     * belongs to the caller's call.
     */
    private void attendedTransferred(AttendedTransferred t, List<CallChange> out) {
        if (!t.success()) {
            return;
        }
        Call transferee = find(t.pbx(), t.transfereeLinkedid());
        Call target = find(t.pbx(), t.targetLinkedid());
        Call customer;
        Call other;
        String takerChannel;
        String takerUniqueid;
        if (transferee != null && !internal(transferee) && transferee != target) {
            customer = transferee;
            other = target;
            takerChannel = t.targetChannel();
            takerUniqueid = t.targetUniqueid();
        } else if (target != null && !internal(target) && target != transferee) {
            customer = target;
            other = transferee;
            takerChannel = t.transfereeChannel();
            takerUniqueid = t.transfereeUniqueid();
        } else {
            return;
        }
        Member from = blank(t.transfererChannel()) ? null : memberOfDevice(t.pbx(), t.transfererChannel());
        String fromIface = from != null ? from.iface : customer.memberInterface;
        Member to = blank(takerChannel) ? null : memberOfDevice(t.pbx(), takerChannel);
        if (!blank(takerUniqueid)) {
            if (other != null) {
                other.channels.remove(takerUniqueid);
            }
            customer.channels.add(takerUniqueid);
        }
        customer.transferred = true;
        String toWhom = to != null ? to.name != null ? to.name : to.iface : takerChannel;
        out.add(new CallChange.CallUpdated(customer.view(), customer.entry(t.at(), "transferred", customer.queue, fromIface,
                clip("attended, to " + toWhom), "transfer:attended:" + takerUniqueid)));
        if (fromIface != null && customer.openTalk(fromIface) != null) {
            if (customer.endReason == null) {
                customer.endReason = "transfer";
            }
            endOpenTalk(customer, fromIface, t.at(), "transfer", customer.queue, out);
        }
        if (to != null) {
            if (!blank(takerUniqueid)) {
                customer.directLegs.put(takerUniqueid, to.iface);
            }
            answer(customer, t.pbx(), to.iface, to.name, takerChannel, 0, t.at(), out);
        }
    }

    private void spyStarted(SpyStarted s, List<CallChange> out) {
        Call call = find(s.pbx(), s.spyerLinkedid());
        if (call == null || call.internal || call.linkedid.equals(s.spyeeLinkedid())) {
            return;
        }
        call.internal = true;
        out.add(new CallChange.CallUpdated(call.view(), call.entry(s.at(), "spy", null, null,
                clip("listening to " + s.spyeeLinkedid()), "spy")));
    }

    private void hungUp(ChannelHungUp h, List<CallChange> out) {
        Call call = find(h.pbx(), h.linkedid());
        if (call == null) {
            return;
        }
        call.channels.remove(h.uniqueid());
        call.sawAt(h.at());
        if (!blank(h.uniqueid())) {
            recentlyGone.add(key(h.pbx(), h.uniqueid()));
        }
        String direct = blank(h.uniqueid()) ? null : call.directLegs.remove(h.uniqueid());
        if (direct != null) {
            directLegEnded(call, direct, h.at(), out);
        }
        String memberIface = h.channel() == null ? null : call.memberChannelNames.remove(h.channel());
        if (memberIface != null && call.ringing.remove(memberIface)) {
            int n = ++call.withdrawals;
            out.add(new CallChange.CallWithdrawn(call.view(), memberIface,
                    call.entry(h.at(), "withdrawn", call.queue, memberIface, "stopped ringing", "withdrawn:" + n)));
            if (call.ringing.isEmpty() && call.status == CallStatus.RINGING) {
                call.status = CallStatus.QUEUED;
            }
            Member m = members.get(key(h.pbx(), memberIface));
            if (m != null && call.linkedid.equals(m.linkedid) && !m.inCall) {
                m.ringing = false;
                m.linkedid = null;
                memberChanged(m, h.at(), out);
            }
        }
        if (call.channels.isEmpty()) {
            end(call, h.at(), null, out);
        }
    }

    /** The phone of an agent who took the call outside a queue hung up: their part is over. */
    private void directLegEnded(Call call, String iface, Instant at, List<CallChange> out) {
        if (call.openTalk(iface) == null) {
            return;
        }
        boolean callerLeft = call.callerChannels.stream().noneMatch(call.channels::contains);
        String reason = callerLeft ? "caller" : "agent";
        if (call.endReason == null || call.endReason.equals("transfer")) {
            call.endReason = reason;
        }
        endOpenTalk(call, iface, at, reason, null, out);
    }

    /** Ends the agent's talk still open on the call, at {@code at}, and frees her for the next call. */
    private void endOpenTalk(Call call, String iface, Instant at, String reason, String queue, List<CallChange> out) {
        int talked = (int) Math.max(0, Duration.between(call.openTalk(iface).answeredAt, at).toSeconds());
        int n = call.endTalk(iface, talked);
        out.add(new CallChange.MemberDone(call.view(), iface, reason, call.entry(at, "completed", queue, iface,
                "talked " + talked + " s, ended by " + reason,
                n <= 1 ? "completed:" + iface : "completed:" + iface + ":" + n)));
        Member m = members.get(key(call.pbx, iface));
        if (m != null && call.linkedid.equals(m.linkedid)) {
            m.inCall = false;
            m.linkedid = null;
            memberChanged(m, at, out);
        }
    }

    /**
     * Ends a call whose end was not seen: at the last moment it was seen, marked estimated, keeping
     * what is known (an answered call stays answered). Talk and wait times are left unknown rather
     * than guessed; the talk time Asterisk reported with AgentComplete is kept.
     */
    private void endUnseen(Call call, Instant now, String reason, List<CallChange> out) {
        call.endedAtEstimated = true;
        end(call, call.lastSeen != null ? call.lastSeen : now, reason, out);
    }

    private void end(Call call, Instant at, String reason, List<CallChange> out) {
        withdrawAll(call, at, out);
        call.endedAt = at;
        if (reason != null && call.endReason == null) {
            call.endReason = reason;
        }
        if (call.callbackId != null && call.queuedAt == null) {
            call.status = CallStatus.CALLBACK;
        } else if (internal(call)) {
            call.status = CallStatus.INTERNAL; // a supervisor's leg, or an agent's own phone (trying a queue too)
        } else if (call.answeredAt != null) {
            call.status = CallStatus.ANSWERED;
        } else if (call.status != CallStatus.ABANDONED) {
            call.status = call.queuedAt != null ? CallStatus.UNANSWERED : CallStatus.MENU_ONLY;
            if (call.queuedAt != null && call.waitSeconds == null && !call.endedAtEstimated) {
                call.waitSeconds = (int) Duration.between(call.queuedAt, at).toSeconds();
            }
        }
        if (call.answeredAt != null && !call.endedAtEstimated) {
            for (Talk t : call.talks) {
                if (t.seconds == null) {
                    call.endTalk(t.iface, (int) Math.max(0, Duration.between(t.answeredAt, at).toSeconds()));
                }
            }
            if (call.talkSeconds == null) {
                call.talkSeconds = (int) Math.max(0, Duration.between(call.answeredAt, at).toSeconds());
            }
        }
        if (call.memberInterface != null) {
            Member m = members.get(key(call.pbx, call.memberInterface));
            if (m != null && call.linkedid.equals(m.linkedid)) {
                m.inCall = false;
                m.linkedid = null;
                memberChanged(m, at, out);
            }
        }
        calls.remove(key(call.pbx, call.linkedid));
        out.add(new CallChange.CallEnded(call.view(), call.entry(at, "ended", call.queue, null,
                call.status.wire() + (call.endReason == null ? "" : ", " + call.endReason)
                        + (call.endedAtEstimated ? " (end not seen: the time is the last event seen)" : ""), "ended")));
    }

    private void withdrawAll(Call call, Instant at, List<CallChange> out) {
        for (String iface : List.copyOf(call.ringing)) {
            call.ringing.remove(iface);
            int n = ++call.withdrawals;
            out.add(new CallChange.CallWithdrawn(call.view(), iface,
                    call.entry(at, "withdrawn", call.queue, iface, null, "withdrawn:" + n)));
            Member m = members.get(key(call.pbx, iface));
            if (m != null && call.linkedid.equals(m.linkedid) && !m.inCall) {
                m.ringing = false;
                m.linkedid = null;
                memberChanged(m, at, out);
            }
        }
        if (call.status == CallStatus.RINGING) {
            call.status = CallStatus.QUEUED;
        }
    }

    // --- snapshots (after a (re)connect) --------------------------------------------------

    private void waitingCaller(WaitingCaller w, List<CallChange> out) {
        if (recentlyGone.contains(key(w.pbx(), w.uniqueid()))) {
            return;
        }
        // QueueStatus gives no Linkedid: the channel is known from the CoreShowChannels that came first.
        String linkedid = blank(w.linkedid()) ? linkedidOfChannel(w.pbx(), w.uniqueid()) : w.linkedid();
        Call call = findOrStart(w.pbx(), linkedid, w.uniqueid(), w.at().minusSeconds(Math.max(0, w.waitSeconds())), out);
        if (call == null) {
            return;
        }
        seen(w.pbx(), call, w.at());
        call.callerChannel = w.uniqueid();
        call.callerChannels.add(w.uniqueid());
        call.takeCaller(w.callerNumber(), w.callerName());
        boolean changed = !w.queue().equals(call.queue) || !Integer.valueOf(w.position()).equals(call.position);
        call.queue = clip(w.queue());
        call.position = w.position();
        if (call.queuedAt == null) {
            call.queuedAt = w.at().minusSeconds(Math.max(0, w.waitSeconds()));
        }
        if (call.status == CallStatus.IN_MENU) {
            call.status = CallStatus.QUEUED;
            changed = true;
        }
        if (changed) {
            out.add(new CallChange.CallUpdated(call.view(), call.entry(w.at(), "queued", call.queue, null,
                    "position " + w.position() + " (seen after reconnect)", "queued:" + call.queue)));
        }
    }

    private void liveChannel(LiveChannel l, List<CallChange> out) {
        if (blank(l.linkedid()) || blank(l.uniqueid()) || recentlyGone.contains(key(l.pbx(), l.uniqueid()))) {
            return;
        }
        Call call = calls.get(key(l.pbx(), l.linkedid()));
        if (call == null) {
            call = new Call(l.pbx(), l.linkedid(), l.at().minusSeconds(Math.max(0, l.seconds())));
            calls.put(key(l.pbx(), l.linkedid()), call);
            out.add(new CallChange.CallStarted(call.view(), call.entry(call.enteredAt, "entered", null, null,
                    "seen after reconnect", "entered")));
        }
        call.channels.add(l.uniqueid());
        if (l.uniqueid().equals(l.linkedid())) {
            // The channel that began the call is the caller's; the others are the members' legs.
            call.callerChannels.add(l.uniqueid());
            call.takeCaller(l.callerNumber(), l.callerName());
        }
        call.sawAt(l.at());
        Set<String> seen = snapshotSeen.get(l.pbx());
        if (seen != null) {
            seen.add(call.linkedid);
            call.snapshotChannels.add(l.uniqueid());
        }
    }

    private String linkedidOfChannel(String pbx, String uniqueid) {
        if (blank(uniqueid)) {
            return null;
        }
        for (Call c : calls.values()) {
            if (c.pbx.equals(pbx) && c.channels.contains(uniqueid)) {
                return c.linkedid;
            }
        }
        return uniqueid;
    }

    private void seen(String pbx, Call call, Instant at) {
        call.sawAt(at);
        Set<String> seen = snapshotSeen.get(pbx);
        if (seen != null) {
            seen.add(call.linkedid);
        }
    }

    private void snapshotDone(SnapshotDone d, List<CallChange> out) {
        Set<String> seen = snapshotSeen.remove(d.pbx());
        Instant started = snapshotStart.remove(d.pbx());
        Map<String, Set<String>> listedQueues = snapshotQueues.remove(d.pbx());
        if (seen == null) {
            return;
        }
        for (Call call : List.copyOf(calls.values())) {
            if (!call.pbx.equals(d.pbx()) || (started != null && call.enteredAt.isAfter(started))) {
                continue; // another PBX's, or begun while the snapshot was being taken
            }
            // A listing cut short says nothing of the calls and channels it left out: they are kept.
            if (d.channelsListed() && !seen.contains(call.linkedid)) {
                endUnseen(call, d.at(), ENDED_WHILE_LINK_WAS_DOWN, out);
            } else if (d.channelsListed() && !call.snapshotChannels.isEmpty()) {
                call.channels.retainAll(call.snapshotChannels);
            }
            call.snapshotChannels.clear();
        }
        for (Member m : members.values()) {
            if (m.pbx.equals(d.pbx()) && m.linkedid != null && !calls.containsKey(key(m.pbx, m.linkedid))) {
                m.linkedid = null;
                m.ringing = false;
                m.inCall = false;
                memberChanged(m, d.at(), out);
            }
        }
        if (d.membersListed() && listedQueues != null) {
            leaveUnlistedQueues(d, listedQueues, out);
        }
    }

    /** Takes each member of the PBX out of the queues the snapshot did not show it in: it left them while the link was down. */
    private void leaveUnlistedQueues(SnapshotDone d, Map<String, Set<String>> listedQueues, List<CallChange> out) {
        for (Map.Entry<String, Member> e : members.entrySet()) {
            Member m = e.getValue();
            if (!m.pbx.equals(d.pbx())) {
                continue;
            }
            Set<String> listed = listedQueues.getOrDefault(e.getKey(), Set.of());
            if (m.queues.retainAll(listed)) {
                m.deviceStatus.keySet().removeIf(q -> !q.isEmpty() && !listed.contains(q));
                memberChanged(m, d.at(), out);
            }
        }
    }

    /** The member is in the queue: a snapshot being taken of its PBX counts it as listed there. */
    private void inQueue(Member m, String queue) {
        m.queues.add(queue);
        Map<String, Set<String>> listed = snapshotQueues.get(m.pbx);
        if (listed != null) {
            listed.computeIfAbsent(key(m.pbx, m.iface), k -> new HashSet<>()).add(queue);
        }
    }

    // --- members -------------------------------------------------------------------------

    private void memberStatus(MemberStatus s, List<CallChange> out) {
        if (blank(s.memberInterface())) {
            return;
        }
        Member m = member(s.pbx(), s.memberInterface(), s.memberName(), s.at());
        if (!blank(s.queue())) {
            inQueue(m, s.queue());
        }
        m.paused = s.paused();
        m.pauseReason = s.paused() ? emptyToNull(s.pausedReason()) : null;
        m.deviceStatus.put(blank(s.queue()) ? "" : s.queue(), s.deviceStatus());
        if (!blank(s.stateInterface())) {
            String device = clip(s.stateInterface().strip());
            if (!device.equals(m.stateInterface)) {
                if (m.stateInterface != null) {
                    membersByDevice.remove(key(m.pbx, m.stateInterface.toLowerCase(Locale.ROOT)), m);
                }
                m.stateInterface = device;
                membersByDevice.put(key(m.pbx, device.toLowerCase(Locale.ROOT)), m);
            }
        }
        memberChanged(m, s.at(), out);
    }

    private void memberPaused(MemberPaused p, List<CallChange> out) {
        if (blank(p.memberInterface())) {
            return;
        }
        Member m = member(p.pbx(), p.memberInterface(), p.memberName(), p.at());
        if (!blank(p.queue())) {
            inQueue(m, p.queue());
        }
        m.paused = p.paused();
        m.pauseReason = p.paused() ? emptyToNull(p.reason()) : null;
        memberChanged(m, p.at(), out);
    }

    private void memberAdded(MemberAdded a, List<CallChange> out) {
        if (blank(a.memberInterface()) || blank(a.queue())) {
            return;
        }
        Member m = member(a.pbx(), a.memberInterface(), a.memberName(), a.at());
        inQueue(m, a.queue());
        m.paused = a.paused();
        memberChanged(m, a.at(), out);
    }

    private void memberRemoved(MemberRemoved r, List<CallChange> out) {
        Member m = blank(r.memberInterface()) ? null : members.get(key(r.pbx(), r.memberInterface()));
        if (m == null) {
            return;
        }
        m.queues.remove(r.queue());
        m.deviceStatus.remove(r.queue());
        memberChanged(m, r.at(), out);
    }

    private Member member(String pbx, String iface, String name, Instant at) {
        Member m = members.computeIfAbsent(key(pbx, iface), k -> new Member(pbx, iface, at));
        if (!blank(name)) {
            m.name = clip(name);
        }
        return m;
    }

    private void memberChanged(Member m, Instant at, List<CallChange> out) {
        MemberState now = m.state();
        if (now != m.lastState || m.paused != m.lastPaused || !java.util.Objects.equals(m.pauseReason, m.lastReason)
                || !m.queues.equals(m.lastQueues) || !java.util.Objects.equals(m.linkedid, m.lastLinkedid)) {
            if (now != m.lastState) {
                m.since = at;
            }
            m.lastState = now;
            m.lastPaused = m.paused;
            m.lastReason = m.pauseReason;
            m.lastQueues = new TreeSet<>(m.queues);
            m.lastLinkedid = m.linkedid;
            out.add(new CallChange.MemberChanged(m.view()));
        }
    }

    // --- helpers ---------------------------------------------------------------------------

    private Call find(String pbx, String linkedid) {
        return blank(linkedid) ? null : calls.get(key(pbx, linkedid));
    }

    /** The call, or a new one for a call that began before we were connected. */
    private Call findOrStart(String pbx, String linkedid, String uniqueid, Instant enteredAt, List<CallChange> out) {
        if (blank(linkedid)) {
            return null;
        }
        Call call = calls.get(key(pbx, linkedid));
        if (call == null) {
            call = new Call(pbx, linkedid, enteredAt);
            calls.put(key(pbx, linkedid), call);
            if (!blank(uniqueid)) {
                call.channels.add(uniqueid);
            }
            out.add(new CallChange.CallStarted(call.view(), call.entry(enteredAt, "entered", null, null,
                    "seen first in a queue", "entered")));
        }
        return call;
    }

    private static String key(String pbx, String id) {
        return pbx + "\u0000" + id;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return blank(s) ? null : clip(s.strip());
    }

    static String clip(String s) {
        if (s == null) {
            return null;
        }
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    /** A caller id Asterisk uses for "no number". */
    static boolean noNumber(String n) {
        return blank(n) || n.equalsIgnoreCase("<unknown>") || n.equalsIgnoreCase("anonymous")
                || n.equalsIgnoreCase("unknown") || n.equalsIgnoreCase("restricted") || n.equalsIgnoreCase("private");
    }

    /** One call's mutable state, owned by the tracker. */
    private static final class Call {
        final String pbx;
        final String linkedid;
        final Instant enteredAt;
        final Set<String> channels = new LinkedHashSet<>();
        /** The caller's channels (the one that began the call, the one queued): the only source of the caller's id. */
        final Set<String> callerChannels = new LinkedHashSet<>();
        final Set<String> snapshotChannels = new LinkedHashSet<>();
        final Set<String> ringing = new LinkedHashSet<>();
        /** Member leg channel name → member interface, to notice a ringing phone hanging up. */
        final Map<String, String> memberChannelNames = new HashMap<>();
        String callerChannel;
        String callerNumber;
        String callerName;
        String callerIdHint;
        String menuPath;
        String ticketTyped;
        String queue;
        Integer position;
        CallStatus status = CallStatus.IN_MENU;
        Instant queuedAt;
        Instant answeredAt;
        Instant endedAt;
        String memberInterface;
        String memberName;
        /** Agents' phones that took the call outside a queue: channel uniqueid → member interface. */
        final Map<String, String> directLegs = new HashMap<>();
        /** Every agent who took the call, in order. */
        final List<Talk> talks = new ArrayList<>();
        /** The answering member's leg (AgentConnect's DestChannel). */
        String memberChannel;
        Integer waitSeconds;
        Integer talkSeconds;
        String endReason;
        /** The last moment the call was seen: its last event, or a snapshot that listed it. */
        Instant lastSeen;
        boolean endedAtEstimated;
        boolean transferred;
        /** A supervisor's listen-in leg (ChanSpy): none of a caller's. */
        boolean internal;
        /** The channel that began the call (its caller's, or an agent's own phone). */
        String firstChannel;
        /** The callback request this call answers (FIRSTLINE_CALLBACK_ID of Firstline's Originate). */
        Long callbackId;
        /** How the dial of the callback's customer ended (DialEnd's DialStatus; ANSWER once it was answered). */
        String callbackDialStatus;
        /** The caller's channel on which the phone menu took a callback request (FIRSTLINE_CALLBACK_STATUS=ok). */
        String callbackRequestChannel;
        int rings;
        int misses;
        int withdrawals;

        Call(String pbx, String linkedid, Instant enteredAt) {
            this.pbx = pbx;
            this.linkedid = linkedid;
            this.enteredAt = enteredAt;
            this.lastSeen = enteredAt;
        }

        void sawAt(Instant at) {
            if (at != null && (lastSeen == null || at.isAfter(lastSeen))) {
                lastSeen = at;
            }
        }

        /**
         * Takes a caller id of one of the caller's channels when it is a real one; true when something
         * changed. The first number known stays the caller's: Asterisk later shows the connected
         * party (an agent's extension) as the caller id of the caller's own Local channel halves.
         */
        boolean takeCaller(String number, String name) {
            String n = noNumber(number) ? null : clip(number.strip());
            // A one-click callback's caller id name is the label Firstline gave the agent's phone, not a name.
            String nm = noNumber(name) || callbackId != null ? null : clip(name.strip());
            if (n != null && callerNumber != null && !n.equals(callerNumber)) {
                return false;
            }
            boolean changed = false;
            if (n != null && callerNumber == null) {
                callerNumber = n;
                changed = true;
                if (nm != null && !nm.equals(callerName)) {
                    callerName = nm;
                }
            } else if (nm != null && callerName == null) {
                callerName = nm;
                changed = true;
            }
            return changed;
        }

        /**
         * The agent's latest part of the call is over after {@code seconds}; the call's talk time is
         * all parts together. Returns which of the call's parts it was (1 for the first answer).
         */
        /** The agent's latest part of the call that has not ended, or null. */
        Talk openTalk(String iface) {
            for (int i = talks.size() - 1; i >= 0; i--) {
                Talk t = talks.get(i);
                if (t.iface.equals(iface) && t.seconds == null) {
                    return t;
                }
            }
            return null;
        }

        int endTalk(String iface, int seconds) {
            for (int i = talks.size() - 1; i >= 0; i--) {
                Talk t = talks.get(i);
                if (t.iface.equals(iface) && t.seconds == null) {
                    t.seconds = seconds;
                    talkSeconds = talks.stream().mapToInt(x -> x.seconds == null ? 0 : x.seconds).sum();
                    return i + 1;
                }
            }
            if (talks.isEmpty()) {
                talkSeconds = seconds; // answered before Firstline was connected
            }
            return 0;
        }

        Timeline entry(Instant at, String type, String queue, String iface, String detail, String key) {
            sawAt(at);
            return new Timeline(at, type, queue, iface, detail == null ? null : clip(detail), key);
        }

        CallView view() {
            return new CallView(pbx, linkedid, callerNumber, callerName, callerIdHint, menuPath, ticketTyped, queue,
                    position, status, enteredAt, queuedAt, answeredAt, endedAt, memberInterface, memberName, waitSeconds,
                    talkSeconds, endReason, transferred, new ArrayList<>(ringing), callbackId,
                    talks.stream().map(t -> new CallView.Talk(t.iface, t.name, t.answeredAt, t.seconds)).toList(),
                    endedAtEstimated, callbackDialStatus, callbackRequestChannel);
        }
    }

    /** One agent's part of a call, owned by the tracker. */
    private static final class Talk {
        final String iface;
        final String name;
        final Instant answeredAt;
        Integer seconds;

        Talk(String iface, String name, Instant answeredAt) {
            this.iface = iface;
            this.name = name;
            this.answeredAt = answeredAt;
        }
    }

    /** One queue member's mutable state, owned by the tracker. */
    private static final class Member {
        final String pbx;
        final String iface;
        String name;
        /** The device Asterisk watches for this member (StateInterface, e.g. PJSIP/1001), when told. */
        String stateInterface;
        final Set<String> queues = new TreeSet<>();
        boolean paused;
        String pauseReason;
        /**
         * Asterisk's device state of the member's phone as each queue reports it (key: the queue, or "" when none is
         * named). Queues may watch different state interfaces for one member, so one report does not speak for all.
         */
        final Map<String, Integer> deviceStatus = new HashMap<>();
        boolean ringing;
        boolean inCall;
        String linkedid;
        Instant since;
        MemberState lastState;
        boolean lastPaused;
        String lastReason;
        Set<String> lastQueues = Set.of();
        String lastLinkedid;

        Member(String pbx, String iface, Instant at) {
            this.pbx = pbx;
            this.iface = iface;
            this.name = iface;
            this.since = at;
        }

        MemberState state() {
            if (inCall) {
                return MemberState.IN_CALL;
            }
            if (ringing) {
                return MemberState.RINGING;
            }
            if (queues.isEmpty()) {
                return MemberState.SIGNED_OUT;
            }
            if (paused) {
                return MemberState.PAUSED;
            }
            // Asterisk device states: 2 in use, 3 busy, 4 invalid, 5 unavailable, 6 ringing, 7 in use and ringing, 8 on hold.
            // A queue's own call is inCall/ringing above; anything else keeping the phone busy is another call.
            if (deviceStatus.values().stream().anyMatch(d -> d == 4 || d == 5)) {
                return MemberState.UNAVAILABLE;
            }
            if (deviceStatus.values().stream().anyMatch(d -> d == 2 || d == 3 || d == 6 || d == 7 || d == 8)) {
                return MemberState.BUSY;
            }
            return MemberState.AVAILABLE;
        }

        MemberView view() {
            return new MemberView(pbx, iface, name, queues, state(), paused, pauseReason, since, linkedid);
        }
    }
}
