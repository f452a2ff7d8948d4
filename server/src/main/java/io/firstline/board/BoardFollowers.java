package io.firstline.board;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many sockets on this node follow the live board, as supervisors' boards and as wall screens, so that the board
 * is built and encoded only for a form someone follows. Counted by the web event loop(s) (WsHub), read by the call
 * flow's context (LiveBoard): any thread.
 *
 * <p>In cluster mode the sockets of the other nodes follow the board this node may build: each node says every
 * {@value #REMOTE_EVERY_MS} ms which forms its sockets follow ({@link io.firstline.bus.Bus#BOARD_FOLLOWED}), and a form
 * counts as followed here for {@value #REMOTE_FOR_MS} ms after another node said so ({@link #followedElsewhere}).
 */
public final class BoardFollowers {

    /** How often a node with followers says so (cluster mode). */
    public static final long REMOTE_EVERY_MS = 2000;
    /** How long another node's word counts: a node that stops saying it (its followers gone, or itself) is forgotten. */
    static final long REMOTE_FOR_MS = 5000;

    private final AtomicInteger boards = new AtomicInteger();
    private final AtomicInteger wallScreens = new AtomicInteger();
    private final AtomicLong updatesBuilt = new AtomicLong();
    /** Counts the times the board went from no follower to one: changes in between were published to nobody. */
    private final AtomicLong followedSince = new AtomicLong();
    /** Until when (System.nanoTime) another node's sockets follow each form; 0: none has said so. */
    private volatile long boardsElsewhereUntil;
    private volatile long wallScreensElsewhereUntil;

    /**
     * Another node's sockets follow these forms now (cluster mode; on the context that builds the board). When nobody
     * followed the board, this counts as a new start of following: the board is made anew for them.
     */
    public void followedElsewhere(boolean boards, boolean wallScreens) {
        long until = System.nanoTime() + REMOTE_FOR_MS * 1_000_000;
        synchronized (this) {
            if (!boards() && !wallScreens()) {
                followedSince.incrementAndGet();
            }
            if (boards) {
                boardsElsewhereUntil = until;
            }
            if (wallScreens) {
                wallScreensElsewhereUntil = until;
            }
        }
    }

    private static boolean current(long until) {
        return until != 0 && until - System.nanoTime() > 0;
    }

    /** One more follower of the full board ({@code wallScreen} false) or of the wall screen's form; returns its end. */
    public Runnable follow(boolean wallScreen) {
        AtomicInteger count = wallScreen ? wallScreens : boards;
        synchronized (this) {
            if (count.incrementAndGet() + (wallScreen ? boards : wallScreens).get() == 1) { // else nothing went unpublished
                if (!current(boardsElsewhereUntil) && !current(wallScreensElsewhereUntil)) {
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
        return boards.get() > 0 || current(boardsElsewhereUntil);
    }

    /** Whether a wall screen follows. */
    public boolean wallScreens() {
        return wallScreens.get() > 0 || current(wallScreensElsewhereUntil);
    }

    /** How many sockets of this node follow the full board ({@code wallScreen} false) or the wall screen's form now. */
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
