package io.firstline.calls;

/** Where a call is, or how it ended. {@link #wire()} is the name the API and the database use. */
public enum CallStatus {
    /** In the phone menu, not yet in a queue. */
    IN_MENU("in-menu", false),
    /** Waiting in a queue. */
    QUEUED("queued", false),
    /** Waiting, and at least one member's phone rings. */
    RINGING("ringing", false),
    /** Talking with a member. */
    CONNECTED("connected", false),
    /** Ended after a member answered. */
    ANSWERED("answered", true),
    /** The caller hung up while waiting in a queue. */
    ABANDONED("abandoned", true),
    /** Left the queue without an answer (timeout, exit key) and ended. */
    UNANSWERED("unanswered", true),
    /** Ended in the phone menu without reaching a queue (e.g. ticket status only). */
    MENU_ONLY("menu-only", true),
    /** A leg between the help desk's own phones, e.g. a supervisor listening in: no caller's call, never offered. */
    INTERNAL("internal", true),
    /** Firstline's one-click callback (the agent's phone, then the caller's number): not an offered call. */
    CALLBACK("callback", true);

    private final String wire;
    private final boolean finished;

    CallStatus(String wire, boolean finished) {
        this.wire = wire;
        this.finished = finished;
    }

    public String wire() {
        return wire;
    }

    public boolean finished() {
        return finished;
    }

    /** The status of a call that has not ended, as the API shows it. */
    public String apiStatus() {
        return finished ? wire : "in-progress";
    }
}
