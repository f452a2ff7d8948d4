package io.firstline.db;

/** A write that would break a uniqueness rule, e.g. a username that is taken. */
public final class DuplicateException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String field;

    public DuplicateException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
