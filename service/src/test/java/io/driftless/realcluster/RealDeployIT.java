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
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * deploy/ against a real API server, as README's "Operations" installs it, on a cluster without the Prometheus
 * Operator: the Namespace, the Secret, then {@code kubectl apply -k deploy/} and {@code -f deploy/install.yaml} exit
 * 0 without a warning, and the Deployment becomes available with kwok's kubelets, running the image the base's
 * kustomization pins; {@code kubectl apply -k deploy/ha/} over it scales the same Deployment to two replicas (spread
 * over nodes and zones) and adds the PodDisruptionBudget. Then, with the Operator's two CRDs (minimal stand-ins of
 * this project's, test resource {@code monitoring-crds.yaml}), {@code kubectl apply -k deploy/monitoring/} adds the
 * ServiceMonitor and the PrometheusRule with the label kube-prometheus-stack selects.
 */
@RealCluster
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealDeployIT {

    @TempDir
    Path tmp;

    /**
     * The single-file installs ({@code kubectl apply -f}) are what Kustomize makes of the base, the overlay and the
     * monitoring; the Deployment of each variant runs the image of the base's {@code images} block.
     */
    @Test
    @Order(0)
    void installYamlFilesAreTheKustomizeOutputAndTheImagesBlockPinsTheImage() throws Exception {
        DeployManifestsTest.load();
        Path deploy = DeployManifestsTest.deploy;
        for (String[] install : new String[][] {{"install.yaml", ""}, {"install-ha.yaml", "ha"},
                {"install-monitoring.yaml", "monitoring"}}) {
            String generated = kubectl(List.of("kustomize", deploy.resolve(install[1]).toString())).out();
            String committed = Files.readString(deploy.resolve(install[0]), StandardCharsets.UTF_8);
            // the comment lines on top aside (the command in the first line writes the file without them)
            assertThat(committed.replaceFirst("\\A(#[^\n]*\n)+", "")).as(install[0] + " is stale: regenerate it "
                    + "with the command in its first line").isEqualTo(generated);
        }
        String pinned = DeployManifestsTest.pinnedImage();
        assertThat(pinned).isEqualTo("registry.example.com/platform/driftless:0.1.0");
        for (String variant : List.of("", "ha", "single-team")) {
            List<Deployment> built = java.util.Arrays.stream(kubectl(List.of("kustomize",
                    deploy.resolve(variant).toString())).out().split("(?m)^---$"))
                    .map(doc -> (HasMetadata) Serialization.unmarshal(doc)).filter(Deployment.class::isInstance)
                    .map(Deployment.class::cast).toList();
            assertThat(built).singleElement().satisfies(d -> assertThat(d.getSpec().getTemplate().getSpec()
                    .getContainers()).singleElement().satisfies(c -> assertThat(c.getImage()).as("deploy/" + variant)
                    .isEqualTo(pinned)));
        }
    }

    /**
     * README's install steps, verbatim (read from README.md), on a cluster without the Prometheus Operator's CRDs: every command exits 0
     * and kubectl warns of nothing (a Namespace made by {@code kubectl create} would lack apply's annotation).
     */
    @Test
    @Order(1)
    void theReadmesInstallStepsWorkOnABareClusterAndTheDeploymentBecomesAvailable(RealCluster.ControlPlane plane)
            throws Exception {
        DeployManifestsTest.load();
        Path deploy = DeployManifestsTest.deploy;
        try (KubernetesClient admin = plane.admin()) {
            bare(admin);
            String kubeconfig = plane.kubeconfig().toString();
            List<List<String>> steps = readmeInstallCommands(deploy.getParent().resolve("README.md"));
            assertThat(steps).extracting(c -> String.join(" ", c)).containsExactly(
                    "kubectl apply -f deploy/base/namespace.yaml",
                    "kubectl -n driftless create secret generic driftless-secrets --from-literal=git-token=... "
                            + "--from-literal=webhook-secret=... --from-literal=api-auth=admin:...",
                    "kubectl apply -k deploy/", "kubectl apply -k deploy/monitoring/");
            Kubectl namespace = readmeStep(steps.get(0), kubeconfig, deploy.getParent());
            assertThat(namespace.out()).contains("namespace/driftless created");
            readmeStep(steps.get(1), kubeconfig, deploy.getParent());
            Kubectl base = readmeStep(steps.get(2), kubeconfig, deploy.getParent());
            assertThat(base.out()).contains("namespace/driftless unchanged", "deployment.apps/driftless created")
                    .doesNotContain("monitoring.coreos.com", "poddisruptionbudget");
            // the fourth, deploy/monitoring/, is for a cluster with the Prometheus Operator (the test of order 3)
            // the same objects as one plain file: nothing to change
            Kubectl plain = kubectl(List.of("--kubeconfig", kubeconfig, "apply", "-f",
                    deploy.resolve("install.yaml").toString()));
            assertThat(plain.out()).contains("deployment.apps/driftless unchanged").doesNotContain("configured");
            // the single-team overlay is accepted too (a dry run: RealTenancyIT needs the cluster without its binding)
            kubectl(List.of("--kubeconfig", kubeconfig, "apply", "--dry-run=server", "-k",
                    deploy.resolve("single-team").toString()));
            for (Kubectl run : List.of(namespace, base, plain)) {
                assertThat(run.err()).as("kubectl's warnings").doesNotContainIgnoringCase("warning");
            }
            awaitAvailable(admin, 1);
            assertThat(admin.apps().deployments().inNamespace("driftless").withName("driftless").get().getSpec()
                    .getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo(DeployManifestsTest.pinnedImage());
        }
    }

    /** After the base (the order above), as when a cluster moves to HA: apply is idempotent, the Deployment scales. */
    @Test
    @Order(2)
    void kubectlApplyKOfTheHaOverlayRunsTwoReplicasWithADisruptionBudget(RealCluster.ControlPlane plane)
            throws Exception {
        DeployManifestsTest.load();
        try (KubernetesClient admin = plane.admin()) {
            assertThat(admin.hasApiGroup("monitoring.coreos.com", false)).as("still without the Operator's CRDs")
                    .isFalse();
            Kubectl ha = kubectl(List.of("--kubeconfig", plane.kubeconfig().toString(), "apply", "-k",
                    DeployManifestsTest.deploy.resolve("ha").toString()));
            assertThat(ha.out()).contains("deployment.apps/driftless configured",
                    "poddisruptionbudget.policy/driftless created");
            awaitAvailable(admin, 2);
            // the disruption controller finds both pods through the budget's selector: one of two may go
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var budget = admin.policy().v1().podDisruptionBudget().inNamespace("driftless").withName("driftless")
                        .get();
                return budget != null && budget.getStatus() != null
                        && Integer.valueOf(2).equals(budget.getStatus().getCurrentHealthy())
                        && Integer.valueOf(1).equals(budget.getStatus().getDisruptionsAllowed());
            });
            kubectl(List.of("--kubeconfig", plane.kubeconfig().toString(), "apply", "-f",
                    DeployManifestsTest.deploy.resolve("install-ha.yaml").toString()));
        }
    }

    /** Once the Prometheus Operator's CRDs are there, the monitoring part applies beside the running install. */
    @Test
    @Order(3)
    void withTheOperatorsCrdsKubectlApplyKOfMonitoringAddsTheServiceMonitorAndThePrometheusRule(
            RealCluster.ControlPlane plane) throws Exception {
        DeployManifestsTest.load();
        try (KubernetesClient admin = plane.admin()) {
            try (InputStream crds = RealDeployIT.class.getResourceAsStream("/monitoring-crds.yaml")) {
                for (HasMetadata crd : admin.load(crds).items()) {
                    admin.resource(crd).createOr(existing -> existing.update());
                }
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.getApiResources("monitoring.coreos.com/v1")
                    != null && admin.getApiResources("monitoring.coreos.com/v1").getResources().size() == 2);
            String kubeconfig = plane.kubeconfig().toString();
            Kubectl monitoring = kubectl(List.of("--kubeconfig", kubeconfig, "apply", "-k",
                    DeployManifestsTest.deploy.resolve("monitoring").toString()));
            assertThat(monitoring.out()).contains("servicemonitor.monitoring.coreos.com/driftless created",
                    "prometheusrule.monitoring.coreos.com/driftless created");
            assertThat(monitoring.err()).doesNotContainIgnoringCase("warning");
            Kubectl plain = kubectl(List.of("--kubeconfig", kubeconfig, "apply", "-f",
                    DeployManifestsTest.deploy.resolve("install-monitoring.yaml").toString()));
            assertThat(plain.out()).doesNotContain("created", "configured");
            for (String plural : List.of("servicemonitors", "prometheusrules")) {
                var live = admin.genericKubernetesResources("monitoring.coreos.com/v1", plural.equals("servicemonitors")
                        ? "ServiceMonitor" : "PrometheusRule").inNamespace("driftless").withName("driftless").get();
                assertThat(live.getMetadata().getLabels()).as(plural).containsEntry("release", "kube-prometheus-stack")
                        .containsEntry("app.kubernetes.io/name", "driftless");
            }
        }
    }

    /**
     * A cluster as before any install: without the Prometheus Operator's CRDs and without deploy/'s objects (other
     * test classes on this control plane make some of them without kubectl, as RealTenancyIT does).
     */
    private static void bare(KubernetesClient admin) throws Exception {
        List<HasMetadata> gone = new java.util.ArrayList<>();
        try (InputStream crds = RealDeployIT.class.getResourceAsStream("/monitoring-crds.yaml")) {
            gone.addAll(admin.load(crds).items());
        }
        try (InputStream install = Files.newInputStream(DeployManifestsTest.deploy.resolve("install-ha.yaml"))) {
            gone.addAll(admin.load(install).items());
        }
        gone.add(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder().withNewMetadata()
                .withName("driftless-single-team").endMetadata().build());
        for (HasMetadata o : gone) {
            admin.resource(o).delete();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> gone.stream().allMatch(o -> admin.resource(o).get() == null));
        await().atMost(Duration.ofSeconds(30)).until(() -> !admin.hasApiGroup("monitoring.coreos.com", false));
    }

    /**
     * The commands of README's install step, as a user copies them: the {@code sh} block of "2. **Install.**", with
     * continued lines joined and comments dropped, each split into its words.
     */
    private static List<List<String>> readmeInstallCommands(Path readme) throws Exception {
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int step = text.indexOf("2. **Install.**");
        assertThat(step).as("README's install step").isPositive();
        int open = text.indexOf("```sh\n", step) + "```sh\n".length();
        String block = text.substring(open, text.indexOf("```", open)).replace("\\\n", " ");
        List<List<String>> commands = new java.util.ArrayList<>();
        for (String line : block.split("\n")) {
            String command = line.replaceAll("\\s#.*$", "").trim();
            if (!command.isEmpty()) {
                assertThat(command).as("a command the test can split into words").doesNotContain("'", "\"", "$");
                commands.add(List.of(command.split("\\s+")));
            }
        }
        return commands;
    }

    /**
     * Runs one README command as written, from the repository's folder, against the control plane; the {@code ...}
     * a user fills in become values.
     */
    private Kubectl readmeStep(List<String> words, String kubeconfig, Path repository) throws Exception {
        assertThat(words.get(0)).isEqualTo("kubectl");
        List<String> args = new java.util.ArrayList<>(List.of("--kubeconfig", kubeconfig));
        words.subList(1, words.size()).forEach(w -> args.add(w.replace("...", "filled-in")));
        return kubectl(args, repository);
    }

    /** What a kubectl run printed. */
    private record Kubectl(String out, String err) {
    }

    /** Runs the test control plane's kubectl; its output, after checking it succeeded. */
    private Kubectl kubectl(List<String> args) throws Exception {
        return kubectl(args, null);
    }

    /** @param folder the folder kubectl runs in (relative paths), or null for this process's */
    private Kubectl kubectl(List<String> args, Path folder) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(RealCluster.Extension.build().resolve("bin/kubectl")
                .toString()));
        command.addAll(args);
        Path out = Files.createTempFile(tmp, "kubectl", ".out");
        Path err = Files.createTempFile(tmp, "kubectl", ".err");
        Process run = new ProcessBuilder(command).directory(folder == null ? null : folder.toFile())
                .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Kubectl result = new Kubectl(Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertThat(run.exitValue()).as("kubectl %s exited %d:%n%s%s", String.join(" ", args), run.exitValue(),
                result.out(), result.err()).isZero();
        return result;
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
