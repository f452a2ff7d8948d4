package io.firstline.cluster;

import io.firstline.db.Fence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * This node's leases on the links of every configured PBX (cluster mode), and the {@link Fence} of their writes: a
 * call record or presence write of a PBX commits only if the database still names this node the owner, under the
 * epoch the node held when the write started.
 */
public final class LinkOwnership implements Fence {

    private final String node;
    private final Map<String, LinkLease> leases = new LinkedHashMap<>();
    private final AtomicLong takeovers = new AtomicLong();
    private final String first;
    private final IntSupplier members;

    private volatile LinkLease.Listener listener;

    public LinkOwnership(Vertx vertx, PbxOwnerStore store, String node, LinkLease.Timing timing, List<String> pbxs,
            IntSupplier members) {
        this.node = node;
        this.members = members;
        LinkLease.Listener counting = new LinkLease.Listener() {
            @Override
            public void acquired(String pbx, long epoch, boolean takeover) {
                if (takeover) {
                    takeovers.incrementAndGet();
                }
                listener.acquired(pbx, epoch, takeover);
            }

            @Override
            public void lost(String pbx, String why) {
                listener.lost(pbx, why);
            }
        };
        this.first = pbxs.isEmpty() ? null : pbxs.get(0);
        for (String pbx : pbxs) {
            leases.put(pbx, new LinkLease(vertx, store, pbx, node, timing, counting, () -> mayHold(pbx)));
        }
    }

    /**
     * The links spread over the members: a node takes a lease only while it holds fewer than its share,
     * the PBXs ÷ the members it sees, rounded up; one over its share (a member joined) gives back one link at a time,
     * the last configured first, so that the first (whose holder leads) moves last. With one member it follows them all.
     */
    private boolean mayHold(String pbx) {
        int share = (leases.size() + Math.max(1, members.getAsInt()) - 1) / Math.max(1, members.getAsInt());
        // Two leases taken at once may put a node over its share for a moment: it gives one back at its next attempt.
        List<String> held = leases.keySet().stream().filter(this::owns).toList();
        if (owns(pbx)) {
            return held.size() <= share || !pbx.equals(held.get(held.size() - 1));
        }
        return held.size() < share;
    }

    /**
     * Starts trying to hold every PBX's lease.
     *
     * @param listener told, on the context this is called on, when this node gains or loses a link
     */
    public void start(LinkLease.Listener listener) {
        this.listener = listener;
        leases.values().forEach(LinkLease::start);
    }

    @Override
    public Check check(String pbx) {
        LinkLease lease = leases.get(pbx);
        var epoch = lease == null ? java.util.OptionalLong.empty() : lease.epoch();
        return epoch.isPresent() ? PbxOwnerStore.owned(pbx, node, epoch.getAsLong()) : PbxOwnerStore.notOwned(pbx, node);
    }

    /**
     * The PBX whose holder leads (the first configured): that node answers the desk's and the board's questions for the
     * cluster and builds the board, watching the PBXs other nodes follow.
     */
    public String leading() {
        return first;
    }

    public String node() {
        return node;
    }

    /** Whether this node owns the PBX's link now. Any thread. */
    public boolean owns(String pbx) {
        LinkLease lease = leases.get(pbx);
        return lease != null && lease.epoch().isPresent();
    }

    /** The node that owns the PBX's link as last seen, if known. Any thread. */
    public Optional<String> owner(String pbx) {
        LinkLease lease = leases.get(pbx);
        if (lease == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(lease.owner());
    }

    /** How many PBX links this node owns now. */
    public int owned() {
        return (int) leases.values().stream().filter(l -> l.epoch().isPresent()).count();
    }

    /** Links this node took over from another node whose lease had run out, since it started. */
    public long takeovers() {
        return takeovers.get();
    }

    /** Gives every lease back (a clean stop), so that other nodes take the links over at once. On the start context. */
    public Future<Void> release() {
        List<Future<Void>> all = new ArrayList<>();
        leases.values().forEach(l -> all.add(l.release()));
        return Future.join(all).mapEmpty();
    }
}
