package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncState;
import io.driftless.reconcile.TargetSyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.cluster.ClusterConnections;
import io.driftless.cluster.ShardLeases;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.HighAvailability;
import io.driftless.render.ChartRegistry;
import io.driftless.source.GitSource;
import io.driftless.telemetry.Metrics;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.Kubeconfigs;
import io.driftless.testing.OneRelease;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;

/** The fleet's life around its edges: a shutdown that has begun, and a cluster that comes back. */
class FleetLifecycleIT {

    @TempDir
    Path tmp;

    private static double fetches(Metrics metrics) {
        return metrics.scrape().lines().filter(l -> l.startsWith("driftless_source_fetch_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void noFetchOrSyncStartsOnceAShutdownHasBegun() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            git.commit("values", Map.of("values.yaml", "server: {}\n"));
            Fleet fleet = OneRelease.fleet(git, tmp, "{name: dev, embedded: true}", "prefect", "{}");
            Vertx vertx = Vertx.vertx();
            Metrics metrics = new Metrics();
            try (ClusterConnections clusters = new ClusterConnections(fleet.clusters());
                 GitSource source = new GitSource(fleet.sources().get(0), tmp.resolve("cache"),
                         Map.of("PW", GitHttpServer.PASSWORD));
                 ShardLeases leases = new ShardLeases(HighAvailability.SINGLE, "one", clusters, shard -> { })) {
                StatusBoard board = new StatusBoard(fleet.targets());
                FleetVerticle verticle = new FleetVerticle(new LiveFleet(fleet), clusters, leases, Map.of("values", source),
                        new TargetSyncer(io.driftless.render.ChartCatalogue.of(ChartRegistry.builtin()),
                                io.driftless.cluster.KubeTargetCluster.forTargets(clusters), board, metrics,
                                Clock.systemUTC(), notice -> { }), board,
                        metrics, Clock.systemUTC(), 2);
                vertx.deployVerticle(verticle).await();
                await().atMost(Duration.ofSeconds(30)).until(() -> board.get("dev/prefect").syncState() == SyncState.Synced);
                TargetStatus before = board.get("dev/prefect");
                double fetched = fetches(metrics);

                verticle.stop().await(); // the shutdown begins; the event-bus consumers are still registered
                git.commit("later", Map.of("values.yaml", "server: {replicaCount: 2}\n"));
                vertx.eventBus().request(FleetVerticle.REFRESH, "values").await();
                clusters.client("dev").apps().deployments().inNamespace("prefect").withName("prefect-server")
                        .edit(d -> { d.getSpec().setReplicas(5); return d; });
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                        .until(() -> fetches(metrics) == fetched && board.get("dev/prefect").equals(before));
            } finally {
                vertx.close().await();
                metrics.close();
            }
        }
    }

    @Test
    void aClusterThatAnswersAgainIsReportedWhicheverRequestSeesItFirst() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Kubeconfigs.write(tmp.resolve("kubeconfig"), "http://127.0.0.1:" + port);
        Fleet fleet = FleetLoader.parse("fleet.yaml", """
                sources: [{name: values, url: https://git.example.com/v.git}]
                clusters: [{name: flaky, kubeconfig: kubeconfig}]
                releases:
                  - {name: p, namespace: p, chart: {name: prefect-server, version: 1}, source: values, values: [v.yaml]}
                """.getBytes(StandardCharsets.UTF_8), tmp);
        List<String> returned = new CopyOnWriteArrayList<>();
        try (ClusterConnections clusters = new ClusterConnections(fleet.clusters())) {
            clusters.onReturn(returned::add);
            try {
                clusters.client("flaky").namespaces().list();
            } catch (RuntimeException expected) {
                // nothing listens yet
            }
            assertThat(clusters.reachability("flaky").reachable()).isFalse();
            KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
                    new java.util.HashMap<>(), new KubernetesCrudDispatcher(), false);
            server.init(InetAddress.getLoopbackAddress(), port);
            try {
                clusters.client("flaky").namespaces().list(); // any request, not only a probe
                assertThat(returned).containsExactly("flaky");
                clusters.client("flaky").namespaces().list();
                assertThat(returned).as("reported once per return").containsExactly("flaky");
            } finally {
                server.destroy();
            }
        }
    }
}
