package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * {@code kubectl apply -f deploy/install.yaml} (what {@code kubectl apply -k deploy/} applies) against a real API server: every object is accepted (validation, admission,
 * RBAC) and the Deployment becomes available with kwok's kubelets; then {@code kubectl apply -k deploy/ha/} over it
 * scales the same Deployment to two replicas (spread over nodes and zones) and adds the PodDisruptionBudget. The
 * Prometheus Operator's CRDs are stood in for by minimal ones, so that its two kinds apply too.
 */
@RealCluster
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealDeployIT {

    @TempDir
    Path tmp;

    /** The single-file installs ({@code kubectl apply -f}) are what Kustomize makes of the base and the overlay. */
    @Test
    @Order(0)
    void installYamlFilesAreTheKustomizeOutputOfTheBaseAndTheOverlay() throws Exception {
        DeployManifestsTest.load();
        for (String[] install : new String[][] {{"install.yaml", ""}, {"install-ha.yaml", "ha"}}) {
            Path folder = DeployManifestsTest.deploy.resolve(install[1]);
            String generated = kubectl(List.of("kustomize", folder.toString()));
            String committed = Files.readString(DeployManifestsTest.deploy.resolve(install[0]), StandardCharsets.UTF_8);
            assertThat(committed.substring(committed.indexOf('\n') + 1)).as(install[0] + " is stale: regenerate it "
                    + "with the command in its first line").isEqualTo(generated);
        }
    }

    @Test
    @Order(1)
    void kubectlApplyFOfInstallYamlCreatesEverythingAndTheDeploymentBecomesAvailable(RealCluster.ControlPlane plane)
            throws Exception {
        DeployManifestsTest.load();
        try (KubernetesClient admin = plane.admin()) {
            String output = apply(plane, admin, "-f", DeployManifestsTest.deploy.resolve("install.yaml"));
            assertThat(output).contains("deployment.apps/driftless created", "servicemonitor.monitoring.coreos.com/"
                    + "driftless created", "prometheusrule.monitoring.coreos.com/driftless created");
            assertThat(output).doesNotContain("poddisruptionbudget");
            awaitAvailable(admin, 1);
        }
    }

    /** After the base (the order above), as when a cluster moves to HA: apply is idempotent, the Deployment scales. */
    @Test
    @Order(2)
    void kubectlApplyKOfTheHaOverlayRunsTwoReplicasWithADisruptionBudget(RealCluster.ControlPlane plane)
            throws Exception {
        DeployManifestsTest.load();
        try (KubernetesClient admin = plane.admin()) {
            String output = apply(plane, admin, "-k", DeployManifestsTest.deploy.resolve("ha"));
            assertThat(output).contains("deployment.apps/driftless", "poddisruptionbudget.policy/driftless created");
            awaitAvailable(admin, 2);
            // the disruption controller finds both pods through the budget's selector: one of two may go
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var budget = admin.policy().v1().podDisruptionBudget().inNamespace("driftless").withName("driftless")
                        .get();
                return budget != null && budget.getStatus() != null
                        && Integer.valueOf(2).equals(budget.getStatus().getCurrentHealthy())
                        && Integer.valueOf(1).equals(budget.getStatus().getDisruptionsAllowed());
            });
        }
    }

    /** Applies the stand-in CRDs (again, harmlessly), then {@code kubectl apply -f/-k} of the path; its output. */
    private String apply(RealCluster.ControlPlane plane, KubernetesClient admin, String how, Path path)
            throws Exception {
        try (InputStream crds = RealDeployIT.class.getResourceAsStream("/monitoring-crds.yaml")) {
            for (HasMetadata crd : admin.load(crds).items()) {
                admin.resource(crd).createOr(existing -> existing.update());
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.getApiResources("monitoring.coreos.com/v1")
                != null);
        return kubectl(List.of("--kubeconfig", plane.kubeconfig().toString(), "apply", how, path.toString()));
    }

    /** Runs the test control plane's kubectl; its output, after checking it succeeded. */
    private String kubectl(List<String> args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(RealCluster.Extension.build().resolve("bin/kubectl")
                .toString()));
        command.addAll(args);
        Path log = Files.createTempFile(tmp, "kubectl", ".log");
        Process run = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(log.toFile()).start();
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(run.exitValue()).as(output).isZero();
        return output;
    }

    /** Waits until the Deployment has rolled out to exactly this many available replicas (old ones gone). */
    private static void awaitAvailable(KubernetesClient admin, int replicas) {
        Integer expected = replicas;
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var d = admin.apps().deployments().inNamespace("driftless").withName("driftless").get();
            return d.getStatus() != null && expected.equals(d.getStatus().getAvailableReplicas())
                    && expected.equals(d.getStatus().getUpdatedReplicas())
                    && expected.equals(d.getStatus().getReplicas());
        });
    }
}
