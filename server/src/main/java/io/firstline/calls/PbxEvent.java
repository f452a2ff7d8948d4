package io.firstline.calls;

import java.time.Instant;

/**
 * What Asterisk told us, in our own words: the AMI events the call model needs, translated at the
 * edge (telephony/) so that nothing past it sees an Asterisk-Java type. {@code at} is when the
 * event reached Firstline (Asterisk's events carry no time of their own). Immutable.
 */
public sealed interface PbxEvent {

    /** The name of the PBX the event came from (one AMI link each). */
    String pbx();

    Instant at();

    /** Hands this event to the handler's method for its kind. */
    <C> void accept(Handler<C> handler, C context);

    /**
     * Something that does one thing with each kind of event: a kind added to this interface does not compile until
     * every handler says what becomes of it (Java 17 has no exhaustive switch over a sealed type).
     */
    interface Handler<C> {
        void on(ChannelCreated e, C context);

        void on(CallerIdChanged e, C context);

        void on(VariableSet e, C context);

        void on(QueueJoined e, C context);

        void on(QueueLeft e, C context);

        void on(CallerAbandoned e, C context);

        void on(MemberRinging e, C context);

        void on(MemberRingNoAnswer e, C context);

        void on(MemberConnected e, C context);

        void on(MemberCompleted e, C context);

        void on(BlindTransferred e, C context);

        void on(AttendedTransferred e, C context);

        void on(SpyStarted e, C context);

        void on(Dialled e, C context);

        void on(ChannelHungUp e, C context);

        void on(MemberStatus e, C context);

        void on(MemberPaused e, C context);

        void on(MemberAdded e, C context);

        void on(MemberRemoved e, C context);

        void on(WaitingCaller e, C context);

        void on(LiveChannel e, C context);

        void on(SnapshotStarted e, C context);

        void on(SnapshotDone e, C context);

        void on(LinkLost e, C context);
    }

    /** A channel appeared (Newchannel): the first one of a Linkedid starts a call. */
    record ChannelCreated(String pbx, Instant at, String uniqueid, String linkedid, String channel,
            String callerNumber, String callerName, String context, String exten) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A channel's caller id changed (NewCallerid), e.g. once the menu recognised the caller. */
    record CallerIdChanged(String pbx, Instant at, String uniqueid, String linkedid, String channel,
            String callerNumber, String callerName) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** The dialplan set one of our FIRSTLINE_* variables (VarSet); the name has no leading underscores. */
    record VariableSet(String pbx, Instant at, String uniqueid, String linkedid, String channel, String name,
            String value) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** The caller entered a queue (QueueCallerJoin). */
    record QueueJoined(String pbx, Instant at, String uniqueid, String linkedid, String channel, String callerNumber,
            String callerName, String queue, int position) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** The caller left a queue (QueueCallerLeave): answered, abandoned or timed out. */
    record QueueLeft(String pbx, Instant at, String uniqueid, String linkedid, String queue) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** The caller hung up while waiting (QueueCallerAbandon); {@code holdSeconds} as Asterisk counted. */
    record CallerAbandoned(String pbx, Instant at, String uniqueid, String linkedid, String queue, int holdSeconds)
            implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A member's phone rings for a queued caller (AgentCalled). */
    record MemberRinging(String pbx, Instant at, String uniqueid, String linkedid, String queue, String memberInterface,
            String memberName, String memberChannel) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A member's phone rang without answer (AgentRingNoAnswer); Asterisk gives milliseconds here. */
    record MemberRingNoAnswer(String pbx, Instant at, String uniqueid, String linkedid, String queue,
            String memberInterface, String memberName, long ringMillis) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A member answered (AgentConnect); Asterisk gives seconds here. */
    record MemberConnected(String pbx, Instant at, String uniqueid, String linkedid, String queue, String memberInterface,
            String memberName, String memberChannel, int holdSeconds, int ringSeconds) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /**
     * The member's part of the call ended (AgentComplete). {@code reason}: caller, agent, transfer.
     * Uniqueid and Linkedid may be missing when the caller's leg was redirected away.
     */
    record MemberCompleted(String pbx, Instant at, String uniqueid, String linkedid, String queue,
            String memberInterface, String memberName, int holdSeconds, int talkSeconds, String reason)
            implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A channel was transferred blind (BlindTransfer) to {@code extension}@{@code context}. */
    record BlindTransferred(String pbx, Instant at, String linkedid, String transfererChannel, String extension,
            String context) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /**
     * Two calls were joined by an attended transfer (AttendedTransfer, e.g. a phone's REFER with
     * Replaces): the transferer ({@code transfererChannel}, on both calls) drops out; the transferee
     * (a party of the transferer's first call) and the transfer target (a party of the second) now talk.
     * Asterisk moves the target's channel into the transferee's Linkedid afterwards.
     */
    record AttendedTransferred(String pbx, Instant at, boolean success, String transfererChannel,
            String transfereeChannel, String transfereeUniqueid, String transfereeLinkedid, String targetChannel,
            String targetUniqueid, String targetLinkedid) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /**
     * A channel began listening to another (ChanSpyStart): the spyer's call is a supervisor's leg
     * (listen, whisper, barge), not a caller's.
     */
    record SpyStarted(String pbx, Instant at, String spyerLinkedid, String spyerChannel, String spyeeLinkedid)
            implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /**
     * A channel of the call dials a phone (DialBegin, {@code dialStatus} null) or that dial is over
     * (DialEnd: ANSWER, NOANSWER, BUSY, CANCEL …). Firstline follows the ones that ring an agent's
     * own phone outside a queue, e.g. a caller transferred to a colleague.
     */
    record Dialled(String pbx, Instant at, String uniqueid, String linkedid, String destChannel, String destUniqueid,
            String dialStatus) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A channel hung up (Hangup). When the last channel of a Linkedid is gone, the call has ended. */
    record ChannelHungUp(String pbx, Instant at, String uniqueid, String linkedid, String channel, int cause,
            String causeText) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /**
     * A queue member's state (QueueMemberStatus, or a QueueMember line of a QueueStatus snapshot).
     * {@code deviceStatus} is Asterisk's device state number (1 not in use, 2 in use, 5 unavailable, 6 ringing …).
     */
    record MemberStatus(String pbx, Instant at, String queue, String memberInterface, String memberName,
            int deviceStatus, boolean paused, String pausedReason, boolean inCall, String stateInterface)
            implements PbxEvent {

        public MemberStatus(String pbx, Instant at, String queue, String memberInterface, String memberName,
                int deviceStatus, boolean paused, String pausedReason, boolean inCall) {
            this(pbx, at, queue, memberInterface, memberName, deviceStatus, paused, pausedReason, inCall, null);
        }

        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A member was paused or unpaused (QueueMemberPause). */
    record MemberPaused(String pbx, Instant at, String queue, String memberInterface, String memberName,
            boolean paused, String reason) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A member joined a queue (QueueMemberAdded). */
    record MemberAdded(String pbx, Instant at, String queue, String memberInterface, String memberName, boolean paused)
            implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A member left a queue (QueueMemberRemoved). */
    record MemberRemoved(String pbx, Instant at, String queue, String memberInterface, String memberName)
            implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A caller waiting in a queue, from a QueueStatus snapshot (QueueEntry); {@code waitSeconds} so far. */
    record WaitingCaller(String pbx, Instant at, String uniqueid, String linkedid, String channel, String queue,
            int position, String callerNumber, String callerName, int waitSeconds) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** A live channel, from a CoreShowChannels snapshot; {@code seconds} since it was created. */
    record LiveChannel(String pbx, Instant at, String uniqueid, String linkedid, String channel, String callerNumber,
            String callerName, String application, int seconds) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /**
     * The link has (re)connected and sends a snapshot: the live channels ({@link LiveChannel}, from CoreShowChannels),
     * then the queues' members and waiting callers ({@link MemberStatus}, {@link WaitingCaller}, from QueueStatus),
     * then {@link SnapshotDone}.
     */
    record SnapshotStarted(String pbx, Instant at) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /**
     * The snapshot begun by {@link SnapshotStarted} is over. What a listing left out is gone only when Asterisk
     * listed it all (answered with success and ended it with its Complete event):
     *
     * @param channelsListed CoreShowChannels listed every channel: the calls it did not list have ended
     * @param membersListed QueueStatus listed every queue member: a member's queues it did not list, the member has
     *     left (a member left in none is signed out)
     */
    record SnapshotDone(String pbx, Instant at, boolean channelsListed, boolean membersListed) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }

    /** The link to the PBX was lost; its calls' states are unknown until the next snapshot. */
    record LinkLost(String pbx, Instant at) implements PbxEvent {
        @Override
        public <C> void accept(Handler<C> handler, C context) {
            handler.on(this, context);
        }
    }
}
