package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.Target;
import io.driftless.render.ChartRegistry;
import io.driftless.source.GitSource;
import io.driftless.telemetry.Metrics;
import io.driftless.testing.GitHttpServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Against a real API server (K3s in Docker): what the server defaults is not drift, and server-side apply
 * owns Driftless's fields, takes them back from another manager and drops what the release stops rendering.
 * Skipped where there is no Docker (these machines); runs wherever Docker exists.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sIT {

    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

    private static final String VALUES = """
            sqlite:
              enabled: true
            postgresql:
              enabled: false
            server:
              replicaCount: 1
              env:%s
            """;

    @TempDir
    Path tmp;

    private record Setup(GitHttpServer git, Target target, GitSource source, TargetSyncer syncer,
                         ClusterConnections clusters) implements AutoCloseable {
        TargetStatus sync(boolean write) {
            return syncer.sync(target, source.fetch(), write);
        }

        KubernetesClient client() {
            return clusters.client("k3s");
        }

        @Override
        public void close() throws Exception {
            try (git; clusters; source) {
                // closes all three
            }
        }
    }

    private Setup setup(String namespace, boolean serverSideApply, String values) throws Exception {
        Files.writeString(tmp.resolve("k3s.yaml"), K3S.getKubeConfigYaml());
        GitHttpServer git = new GitHttpServer(tmp.resolve("origin-" + namespace));
        git.commit("values", Map.of("values.yaml", values));
        Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                sources: [{name: values, url: %s, auth: {username: %s, passwordEnv: PW}}]
                clusters: [{name: k3s, kubeconfig: k3s.yaml}]
                releases:
                  - {name: prefect, namespace: %s, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [values.yaml], syncPolicy: {serverSideApply: %s}}
                """).formatted(git.url(), GitHttpServer.USER, namespace, serverSideApply)
                .getBytes(StandardCharsets.UTF_8), tmp);
        ClusterConnections clusters = new ClusterConnections(fleet.clusters());
        GitSource source = new GitSource(fleet.sources().get(0), tmp.resolve("cache-" + namespace),
                Map.of("PW", GitHttpServer.PASSWORD));
        TargetSyncer syncer = new TargetSyncer(ChartRegistry.builtin(), clusters, new StatusBoard(fleet.targets()),
                new Metrics(), Clock.systemUTC());
        return new Setup(git, fleet.targets().get(0), source, syncer, clusters);
    }

    @Test
    void whatTheApiServerDefaultsIsNotDrift() throws Exception {
        try (Setup s = setup("defaults", false, VALUES.formatted(" []"))) {
            assertThat(s.sync(true).syncState()).isEqualTo("Synced");
            TargetStatus again = s.sync(false);
            assertThat(again.drift()).isEmpty();
            assertThat(again.outOfSync()).isZero();
        }
    }

    @Test
    void serverSideApplyTakesItsFieldsBackAndDropsWhatIsNoLongerRendered() throws Exception {
        String withExtra = VALUES.formatted("\n    - {name: EXTRA_SETTING, value: \"on\"}");
        try (Setup s = setup("ssa", true, withExtra)) {
            assertThat(s.sync(true).syncState()).isEqualTo("Synced");
            KubernetesClient client = s.client();
            Deployment server = client.apps().deployments().inNamespace("ssa").withName("prefect-server").get();
            assertThat(server.getMetadata().getManagedFields())
                    .anySatisfy(f -> {
                        assertThat(f.getManager()).isEqualTo("driftless");
                        assertThat(f.getOperation()).isEqualTo("Apply");
                    });

            client.apps().deployments().inNamespace("ssa").withName("prefect-server").patch(
                    new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager("kubectl-edit").build(),
                    "{\"spec\":{\"replicas\":3}}");
            TargetStatus drifted = s.sync(false);
            assertThat(drifted.drift()).anySatisfy(line -> assertThat(line)
                    .contains("/spec/replicas").contains("last written by kubectl-edit"));
            assertThat(s.sync(true).syncState()).isEqualTo("Synced");
            assertThat(client.apps().deployments().inNamespace("ssa").withName("prefect-server").get()
                    .getSpec().getReplicas()).isEqualTo(1);

            s.git().commit("drop the extra setting", Map.of("values.yaml", VALUES.formatted(" []")));
            assertThat(s.sync(true).syncState()).isEqualTo("Synced");
            assertThat(client.apps().deployments().inNamespace("ssa").withName("prefect-server").get().getSpec()
                    .getTemplate().getSpec().getContainers().get(0).getEnv())
                    .noneMatch(e -> e.getName().equals("EXTRA_SETTING"));
        }
    }
}
