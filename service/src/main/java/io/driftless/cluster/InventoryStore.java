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

    public Set<ObjectRef> load(String namespace, String release) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name(release)).get();
        Set<ObjectRef> out = new LinkedHashSet<>();
        if (cm == null || cm.getData() == null || cm.getData().get("objects") == null) {
            return out;
        }
        try {
            for (Map<String, String> e : Serialization.jsonMapper().readValue(cm.getData().get("objects"), ENTRIES)) {
                out.add(new ObjectRef(e.get("apiVersion"), e.get("kind"), e.get("namespace"), e.get("name")));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ConfigMap/" + namespace + "/" + name(release)
                    + ": inventory is unreadable; fix or delete it: " + e.getOriginalMessage(), e);
        }
        return out;
    }

    public void save(String namespace, String release, String revision, Collection<ObjectRef> refs) {
        List<Map<String, String>> entries = new ArrayList<>();
        refs.stream().sorted().forEach(r -> {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("apiVersion", r.apiVersion());
            e.put("kind", r.kind());
            e.put("namespace", r.namespace());
            e.put("name", r.name());
            entries.add(e);
        });
        String json;
        try {
            json = Serialization.jsonMapper().writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name(release)).withNamespace(namespace)
                .addToLabels(INVENTORY_LABEL, release).addToLabels("app.kubernetes.io/managed-by", "driftless")
                .endMetadata()
                .addToData("objects", json).addToData("revision", revision)
                .build();
        client.configMaps().inNamespace(namespace).resource(cm).createOr(existing -> existing.update());
    }
}
