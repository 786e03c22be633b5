package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.driftless.config.ConfigException;
import io.driftless.testing.TestCharts;

class ManifestFolderTest {

    @Test
    void readsEveryYamlAndJsonDocumentAndLeavesOtherFilesAlone() {
        Chart.Rendered rendered = ManifestFolder.render("apps/plain", TestCharts.folder("manifests/app"));
        assertThat(rendered.objects()).extracting(o -> o.get("kind") + "/" + Tree.asMap(o.get("metadata")).get("name"))
                .containsExactly("Deployment/plain", "Service/plain", "ConfigMap/plain-config");
    }

    @Test
    void aDocumentThatIsNoObjectOrNoYamlIsReportedWithItsFileAndLine() {
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put("a.yaml", ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\njust: a map\n")
                .getBytes(StandardCharsets.UTF_8));
        files.put("b.yml", "key: [unclosed\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ManifestFolder.render("apps/x", files)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).extracting(Object::toString).anySatisfy(p -> assertThat(p)
                        .startsWith("apps/x/a.yaml:5").contains("not a Kubernetes object"))
                        .anySatisfy(p -> assertThat(p).startsWith("apps/x/b.yml:").contains("invalid YAML")));
    }

    @Test
    void aFolderWithoutManifestsIsRefused() {
        assertThatThrownBy(() -> ManifestFolder.render("apps/none", new TreeMap<>())).isInstanceOf(RenderException.class)
                .hasMessageContaining("apps/none holds no *.yaml");
    }
}
