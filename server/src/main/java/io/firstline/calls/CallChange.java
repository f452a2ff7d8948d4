package io.firstline.calls;

import java.time.Instant;

/**
 * What changed because of one PBX event: the tracker's output, for screen pops, the wallboard and
 * the call records. Each change that belongs on a call's timeline says so in {@link #timeline()}.
 */
public sealed interface CallChange {

    /** A timeline entry of a call; {@code key} is unique per call and the same on a replay. */
    record Timeline(Instant at, String type, String queue, String memberInterface, String detail, String key) {
    }

    /** The timeline entry this change adds, or null. */
    Timeline timeline();

    /** The call this change is about, or null for a member's change. */
    CallView call();

    /** A call appeared. */
    record CallStarted(CallView call, Timeline timeline) implements CallChange {
    }

    /** Something about the call changed: caller id, menu path, ticket typed, queue, position. */
    record CallUpdated(CallView call, Timeline timeline) implements CallChange {
    }

    /** A member's phone rings for the call (the pre-pop moment). */
    record MemberRang(CallView call, String memberInterface, String memberName, Timeline timeline) implements CallChange {
    }

    /** A member's phone rang without being answered. */
    record MemberMissed(CallView call, String memberInterface, String memberName, long ringMillis, Timeline timeline)
            implements CallChange {
    }

    /** A member answered: the screen pop. */
    record CallAnswered(CallView call, String memberInterface, String memberName, Timeline timeline) implements CallChange {
    }

    /** A member's phone stopped ringing because someone else answered or the caller left. */
    record CallWithdrawn(CallView call, String memberInterface, Timeline timeline) implements CallChange {
    }

    /** The member's part of the call is over (hang-up or transfer); wrap-up starts. */
    record MemberDone(CallView call, String memberInterface, String reason, Timeline timeline) implements CallChange {
    }

    /** The call ended; {@code call.status()} says how. */
    record CallEnded(CallView call, Timeline timeline) implements CallChange {
    }

    /** A member's state changed. */
    record MemberChanged(MemberView member) implements CallChange {
        @Override
        public Timeline timeline() {
            return null;
        }

        @Override
        public CallView call() {
            return null;
        }
    }
}
