package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.driftless.config.SafeYaml;
import io.driftless.model.ObjectRef;
import io.driftless.plan.Planner;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.api.Pluralize;

/**
 * Every kind any golden fixture of the builtin charts renders is covered by the tenant role in deploy/ (what a
 * tenant's ServiceAccount, or Driftless itself for a fleet without tenants, writes with).
 */
class ClusterRoleCoverageTest {

    private static final List<String> WRITES = List.of("get", "list", "watch", "create", "update", "patch", "delete");

    @Test
    void theTenantRoleLetsAReleaseReadWatchWriteAndPruneEveryKindTheChartsRender()
            throws IOException, URISyntaxException {
        Path file = Stream.of(Path.of("../deploy/base/tenant-clusterrole.yaml"),
                        Path.of("deploy/base/tenant-clusterrole.yaml"))
                .filter(Files::isRegularFile).findFirst().orElseThrow();
        List<Object> rules = Tree.asList(SafeYaml.parse("tenant-clusterrole.yaml", Files.readAllBytes(file)).asMap()
                .get("rules"));
        Set<String> kinds = new TreeSet<>();
        Path root = Path.of(ClusterRoleCoverageTest.class.getResource("/render").toURI());
        try (Stream<Path> expected = Files.walk(root)) {
            for (Path p : expected.filter(f -> f.getFileName().toString().equals("expected.yaml")).toList()) {
                for (String doc : Files.readString(p).split("(?m)^---$")) {
                    Object object = SafeYaml.parse("expected.yaml", doc).value();
                    if (object instanceof Map<?, ?> m && m.get("kind") != null) {
                        ObjectRef ref = Planner.refOf(Tree.asMap(m));
                        kinds.add(ref.group() + "/" + ref.kind());
                    }
                }
            }
        }
        assertThat(kinds).hasSizeGreaterThan(10);
        for (String kind : kinds) {
            String group = kind.substring(0, kind.indexOf('/'));
            String resource = Pluralize.toPlural(kind.substring(kind.indexOf('/') + 1).toLowerCase());
            for (String verb : WRITES) {
                assertThat(rules).as(kind + " (" + resource + "): " + verb).anySatisfy(r -> {
                    Map<String, Object> rule = Tree.asMap(r);
                    assertThat(Tree.asList(rule.get("apiGroups"))).contains(group);
                    assertThat(Tree.asList(rule.get("resources"))).contains(resource);
                    assertThat(Tree.asList(rule.get("verbs"))).containsAnyOf(verb, "*");
                });
            }
        }
    }
}
