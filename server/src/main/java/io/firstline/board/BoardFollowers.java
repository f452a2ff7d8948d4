package io.firstline.board;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many sockets on this node follow the live board, as supervisors' boards and as wall screens, so that the board
 * is built and encoded only for a form someone follows. Counted by the web event loop(s) (WsHub), read by the call
 * flow's context (LiveBoard): any thread.
 *
 * <p>Counts this node's sockets only. When another node fans the board out (issue 15), that node's followers must be
 * added in here too (e.g. each node publishing its counts, or a remote fan-out counting as one follower of each form
 * it needs), so that the node that builds the board still builds it for them.
 */
public final class BoardFollowers {

    private final AtomicInteger boards = new AtomicInteger();
    private final AtomicInteger wallScreens = new AtomicInteger();
    private final AtomicLong updatesBuilt = new AtomicLong();
    /** Counts the times the board went from no follower to one: changes in between were published to nobody. */
    private final AtomicLong followedSince = new AtomicLong();

    /** One more follower of the full board ({@code wallScreen} false) or of the wall screen's form; returns its end. */
    public Runnable follow(boolean wallScreen) {
        AtomicInteger count = wallScreen ? wallScreens : boards;
        synchronized (this) {
            if (count.incrementAndGet() + (wallScreen ? boards : wallScreens).get() == 1) {
                followedSince.incrementAndGet();
            }
        }
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                synchronized (this) {
                    count.decrementAndGet();
                }
            }
        };
    }

    /**
     * Changes whenever the board is followed again after a time without any follower: a board kept up to date by
     * deltas since an earlier value has missed the changes of that time.
     */
    long followedSince() {
        return followedSince.get();
    }

    /** Whether a supervisor's board follows. */
    public boolean boards() {
        return boards.get() > 0;
    }

    /** Whether a wall screen follows. */
    public boolean wallScreens() {
        return wallScreens.get() > 0;
    }

    /** How many follow the full board ({@code wallScreen} false) or the wall screen's form now. */
    public int count(boolean wallScreen) {
        return (wallScreen ? wallScreens : boards).get();
    }

    /** The board built once more for an update (not for a snapshot asked for). */
    void updateBuilt() {
        updatesBuilt.incrementAndGet();
    }

    /** How many times the board was built for updates. */
    public long updatesBuilt() {
        return updatesBuilt.get();
    }
}
