package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * {@code kubectl apply -k deploy/} against a real API server: every object is accepted (validation, admission,
 * RBAC) and the Deployment becomes available with kwok's kubelets. The Prometheus Operator's CRDs are stood in
 * for by minimal ones, so that its two kinds apply too.
 */
@RealCluster
class RealDeployIT {

    @TempDir
    Path tmp;

    @Test
    void kubectlApplyKCreatesEverythingAndTheDeploymentBecomesAvailable(RealCluster.ControlPlane plane)
            throws Exception {
        DeployManifestsTest.load();
        try (KubernetesClient admin = plane.admin()) {
            try (InputStream crds = RealDeployIT.class.getResourceAsStream("/monitoring-crds.yaml")) {
                for (HasMetadata crd : admin.load(crds).items()) {
                    admin.resource(crd).createOr(existing -> existing.update());
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.getApiResources("monitoring.coreos.com/v1")
                    != null);
            Path kubectl = RealCluster.Extension.build().resolve("bin/kubectl");
            Path log = tmp.resolve("kubectl.log");
            Process apply = new ProcessBuilder(kubectl.toString(), "--kubeconfig", plane.kubeconfig().toString(),
                    "apply", "-k", DeployManifestsTest.deploy.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            assertThat(apply.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(apply.exitValue()).as(output).isZero();
            assertThat(output).contains("deployment.apps/driftless created", "servicemonitor.monitoring.coreos.com/"
                    + "driftless created", "prometheusrule.monitoring.coreos.com/driftless created");
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var d = admin.apps().deployments().inNamespace("driftless").withName("driftless").get();
                return d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas());
            });
        }
    }
}
