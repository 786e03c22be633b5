package io.driftless.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.driftless.config.ClusterSpec;
import io.driftless.config.Fleet;
import io.driftless.config.SourceSpec;
import io.driftless.config.Target;

/**
 * What a reloaded fleet changes in the running one (pure). A spec counts as changed when anything but where it
 * is written differs; a target changes with its release or its cluster.
 *
 * @param needRestart settings read once at start, which a reload leaves as they are, with what to do
 */
public record FleetChange(List<String> addedClusters, List<String> removedClusters, List<String> changedClusters,
                          List<String> addedSources, List<String> removedSources, List<String> changedSources,
                          List<Target> addedTargets, List<Target> removedTargets, List<Target> changedTargets,
                          List<String> needRestart) {

    public static FleetChange between(Fleet before, Fleet after) {
        Diff<ClusterSpec> clusters = Diff.of(before.clusters(), after.clusters(), ClusterSpec::name);
        Diff<SourceSpec> sources = Diff.of(before.sources(), after.sources(), SourceSpec::name);
        Diff<Target> targets = Diff.of(before.targets(), after.targets(), Target::id);
        List<String> restart = new ArrayList<>();
        if (!before.highAvailability().equals(after.highAvailability())) {
            restart.add("highAvailability changed: the replicas keep their leases as they are until they restart");
        }
        if (!before.notifications().equals(after.notifications())) {
            restart.add("notifications changed: they are sent as before until Driftless restarts");
        }
        List<Target> changed = new ArrayList<>(targets.changed());
        if (!before.upstreamCharts().equals(after.upstreamCharts())) { // the builtin charts' other versions move
            after.targets().stream().filter(t -> t.release().chart() != null
                    && t.release().chart().kind() == io.driftless.config.ReleaseSpec.ChartRef.Kind.BUILTIN
                    && !targets.added().contains(t) && !changed.contains(t)).forEach(changed::add);
        }
        return new FleetChange(names(clusters.added(), ClusterSpec::name), names(clusters.removed(), ClusterSpec::name),
                names(clusters.changed(), ClusterSpec::name), names(sources.added(), SourceSpec::name),
                names(sources.removed(), SourceSpec::name), names(sources.changed(), SourceSpec::name),
                targets.added(), targets.removed(), List.copyOf(changed), List.copyOf(restart));
    }

    public boolean isEmpty() {
        return addedClusters.isEmpty() && removedClusters.isEmpty() && changedClusters.isEmpty()
                && addedSources.isEmpty() && removedSources.isEmpty() && changedSources.isEmpty()
                && addedTargets.isEmpty() && removedTargets.isEmpty() && changedTargets.isEmpty()
                && needRestart.isEmpty();
    }

    /** One line: what was added, changed and removed, by kind. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        part(parts, "clusters added", addedClusters);
        part(parts, "clusters changed", changedClusters);
        part(parts, "clusters removed", removedClusters);
        part(parts, "sources added", addedSources);
        part(parts, "sources changed", changedSources);
        part(parts, "sources removed", removedSources);
        part(parts, "targets added", ids(addedTargets));
        part(parts, "targets changed", ids(changedTargets));
        part(parts, "targets removed", ids(removedTargets));
        return parts.isEmpty() ? "no change" : String.join("; ", parts);
    }

    private static void part(List<String> parts, String what, List<String> names) {
        if (!names.isEmpty()) {
            parts.add(what + ": " + String.join(", ", names));
        }
    }

    private static List<String> ids(List<Target> targets) {
        return targets.stream().map(Target::id).toList();
    }

    private static <T> List<String> names(List<T> items, Function<T, String> name) {
        return items.stream().map(name).toList();
    }

    /** Items by name: in {@code after} only, in {@code before} only, in both but different (in after's form). */
    private record Diff<T>(List<T> added, List<T> removed, List<T> changed) {
        static <T> Diff<T> of(List<T> before, List<T> after, Function<T, String> name) {
            Map<String, T> old = before.stream().collect(Collectors.toMap(name, t -> t, (a, b) -> a));
            Map<String, T> now = after.stream().collect(Collectors.toMap(name, t -> t, (a, b) -> a));
            return new Diff<>(after.stream().filter(t -> !old.containsKey(name.apply(t))).toList(),
                    before.stream().filter(t -> !now.containsKey(name.apply(t))).toList(),
                    after.stream().filter(t -> old.containsKey(name.apply(t))
                            && !Objects.equals(old.get(name.apply(t)), t)).toList());
        }
    }
}
