package io.driftless.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Converts between rendered trees, fabric8 objects and YAML text. */
public final class Manifests {

    private static final ObjectMapper JSON = Serialization.jsonMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private Manifests() {
    }

    public static List<GenericKubernetesResource> toResources(List<Map<String, Object>> trees) {
        List<GenericKubernetesResource> out = new ArrayList<>(trees.size());
        for (Map<String, Object> t : trees) {
            out.add(toResource(t));
        }
        return out;
    }

    public static GenericKubernetesResource toResource(Map<String, Object> tree) {
        return JSON.convertValue(tree, GenericKubernetesResource.class);
    }

    /** The object as a plain tree of maps and lists (nulls inside the tree are kept). */
    public static Map<String, Object> toTree(Object resource) {
        return JSON.convertValue(resource, MAP);
    }

    /** Multi-document YAML with keys in the order they were built. */
    public static String toYaml(List<GenericKubernetesResource> resources) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        options.setWidth(4096);
        options.setSplitLines(false);
        Yaml yaml = new Yaml(options);
        StringBuilder sb = new StringBuilder();
        for (GenericKubernetesResource r : resources) {
            sb.append("---\n").append(yaml.dump(toTree(r)));
        }
        return sb.toString();
    }
}
