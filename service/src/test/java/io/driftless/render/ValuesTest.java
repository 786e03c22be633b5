package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.driftless.config.SafeYaml;

class ValuesTest {

    private static final Map<String, Object> DEFAULTS = SafeYaml.parse("defaults.yaml", """
            server:
              replicaCount: 1
              env: [{name: A, value: "1"}]
              resources: {requests: {cpu: 500m, memory: 512Mi}}
            ingress: {enabled: false, host: {hostname: prefect.local, path: /}}
            """).asMap();

    private static Values layered(String... layers) {
        List<SafeYaml.Document> docs = new java.util.ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            docs.add(SafeYaml.parse("layer" + i + ".yaml", layers[i]));
        }
        return Values.layered(DEFAULTS, docs);
    }

    @Test
    void laterLayersMergeMapsAndReplaceListsAndScalars() {
        Values v = layered(
                "server:\n  replicaCount: 2\n  env: [{name: B, value: '2'}]\ningress: {enabled: true}\n",
                "server:\n  replicaCount: 3\ningress:\n  host: {hostname: prefect.example.com}\n");
        assertThat(v.tree()).isEqualTo(SafeYaml.parse("x", """
                server:
                  replicaCount: 3
                  env: [{name: B, value: "2"}]
                  resources: {requests: {cpu: 500m, memory: 512Mi}}
                ingress: {enabled: true, host: {hostname: prefect.example.com, path: /}}
                """).asMap());
    }

    @Test
    void nullRemovesAKeyAnEarlierLayerSet() {
        Values v = layered("server:\n  resources:\n    requests: null\n");
        assertThat(v.tree()).extractingByKey("server").extracting("resources").isEqualTo(Map.of());
    }

    @Test
    void defaultsAreNeverModifiedByLayering() {
        layered("server:\n  replicaCount: 9\n");
        assertThat(DEFAULTS).extractingByKey("server").extracting("replicaCount").isEqualTo(1);
    }

    @Test
    void remembersWhichLayerSetAKey() {
        Values v = layered("server:\n  replicaCount: 2\n", "ingress:\n  enabled: true\n");
        assertThat(v.originOf("server.replicaCount")).isEqualTo("layer0.yaml:2");
        assertThat(v.originOf("ingress.enabled")).isEqualTo("layer1.yaml:2");
        assertThat(v.originOf("ingress.enabled.deeper")).isEqualTo("layer1.yaml:2");
        assertThat(v.originOf("server.env")).as("left at its default").isEqualTo("layer0.yaml:1");
        assertThat(v.originOf("sqlite.enabled")).isEmpty();
    }
}
