package io.driftless.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The whole configuration: where values come from, which clusters exist, what runs where. */
public record Fleet(List<SourceSpec> sources, List<ClusterSpec> clusters, List<ReleaseSpec> releases) {

    public Optional<SourceSpec> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<ClusterSpec> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Every (release, cluster) pair the selectors pick, in declaration order. */
    public List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (ReleaseSpec release : releases) {
            for (ClusterSpec cluster : clusters) {
                if (release.clusters().matches(cluster)) {
                    out.add(new Target(release, cluster));
                }
            }
        }
        return out;
    }
}
