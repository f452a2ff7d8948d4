// The bundled call traces compiled once, with the event ranges (segments) that the call flows replay; immutable, shared by all threads.
package io.firstline.sim;

import java.util.ArrayList;
import java.util.List;

final class TemplateLibrary {

    /** A run of template events, played over a duration of simulated time. */
    record Segment(CallTemplate template, int[] indices) {
        double firstSeconds() {
            return indices.length == 0 ? 0 : template.events().get(indices[0]).seconds();
        }

        /** When the event comes in the recording, counted from the segment's first event. */
        long offsetMillis(CallTemplate.Event e) {
            return Math.max(0, Math.round((e.seconds() - firstSeconds()) * 1000));
        }

        /**
         * Whether the agent leg has begun within {@code durationMs} of the segment: its first event here comes by then
         * (a leg without events here has nothing to begin). Cut short before that event, the segment never starts it.
         */
        boolean startsWithin(String leg, long durationMs) {
            for (int i : indices) {
                CallTemplate.Event e = template.events().get(i);
                if (e.roles().contains(leg)) {
                    return offsetMillis(e) <= durationMs;
                }
            }
            return true;
        }

        /** The recorded duration: up to the event after the segment (or the last event of it). */
        long recordedMillis() {
            if (indices.length == 0) {
                return 0;
            }
            int after = indices[indices.length - 1] + 1;
            double end = after < template.events().size() ? template.events().get(after).seconds()
                    : template.events().get(indices[indices.length - 1]).seconds();
            return Math.round((end - firstSeconds()) * 1000);
        }
    }

    /**
     * How a generated call's channels run, as recorded: Local channels end to end, or in over a PJSIP trunk with each
     * agent's Local leg dialling the agent's PJSIP phone. The call's flows follow from it.
     */
    enum CallShape { LOCAL, PJSIP }

    /** An answered call in four parts: the menu up to the queue, the ring, the talk, the caller's hang-up. */
    record AnsweredFlow(Segment ivr, Segment ring, Segment talk, Segment hangup) {
    }

    /**
     * An abandoned call: the menu up to the queue, the agents rung while the caller waits, the caller's hang-up.
     * {@code ringsAllAtOnce}: the recording's queue rang all its members together (ringall) rather than one after
     * another, so that its later legs stand only for a ringall queue.
     */
    record AbandonedFlow(Segment ivr, Segment ring, Segment hangup, boolean ringsAllAtOnce) {
    }

    static Segment range(CallTemplate t, int from, int to) {
        int[] idx = new int[Math.max(0, to - from)];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return new Segment(t, idx);
    }

    final CallTemplate answered;
    final CallTemplate abandoned;
    final CallTemplate ringNoAnswer;
    final CallTemplate ticket;
    final CallTemplate transfer;
    final CallTemplate supervisor;

    final CallTemplate pjsipAnswered;
    final CallTemplate pjsipAbandoned;

    /** Calls of Local channels end to end (the caller a Local channel, the agents' phones Local channels). */
    final AnsweredFlow answeredLocal;
    final AbandonedFlow abandonedLocal;
    /** Calls over a PJSIP trunk, each agent's Local leg dialling the agent's PJSIP phone. */
    final AnsweredFlow answeredPjsip;
    final AbandonedFlow abandonedPjsip;
    final Segment rnaIvr;
    final Segment rnaFirstRing;
    final Segment rnaFirstRingEnd;
    final Segment rnaSecondRing;
    final Segment rnaTalk;
    final Segment rnaHangup;
    final Segment ticketAll;
    final Segment transferTail;
    final Segment spyStart;
    final Segment spyLeave;
    final Segment spyStop;

    private static TemplateLibrary instance;

    static synchronized TemplateLibrary get() {
        if (instance == null) {
            instance = new TemplateLibrary();
        }
        return instance;
    }

    private static boolean on(CallTemplate.Event e, String role, String half) {
        String chan = CallTemplate.literalOf(e, "Channel");
        return chan != null && e.roles().contains(role) && chan.endsWith(";" + half) && chan.contains("Local/")
                && roleOfChannel(e, role);
    }

    private static boolean roleOfChannel(CallTemplate.Event e, String role) {
        for (CallTemplate.Field f : e.fields()) {
            if (f.name().equals("Channel")) {
                for (CallTemplate.Part p : f.parts()) {
                    if (p.slot() == CallTemplate.Slot.CHAN) {
                        return p.key().equals(role);
                    }
                }
            }
        }
        return false;
    }

    /** Whether the event's Channel is an agent leg's PJSIP phone. */
    private static boolean onPhone(CallTemplate.Event e) {
        return firstSlotOf(e, "Channel") == CallTemplate.Slot.PHONE_CHAN;
    }

    private static CallTemplate.Slot firstSlotOf(CallTemplate.Event e, String field) {
        for (CallTemplate.Field f : e.fields()) {
            if (f.name().equals(field)) {
                return f.parts().isEmpty() ? null : f.parts().get(0).slot();
            }
        }
        return null;
    }

    private static int trunkHangup(CallTemplate t, int from) {
        return t.find(from, e -> e.name().equals("HangupRequest") && e.roles().contains("C")
                && firstSlotOf(e, "Channel") == CallTemplate.Slot.CHAN && roleOfChannel(e, "C"));
    }

    private static boolean app(CallTemplate.Event e, String application) {
        return e.name().equals("Newexten") && application.equals(CallTemplate.literalOf(e, "Application"));
    }

    private static int afterMusicOnHold(CallTemplate t) {
        return t.find(0, e -> e.name().equals("MusicOnHoldStart")) + 1;
    }

    private static int callerHangup(CallTemplate t, int from, String role, String half) {
        return t.find(from, e -> on(e, role, half) && (app(e, "Hangup") || e.name().equals("Cdr")));
    }

    private TemplateLibrary() {
        answered = CallTemplate.compile(AmiTrace.bundled("answered-software"));
        abandoned = CallTemplate.compile(AmiTrace.bundled("abandoned-hardware"));
        ringNoAnswer = CallTemplate.compile(AmiTrace.bundled("ring-no-answer-software"));
        ticket = CallTemplate.compile(AmiTrace.bundled("ticket-status-ivr"));
        transfer = CallTemplate.compile(AmiTrace.bundled("blind-transfer-action"));
        supervisor = CallTemplate.compile(AmiTrace.bundled("supervisor-listen"));

        pjsipAnswered = CallTemplate.compile(AmiTrace.bundled("pjsip-trunk-answered"));
        pjsipAbandoned = CallTemplate.compile(AmiTrace.bundled("pjsip-trunk-abandoned"));

        int aIvr = afterMusicOnHold(answered);
        int aAnswer = answered.find(aIvr, e -> on(e, "A0", "2") && app(e, "Answer"));
        int aHangup = callerHangup(answered, aAnswer, "C", "1");
        answeredLocal = new AnsweredFlow(range(answered, 0, aIvr), range(answered, aIvr, aAnswer),
                range(answered, aAnswer, aHangup), range(answered, aHangup, answered.events().size()));

        int bIvr = afterMusicOnHold(abandoned);
        int bHangup = callerHangup(abandoned, bIvr, "C", "1");
        abandonedLocal = new AbandonedFlow(range(abandoned, 0, bIvr), range(abandoned, bIvr, bHangup),
                range(abandoned, bHangup, abandoned.events().size()), true);

        // a trunk call has no music-on-hold event: its menu ends where the first agent leg appears; the agent
        // answers when her phone's channel goes Up; the caller hangs up with the trunk's HangupRequest
        int pIvr = pjsipAnswered.find(0, e -> e.roles().contains("A0"));
        int pAnswer = pjsipAnswered.find(pIvr, e -> e.name().equals("Newstate") && onPhone(e)
                && "Up".equals(CallTemplate.literalOf(e, "ChannelStateDesc")));
        int pHangup = trunkHangup(pjsipAnswered, pAnswer);
        answeredPjsip = new AnsweredFlow(range(pjsipAnswered, 0, pIvr), range(pjsipAnswered, pIvr, pAnswer),
                range(pjsipAnswered, pAnswer, pHangup), range(pjsipAnswered, pHangup, pjsipAnswered.events().size()));

        int qIvr = pjsipAbandoned.find(0, e -> e.roles().contains("A0"));
        int qHangup = trunkHangup(pjsipAbandoned, qIvr);
        int qSecond = pjsipAbandoned.find(qIvr, e -> e.roles().contains("A1"));
        abandonedPjsip = new AbandonedFlow(range(pjsipAbandoned, 0, qIvr), range(pjsipAbandoned, qIvr, qHangup),
                range(pjsipAbandoned, qHangup, pjsipAbandoned.events().size()), false);

        int rIvr = afterMusicOnHold(ringNoAnswer);
        int rNoAnswer = ringNoAnswer.find(rIvr, e -> e.name().equals("AgentRingNoAnswer"));
        int rSecond = ringNoAnswer.find(rNoAnswer, e -> e.name().equals("Newchannel") && e.roles().contains("A1"));
        int rAnswer = ringNoAnswer.find(rSecond, e -> on(e, "A1", "2") && app(e, "Answer"));
        int rHangup = callerHangup(ringNoAnswer, rAnswer, "A1", "2");
        rnaIvr = range(ringNoAnswer, 0, rIvr);
        rnaFirstRing = range(ringNoAnswer, rIvr, rNoAnswer);
        rnaFirstRingEnd = range(ringNoAnswer, rNoAnswer, rSecond);
        rnaSecondRing = range(ringNoAnswer, rSecond, rAnswer);
        rnaTalk = range(ringNoAnswer, rAnswer, rHangup);
        rnaHangup = range(ringNoAnswer, rHangup, endOfCall(ringNoAnswer));

        ticketAll = range(ticket, 0, ticket.events().size());

        int xStart = transfer.find(0, e -> e.name().equals("Unhold"));
        transferTail = range(transfer, xStart, endOfCall(transfer));

        int sStart = supervisor.find(0, e -> e.roles().contains("S"));
        int sLeave = supervisor.find(sStart, e -> on(e, "S", "2") && app(e, "Hangup"));
        int sLeaveEnd = supervisor.find(sLeave, e -> !e.roles().contains("S"));
        spyStart = range(supervisor, sStart, sLeave);
        spyLeave = range(supervisor, sLeave, sLeaveEnd);
        List<Integer> stop = new ArrayList<>();
        for (int i = sLeaveEnd; i < supervisor.events().size(); i++) {
            if (supervisor.events().get(i).roles().contains("S")) {
                stop.add(i);
            }
        }
        spyStop = new Segment(supervisor, stop.stream().mapToInt(Integer::intValue).toArray());
        for (int mark : new int[] {aIvr, aAnswer, aHangup, bIvr, bHangup, rIvr, rNoAnswer, rSecond, rAnswer, rHangup,
                xStart, sStart, sLeave, sLeaveEnd, pIvr, pAnswer, pHangup, qIvr, qSecond, qHangup}) {
            if (mark <= 0) {
                throw new IllegalStateException("a bundled trace does not have the expected shape");
            }
        }
    }

    /** End of the call's own events: drops what the capture harness did afterwards (member unpause). */
    private static int endOfCall(CallTemplate t) {
        int end = t.events().size();
        while (end > 0 && t.events().get(end - 1).name().equals("QueueMemberPause")
                || end > 0 && t.events().get(end - 1).name().equals("DeviceStateChange")
                && String.valueOf(CallTemplate.literalOf(t.events().get(end - 1), "Device")).contains("_pause_")) {
            end--;
        }
        return end;
    }

    AnsweredFlow answeredFlow(CallShape shape) {
        return shape == CallShape.PJSIP ? answeredPjsip : answeredLocal;
    }

    AbandonedFlow abandonedFlow(CallShape shape) {
        return shape == CallShape.PJSIP ? abandonedPjsip : abandonedLocal;
    }

    /** All event templates the generator can emit (for format checks). */
    List<CallTemplate> all() {
        return List.of(answered, abandoned, ringNoAnswer, ticket, transfer, supervisor, pjsipAnswered, pjsipAbandoned);
    }
}
