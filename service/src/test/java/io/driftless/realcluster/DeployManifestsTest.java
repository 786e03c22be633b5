package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.driftless.config.FleetLoader;
import io.driftless.config.SafeYaml;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The manifests in deploy/ parse, line up with each other and with what the service serves: the base (deploy/base/,
 * which {@code kubectl apply -k deploy/} applies), the HA and single-team overlays over it (deploy/ha/,
 * deploy/single-team/) and the Prometheus Operator's objects apart from it (deploy/monitoring/).
 */
class DeployManifestsTest {

    /** deploy/, which {@code kubectl apply -k} turns into the base (deploy/base/). */
    static Path deploy;
    /** The base's objects. */
    static List<HasMetadata> objects = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        objects.clear();
        deploy = Stream.of(Path.of("../deploy"), Path.of("deploy")).filter(Files::isDirectory).findFirst().orElseThrow();
        objects.addAll(resources(deploy));
    }

    /** What a kustomization.yaml lists under the key: its resources, or the paths of its patches. */
    private static List<String> listed(Path dir, String key) throws IOException {
        return Tree.asList(kustomization(dir).get(key)).stream()
                .map(e -> String.valueOf(e instanceof Map ? Tree.asMap(e).get("path") : e)).toList();
    }

    /** A folder's kustomization.yaml. */
    static Map<String, Object> kustomization(Path dir) throws IOException {
        return SafeYaml.parse("kustomization.yaml", Files.readAllBytes(dir.resolve("kustomization.yaml"))).asMap();
    }

    /**
     * The image the base's kustomization pins the Deployment to: its {@code images} entry's newName:newTag (what
     * {@code kubectl kustomize} writes into the Deployment).
     */
    static String pinnedImage() throws IOException {
        Map<String, Object> image = Tree.asMap(Tree.asList(kustomization(deploy.resolve("base")).get("images")).get(0));
        return image.get("newName") + ":" + image.get("newTag");
    }

    /** The objects of a kustomization's resources, into the folders (other kustomizations) it lists. */
    private static List<HasMetadata> resources(Path dir) throws IOException {
        List<HasMetadata> found = new ArrayList<>();
        for (String resource : listed(dir, "resources")) {
            Path path = dir.resolve(resource);
            if (Files.isDirectory(path)) {
                found.addAll(resources(path));
            } else {
                for (String doc : Files.readString(path).split("(?m)^---$")) {
                    found.add(Serialization.unmarshal(doc));
                }
            }
        }
        return found;
    }

    /** The YAML files in a folder, kustomization.yaml aside. */
    private static List<String> manifests(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml")).toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T one(Class<T> type) {
        return (T) objects.stream().filter(type::isInstance).findFirst().orElseThrow();
    }

    @Test
    void theKustomizationsListEveryManifest() throws IOException {
        assertThat(listed(deploy, "resources")).containsExactly("base");
        assertThat(manifests(deploy)).as("beside the kustomization only the generated single-file installs")
                .containsExactlyInAnyOrder("install.yaml", "install-ha.yaml", "install-monitoring.yaml");
        for (String folder : List.of("base", "monitoring")) {
            assertThat(manifests(deploy.resolve(folder))).as(folder).containsExactlyInAnyOrderElementsOf(
                    listed(deploy.resolve(folder), "resources"));
        }
        try (Stream<Path> folders = Files.list(deploy)) {
            assertThat(folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
                    .as("the folders the README and deploy/README describe (a new one needs its test here)")
                    .containsExactlyInAnyOrder("base", "ha", "single-team", "monitoring");
        }
    }

    /** The base installs on a cluster with nothing but Kubernetes: no kind of the Prometheus Operator's. */
    @Test
    @SuppressWarnings("unchecked")
    void theBaseNeedsNoCustomResourceDefinitionsAndMonitoringIsApart() throws IOException {
        assertThat(objects).extracting(HasMetadata::getApiVersion)
                .noneMatch(v -> v.startsWith("monitoring.coreos.com/"));
        List<HasMetadata> monitoring = resources(deploy.resolve("monitoring"));
        assertThat(monitoring).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("ServiceMonitor",
                "PrometheusRule");
        assertThat(monitoring).allSatisfy(o -> {
            assertThat(o.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
            assertThat(o.getMetadata().getNamespace()).isEqualTo("driftless");
        });
        // the label kube-prometheus-stack's Prometheus selects by default, added to both by the kustomization
        assertThat(Tree.asList(kustomization(deploy.resolve("monitoring")).get("labels"))).singleElement()
                .satisfies(l -> assertThat(Tree.asMap(Tree.asMap(l).get("pairs")))
                        .containsExactly(Map.entry("release", "kube-prometheus-stack")));
        // the ServiceMonitor scrapes the Service's port by name
        Map<String, Object> spec = Tree.asMap(((io.fabric8.kubernetes.api.model.GenericKubernetesResource)
                monitoring.stream().filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow())
                .getAdditionalProperties().get("spec"));
        Service service = one(Service.class);
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(
                (Map<String, String>) (Map<?, ?>) Tree.asMap(Tree.asMap(spec.get("selector")).get("matchLabels")));
        Map<String, Object> endpoint = Tree.asMap(Tree.asList(spec.get("endpoints")).get(0));
        assertThat(endpoint).containsEntry("port", service.getSpec().getPorts().get(0).getName())
                .containsEntry("path", "/metrics");
    }

    /**
     * The Deployment names the image {@code driftless} alone, and the base's kustomization sets its registry,
     * repository and tag ({@code kubectl kustomize} applying it: RealDeployIT).
     */
    @Test
    void theBasesImagesBlockPinsTheDeploymentsImage() throws IOException {
        Container container = one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        List<Object> images = Tree.asList(kustomization(deploy.resolve("base")).get("images"));
        assertThat(images).singleElement().satisfies(i -> {
            Map<String, Object> image = Tree.asMap(i);
            assertThat(image.get("name")).as("the block matches the Deployment's image").isEqualTo(
                    container.getImage());
            assertThat(String.valueOf(image.get("newName"))).as("a registry host, not Docker Hub's library")
                    .matches("[a-z0-9.-]+\\.[a-z]+(:[0-9]+)?/.+");
            assertThat(String.valueOf(image.get("newTag"))).matches("[A-Za-z0-9_][A-Za-z0-9_.-]*");
        });
        assertThat(container.getImage()).doesNotContain(":", "/");
    }

    @Test
    void theSingleTeamOverlayGrantsTheTenantRoleEverywhere() throws IOException {
        Path overlay = deploy.resolve("single-team");
        assertThat(listed(overlay, "resources")).containsExactly("../base", "clusterrolebinding.yaml");
        assertThat(manifests(overlay)).containsExactly("clusterrolebinding.yaml");
        io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding binding = Serialization.unmarshal(
                Files.readString(overlay.resolve("clusterrolebinding.yaml")));
        assertThat(binding.getRoleRef().getName()).isEqualTo("driftless-tenant");
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("driftless");
            assertThat(s.getNamespace()).isEqualTo("driftless");
        });
        assertThat(objects).filteredOn(o -> o.getKind().equals("ClusterRole")).extracting(o -> o.getMetadata()
                .getName()).containsExactlyInAnyOrder("driftless", "driftless-tenant");
    }

    @Test
    void selectorsPortsAndProbesLineUp() {
        Deployment deployment = one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).as("the base runs one; the HA overlay two").isOne();
        assertThat(objects).noneMatch(PodDisruptionBudget.class::isInstance);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        Service service = one(Service.class);
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(podLabels).containsAllEntriesOf(one(NetworkPolicy.class).getSpec().getPodSelector().getMatchLabels());
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        String port = service.getSpec().getPorts().get(0).getTargetPort().getStrVal();
        assertThat(container.getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo(port));
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .as("longer than the 30 s drain").isGreaterThan(30);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("POD_NAME"))
                .noneMatch(e -> e.getName().startsWith("DRIFTLESS_") && e.getValue() != null
                        && !e.getName().equals("DRIFTLESS_HTTP_HOST"));
        ClusterRoleBinding binding = one(ClusterRoleBinding.class);
        assertThat(binding.getSubjects().get(0).getName())
                .isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
        // Driftless's own objects in its namespace; the example tenant's (its ServiceAccount and binding) in its own
        assertThat(objects).filteredOn(o -> !o.getKind().startsWith("Cluster") && !o.getKind().equals("Namespace"))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo(
                        o.getMetadata().getName().equals("driftless-deployer") ? "prefect" : "driftless"));
    }

    /** The Deployments of the single-file installs (what {@code kubectl apply -f} runs; RealDeployIT keeps them current). */
    private static List<Deployment> installedDeployments() throws IOException {
        List<Deployment> found = new ArrayList<>();
        for (String install : List.of("install.yaml", "install-ha.yaml")) {
            for (String doc : Files.readString(deploy.resolve(install)).split("(?m)^---$")) {
                if (Serialization.unmarshal(doc) instanceof Deployment d) {
                    found.add(d);
                }
            }
        }
        return found;
    }

    /**
     * The state (Git cache, chart archives, Helm's native library) and /tmp are emptyDirs with a bound, so that a
     * fault cannot fill the node's disk.
     */
    @Test
    void theStateAndTmpVolumesAreBounded() throws IOException {
        for (Deployment deployment : Stream.concat(Stream.of(one(Deployment.class)), installedDeployments().stream())
                .toList()) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            List<String> args = pod.getContainers().get(0).getArgs();
            String stateDir = args.get(args.indexOf("--state-dir") + 1);
            Map<String, String> limits = new java.util.HashMap<>();
            for (String mountPath : List.of(stateDir, "/tmp")) {
                String volume = pod.getContainers().get(0).getVolumeMounts().stream()
                        .filter(m -> m.getMountPath().equals(mountPath)).findFirst().orElseThrow().getName();
                io.fabric8.kubernetes.api.model.EmptyDirVolumeSource emptyDir = pod.getVolumes().stream()
                        .filter(v -> v.getName().equals(volume)).findFirst().orElseThrow().getEmptyDir();
                assertThat(emptyDir).as(mountPath + " is an emptyDir").isNotNull();
                assertThat(emptyDir.getSizeLimit()).as(mountPath + "'s sizeLimit").isNotNull();
                limits.put(mountPath, emptyDir.getSizeLimit().toString());
            }
            assertThat(limits).containsExactlyInAnyOrderEntriesOf(Map.of(stateDir, "2Gi", "/tmp", "64Mi"));
        }
    }

    /**
     * The API's admin credential reaches the container as a file ({@code --api-auth-file}, read again when the
     * Secret changes), never as an environment variable (fixed until a restart): a Secret volume without subPath,
     * read-only, readable by the container's group only.
     */
    @Test
    void theAdminCredentialIsAFileNeverAnEnvironmentVariable() throws IOException {
        for (Deployment deployment : Stream.concat(Stream.of(one(Deployment.class)), installedDeployments().stream())
                .toList()) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().get(0);
            assertThat(container.getEnv()).extracting(io.fabric8.kubernetes.api.model.EnvVar::getName)
                    .doesNotContain("DRIFTLESS_API_AUTH");
            assertThat(container.getEnvFrom()).as("no Secret as a whole in the environment").isNullOrEmpty();
            List<String> args = container.getArgs();
            assertThat(args).contains("--api-auth-file");
            Path file = Path.of(args.get(args.indexOf("--api-auth-file") + 1));
            io.fabric8.kubernetes.api.model.VolumeMount mount = container.getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals(file.getParent().toString())).findFirst().orElseThrow();
            assertThat(mount.getReadOnly()).isTrue();
            assertThat(mount.getSubPath()).as("a subPath mount would not follow the Secret").isNull();
            io.fabric8.kubernetes.api.model.SecretVolumeSource secret = pod.getVolumes().stream()
                    .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow().getSecret();
            assertThat(secret.getSecretName()).isEqualTo("driftless-secrets");
            assertThat(secret.getItems()).singleElement().satisfies(i -> {
                assertThat(i.getKey()).isEqualTo("api-auth");
                assertThat(i.getPath()).isEqualTo(file.getFileName().toString());
                assertThat(i.getMode()).isNull();
            });
            assertThat(secret.getDefaultMode()).as("0400 or 0440: nothing for others").isIn(0400, 0440);
            // the file is root's; the container's non-root user reads it through the group the kubelet gives it
            assertThat(pod.getSecurityContext().getFsGroup()).as("fsGroup").isNotNull();
        }
    }

    /**
     * Each tenant namespace shipped refuses privileged and host-path Pods (a values committer's way to the node)
     * by Pod Security Admission's baseline level, and warns of and audits what restricted forbids.
     */
    @Test
    void tenantNamespacesEnforceThePodSecurityBaseline() {
        List<HasMetadata> tenantNamespaces = objects.stream().filter(o -> o.getKind().equals("Namespace"))
                .filter(o -> !o.getMetadata().getName().equals("driftless")).toList();
        assertThat(tenantNamespaces).as("the example tenant's, prefect").isNotEmpty().allSatisfy(n -> assertThat(n.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "baseline")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                .containsEntry("pod-security.kubernetes.io/audit", "restricted"));
    }

    @Test
    void theHaOverlayRunsTwoReplicasApartWithADisruptionBudget() throws IOException {
        Path ha = deploy.resolve("ha");
        assertThat(listed(ha, "resources")).containsExactly("../base", "poddisruptionbudget.yaml");
        List<String> patches = listed(ha, "patches");
        assertThat(manifests(ha)).containsExactlyInAnyOrderElementsOf(Stream.concat(Stream.of(
                "poddisruptionbudget.yaml"), patches.stream()).toList());
        Deployment deployment = one(Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        PodDisruptionBudget budget = Serialization.unmarshal(Files.readString(ha.resolve("poddisruptionbudget.yaml")));
        assertThat(budget.getMetadata().getNamespace()).isEqualTo("driftless");
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isOne();
        assertThat(podLabels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        List<Deployment> patched = new ArrayList<>();
        for (String patch : patches) {
            Deployment d = Serialization.unmarshal(Files.readString(ha.resolve(patch)));
            assertThat(d.getMetadata().getName()).as(patch).isEqualTo(deployment.getMetadata().getName());
            assertThat(d.getMetadata().getNamespace()).as(patch).isEqualTo(deployment.getMetadata().getNamespace());
            patched.add(d);
        }
        assertThat(patched).extracting(d -> d.getSpec().getReplicas()).contains(2);
        List<PodSpec> pods = patched.stream().filter(d -> d.getSpec().getTemplate() != null)
                .map(d -> d.getSpec().getTemplate().getSpec()).toList();
        List<WeightedPodAffinityTerm> apart = pods.stream().filter(p -> p.getAffinity() != null)
                .flatMap(p -> p.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()
                        .stream()).toList();
        assertThat(apart).hasSize(1);
        assertThat(apart.get(0).getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(podLabels).containsAllEntriesOf(apart.get(0).getPodAffinityTerm().getLabelSelector()
                .getMatchLabels());
        List<TopologySpreadConstraint> spread = pods.stream().flatMap(p -> p.getTopologySpreadConstraints().stream())
                .toList();
        assertThat(spread).hasSize(1);
        assertThat(spread.get(0).getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(spread.get(0).getMaxSkew()).isOne();
        assertThat(spread.get(0).getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
        assertThat(podLabels).containsAllEntriesOf(spread.get(0).getLabelSelector().getMatchLabels());
    }

    @Test
    void theFleetItCarriesIsValid() {
        ConfigMap fleet = one(ConfigMap.class);
        assertThat(FleetLoader.parse("fleet.yaml", fleet.getData().get("fleet.yaml").getBytes(StandardCharsets.UTF_8),
                Path.of("/etc/driftless")).targets()).isNotEmpty();
    }
}
