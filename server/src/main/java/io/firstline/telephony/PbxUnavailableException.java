package io.firstline.telephony;

/** An action could not be sent to a PBX, or it did not answer in time. */
public final class PbxUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PbxUnavailableException(String message) {
        super(message, null, false, false);
    }
}
