package io.driftless.config;

import java.time.Duration;

/**
 * Several replicas share the fleet: targets map to {@code shards} by a stable hash, and each shard is held by
 * one replica at a time through a Kubernetes Lease ({@code driftless-shard-<n>}) in {@code namespace} of
 * {@code cluster}. A replica that stops renewing loses its shards after {@code leaseDuration}.
 */
public record HighAvailability(String cluster, String namespace, int shards, Duration leaseDuration, Origin origin) {

    /** One replica holds everything; no leases. */
    public static final HighAvailability SINGLE = new HighAvailability(null, null, 1, Duration.ZERO, Origin.NONE);

    public boolean enabled() {
        return cluster != null;
    }
}
