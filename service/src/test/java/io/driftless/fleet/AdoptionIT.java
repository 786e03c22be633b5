package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.SafeYaml;
import io.driftless.model.Tracking;
import io.driftless.plan.Planner;
import io.driftless.render.Chart;
import io.driftless.render.ChartRegistry;
import io.driftless.render.Manifests;
import io.driftless.render.Tree;
import io.driftless.render.Values;
import io.driftless.testing.OneTarget;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * A release installed with {@code helm install} is adopted without touching a spec: Driftless only adds
 * its label and owner annotation, keeps Helm's annotations, and a second sync finds nothing to do.
 */
class AdoptionIT {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}@{1}")
    @CsvSource(delimiter = '|', value = {
            "prefect-server|2026.8.18172642|server:\\n  replicaCount: 2\\ningress:\\n  enabled: true\\n  host:\\n    hostname: p.example.com\\n",
            "prefect-server-legacy|2022.09.23|agent:\\n  enabled: true\\njobs:\\n  createTenant:\\n    enabled: true\\nui:\\n  apolloApiUrl: https://a.example.com/graphql\\n",
            "prefect-server-legacy|2022.04.14|postgresql:\\n  postgresqlPassword: chosen\\nui:\\n  apolloApiUrl: https://a.example.com/graphql\\n"})
    void adoptsAHelmInstallWithoutChangingAnySpec(String chart, String version, String escapedValues) throws Exception {
        String values = escapedValues.replace("\\n", "\n");
        try (OneTarget t = new OneTarget(tmp, chart, version, "prefect", values)) {
            Chart.Rendered helm = ChartRegistry.builtin().render(chart, new Chart.Release("prefect", "prefect", version),
                    List.of(SafeYaml.parse("values.yaml", values)));
            Map<String, Map<String, Object>> installed = new LinkedHashMap<>();
            for (Map<String, Object> o : helm.objects()) {
                if (Planner.isHook(o)) {
                    continue; // hooks are not part of a Helm release's manifest
                }
                Map<String, Object> object = Planner.inNamespace("prefect", Values.deepCopy(o));
                Tree.asMap(object.get("metadata")).put("annotations", Tree.merged(
                        Tree.asMap(Tree.asMap(object.get("metadata")).get("annotations")),
                        Map.of("meta.helm.sh/release-name", "prefect", "meta.helm.sh/release-namespace", "prefect")));
                GenericKubernetesResource created = t.client().resource(Manifests.toResource(object)).create();
                installed.put(key(created), Manifests.toTree(created));
            }

            TargetStatus adopted = t.sync();
            assertThat(adopted.syncState()).isEqualTo(SyncState.Synced);
            assertThat(adopted.changeLines()).filteredOn(c -> c.contains(" created"))
                    .allMatch(c -> c.startsWith("Job/prefect/") && c.contains("migration"));
            for (Map.Entry<String, Map<String, Object>> before : installed.entrySet()) {
                Map<String, Object> after = live(t, before.getValue());
                assertThat(withoutMetadata(after)).as(before.getKey() + " spec untouched")
                        .isEqualTo(withoutMetadata(before.getValue()));
                Map<String, Object> annotations = Tree.asMap(Tree.asMap(after.get("metadata")).get("annotations"));
                assertThat(annotations).as(before.getKey())
                        .containsEntry("meta.helm.sh/release-name", "prefect")
                        .containsEntry(Tracking.OWNER_ANNOTATION, "prefect/prefect");
                assertThat(Tree.asMap(Tree.asMap(after.get("metadata")).get("labels")))
                        .containsEntry(Tracking.TARGET_LABEL, "prefect");
            }

            TargetStatus again = t.sync();
            assertThat(again.outOfSync()).isZero();
            assertThat(again.driftLines()).isEmpty();
        }
    }

    private static String key(GenericKubernetesResource r) {
        return r.getKind() + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }

    private static Map<String, Object> live(OneTarget t, Map<String, Object> object) {
        Map<String, Object> md = Tree.asMap(object.get("metadata"));
        return Manifests.toTree(t.client().genericKubernetesResources(String.valueOf(object.get("apiVersion")),
                String.valueOf(object.get("kind"))).inNamespace((String) md.get("namespace"))
                .withName((String) md.get("name")).get());
    }

    private static Map<String, Object> withoutMetadata(Map<String, Object> object) {
        Map<String, Object> copy = new LinkedHashMap<>(object);
        copy.remove("metadata");
        return copy;
    }
}
