package io.driftless.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.driftless.config.SourceSpec;
import io.driftless.fleet.FleetVerticle;
import io.driftless.status.Suspensions;
import io.driftless.status.StatusBoard;
import io.driftless.status.TargetStatus;
import io.driftless.telemetry.Metrics;

/**
 * What the HTTP API serves and acts on.
 *
 * @param sources     the running fleet's sources (the fleet may be reloaded)
 * @param suspensions where {@code POST .../suspend} and {@code .../resume} record which targets are suspended
 * @param env         where webhook secrets named by {@code secretEnv} are read
 * @param reports     what the other read endpoints and readiness show
 */
public record ApiServices(StatusBoard board, Suspensions suspensions, Metrics metrics,
                          Supplier<List<SourceSpec>> sources, Map<String, String> env, Reports reports) {

    public ApiServices {
        Objects.requireNonNull(board);
        Objects.requireNonNull(suspensions);
        Objects.requireNonNull(metrics);
        Objects.requireNonNull(sources);
        Objects.requireNonNull(env);
        Objects.requireNonNull(reports);
    }

    /**
     * @param sourceStates each source's last fetch, for {@code GET /api/v1/sources}
     * @param clusters     each cluster's reachability, for {@code GET /api/v1/clusters}
     * @param shards       this replica's identity and who holds each shard, for {@code GET /api/v1/shards}
     * @param fleet        where the fleet comes from and how its last reload went, for {@code GET /api/v1/fleet}
     * @param held         which targets this replica holds (by id): readiness waits for their first syncs only
     * @param windows      the sync windows that apply to a target (by id), as it shows them
     * @param pins         the pin of a rollback on a target (by id), null when none
     * @param tenantOfRelease the tenant of a release (by name), null when the fleet has none such
     */
    public record Reports(Supplier<Map<String, FleetVerticle.SourceState>> sourceStates, Supplier<List<?>> clusters,
                          Supplier<Object> shards, Supplier<Object> fleet, Predicate<String> held,
                          java.util.function.Function<String, List<Views.Window>> windows,
                          java.util.function.Function<String, io.driftless.rollout.Pin> pins,
                          java.util.function.Function<String, String> tenantOfRelease) {
    }

    /** A target as the API shows it. */
    Views.Target view(TargetStatus status) {
        String id = status.id();
        return Views.Target.of(status, suspensions.isSuspended(id), reports.windows().apply(id),
                reports.pins().apply(id));
    }

    /** The running fleet's sources, by name. */
    Map<String, SourceSpec> sourcesByName() {
        return sources.get().stream().collect(Collectors.toMap(SourceSpec::name, s -> s));
    }
}
