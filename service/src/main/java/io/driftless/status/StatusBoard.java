package io.driftless.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.driftless.config.Target;

/** The current status of every target, updated by syncs and read by the HTTP API. */
public final class StatusBoard {

    private final Map<String, TargetStatus> statuses = new ConcurrentHashMap<>();
    private volatile List<String> order = List.of();
    private volatile java.util.function.Consumer<TargetStatus> changed = s -> { };
    private volatile java.util.function.Consumer<String> removed = id -> { };

    /** Called with each status this replica changes (by {@link #update}), and each target the fleet drops. */
    public void listen(java.util.function.Consumer<TargetStatus> changed, java.util.function.Consumer<String> removed) {
        this.changed = changed;
        this.removed = removed;
    }

    private volatile HistoryStore history = HistoryStore.NONE;

    public StatusBoard(List<Target> targets) {
        follow(targets);
    }

    /** Keeps each target's history in the store, starting from what it kept before (a restart). */
    public StatusBoard keeping(HistoryStore store) {
        this.history = store;
        statuses.replaceAll((id, status) -> status.history().isEmpty() ? status.withHistory(store.load(id)) : status);
        return this;
    }

    /**
     * Follows a reloaded fleet: its targets in its order; a target it keeps keeps its status, a new one starts
     * unsynced, a removed one is forgotten.
     */
    public synchronized void follow(List<Target> targets) {
        List<String> next = new ArrayList<>();
        for (Target t : targets) {
            next.add(t.id());
            statuses.computeIfAbsent(t.id(), id -> TargetStatus.initial(t.cluster().name(), t.release().name(),
                    t.release().namespace(), t.release().source()).withHistory(history.load(id)));
        }
        List<String> gone = statuses.keySet().stream().filter(id -> !next.contains(id)).toList();
        statuses.keySet().retainAll(next);
        order = List.copyOf(next);
        gone.forEach(history::forget);
        gone.forEach(removed);
    }

    /** Changes a target's status; nothing when the target has left the fleet meanwhile. */
    public void update(Target target, UnaryOperator<TargetStatus> change) {
        List<?>[] before = new List<?>[1];
        TargetStatus after = statuses.computeIfPresent(target.id(), (id, old) -> {
            before[0] = old.history();
            return change.apply(old);
        });
        if (after != null) {
            if (after.history() != before[0]) { // a notable sync added a record
                history.save(after.id(), after.history());
            }
            changed.accept(after);
        }
    }

    /**
     * Takes a target's status as another replica, which holds the target, reported it (see
     * {@code SharedStatuses}); nothing when the target is not in this replica's fleet. Not a change of this replica's.
     */
    public void adopt(TargetStatus status) {
        statuses.computeIfPresent(status.id(), (id, old) -> status);
    }

    public TargetStatus get(String targetId) {
        return statuses.get(targetId);
    }

    public List<TargetStatus> all() {
        return order.stream().map(statuses::get).filter(java.util.Objects::nonNull).toList();
    }

    /** True once every target has been attempted at least once. */
    public boolean allAttempted() {
        return allAttempted(id -> true);
    }

    /**
     * True once every target this replica holds has been attempted at least once, or is held by a rollout gate (a
     * window closed at start must not keep a replica unready for hours).
     */
    public boolean allAttempted(java.util.function.Predicate<String> held) {
        return statuses.entrySet().stream().filter(e -> held.test(e.getKey()))
                .allMatch(e -> e.getValue().lastSync() != null || e.getValue().syncState() == SyncState.Waiting);
    }
}
