package io.driftless.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.type.TypeReference;

import io.driftless.cluster.InventoryStore;
import io.driftless.config.SafeYaml;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.plan.Planner;
import io.driftless.render.Chart;
import io.driftless.render.ChartRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The end state every fault test must reach once the fault is over, checked straight on the API server: no lost
 * object (everything a target renders at its values exists), no doubly-owned object (each managed object carries
 * the label and owner annotation of exactly the target that lists it, and no two inventories list the same
 * object), and a consistent inventory (each target's inventory ConfigMap lists exactly the live objects labelled
 * with that target).
 */
public final class Converged {

    /** The chart version every fault test's releases use. */
    public static final String CHART_VERSION = "2026.8.18172642";

    /** Kinds the prefect-server chart can render: where a stray labelled object would be. */
    private static final List<String[]> KINDS = List.of(new String[] {"v1", "ServiceAccount"},
            new String[] {"v1", "Secret"}, new String[] {"v1", "ConfigMap"}, new String[] {"v1", "Service"},
            new String[] {"v1", "PersistentVolumeClaim"}, new String[] {"apps/v1", "Deployment"},
            new String[] {"apps/v1", "StatefulSet"}, new String[] {"batch/v1", "Job"},
            new String[] {"autoscaling/v2", "HorizontalPodAutoscaler"},
            new String[] {"networking.k8s.io/v1", "Ingress"});

    private static final TypeReference<List<Map<String, String>>> ENTRIES = new TypeReference<>() {
    };

    /**
     * A {@code prefect-server} release as the test committed it.
     *
     * @param values the values file the release renders now (its only layer)
     */
    public record Release(String name, String namespace, String values) {
        String owner() {
            return namespace + "/" + name;
        }
    }

    private Converged() {
    }

    /** What the release renders at these values (hooks aside: they are not release objects). */
    public static Set<ObjectRef> rendered(Release release) {
        Chart.Rendered rendered = ChartRegistry.builtin().render("prefect-server",
                new Chart.Release(release.name(), release.namespace(), CHART_VERSION),
                List.of(SafeYaml.parse(release.name() + "/values.yaml",
                        release.values().getBytes(StandardCharsets.UTF_8))));
        Set<ObjectRef> out = new TreeSet<>();
        for (Map<String, Object> object : rendered.objects()) {
            Map<String, Object> copy = new LinkedHashMap<>(object);
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = new LinkedHashMap<>((Map<String, Object>) object.get("metadata"));
            copy.put("metadata", metadata);
            if (!Planner.isHook(copy)) {
                out.add(Planner.refOf(Planner.inNamespace(release.namespace(), copy)));
            }
        }
        assertThat(out).as("release %s renders something", release.name()).isNotEmpty();
        return out;
    }

    /** The objects the release's inventory ConfigMap lists (empty when there is none). */
    public static Set<ObjectRef> inventory(KubernetesClient client, Release release) {
        ConfigMap cm = client.configMaps().inNamespace(release.namespace())
                .withName(InventoryStore.name(release.name())).get();
        Set<ObjectRef> out = new TreeSet<>();
        if (cm == null || cm.getData() == null || cm.getData().get("objects") == null) {
            return out;
        }
        for (Map<String, String> e : Serialization.unmarshal(cm.getData().get("objects"), ENTRIES)) {
            out.add(new ObjectRef(e.get("apiVersion"), e.get("kind"), e.get("namespace"), e.get("name")));
        }
        return out;
    }

    /** Every live object labelled with the release, in any namespace, of the chart's kinds and the given ones. */
    public static Map<ObjectRef, GenericKubernetesResource> labelled(KubernetesClient client, Release release,
                                                                     Set<ObjectRef> alsoKindsOf) {
        Set<String> kinds = new LinkedHashSet<>();
        KINDS.forEach(k -> kinds.add(k[0] + "|" + k[1]));
        alsoKindsOf.forEach(r -> kinds.add(r.apiVersion() + "|" + r.kind()));
        Map<ObjectRef, GenericKubernetesResource> out = new LinkedHashMap<>();
        for (String kind : kinds) {
            String[] k = kind.split("\\|");
            for (GenericKubernetesResource r : client.genericKubernetesResources(k[0], k[1]).inAnyNamespace()
                    .withLabel(Tracking.TARGET_LABEL, release.name()).list().getItems()) {
                out.put(ObjectRef.of(r), r);
            }
        }
        return out;
    }

    /**
     * Asserts the three invariants for the releases, which must be every target of the cluster (so that an object
     * two of them claim is seen).
     */
    public static void assertConsistent(KubernetesClient client, Release... releases) {
        Map<ObjectRef, String> listedBy = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Release release : releases) {
            Set<ObjectRef> rendered = rendered(release);
            Set<ObjectRef> inventory = inventory(client, release);
            Set<ObjectRef> kinds = new LinkedHashSet<>(rendered);
            kinds.addAll(inventory);
            Map<ObjectRef, GenericKubernetesResource> labelled = labelled(client, release, kinds);
            // no lost object
            for (ObjectRef ref : rendered) {
                GenericKubernetesResource live = client.genericKubernetesResources(ref.apiVersion(), ref.kind())
                        .inNamespace(ref.namespace()).withName(ref.name()).get();
                if (live == null) {
                    problems.add("lost: " + ref + " is rendered by " + release.name() + " but not in the cluster");
                } else if (!labelled.containsKey(ref)) {
                    problems.add("unlabelled: " + ref + " is rendered by " + release.name() + " but its label is "
                            + label(live));
                }
            }
            // no doubly-owned object
            for (Map.Entry<ObjectRef, GenericKubernetesResource> e : labelled.entrySet()) {
                String owner = annotation(e.getValue());
                if (!release.owner().equals(owner)) {
                    problems.add("doubly owned: " + e.getKey() + " carries label " + release.name()
                            + " but owner annotation " + owner);
                }
            }
            for (ObjectRef ref : inventory) {
                String other = listedBy.putIfAbsent(ref, release.name());
                if (other != null) {
                    problems.add("doubly owned: " + ref + " is in the inventories of " + other + " and "
                            + release.name());
                }
            }
            // a consistent inventory
            if (!inventory.equals(new TreeSet<>(labelled.keySet()))) {
                Set<ObjectRef> missingLive = new TreeSet<>(inventory);
                missingLive.removeAll(labelled.keySet());
                Set<ObjectRef> unlisted = new TreeSet<>(labelled.keySet());
                unlisted.removeAll(inventory);
                problems.add("inventory of " + release.name() + " lists " + inventory + ": listed but not live with "
                        + "its label " + missingLive + ", live with its label but not listed " + unlisted);
            }
        }
        assertThat(problems).as("the cluster after the fault").isEmpty();
    }

    private static String label(GenericKubernetesResource r) {
        Map<String, String> labels = r.getMetadata().getLabels();
        return labels == null ? null : labels.get(Tracking.TARGET_LABEL);
    }

    private static String annotation(GenericKubernetesResource r) {
        Map<String, String> annotations = r.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(Tracking.OWNER_ANNOTATION);
    }
}
