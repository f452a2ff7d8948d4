package io.firstline.calls;

/** What a queue member is doing, as a supervisor reads it. */
public enum MemberState {
    AVAILABLE("available"), RINGING("ringing"), IN_CALL("in-call"),
    /** The phone is in use by a call that did not come from a queue (a direct or outgoing call): the queues will not ring it. */
    BUSY("busy"),
    PAUSED("paused"), UNAVAILABLE("unavailable"),
    /** In no queue: signed out of every queue. */
    SIGNED_OUT("signed-out");

    private final String wire;

    MemberState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
