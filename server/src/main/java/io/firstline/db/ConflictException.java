package io.firstline.db;

/** A change the rows' present state forbids, e.g. merging an article that was merged already; a 409 naming the field first, as a 400 does. */
public final class ConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public ConflictException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
