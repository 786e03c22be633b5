package io.driftless.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.Kubeconfigs;
import io.driftless.testing.TcpProxy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.json.JsonObject;

/**
 * Two replicas share four targets through Leases on a cluster of their own, and that cluster disappears while
 * they run: both stop holding their shards (so a commit pushed meanwhile is synced by neither), and once it is
 * back each target is synced at that commit by exactly one replica, which writes its Deployment exactly once.
 * The lease cluster is the real control plane, behind a proxy that cuts every connection: the in-memory API server
 * blocks its event loop for up to a minute per watch cut that way, which no real API server does.
 */
@io.driftless.testing.RealCluster
class LeaseOutageIT {

    private static final List<String> RELEASES = List.of("one", "two", "three", "four");
    private static final String VALUES = "sqlite: {enabled: true}\npostgresql: {enabled: false}\n";

    @TempDir
    Path tmp;
    private KubernetesMockServer workApi;
    private TcpProxy leases;
    private GitHttpServer git;
    private Fleet fleet;
    /** Writes to Deployments on the work cluster, as {@code METHOD path}. */
    private final List<String> deploymentWrites = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start(io.driftless.testing.RealCluster.ControlPlane plane) throws Exception {
        int apiPort = java.net.URI.create(plane.url()).getPort();
        leases = new TcpProxy(apiPort);
        java.nio.file.Files.writeString(tmp.resolve("leases.yaml"), java.nio.file.Files.readString(plane.kubeconfig())
                .replace("https://127.0.0.1:" + apiPort, "https://127.0.0.1:" + leases.port()));
        workApi = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        if (!request.getMethod().equals("GET") && request.getPath().contains("/deployments")) {
                            deploymentWrites.add(request.getMethod() + " " + request.getPath());
                        }
                        return super.dispatch(request);
                    }
                }, false);
        workApi.init(InetAddress.getLoopbackAddress(), 0);
        Kubeconfigs.write(tmp.resolve("work.yaml"), "http://127.0.0.1:" + workApi.getPort());
        git = new GitHttpServer(tmp.resolve("origin"));
        git.commit("values", Map.of("values.yaml", VALUES));
        StringBuilder releases = new StringBuilder();
        for (String release : RELEASES) {
            releases.append("  - {name: ").append(release).append(", namespace: ").append(release)
                    .append(", chart: {name: prefect-server, version: ").append(Converged.CHART_VERSION)
                    .append("}, source: values, values: [values.yaml], clusters: {names: [work]}}\n");
        }
        fleet = FleetLoader.parse("fleet.yaml", ("""
                sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                clusters: [{name: leases, kubeconfig: leases.yaml}, {name: work, kubeconfig: work.yaml}]
                highAvailability: {cluster: leases, namespace: lease-outage, shards: 4, leaseDuration: 2s}
                releases:
                """.formatted(git.url(), GitHttpServer.USER) + releases).getBytes(StandardCharsets.UTF_8), tmp);
    }

    @AfterEach
    void stop() throws Exception {
        git.close();
        leases.close();
        workApi.destroy();
    }

    private DriftlessService replica(String name) {
        return DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state-" + name), "127.0.0.1",
                0, 2, Map.of("PW", GitHttpServer.PASSWORD, "DRIFTLESS_IDENTITY", name)),
                new ClusterConnections(fleet.clusters()));
    }

    /** One client for the test's many reads (each client of its own would keep its selector thread alive). */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static long held(DriftlessService replica) throws Exception {
        JsonObject view = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + replica.httpPort() + "/api/v1/shards")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return view.getJsonArray("shards").stream().filter(h -> ((JsonObject) h).getBoolean("mine")).count();
    }

    /** Whether the replica itself configured (patched) an object of the release. */
    private static boolean configured(DriftlessService replica, String release) {
        return replica.metrics().scrape().lines().anyMatch(l -> l.startsWith("driftless_apply_actions_total{")
                && l.contains("action=\"configured\"") && l.contains("release=\"" + release + "\"")
                && !l.endsWith(" 0.0"));
    }

    private static boolean at(DriftlessService replica, String release, String commit) {
        var status = replica.board().get("work/" + release);
        return status != null && commit.equals(status.revision()) && status.syncState() == SyncState.Synced;
    }

    @Test
    void whileTheLeaseClusterIsGoneNoReplicaSyncsAndAfterwardsEachTargetIsSyncedByOne() throws Exception {
        try (DriftlessService a = replica("a"); DriftlessService b = replica("b")) {
            await().atMost(Duration.ofSeconds(40)).until(() -> held(a) + held(b) == 4 && held(a) > 0 && held(b) > 0);
            String first = git.commit("noop", Map.of("README.md", "values\n"));
            a.refresh("values");
            b.refresh("values");
            await().atMost(Duration.ofSeconds(30)).until(() -> RELEASES.stream()
                    .allMatch(r -> at(a, r, first) || at(b, r, first)));

            leases.down();
            await().atMost(Duration.ofSeconds(20)).until(() -> held(a) == 0 && held(b) == 0);
            deploymentWrites.clear();
            String commit = git.commit("during the outage", Map.of("values.yaml", VALUES
                    + "server: {env: [{name: GREETING, value: outage}]}\n"));
            a.refresh("values");
            b.refresh("values");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> deploymentWrites.isEmpty()
                    && RELEASES.stream().noneMatch(r -> at(a, r, commit) || at(b, r, commit)));

            leases.up();
            await().atMost(Duration.ofSeconds(30)).until(() -> held(a) + held(b) == 4);
            a.refresh("values");
            b.refresh("values");
            await().atMost(Duration.ofSeconds(30)).until(() -> RELEASES.stream()
                    .allMatch(r -> at(a, r, commit) || at(b, r, commit)));
            for (String release : RELEASES) {
                // the statuses are shared (either replica shows every target): who wrote is in each one's metrics
                assertThat(configured(a, release)).as(release + " synced at the commit by one replica only")
                        .isNotEqualTo(configured(b, release));
                assertThat(deploymentWrites).as(release + "'s Deployment written once")
                        .filteredOn(w -> w.contains("/namespaces/" + release + "/")).hasSize(1);
            }
            try (KubernetesClient work = workApi.createClient()) {
                Converged.assertConsistent(work, Stream.of("one", "two", "three", "four")
                        .map(r -> new Converged.Release(r, r, VALUES + "server: {env: [{name: GREETING, value: outage}]}\n"))
                        .toArray(Converged.Release[]::new));
            }
        }
    }
}
