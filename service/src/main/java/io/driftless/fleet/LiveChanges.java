package io.driftless.fleet;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.driftless.config.Target;
import io.vertx.core.Vertx;

/**
 * Changes seen in the clusters, per target: which targets had an owned object change since their last sync
 * ("dirty", which the next sync compares in full), and the debounce that turns a burst of changes into one compare
 * (once none came for {@link #SETTLE}, at most {@link #DEBOUNCE} after the first), or a burst of status changes
 * into one health check ({@link #DEBOUNCE} after the first).
 */
final class LiveChanges {

    /** Changes to owned objects within this time are compared once; status changes, assessed once. */
    static final Duration DEBOUNCE = Duration.ofMillis(250);
    /** How long no further change to a target's objects must come before they are compared. */
    static final Duration SETTLE = Duration.ofMillis(40);

    private final Vertx vertx;
    private final BooleanSupplier stopping;
    private final Predicate<Target> watched;
    private final Consumer<Target> compare;
    private final Consumer<Target> health;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    /** When the first and the last change of a burst came (nanoTime). */
    private record Burst(long first, long last) {
    }

    /** Targets whose compare waits for their changes to settle (changed on the event loop only). */
    private final java.util.Map<String, Burst> debouncing = new ConcurrentHashMap<>();
    private final Set<String> healthPending = ConcurrentHashMap.newKeySet();
    private final Set<String> reconfigured = ConcurrentHashMap.newKeySet();

    /**
     * @param watched whether a target's changes matter here (in the fleet as it is, held by this replica)
     * @param compare compares a dirty target once its changes settled
     * @param health  assesses a target's health again once its status changes settled
     */
    LiveChanges(Vertx vertx, BooleanSupplier stopping, Predicate<Target> watched, Consumer<Target> compare,
                Consumer<Target> health) {
        this.vertx = vertx;
        this.stopping = stopping;
        this.watched = watched;
        this.compare = compare;
        this.health = health;
    }

    /** An owned object of the target changed: it is dirty, and compared after the debounce. */
    void changed(Target target) {
        if (stopping.getAsBoolean() || !watched.test(target)) {
            return;
        }
        dirty.add(target.id());
        long now = System.nanoTime();
        Burst was = debouncing.get(target.id());
        debouncing.put(target.id(), new Burst(was == null ? now : was.first(), now));
        if (was == null) { // else a compare is due already, and now waits for this change to settle too
            settle(target, SETTLE.toMillis());
        }
    }

    /** Compares the target once no change came for {@link #SETTLE}, or {@link #DEBOUNCE} after the first. */
    private void settle(Target target, long waitMillis) {
        vertx.setTimer(Math.max(1, waitMillis), id -> {
            long now = System.nanoTime();
            Burst burst = debouncing.get(target.id());
            long settledAt = burst.last() + SETTLE.toNanos();
            long latest = burst.first() + DEBOUNCE.toNanos();
            if (now < settledAt && now < latest) {
                settle(target, (Math.min(settledAt, latest) - now) / 1_000_000 + 1);
                return;
            }
            debouncing.remove(target.id());
            if (!stopping.getAsBoolean() && watched.test(target) && dirty.remove(target.id())) {
                compare.accept(target); // else a sync covered the change meanwhile
            }
        });
    }

    /** Only an owned object's status changed: its health is assessed after the debounce. */
    void statusChanged(Target target) {
        if (stopping.getAsBoolean() || !watched.test(target) || !healthPending.add(target.id())) {
            return;
        }
        vertx.setTimer(DEBOUNCE.toMillis(), id -> {
            healthPending.remove(target.id());
            if (!stopping.getAsBoolean()) {
                health.accept(target);
            }
        });
    }

    /** Marks a target to be compared in full at its next sync (a cluster that came back, a shard taken). */
    void markDirty(Target target) {
        dirty.add(target.id());
    }

    /** Whether the target is dirty or reconfigured (its next sync has work to do); nothing is taken. */
    boolean pending(Target target) {
        return dirty.contains(target.id()) || reconfigured.contains(target.id());
    }

    /** Whether the target was dirty; it is not any more. */
    boolean takeDirty(Target target) {
        return dirty.remove(target.id());
    }

    /**
     * Marks a target the fleet changed (its values list, chart, namespace, tenant, ...): its next sync applies it in
     * full, as a new commit would be, even at the commit already applied.
     */
    void markReconfigured(Target target) {
        reconfigured.add(target.id());
        dirty.add(target.id());
    }

    /** Whether the fleet changed the target since its last sync; it is not marked any more. */
    boolean takeReconfigured(Target target) {
        return reconfigured.remove(target.id());
    }

    void forget(Target target) {
        dirty.remove(target.id());
        reconfigured.remove(target.id());
    }
}
