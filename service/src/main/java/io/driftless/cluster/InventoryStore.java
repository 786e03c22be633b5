package io.driftless.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.driftless.model.ObjectRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The objects a target applied last time, kept in a ConfigMap in the release namespace so a restart
 * loses nothing. Prune = previous inventory minus the desired set.
 */
public final class InventoryStore {

    public static final String INVENTORY_LABEL = "driftless.io/inventory";
    private static final TypeReference<List<Map<String, String>>> ENTRIES = new TypeReference<>() {
    };

    private final KubernetesClient client;

    public InventoryStore(KubernetesClient client) {
        this.client = client;
    }

    public static String name(String release) {
        return "driftless-inventory-" + release;
    }

    /**
     * What a target holds.
     *
     * @param objects the objects it applied last and still owns
     * @param held          what it held before a prune that a safety rule blocked (the share of a prune is
     *                      measured against it, so objects created since cannot dilute it); equal to
     *                      {@code objects} when no prune is blocked
     * @param hooksRevision the last commit whose hooks all ran (or which needed none): hooks run again only
     *                      for another commit, never for a drift heal; null when unknown
     */
    public record Inventory(Set<ObjectRef> objects, Set<ObjectRef> held, String hooksRevision) {
        public static final Inventory EMPTY = new Inventory(Set.of(), Set.of(), null);
    }

    public Inventory load(String namespace, String release) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name(release)).get();
        if (cm == null || cm.getData() == null || cm.getData().get("objects") == null) {
            return Inventory.EMPTY;
        }
        Set<ObjectRef> objects = refs(namespace, release, cm.getData().get("objects"));
        String held = cm.getData().get("heldBeforeBlockedPrune");
        return new Inventory(objects, held == null ? objects : refs(namespace, release, held),
                cm.getData().get("hooksRevision"));
    }

    private static Set<ObjectRef> refs(String namespace, String release, String json) {
        Set<ObjectRef> out = new LinkedHashSet<>();
        try {
            for (Map<String, String> e : Serialization.jsonMapper().readValue(json, ENTRIES)) {
                out.add(new ObjectRef(e.get("apiVersion"), e.get("kind"), e.get("namespace"), e.get("name")));
            }
        } catch (JsonProcessingException e) {
            throw new InventoryException("ConfigMap/" + namespace + "/" + name(release)
                    + ": inventory is unreadable, so nothing is written or pruned; fix or delete it ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        return out;
    }

    /**
     * Records the inventory; {@link Inventory#EMPTY} (a target that holds nothing) deletes the record instead.
     * A record known to exist is replaced by one JSON Patch of its data; otherwise it is created (and replaced
     * if it exists after all).
     */
    public void save(String namespace, String release, String revision, Inventory inventory, boolean recorded) {
        if (inventory.equals(Inventory.EMPTY)) {
            client.configMaps().inNamespace(namespace).withName(name(release)).delete();
            return;
        }
        ConfigMapBuilder cm = new ConfigMapBuilder().withNewMetadata().withName(name(release)).withNamespace(namespace)
                .addToLabels(INVENTORY_LABEL, release).addToLabels("app.kubernetes.io/managed-by", "driftless")
                .endMetadata()
                .addToData("objects", json(inventory.objects())).addToData("revision", revision);
        if (inventory.hooksRevision() != null) {
            cm.addToData("hooksRevision", inventory.hooksRevision());
        }
        if (!inventory.held().equals(inventory.objects())) {
            cm.addToData("heldBeforeBlockedPrune", json(inventory.held()));
        }
        ConfigMap record = cm.build();
        var resource = client.configMaps().inNamespace(namespace).resource(record);
        if (recorded) {
            try {
                resource.patch(PatchContext.of(PatchType.JSON), Serialization.asJson(List.of(Map.of("op", "replace",
                        "path", "/data", "value", record.getData()))));
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404 && e.getCode() != 422) {
                    throw e;
                }
                // deleted since it was read, or its data is gone: record it whole
            }
        }
        resource.createOr(existing -> existing.update());
    }

    private static String json(Collection<ObjectRef> refs) {
        List<Map<String, String>> entries = new ArrayList<>();
        refs.stream().sorted().forEach(r -> {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("apiVersion", r.apiVersion());
            e.put("kind", r.kind());
            e.put("namespace", r.namespace());
            e.put("name", r.name());
            entries.add(e);
        });
        try {
            return Serialization.jsonMapper().writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
