package io.firstline.presence;

/** What an interval of a queue member's presence is: signed in (a member of some queue) or paused. */
public enum PresenceKind {
    SIGNED_IN("signed-in"), PAUSED("paused");

    private final String wire;

    PresenceKind(String wire) {
        this.wire = wire;
    }

    /** As the database and the API write it. */
    public String wire() {
        return wire;
    }

    static PresenceKind ofWire(String wire) {
        for (PresenceKind k : values()) {
            if (k.wire.equals(wire)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no presence kind '" + wire + "'");
    }
}
