package io.driftless.config;

import java.time.Duration;
import java.util.List;

/**
 * How a release's new commits reach its clusters: on a cluster only once the releases it depends on are Synced and
 * Healthy there, and cluster group by cluster group ({@link Wave}s), each starting when the one before it is Synced
 * and has stayed Healthy for {@code healthyFor}.
 *
 * @param dependsOn  the releases that must be Synced and Healthy first
 * @param waves      the release's clusters in order (empty: every cluster at once)
 * @param healthyFor how long a wave must stay Healthy before the next starts
 * @param onDegraded what a Degraded target of the rollout does to it
 */
public record Delivery(List<Dependency> dependsOn, List<Wave> waves, Duration healthyFor, OnDegraded onDegraded) {

    /** No dependency, no wave: every selected cluster gets a new commit at once. */
    public static final Delivery NONE = new Delivery(List.of(), List.of(), Duration.ZERO, OnDegraded.HALT);

    public enum OnDegraded {
        /** The rollout stops until an operator resumes it (or a newer commit starts a new one). */
        HALT,
        /** The next wave starts regardless, once the rest of the wave is Healthy. */
        CONTINUE
    }

    /**
     * A release that must be Synced and Healthy at its current commit first.
     *
     * @param cluster null for the same cluster as the dependent target, {@link #EVERY} for every cluster the
     *                dependency runs on, or a cluster's name
     */
    public record Dependency(String release, String cluster, Origin origin) {
        public static final String EVERY = "*";
    }

    /**
     * One step of a rollout.
     *
     * @param maxParallel how many of its targets may be on their way at once (0: all of them)
     * @param percent     whether {@code maxParallel} is a share of the wave's targets
     */
    public record Wave(String name, ReleaseSpec.ClusterSelector clusters, int maxParallel, boolean percent,
                       Origin origin) {

        /** How many of the wave's {@code targets} may be on their way at once (at least one). */
        public int limit(int targets) {
            if (maxParallel == 0) {
                return Math.max(1, targets);
            }
            return percent ? Math.max(1, targets * maxParallel / 100) : maxParallel;
        }
    }

    /** The index of the wave holding the cluster, or -1 when the release has no waves. */
    public int waveOf(ClusterSpec cluster) {
        for (int i = 0; i < waves.size(); i++) {
            if (waves.get(i).clusters().matches(cluster)) {
                return i;
            }
        }
        return -1;
    }
}
