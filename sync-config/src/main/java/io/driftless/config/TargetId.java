package io.driftless.config;

/**
 * The identity of a target, one release on one cluster; written {@code CLUSTER/RELEASE} in the API, the CLI, logs
 * and status keys (neither name may hold a {@code /}).
 */
public record TargetId(String cluster, String release) {

    /** The written form of the target of {@code release} on {@code cluster}. */
    public static String of(String cluster, String release) {
        return cluster + "/" + release;
    }

    @Override
    public String toString() {
        return of(cluster, release);
    }
}
