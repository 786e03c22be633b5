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
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The manifests in deploy/ parse, line up with each other and with what the service serves. */
class DeployManifestsTest {

    static Path deploy;
    static List<HasMetadata> objects = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        objects.clear();
        deploy = Stream.of(Path.of("../deploy"), Path.of("deploy")).filter(Files::isDirectory).findFirst().orElseThrow();
        for (Object file : Tree.asList(SafeYaml.parse("kustomization.yaml",
                Files.readAllBytes(deploy.resolve("kustomization.yaml"))).asMap().get("resources"))) {
            objects.add(Serialization.unmarshal(Files.readString(deploy.resolve(String.valueOf(file)))));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T one(Class<T> type) {
        return (T) objects.stream().filter(type::isInstance).findFirst().orElseThrow();
    }

    @Test
    void theKustomizationListsEveryManifest() throws IOException {
        List<String> listed = Tree.asList(SafeYaml.parse("kustomization.yaml", Files.readAllBytes(
                deploy.resolve("kustomization.yaml"))).asMap().get("resources")).stream().map(String::valueOf).toList();
        try (Stream<Path> files = Files.list(deploy)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml"))).containsExactlyInAnyOrderElementsOf(listed);
        }
    }

    @Test
    void selectorsPortsAndProbesLineUp() {
        Deployment deployment = one(Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        Service service = one(Service.class);
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(podLabels).containsAllEntriesOf(one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
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
        assertThat(objects).filteredOn(o -> !o.getKind().startsWith("Cluster") && !o.getKind().equals("Namespace"))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo("driftless"));
    }

    @Test
    void theFleetItCarriesIsValid() {
        ConfigMap fleet = one(ConfigMap.class);
        assertThat(FleetLoader.parse("fleet.yaml", fleet.getData().get("fleet.yaml").getBytes(StandardCharsets.UTF_8),
                Path.of("/etc/driftless")).targets()).isNotEmpty();
    }
}
