package io.driftless.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.driftless.config.Fleet;
import io.driftless.config.SourceSpec;
import io.driftless.config.Target;
import io.driftless.model.Tracking;

/** The fleet the service runs now, replaced as a whole when a reloaded fleet is applied; read from any thread. */
public final class LiveFleet {

    private record Now(Fleet fleet, Map<String, Target> byId, Map<String, Target> byLabel,
                       Map<String, List<Target>> byRelease) {
    }

    private volatile Now now;

    public LiveFleet(Fleet fleet) {
        set(fleet);
    }

    public Fleet get() {
        return now.fleet();
    }

    public List<Target> targets() {
        return List.copyOf(now.byId().values());
    }

    public Optional<Target> target(String id) {
        return Optional.ofNullable(now.byId().get(id));
    }

    /** The release's targets, in the fleet's order (none: no such release). */
    public List<Target> ofRelease(String release) {
        return now.byRelease().getOrDefault(release, List.of());
    }

    /** The target whose objects carry this {@code driftless.io/target} label value in this cluster. */
    Target byLabel(String cluster, String label) {
        return now.byLabel().get(cluster + "/" + label);
    }

    public Optional<SourceSpec> source(String name) {
        return now.fleet().sources().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    void set(Fleet fleet) {
        Map<String, Target> byId = new LinkedHashMap<>();
        Map<String, Target> byLabel = new LinkedHashMap<>();
        Map<String, List<Target>> byRelease = new LinkedHashMap<>();
        for (Target t : fleet.targets()) {
            byId.put(t.id(), t);
            byRelease.computeIfAbsent(t.release().name(), r -> new ArrayList<>()).add(t);
            byLabel.put(t.cluster().name() + "/" + Tracking.labelValue(t), t);
        }
        byRelease.replaceAll((r, ts) -> List.copyOf(ts));
        now = new Now(fleet, byId, byLabel, byRelease);
    }
}
