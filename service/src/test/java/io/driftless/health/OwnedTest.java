package io.driftless.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.driftless.render.Tree;

/** The tree of what managed objects own, from owner references and a StatefulSet's claim names. */
class OwnedTest {

    /** A cluster's owned objects, as the watches hold them. */
    private static Owned.Lookup cluster(List<Map<String, Object>> objects) {
        return new Owned.Lookup() {
            @Override
            public List<Map<String, Object>> ownedBy(String uid) {
                return objects.stream().filter(o -> Tree.asList(Tree.asMap(o.get("metadata")).get("ownerReferences"))
                        .stream().anyMatch(r -> uid.equals(Tree.asMap(r).get("uid")))).toList();
            }

            @Override
            public Map<String, Object> claim(String namespace, String name) {
                return objects.stream().filter(o -> "PersistentVolumeClaim".equals(o.get("kind"))
                        && name.equals(Tree.asMap(o.get("metadata")).get("name"))).findFirst().orElse(null);
            }
        };
    }

    private static Map<String, Object> object(String kind, String name, String uid, String owner, Map<String, Object> spec,
                                              Map<String, Object> status) {
        Map<String, Object> metadata = Tree.map("name", name, "namespace", "p", "uid", uid);
        if (owner != null) {
            metadata.put("ownerReferences", List.of(Tree.map("uid", owner)));
        }
        return Tree.map("kind", kind, "metadata", metadata, "spec", spec, "status", status);
    }

    private static Map<String, Object> pod(String name, String owner, String phase, boolean ready, int restarts,
                                           String waiting) {
        Map<String, Object> container = Tree.map("ready", ready, "restartCount", restarts);
        if (waiting != null) {
            container.put("state", Tree.map("waiting", Tree.map("reason", waiting)));
        }
        return object("Pod", name, name + "-uid", owner, Tree.map(), Tree.map("phase", phase, "conditions",
                List.of(Tree.map("type", "Ready", "status", ready ? "True" : "False")), "containerStatuses",
                List.of(container)));
    }

    @Test
    void aDeploymentOwnsItsReplicaSetsAndTheirPods() {
        Map<String, Object> deployment = object("Deployment", "web", "d1", null, Tree.map(), Tree.map());
        List<Map<String, Object>> objects = new ArrayList<>(List.of(
                object("ReplicaSet", "web-new", "rs2", "d1", Tree.map("replicas", 2), Tree.map("readyReplicas", 1)),
                object("ReplicaSet", "web-old", "rs1", "d1", Tree.map("replicas", 0), Tree.map()),
                pod("web-new-a", "rs2", "Running", true, 0, null),
                pod("web-new-b", "rs2", "Running", false, 7, "CrashLoopBackOff"),
                pod("other", "elsewhere", "Running", true, 0, null)));
        List<Owned.Node> tree = Owned.of(deployment, cluster(objects));
        assertThat(tree).as("a ReplicaSet of an old template, scaled to nothing, is left out").hasSize(1);
        Owned.Node rs = tree.get(0);
        assertThat(rs.name()).isEqualTo("web-new");
        assertThat(rs.health()).isEqualTo("Progressing");
        assertThat(rs.summary()).isEqualTo("1/2 ready");
        assertThat(rs.children()).extracting(Owned.Node::name).containsExactly("web-new-a", "web-new-b");
        Owned.Node stuck = rs.children().get(1);
        assertThat(stuck.health()).isEqualTo("Degraded");
        assertThat(stuck.summary()).isEqualTo("CrashLoopBackOff");
        assertThat(stuck.restarts()).isEqualTo(7);
        assertThat(stuck.ready()).isEqualTo("0/1");
        assertThat(rs.children().get(0).health()).isEqualTo("Healthy");
        assertThat(rs.children().get(0).summary()).isEqualTo("Running");
    }

    @Test
    void aStatefulSetOwnsItsPodsAndItsTemplatesClaimsByName() {
        Map<String, Object> sts = object("StatefulSet", "db", "s1", null, Tree.map("replicas", 2,
                "volumeClaimTemplates", List.of(Tree.map("metadata", Tree.map("name", "data")))), Tree.map());
        List<Map<String, Object>> objects = List.of(pod("db-0", "s1", "Running", true, 0, null),
                pod("db-1", "s1", "Pending", false, 0, null),
                object("PersistentVolumeClaim", "data-db-0", "c0", null, Tree.map(), Tree.map("phase", "Bound",
                        "capacity", Tree.map("storage", "8Gi"))),
                object("PersistentVolumeClaim", "data-db-1", "c1", null, Tree.map(), Tree.map("phase", "Pending")),
                object("PersistentVolumeClaim", "data-other-0", "c2", null, Tree.map(), Tree.map("phase", "Bound")));
        List<Owned.Node> tree = Owned.of(sts, cluster(objects));
        assertThat(tree).extracting(n -> n.kind() + "/" + n.name() + " " + n.health() + " " + n.summary())
                .containsExactly("PersistentVolumeClaim/data-db-0 Healthy Bound, 8Gi",
                        "PersistentVolumeClaim/data-db-1 Progressing Pending",
                        "Pod/db-0 Healthy Running", "Pod/db-1 Progressing Pending");
    }

    @Test
    void aCronJobOwnsJobsThatOwnPodsAndAnObjectWithoutUidOwnsNothing() {
        Map<String, Object> cron = object("CronJob", "nightly", "c1", null, Tree.map(), Tree.map());
        List<Map<String, Object>> objects = List.of(
                object("Job", "nightly-1", "j1", "c1", Tree.map(), Tree.map("succeeded", 1, "conditions",
                        List.of(Tree.map("type", "Complete", "status", "True")))),
                object("Job", "nightly-2", "j2", "c1", Tree.map(), Tree.map("active", 1)),
                pod("nightly-2-x", "j2", "Failed", false, 0, null));
        List<Owned.Node> tree = Owned.of(cron, cluster(objects));
        assertThat(tree).extracting(n -> n.name() + " " + n.health() + " " + n.summary())
                .containsExactly("nightly-1 Healthy complete", "nightly-2 Progressing 1 active, 0 succeeded, 0 failed");
        assertThat(tree.get(1).children()).extracting(Owned.Node::health).containsExactly("Degraded");
        assertThat(Owned.of(Tree.map("kind", "Deployment", "metadata", Tree.map("name", "x")), cluster(objects)))
                .isEmpty();
    }
}
