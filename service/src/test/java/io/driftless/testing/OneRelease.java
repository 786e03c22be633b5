package io.driftless.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;

/**
 * A fleet of one {@code prefect-server} release, {@code prefect}, on one cluster, with values ({@code values.yaml})
 * from a Git server polled hourly, so that whatever happens in a test happens without a poll.
 */
public final class OneRelease {

    /** Values with an external database: no volume claims, so its workloads become ready on any cluster. */
    public static final String EXTERNAL_DATABASE = "postgresql: {enabled: false}\nexternalDatabase: "
            + "{existingSecret: db, host: db.example.com, username: p, passwordSecretKey: pw, name: p}\n";

    private OneRelease() {
    }

    /**
     * @param cluster    the cluster as in a fleet file, e.g. {@code {name: dev, embedded: true}}
     * @param namespace  the release's namespace
     * @param syncPolicy the release's syncPolicy, e.g. {@code {}}
     */
    public static Fleet fleet(GitHttpServer git, Path base, String cluster, String namespace, String syncPolicy) {
        return FleetLoader.parse("fleet.yaml", """
                sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                clusters: [%s]
                releases:
                  - {name: prefect, namespace: %s, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [values.yaml], syncPolicy: %s}
                """.formatted(git.url(), GitHttpServer.USER, cluster, namespace, syncPolicy)
                .getBytes(StandardCharsets.UTF_8), base);
    }

    /** The service running the fleet, its state under {@code base}, its HTTP API on a free loopback port. */
    public static DriftlessService start(Fleet fleet, Path base, ClusterConnections clusters) {
        return DriftlessService.start(fleet, new DriftlessService.Settings(base.resolve("state"), "127.0.0.1", 0, 2,
                Map.of("PW", GitHttpServer.PASSWORD)), clusters);
    }

    /**
     * Commits {@link #EXTERNAL_DATABASE} as the values, starts the service with the release on an embedded
     * cluster {@code dev} (namespace {@code prefect}) and these API credentials and TLS (null: plain HTTP), and
     * waits for the first sync.
     */
    public static DriftlessService startSynced(GitHttpServer git, Path base, io.driftless.api.ApiCredentials credentials,
                                               DriftlessService.Settings.Tls tls) throws Exception {
        git.commit("values", Map.of("values.yaml", EXTERNAL_DATABASE));
        DriftlessService service = DriftlessService.start(fleet(git, base, "{name: dev, embedded: true}", "prefect",
                "{}"), new DriftlessService.Settings(base.resolve("state"), "127.0.0.1", 0, 2,
                Map.of("PW", GitHttpServer.PASSWORD), credentials, tls));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                service.board().get("dev/prefect").syncState() == io.driftless.status.SyncState.Synced);
        return service;
    }
}
