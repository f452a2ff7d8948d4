package io.firstline.board;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many sockets on this node follow the live board, as supervisors' boards and as wall screens, so that the board
 * is built and encoded only for a form someone follows. Counted by the web event loop(s) (WsHub), read by the call
 * flow's context (LiveBoard): any thread.
 *
 * <p>In cluster mode the sockets of the other nodes follow the board this node may build: it is then built for both
 * forms at all times ({@link #followedEverywhere}), as the counts of this node alone cannot say whether it is needed.
 */
public final class BoardFollowers {

    private final AtomicInteger boards = new AtomicInteger();
    private final AtomicInteger wallScreens = new AtomicInteger();
    private final AtomicLong updatesBuilt = new AtomicLong();
    /** Counts the times the board went from no follower to one: changes in between were published to nobody. */
    private final AtomicLong followedSince = new AtomicLong();
    private final boolean everywhere;

    /** Counts this node's followers; the board is built for the forms they follow. */
    public BoardFollowers() {
        this(false);
    }

    private BoardFollowers(boolean everywhere) {
        this.everywhere = everywhere;
    }

    /** Cluster mode: counts this node's followers (for /metrics), and has the board built for both forms always. */
    public static BoardFollowers followedEverywhere() {
        return new BoardFollowers(true);
    }

    /** One more follower of the full board ({@code wallScreen} false) or of the wall screen's form; returns its end. */
    public Runnable follow(boolean wallScreen) {
        AtomicInteger count = wallScreen ? wallScreens : boards;
        synchronized (this) {
            if (count.incrementAndGet() + (wallScreen ? boards : wallScreens).get() == 1) {
                if (!everywhere) { // else nothing went unpublished
                    followedSince.incrementAndGet();
                }
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
        return everywhere || boards.get() > 0;
    }

    /** Whether a wall screen follows. */
    public boolean wallScreens() {
        return everywhere || wallScreens.get() > 0;
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
