package io.driftless.fleet;

import io.driftless.cluster.ShardLeases;
import io.driftless.config.Target;
import io.driftless.status.Suspensions;

/**
 * Whether work for a target may run here now: the service is not stopping, the target is in the fleet as it is
 * (not removed or changed by a reload), this replica holds its shard, and no operator suspended it.
 */
final class Scope {

    private final LiveFleet live;
    private final ShardLeases leases;
    private final Suspensions suspensions;
    private volatile boolean stopping;

    /** @param suspensions which targets are suspended; null: none */
    Scope(LiveFleet live, ShardLeases leases, Suspensions suspensions) {
        this.live = live;
        this.leases = leases;
        this.suspensions = suspensions;
    }

    /** A shutdown began: no timer, message or informer change starts work after it. */
    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    /** Whether the target is in the running fleet as it is (not removed, not changed by a reload). */
    boolean current(Target target) {
        return live.target(target.id()).orElse(null) == target;
    }

    /** Whether this replica holds the target's shard (always, without high availability). */
    boolean mine(Target target) {
        return leases.holds(shard(target));
    }

    int shard(Target target) {
        return Shards.of(target.id(), leases.shards());
    }

    boolean suspended(Target target) {
        return suspensions != null && suspensions.isSuspended(target.id());
    }

    /** Not stopping, current and held here. */
    boolean active(Target target) {
        return !stopping && current(target) && mine(target);
    }
}
