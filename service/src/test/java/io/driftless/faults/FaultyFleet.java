package io.driftless.faults;

import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.Kubeconfigs;
import io.driftless.testing.TcpProxy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What every fault test starts from: two {@code prefect-server} releases, {@code alpha} and {@code beta} (SQLite,
 * four objects each, in namespaces of their names), on one cluster {@code dev} whose API server is a CRUD mock
 * with a {@link FaultyDispatcher} reached through a {@link TcpProxy}, values from a {@link GitHttpServer} polled
 * hourly (so nothing happens without {@link #refresh()}), both synced. The test's own client talks to the mock
 * directly, so it sees the cluster even while the proxy is down.
 */
final class FaultyFleet implements AutoCloseable {

    private static final String ADMIN_PASSWORD = "fault-admin";

    static final List<String> RELEASES = List.of("alpha", "beta");
    static final String SQLITE = "sqlite: {enabled: true}\npostgresql: {enabled: false}\n";
    static final String ROUND = "faults.driftless.io/round";

    final GitHttpServer git;
    final FaultyDispatcher faults = new FaultyDispatcher();
    final KubernetesMockServer api;
    /** Straight to the mock API server, never through the proxy. */
    final KubernetesClient cluster;
    final TcpProxy proxy;
    final DriftlessService service;
    final String initialCommit;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Values that change every release's objects (an annotation), numbered so each round differs. */
    static String round(int n) {
        return SQLITE + "commonAnnotations: {" + ROUND + ": \"" + n + "\"}\n";
    }

    /**
     * @param base     where the Git repository and the fleet file go
     * @param stateDir the service's state folder (its Git cache is {@code cache/values.git} in it)
     */
    FaultyFleet(Path base, Path stateDir) throws Exception {
        GitHttpServer g = null;
        KubernetesMockServer a = null;
        TcpProxy p = null;
        DriftlessService s = null;
        KubernetesClient direct = null;
        try {
            a = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
            a.init(InetAddress.getLoopbackAddress(), 0);
            direct = a.createClient();
            p = new TcpProxy(URI.create(direct.getMasterUrl().toString()).getPort());
            Kubeconfigs.write(base.resolve("dev.yaml"), "http://127.0.0.1:" + p.port());
            g = new GitHttpServer(base.resolve("origin"));
            initialCommit = g.commit("initial values", Map.of("alpha/values.yaml", SQLITE, "beta/values.yaml", SQLITE));
            StringBuilder releases = new StringBuilder();
            for (String r : RELEASES) {
                releases.append("  - {name: %s, namespace: %s, chart: {name: prefect-server, version: %s},"
                        .formatted(r, r, Converged.CHART_VERSION))
                        .append(" source: values, values: [%s/values.yaml]}\n".formatted(r));
            }
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, kubeconfig: dev.yaml}]
                    releases:
                    """.formatted(g.url(), GitHttpServer.USER) + releases).getBytes(StandardCharsets.UTF_8), base);
            s = DriftlessService.start(fleet, new DriftlessService.Settings(stateDir, "127.0.0.1", 0, 2,
                    Map.of("PW", GitHttpServer.PASSWORD, "DRIFTLESS_API_AUTH", "admin:" + ADMIN_PASSWORD)),
                    new ClusterConnections(fleet.clusters()));
            service = s;
            git = g;
            api = a;
            proxy = p;
            cluster = direct;
            awaitApplied(initialCommit);
        } catch (Exception | Error e) {
            if (s != null) {
                s.close();
            }
            if (g != null) {
                g.close();
            }
            if (p != null) {
                p.close();
            }
            if (direct != null) {
                direct.close();
            }
            if (a != null) {
                a.destroy();
            }
            throw e;
        }
    }

    TargetStatus status(String release) {
        return service.board().get("dev/" + release);
    }

    /** Commits the values for every release; the service sees it at the next {@link #refresh()}. */
    String commit(String values) throws Exception {
        return git.commit("values", Map.of("alpha/values.yaml", values, "beta/values.yaml", values));
    }

    /** Fetches the source now, as a poll or a webhook would. */
    void refresh() {
        service.refresh("values");
    }

    /** Waits until every release has tried the commit (successfully or not). */
    void awaitAttempted(String commit) {
        await().atMost(Duration.ofSeconds(40)).until(() -> RELEASES.stream()
                .allMatch(r -> commit.equals(status(r).attemptedRevision())));
    }

    /** Waits until every release has applied the commit and is in sync. */
    void awaitApplied(String commit) {
        await().atMost(Duration.ofSeconds(40)).until(() -> RELEASES.stream().allMatch(r ->
                commit.equals(status(r).revision()) && status(r).syncState() == SyncState.Synced));
    }

    /** The three invariants of {@link Converged}, with every release at these values. */
    void assertConsistent(String values) {
        Converged.assertConsistent(cluster, RELEASES.stream().map(r -> new Converged.Release(r, r, values))
                .toArray(Converged.Release[]::new));
    }

    /** The round annotation of the release's Deployment, straight from the API server. */
    String deploymentRound(String release) {
        var d = cluster.apps().deployments().inNamespace(release).withName("prefect-server").get();
        return d.getMetadata().getAnnotations() == null ? null : d.getMetadata().getAnnotations().get(ROUND);
    }

    /** The uid of every live object the release renders at these values: a re-created object gets a new one. */
    Map<String, String> uids(String release, String values) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (var ref : Converged.rendered(new Converged.Release(release, release, values))) {
            var live = cluster.genericKubernetesResources(ref.apiVersion(), ref.kind()).inNamespace(ref.namespace())
                    .withName(ref.name()).get();
            out.put(ref.toString(), live == null ? null : live.getMetadata().getUid());
        }
        return out;
    }

    /** A series' value in the service's own scrape (0 when absent). */
    double metric(String series) {
        return service.metrics().scrape().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    /** {@code GET} on the service's HTTP API: the status code and body. */
    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST} on the service's HTTP API as an admin, answered later. */
    java.util.concurrent.CompletableFuture<HttpResponse<String>> post(String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:"
                        + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").header("X-Driftless-Request", "1")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The source as {@code GET /api/v1/sources} shows it. */
    JsonObject source() throws Exception {
        HttpResponse<String> answer = get("/api/v1/sources");
        if (answer.statusCode() != 200) {
            throw new AssertionError("GET /api/v1/sources answered " + answer.statusCode() + ": " + answer.body());
        }
        return new JsonArray(answer.body()).getJsonObject(0);
    }

    @Override
    public void close() throws Exception {
        try {
            service.close();
        } finally {
            try {
                git.close();
            } finally {
                proxy.close();
                cluster.close();
                api.destroy();
            }
        }
    }
}
