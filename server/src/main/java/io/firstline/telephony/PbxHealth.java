package io.firstline.telephony;

import java.util.Optional;

/**
 * The state of the link to one Asterisk server, as /health reports it.
 *
 * @param owner cluster mode: the node that owns the link as this node last saw it (empty: a single node, or not known yet)
 * @param owned whether this node follows the link (always, for a single node)
 */
public record PbxHealth(String name, Status status, Optional<String> owner, boolean owned) {

    /** A single node's link. */
    public PbxHealth(String name, Status status) {
        this(name, status, Optional.empty(), true);
    }

    /** Whether /health counts this PBX as well: its link is connected here, or (cluster mode) another node owns it. */
    public boolean ok() {
        return owned ? status == Status.CONNECTED : owner.isPresent();
    }

    /** connected | connecting | down | not-configured | standby (cluster mode: another node follows it). */
    public enum Status {
        CONNECTED("connected"), CONNECTING("connecting"), DOWN("down"), NOT_CONFIGURED("not-configured"), STANDBY("standby");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
