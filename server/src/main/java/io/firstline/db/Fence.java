package io.firstline.db;

import org.jooq.DSLContext;

/**
 * What guards the writes a single owner may make (in a cluster, those of a PBX's link: its call records and presence):
 * a write takes a {@link Check} as it starts and runs it first in its transaction, which then commits only if the
 * writer still holds what it held when it started. {@link #NONE}, a single node's, checks nothing and runs no statement.
 */
@FunctionalInterface
public interface Fence {

    /** No fencing: the write path is exactly as without a cluster. */
    Fence NONE = pbx -> null;

    /** The check for a write of {@code pbx} starting now, or null when none is needed. Any thread; never blocks. */
    Check check(String pbx);

    /** Run inside the write's transaction, before anything is written. */
    @FunctionalInterface
    interface Check {
        /** @throws FencedException when the write must not be committed */
        void verify(DSLContext dsl);
    }
}
