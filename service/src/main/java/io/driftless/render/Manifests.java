package io.driftless.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;

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

    /**
     * Multi-document YAML with keys in the order they were built, without anchors, and with every string
     * that a YAML 1.1 or 1.2 reader (kubectl, Helm) would take for a number, boolean or null quoted.
     */
    public static String toYaml(List<Map<String, Object>> objects) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        options.setWidth(4096);
        options.setSplitLines(false);
        Yaml yaml = new Yaml(new QuotingRepresenter(options), options);
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> o : objects) {
            sb.append("---\n").append(yaml.dump(Values.deepCopy(o)));
        }
        return sb.toString();
    }

    private static final class QuotingRepresenter extends Representer {

        private static final Pattern AMBIGUOUS = Pattern.compile(
                "[-+]?(\\.?[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+"
                        + "|\\.inf|\\.Inf|\\.INF)|\\.nan|\\.NaN|\\.NAN|~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO"
                        + "|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");

        QuotingRepresenter(DumperOptions options) {
            super(options);
            Represent plain = representers.get(String.class);
            representers.put(String.class, data -> AMBIGUOUS.matcher((String) data).matches()
                    ? representScalar(Tag.STR, (String) data, DumperOptions.ScalarStyle.SINGLE_QUOTED)
                    : plain.representData(data));
        }
    }
}
