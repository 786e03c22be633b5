package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * What a commit costs the API server when it changes one release: the target whose values changed is synced,
 * and a target whose values files are the same Git objects moves to that commit with no request at all.
 */
class QuietCommitsIT {

    private static final String SQLITE = "sqlite: {enabled: true}\npostgresql: {enabled: false}\n";

    @TempDir
    Path tmp;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private KubernetesMockServer api;
    private GitHttpServer git;
    private DriftlessService service;

    @BeforeEach
    void start() throws Exception {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        requests.add(request.getMethod() + " " + request.getPath());
                        return super.dispatch(request);
                    }
                }, false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        Kubeconfigs.write(tmp.resolve("kubeconfig.yaml"), api.createClient().getMasterUrl().toString());
        git = new GitHttpServer(tmp.resolve("origin"));
        git.commit("values", Map.of("alpha.yaml", SQLITE, "beta.yaml", SQLITE));
        Fleet fleet = FleetLoader.parse("fleet.yaml", """
                sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                clusters: [{name: dev, kubeconfig: kubeconfig.yaml}]
                releases:
                  - {name: alpha, namespace: alpha, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [alpha.yaml]}
                  - {name: beta, namespace: beta, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [beta.yaml]}
                """.formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
        service = DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                Map.of("PW", GitHttpServer.PASSWORD)), new ClusterConnections(fleet.clusters()));
        await().atMost(Duration.ofSeconds(30)).until(() -> synced("alpha") && synced("beta"));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        git.close();
        api.destroy();
    }

    private boolean synced(String release) {
        return service.board().get("dev/" + release).syncState() == SyncState.Synced;
    }

    private String commitToBeta(String greeting) throws Exception {
        String commit = git.commit("beta only", Map.of("beta.yaml", SQLITE
                + "server: {env: [{name: GREETING, value: " + greeting + "}]}\n"));
        service.refresh("values");
        await().atMost(Duration.ofSeconds(30)).until(() -> commit.equals(service.board().get("dev/beta").revision())
                && commit.equals(service.board().get("dev/alpha").revision()));
        return commit;
    }

    @Test
    void aCommitThatLeavesATargetsValuesAloneCostsItNoRequest() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.clusters().watches().covers("dev", "alpha")
                && service.clusters().watches().covers("dev", "beta"));

        // the first commit after the start may find alpha's watch still reporting its own creations (which make
        // it compare); the second finds it quiet
        commitToBeta("hello");
        requests.clear();
        String commit = commitToBeta("again");

        assertThat(service.board().get("dev/alpha").syncState()).isEqualTo(SyncState.Synced);
        // (its health is another matter: alpha's Deployment never becomes available on this API server, so alpha
        // stays Progressing and its pods are listed on health's own schedule, whatever the commits do)
        assertThat(requests).as("alpha's values did not change: nothing of alpha is read or written")
                .noneMatch(r -> r.contains("/namespaces/alpha") && !r.contains("/namespaces/alpha/pods?"));
        assertThat(requests).as("beta's Deployment is updated")
                .anyMatch(r -> r.matches("(PATCH|PUT) /apis/apps/v1/namespaces/beta/deployments/.*"));
        assertThat(service.board().get("dev/beta").changeLines()).anyMatch(l -> l.contains("configured"));
    }
}
