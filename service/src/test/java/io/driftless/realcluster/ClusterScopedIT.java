package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Cluster-scoped objects on a real API server, in one release with namespaced ones: a ClusterRole, a
 * ClusterRoleBinding, two CustomResourceDefinitions (one namespaced kind, one cluster-scoped) and a custom resource
 * of each, created in order (the definitions established before their resources) and Healthy, then hand edits of
 * the ClusterRole and of the cluster-scoped resource healed, then the binding and the cluster-scoped resource
 * pruned, then the ClusterRole and a definition with its resource. And the README's self-upgrade: a
 * release of plain manifests holding {@code deploy/install.yaml}.
 */
@RealCluster
class ClusterScopedIT {

    @TempDir
    Path tmp;

    private static final String CRDS = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: clusterwidgets.example.com}
            spec:
              group: example.com
              scope: Cluster
              names: {plural: clusterwidgets, singular: clusterwidget, kind: ClusterWidget}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            """;

    private static final String RBAC = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: widget-reader}
            rules: [{apiGroups: [example.com], resources: [widgets, clusterwidgets], verbs: [get, list]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: widget-reader}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: widget-reader}
            subjects: [{kind: ServiceAccount, name: default, namespace: widgets}]
            """;

    private static final String RESOURCES = """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: gear}
            spec: {teeth: 12}
            ---
            apiVersion: example.com/v1
            kind: ClusterWidget
            metadata: {name: big-gear}
            spec: {teeth: 48}
            """;

    @Test
    void clusterScopedObjectsAndCustomResourcesSyncHealAndPrune(RealCluster.ControlPlane plane) throws Exception {
        try (KubernetesClient admin = plane.admin(); GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("widgets", Map.of("widgets/crds.yaml", CRDS, "widgets/rbac.yaml", RBAC,
                    "widgets/resources.yaml", RESOURCES,
                    "driftless/install.yaml", Files.readString(RealRbacIT.deploy("install.yaml"))));
            byte[] fleet = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: real, kubeconfig: %s}]
                    releases:
                      - {name: widgets, namespace: widgets, chart: {manifests: widgets}, source: values,
                         syncPolicy: {selfHeal: true, maxPrunePercent: 100}}
                      - {name: driftless, namespace: driftless, chart: {manifests: driftless}, source: values,
                         adopt: true}
                    """.formatted(git.url(), GitHttpServer.USER, plane.kubeconfig()).getBytes(StandardCharsets.UTF_8);
            try (DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                    new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                            Map.of("PW", GitHttpServer.PASSWORD)))) {
                TargetStatus first = synced(service, "real/widgets");
                assertThat(first.changeLines()).as("definitions before their resources").containsSubsequence(
                        "CustomResourceDefinition/clusterwidgets.example.com created",
                        "ClusterRole/widget-reader created", "ClusterRoleBinding/widget-reader created",
                        "ClusterWidget/big-gear created");
                assertThat(first.changeLines()).anySatisfy(l -> assertThat(l).startsWith("Widget/widgets/gear created"));
                GenericKubernetesResource gear = admin.genericKubernetesResources("example.com/v1", "Widget")
                        .inNamespace("widgets").withName("gear").get();
                assertThat(gear.getMetadata().getLabels()).containsEntry("driftless.io/target", "widgets");
                GenericKubernetesResource bigGear = admin.genericKubernetesResources("example.com/v1",
                        "ClusterWidget").withName("big-gear").get();
                assertThat(bigGear.getMetadata().getNamespace()).isNull();
                assertThat(bigGear.getMetadata().getAnnotations()).containsEntry("driftless.io/owner",
                        "widgets/widgets");
                await("the target's health, definitions established").atMost(Duration.ofSeconds(30)).until(() ->
                        "Healthy".equals(service.board().get("real/widgets").health()));

                bigGear.setAdditionalProperty("spec", Map.of("teeth", 3));
                admin.genericKubernetesResources("example.com/v1", "ClusterWidget").resource(bigGear).update();
                await("a hand edit of the cluster-scoped custom resource healed").atMost(Duration.ofSeconds(30))
                        .until(() -> Map.of("teeth", 48).equals(admin.genericKubernetesResources("example.com/v1",
                                "ClusterWidget").withName("big-gear").get().getAdditionalProperties().get("spec")));

                ClusterRole role = admin.rbac().clusterRoles().withName("widget-reader").get();
                role.getRules().add(new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                        .withVerbs("get").build());
                admin.rbac().clusterRoles().resource(role).update();
                await("a hand edit of the ClusterRole healed").atMost(Duration.ofSeconds(30)).until(() ->
                        admin.rbac().clusterRoles().withName("widget-reader").get().getRules().size() == 1);

                git.commit("drop the binding and the big gear", Map.of("widgets/rbac.yaml",
                        RBAC.substring(0, RBAC.indexOf("---")), "widgets/resources.yaml",
                        RESOURCES.substring(0, RESOURCES.indexOf("---"))));
                service.refresh("values");
                await("pruned").atMost(Duration.ofSeconds(60)).until(() ->
                        admin.rbac().clusterRoleBindings().withName("widget-reader").get() == null
                                && admin.genericKubernetesResources("example.com/v1", "ClusterWidget")
                                .withName("big-gear").get() == null);
                assertThat(synced(service, "real/widgets").lastError()).isNull();

                git.commit("drop the role, the widgets and their definition", Map.of("widgets/rbac.yaml", "# none\n",
                        "widgets/resources.yaml", "# none\n", "widgets/crds.yaml",
                        CRDS.substring(CRDS.indexOf("---") + 4)));
                service.refresh("values");
                await("the ClusterRole and a CustomResourceDefinition pruned").atMost(Duration.ofSeconds(60))
                        .until(() -> admin.rbac().clusterRoles().withName("widget-reader").get() == null
                                && admin.apiextensions().v1().customResourceDefinitions()
                                .withName("widgets.example.com").get() == null);
                TargetStatus last = synced(service, "real/widgets");
                assertThat(last.changeLines()).anySatisfy(l -> assertThat(l).startsWith(
                        "CustomResourceDefinition/widgets.example.com pruned"));
                assertThat(admin.apiextensions().v1().customResourceDefinitions().withName("clusterwidgets.example.com")
                        .get()).as("the definition still rendered stays").isNotNull();

                TargetStatus upgrade = synced(service, "real/driftless");
                assertThat(upgrade.lastError()).as("the self-upgrade release").isNull();
                assertThat(admin.rbac().clusterRoles().withName("driftless").get().getMetadata().getLabels())
                        .containsEntry("driftless.io/target", "driftless");
                assertThat(admin.namespaces().withName("driftless").get().getMetadata().getLabels())
                        .containsEntry("driftless.io/target", "driftless");
            } finally {
                for (String crd : List.of("widgets.example.com", "clusterwidgets.example.com")) {
                    admin.apiextensions().v1().customResourceDefinitions().withName(crd).delete();
                }
                admin.rbac().clusterRoles().withName("widget-reader").delete();
                admin.rbac().clusterRoleBindings().withName("widget-reader").delete();
                // the control plane is shared: RealDeployIT installs deploy/ itself (namespaces may stay)
                try (var in = Files.newInputStream(RealRbacIT.deploy("install.yaml"))) {
                    admin.load(in).items().stream().filter(o -> !"Namespace".equals(o.getKind()))
                            .forEach(o -> admin.resource(o).delete());
                }
            }
        }
    }

    private static TargetStatus synced(DriftlessService service, String target) {
        await(target + " synced").atMost(Duration.ofSeconds(90)).until(() -> {
            TargetStatus s = service.board().get(target);
            return s.lastSync() != null && (s.syncState() == SyncState.Synced || s.lastError() != null);
        });
        TargetStatus status = service.board().get(target);
        assertThat(status.lastError()).as(target).isNull();
        return status;
    }
}
