package io.driftless.testing;

import io.driftless.reconcile.Preview;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.Target;
import io.driftless.status.StatusBoard;
import io.driftless.status.TargetStatus;
import io.driftless.reconcile.TargetSyncer;
import io.driftless.status.Notice;
import io.driftless.cluster.KubeTargetCluster;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.ChartRegistry;
import io.driftless.source.GitSource;
import io.driftless.telemetry.Metrics;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * One release of one chart on one embedded cluster {@code dev}, its values ({@code values.yaml}) served
 * by a real Git server over HTTP with basic auth.
 */
public final class OneTarget implements AutoCloseable {

    private final GitHttpServer git;
    private final Fleet fleet;
    private final ClusterConnections clusters;
    private final GitSource source;
    private final Metrics metrics = new Metrics();
    private final Queue<Notice> notices = new ConcurrentLinkedQueue<>();
    private TargetSyncer syncer;

    public OneTarget(Path tmp, String chart, String version, String namespace, String values) throws Exception {
        this(tmp, chart, version, namespace, values, "embedded: true", "{}");
    }

    /**
     * @param cluster     how cluster {@code dev} is reached, as in a fleet file ({@code kubeconfig: /path})
     * @param syncPolicy  the release's syncPolicy, as in a fleet file
     */
    public OneTarget(Path tmp, String chart, String version, String namespace, String values, String cluster,
                     String syncPolicy) throws Exception {
        git = new GitHttpServer(tmp.resolve("origin"));
        git.commit("values", Map.of("values.yaml", values));
        fleet = FleetLoader.parse("fleet.yaml", ("""
                sources: [{name: values, url: %s, auth: {username: %s, passwordEnv: PW}}]
                clusters: [{name: dev, %s}]
                releases:
                  - {name: prefect, namespace: %s, chart: {name: %s, version: %s},
                     source: values, values: [values.yaml], syncPolicy: %s}
                """).formatted(git.url(), GitHttpServer.USER, cluster, namespace, chart, version, syncPolicy)
                .getBytes(StandardCharsets.UTF_8), tmp);
        clusters = new ClusterConnections(fleet.clusters());
        clusters.observe(metrics::kubernetesRequest);
        source = new GitSource(fleet.sources().get(0), tmp.resolve("cache"), Map.of("PW", GitHttpServer.PASSWORD));
        syncer = newSyncer();
    }

    private ChartCatalogue charts = ChartCatalogue.of(ChartRegistry.builtin());

    /** A syncer as a fresh process has it (empty render cache). */
    public TargetSyncer newSyncer() {
        return new TargetSyncer(charts, KubeTargetCluster.forTargets(clusters), new StatusBoard(fleet.targets()),
                metrics, Clock.systemUTC(), notices::add);
    }

    /** Later syncs render with these charts (a new syncer). */
    public TargetSyncer rendering(ChartCatalogue with) {
        this.charts = with;
        syncer = newSyncer();
        return syncer;
    }

    /** The syncer the next {@link #sync()} uses. */
    public TargetSyncer syncer() {
        return syncer;
    }

    /** Simulates a restart: later syncs use a new syncer. */
    public void restart() {
        syncer = newSyncer();
    }

    /** Commits new values to the source. */
    public void commit(String values) throws Exception {
        git.commit("values", Map.of("values.yaml", values));
    }

    /** Fetches the source and syncs the target, writing to the cluster. */
    public TargetStatus sync() {
        return syncer.sync(target(), source.fetch(), true);
    }

    /** Fetches the source and says what syncing it would do, as a preview: nothing is written or recorded. */
    public io.driftless.reconcile.Preview preview() {
        return syncer.preview(target(), source.fetch());
    }

    /** Fetches the source and answers the target's objects with what they own (the object views' report). */
    public io.driftless.reconcile.ObjectsReport objects() {
        return syncer.objects(target(), source.fetch(), null);
    }

    public ClusterConnections clusters() {
        return clusters;
    }

    /** Fetches the source and compares the target: drift is reported, nothing is written. */
    public TargetStatus compare() {
        return syncer.sync(target(), source.fetch(), false);
    }

    /** Every notice the syncs so far sent on, oldest first. */
    public List<Notice> notices() {
        return List.copyOf(notices);
    }

    public Metrics metrics() {
        return metrics;
    }

    public Target target() {
        return fleet.targets().get(0);
    }

    public KubernetesClient client() {
        return clusters.client("dev");
    }

    @Override
    public void close() throws Exception {
        try (git; clusters; source) {
            // closes all three
        }
    }
}
