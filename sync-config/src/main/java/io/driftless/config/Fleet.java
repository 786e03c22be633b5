package io.driftless.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole configuration: where values come from, which clusters exist, what runs where, who hears of it, and the
 * tenants that share it (none: one implicit admin tenant), and the windows in which its targets sync automatically.
 */
public record Fleet(List<SourceSpec> sources, List<ClusterSpec> clusters, List<ReleaseSpec> releases,
                    List<NotifierSpec> notifications, HighAvailability highAvailability, boolean pruneRemovedTargets,
                    List<TenantSpec> tenants, List<SyncWindow> syncWindows, List<UpstreamChart> upstreamCharts) {

    /** With Prefect's chart repositories as the builtin charts' upstream. */
    public Fleet(List<SourceSpec> sources, List<ClusterSpec> clusters, List<ReleaseSpec> releases,
                 List<NotifierSpec> notifications, HighAvailability highAvailability, boolean pruneRemovedTargets,
                 List<TenantSpec> tenants, List<SyncWindow> syncWindows) {
        this(sources, clusters, releases, notifications, highAvailability, pruneRemovedTargets, tenants, syncWindows,
                UpstreamChart.DEFAULTS);
    }

    public Fleet(List<SourceSpec> sources, List<ClusterSpec> clusters, List<ReleaseSpec> releases,
                 List<NotifierSpec> notifications, HighAvailability highAvailability, boolean pruneRemovedTargets,
                 List<TenantSpec> tenants) {
        this(sources, clusters, releases, notifications, highAvailability, pruneRemovedTargets, tenants, List.of());
    }

    public Fleet(List<SourceSpec> sources, List<ClusterSpec> clusters, List<ReleaseSpec> releases,
                 List<NotifierSpec> notifications, HighAvailability highAvailability, boolean pruneRemovedTargets) {
        this(sources, clusters, releases, notifications, highAvailability, pruneRemovedTargets, List.of());
    }

    public Fleet(List<SourceSpec> sources, List<ClusterSpec> clusters, List<ReleaseSpec> releases,
                 List<NotifierSpec> notifications, HighAvailability highAvailability) {
        this(sources, clusters, releases, notifications, highAvailability, false);
    }

    public Fleet(List<SourceSpec> sources, List<ClusterSpec> clusters, List<ReleaseSpec> releases) {
        this(sources, clusters, releases, List.of(), HighAvailability.SINGLE);
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
