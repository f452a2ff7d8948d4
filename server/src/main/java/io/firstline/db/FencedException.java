package io.firstline.db;

/**
 * A write refused by its {@link Fence}: the writer no longer owns what it writes for (a PBX whose link another node took
 * over, or that this node gave up). Not a failure to retry: the write is to be dropped, counted and logged.
 */
public final class FencedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String pbx;

    public FencedException(String pbx, String message) {
        super(message);
        this.pbx = pbx;
    }

    /** The PBX whose write was refused. */
    public String pbx() {
        return pbx;
    }

    /** Whether {@code t}, or what it wraps (a transaction's or a future's exception), is a refused write. */
    public static FencedException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof FencedException f) {
                return f;
            }
        }
        return null;
    }
}
