package io.firstline.telephony;

/** The state of the link to one Asterisk server, as /health reports it. */
public record PbxHealth(String name, Status status) {

    /** connected | connecting | down | not-configured. */
    public enum Status {
        CONNECTED("connected"), CONNECTING("connecting"), DOWN("down"), NOT_CONFIGURED("not-configured");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
