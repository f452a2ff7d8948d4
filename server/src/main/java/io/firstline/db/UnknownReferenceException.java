package io.firstline.db;

/** A write names a row that does not exist, e.g. a ticket for a caller id that nobody has. */
public final class UnknownReferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String field;

    public UnknownReferenceException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
