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
    private final List<String> order = new ArrayList<>();

    public StatusBoard(List<Target> targets) {
        for (Target t : targets) {
            order.add(t.id());
            statuses.put(t.id(), TargetStatus.initial(t.cluster().name(), t.release().name(),
                    t.release().namespace(), t.release().source()));
        }
    }

    public void update(Target target, UnaryOperator<TargetStatus> change) {
        statuses.compute(target.id(), (id, old) -> change.apply(old));
    }

    public TargetStatus get(String targetId) {
        return statuses.get(targetId);
    }

    public List<TargetStatus> all() {
        return order.stream().map(statuses::get).toList();
    }

    /** True once every target has been attempted at least once. */
    public boolean allAttempted() {
        return allAttempted(id -> true);
    }

    /** True once every target this replica holds has been attempted at least once. */
    public boolean allAttempted(java.util.function.Predicate<String> held) {
        return statuses.entrySet().stream().filter(e -> held.test(e.getKey()))
                .allMatch(e -> e.getValue().lastSync() != null);
    }
}
