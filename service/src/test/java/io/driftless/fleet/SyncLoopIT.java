package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

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
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.model.Tracking;
import io.driftless.testing.GitHttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The service end to end: a real Git server over HTTP with basic auth, two embedded API servers in
 * CRUD mode, the sync loop and the HTTP API.
 */
class SyncLoopIT {

    private static final String BASE = "releases/prefect/values.yaml";
    private static final String ENV_PROD = "releases/prefect/env/prod.yaml";
    private static final String WEBHOOK_SECRET = "push-secret";
    private static final String API_PASSWORD = "letmein";

    @TempDir
    Path tmp;

    private GitHttpServer git;
    private DriftlessService service;
    private KubernetesClient dev;
    private KubernetesClient prod;

    @BeforeEach
    void start() throws Exception {
        git = new GitHttpServer(tmp.resolve("origin"));
        git.commit("initial values", Map.of(
                BASE, "server:\n  loggingLevel: INFO\n",
                ENV_PROD, "ingress:\n  enabled: true\n  host:\n    hostname: prefect.example.com\n",
                "releases/prefect/env/dev.yaml", "sqlite:\n  enabled: true\npostgresql:\n  enabled: false\n"));
        String fleetYaml = """
                sources:
                  - name: values
                    url: %s
                    ref: main
                    pollInterval: 1h
                    auth: {username: %s, passwordEnv: GIT_PASSWORD}
                    webhook: {secretEnv: WEBHOOK_SECRET}
                clusters:
                  - {name: dev, embedded: true, labels: {env: dev}}
                  - {name: prod, embedded: true, labels: {env: prod}}
                releases:
                  - name: prefect
                    namespace: prefect
                    chart: {name: prefect-server, version: 2026.8.18172642}
                    source: values
                    values:
                      - releases/prefect/values.yaml
                      - releases/prefect/env/{labels.env}.yaml
                """.formatted(git.url(), GitHttpServer.USER);
        Fleet fleet = FleetLoader.parse("fleet.yaml", fleetYaml.getBytes(StandardCharsets.UTF_8), tmp);
        ClusterConnections clusters = new ClusterConnections(fleet.clusters());
        service = DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                Map.of("GIT_PASSWORD", GitHttpServer.PASSWORD, "WEBHOOK_SECRET", WEBHOOK_SECRET,
                "DRIFTLESS_API_AUTH", "admin:" + API_PASSWORD)), clusters);
        dev = clusters.client("dev");
        prod = clusters.client("prod");
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        git.close();
    }

    private TargetStatus status(String target) {
        return service.board().get(target);
    }

    private void awaitAttempt(String target, String commit) {
        await().atMost(Duration.ofSeconds(30)).until(() -> commit.equals(status(target).attemptedRevision()));
    }

    private Map<String, String> versions(KubernetesClient client) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HasMetadata o : owned(client)) {
            out.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion());
        }
        return out;
    }

    private List<HasMetadata> owned(KubernetesClient client) {
        List<HasMetadata> all = new java.util.ArrayList<>();
        all.addAll(client.serviceAccounts().inNamespace("prefect").withLabel(Tracking.TARGET_LABEL, "prefect").list().getItems());
        all.addAll(client.secrets().inNamespace("prefect").withLabel(Tracking.TARGET_LABEL, "prefect").list().getItems());
        all.addAll(client.services().inNamespace("prefect").withLabel(Tracking.TARGET_LABEL, "prefect").list().getItems());
        all.addAll(client.apps().deployments().inNamespace("prefect").withLabel(Tracking.TARGET_LABEL, "prefect").list().getItems());
        all.addAll(client.apps().statefulSets().inNamespace("prefect").withLabel(Tracking.TARGET_LABEL, "prefect").list().getItems());
        all.addAll(client.persistentVolumeClaims().inNamespace("prefect").withLabel(Tracking.TARGET_LABEL, "prefect").list().getItems());
        all.addAll(client.network().v1().ingresses().inNamespace("prefect").withLabel(Tracking.TARGET_LABEL, "prefect").list().getItems());
        return all;
    }

    @Test
    void appliesACommitToEveryCluster() {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        assertThat(status("dev/prefect").syncState()).isEqualTo(SyncState.Synced);
        assertThat(status("prod/prefect").syncState()).isEqualTo(SyncState.Synced);

        assertThat(versions(dev)).containsOnlyKeys("ServiceAccount/prefect-server", "Service/prefect-server",
                "Deployment/prefect-server", "PersistentVolumeClaim/prefect-server-sqlite");
        assertThat(versions(prod)).containsKeys("Ingress/prefect-server", "StatefulSet/prefect-postgresql",
                "Secret/prefect-server-postgresql-connection").doesNotContainKey("PersistentVolumeClaim/prefect-server-sqlite");
        Deployment d = prod.apps().deployments().inNamespace("prefect").withName("prefect-server").get();
        assertThat(d.getMetadata().getAnnotations()).containsEntry(Tracking.OWNER_ANNOTATION, "prefect/prefect");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey(Tracking.TARGET_LABEL);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .anySatisfy(e -> assertThat(e).extracting("name", "value").containsExactly("PREFECT_LOGGING_SERVER_LEVEL", "INFO"));
    }

    @Test
    void aValuesChangePatchesOnlyTheChangedObjects() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        Map<String, String> before = versions(prod);

        String commit = git.commit("prod: 3 replicas", Map.of(ENV_PROD,
                git.read(ENV_PROD) + "server:\n  replicaCount: 3\n"));
        service.refresh("values");
        awaitAttempt("prod/prefect", commit);

        assertThat(status("prod/prefect").syncState()).isEqualTo(SyncState.Synced);
        assertThat(status("prod/prefect").changeLines()).containsExactly(
                "Deployment/prefect/prefect-server configured (/spec/replicas)");
        Map<String, String> after = versions(prod);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        after.forEach((object, version) -> {
            if (object.equals("Deployment/prefect-server")) {
                assertThat(version).as(object).isNotEqualTo(before.get(object));
            } else {
                assertThat(version).as(object + " must not be written").isEqualTo(before.get(object));
            }
        });
        assertThat(prod.apps().deployments().inNamespace("prefect").withName("prefect-server").get()
                .getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void anOptionSwitchedOffPrunesItsObjects() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        assertThat(prod.network().v1().ingresses().inNamespace("prefect").withName("prefect-server").get()).isNotNull();

        String commit = git.commit("prod: no ingress", Map.of(ENV_PROD, "ingress:\n  enabled: false\n"));
        service.refresh("values");
        awaitAttempt("prod/prefect", commit);

        assertThat(prod.network().v1().ingresses().inNamespace("prefect").withName("prefect-server").get()).isNull();
        assertThat(status("prod/prefect").changeLines()).containsExactly("Ingress/prefect/prefect-server pruned (no longer rendered)");
        assertThat(prod.apps().deployments().inNamespace("prefect").withName("prefect-server").get()).isNotNull();
    }

    @Test
    void aMalformedValuesFileIsReportedWithFileAndLineAndPrunesNothing() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        String good = status("prod/prefect").revision();
        Map<String, String> before = versions(prod);

        String commit = git.commit("broken", Map.of(ENV_PROD, "ingress:\n  enabled: false\nserver:\n  replicaCount: [3\n"));
        service.refresh("values");
        awaitAttempt("prod/prefect", commit);

        TargetStatus s = status("prod/prefect");
        assertThat(s.syncState()).isEqualTo(SyncState.Failed);
        assertThat(s.failure().stage()).isEqualTo(io.driftless.status.Failure.Stage.VALUES);
        assertThat(s.lastError()).contains("releases/prefect/env/prod.yaml:5");
        assertThat(s.revision()).isEqualTo(good);
        assertThat(versions(prod)).isEqualTo(before);
        assertThat(status("dev/prefect").syncState()).as("the other cluster's layers are fine").isEqualTo(SyncState.Synced);
        assertThat(service.metrics().scrape())
                .contains("driftless_sync_total{cluster=\"prod\",release=\"prefect\",result=\"failure\"} 1.0")
                .contains("driftless_render_errors_total{cluster=\"prod\",release=\"prefect\"} 1.0")
                .contains("driftless_target_in_sync{cluster=\"prod\",release=\"prefect\"} 0.0");
    }

    @Test
    void aGitServerThatIsDownLeavesTheClusterUntouchedAndIsReported() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        Map<String, String> before = versions(prod);
        String good = status("prod/prefect").revision();
        git.stop();

        service.refresh("values");
        await().atMost(Duration.ofSeconds(30)).until(() -> status("prod/prefect").syncState() == SyncState.Failed);

        TargetStatus s = status("prod/prefect");
        assertThat(s.failure().stage()).isEqualTo(io.driftless.status.Failure.Stage.SOURCE);
        assertThat(s.lastError()).contains("source values").contains("fetch from").doesNotContain(GitHttpServer.PASSWORD);
        assertThat(s.revision()).isEqualTo(good);
        assertThat(versions(prod)).isEqualTo(before);
        assertThat(service.metrics().scrape()).contains("driftless_source_fetch_total{result=\"failure\",source=\"values\"} 1.0");
    }

    private HttpResponse<String> push(String source, String signatureHeader, String signature, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.httpPort() + "/api/v1/webhooks/" + source))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (signatureHeader != null) {
            request.header(signatureHeader, signature);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String githubSignature(String body, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSignedPushWebhookAppliesTheCommitAtOnceAndAForgedOneIsRefused() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        String commit = git.commit("prod: 2 replicas", Map.of(ENV_PROD,
                git.read(ENV_PROD) + "server:\n  replicaCount: 2\n"));
        String payload = "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}";

        HttpResponse<String> forged = push("values", "X-Hub-Signature-256", githubSignature(payload, "guess"), payload);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("does not match").doesNotContain(WEBHOOK_SECRET);
        assertThat(push("values", null, null, payload).statusCode()).isEqualTo(401);
        assertThat(push("other", "X-Hub-Signature-256", githubSignature(payload, WEBHOOK_SECRET), payload).statusCode())
                .isEqualTo(404);
        assertThat(status("prod/prefect").attemptedRevision()).as("the poll interval is an hour").isNotEqualTo(commit);

        HttpResponse<String> signed = push("values", "X-Hub-Signature-256", githubSignature(payload, WEBHOOK_SECRET),
                payload);
        assertThat(signed.statusCode()).isEqualTo(202);
        awaitAttempt("prod/prefect", commit);
        assertThat(prod.apps().deployments().inNamespace("prefect").withName("prefect-server").get()
                .getSpec().getReplicas()).isEqualTo(2);
        assertThat(service.metrics().scrape())
                .contains("driftless_webhook_requests_total{result=\"rejected\",source=\"values\"} 2.0")
                .contains("driftless_webhook_requests_total{result=\"accepted\",source=\"values\"} 1.0")
                .contains("driftless_webhook_requests_total{result=\"unknown\",source=\"unknown\"} 1.0")
                .contains("driftless_apply_actions_total{action=\"configured\",cluster=\"prod\",kind=\"Deployment\","
                        + "release=\"prefect\"} 1.0")
                .contains("driftless_target_in_sync{cluster=\"prod\",release=\"prefect\"} 1.0")
                .containsPattern("driftless_source_last_fetch_timestamp_seconds\\{source=\"values\"} 1\\.[0-9]+E9")
                .contains("driftless_render_duration_seconds_count{chart=\"prefect-server\"}");
    }

    private HttpResponse<String> post(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .header("Content-Type", "application/json").header("X-Driftless-Request", "1")
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aForcedSyncNeedsCredentialsPreviewsWithDryRunAndHealsWithout() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        String admin = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + API_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        prod.apps().deployments().inNamespace("prefect").withName("prefect-server")
                .edit(d -> { d.getSpec().setReplicas(9); return d; });

        assertThat(post("/api/v1/targets/prod/prefect/sync", null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = post("/api/v1/targets/prod/prefect/sync", "Basic "
                + java.util.Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8)));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("wrong credentials").doesNotContain(API_PASSWORD);

        HttpResponse<String> diff = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + service.httpPort() + "/api/v1/targets/prod/prefect/diff")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(diff.statusCode()).as("reading the diff needs no credentials").isEqualTo(200);
        io.vertx.core.json.JsonObject compared = new io.vertx.core.json.JsonObject(diff.body());
        assertThat(compared.getLong("outOfSync")).isEqualTo(1);
        assertThat(compared.getJsonArray("drift").getJsonObject(0).getMap()).containsEntry("object",
                "Deployment/prefect/prefect-server").containsEntry("group", "apps").containsEntry("change", "changed")
                .containsEntry("path", "/spec/replicas").containsEntry("live", 9).containsEntry("desired", 1);

        HttpResponse<String> preview = post("/api/v1/targets/prod/prefect/sync?dryRun=true", admin);
        assertThat(preview.statusCode()).isEqualTo(200);
        io.vertx.core.json.JsonObject dryRun = new io.vertx.core.json.JsonObject(preview.body());
        assertThat(dryRun.getString("syncState")).isEqualTo("OutOfSync");
        assertThat(dryRun.getJsonArray("drift").getJsonObject(0).getString("path")).isEqualTo("/spec/replicas");
        assertThat(prod.apps().deployments().inNamespace("prefect").withName("prefect-server").get()
                .getSpec().getReplicas()).as("a dry run writes nothing").isEqualTo(9);

        HttpResponse<String> healed = post("/api/v1/targets/prod/prefect/sync", admin);
        assertThat(healed.statusCode()).isEqualTo(200);
        assertThat(healed.body()).contains("\"syncState\" : \"Synced\"");
        assertThat(prod.apps().deployments().inNamespace("prefect").withName("prefect-server").get()
                .getSpec().getReplicas()).isEqualTo(1);

        assertThat(post("/api/v1/targets/prod/nothing/sync", admin).statusCode()).isEqualTo(404);
        assertThat(post("/api/v1/sources/values/refresh", admin).statusCode()).isEqualTo(202);
        assertThat(post("/api/v1/sources/other/refresh", admin).statusCode()).isEqualTo(404);
    }

    @Test
    void aPreviewOfABranchShowsEveryTargetsPlanAndWritesNothing() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        String admin = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + API_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        String head = status("dev/prefect").revision();
        String proposed = git.commitOnBranch("more-replicas", "three servers", Map.of(BASE,
                "server:\n  loggingLevel: INFO\n  replicaCount: 3\n"));
        Map<String, String> before = versions(prod);

        assertThat(postJson("/api/v1/preview", "{\"ref\": \"more-replicas\"}", null).statusCode()).isEqualTo(401);
        HttpResponse<String> preview = postJson("/api/v1/preview", "{\"ref\": \"more-replicas\"}", admin);
        assertThat(preview.statusCode()).isEqualTo(200);
        io.vertx.core.json.JsonArray targets = new io.vertx.core.json.JsonObject(preview.body()).getJsonArray("targets");
        assertThat(targets).hasSize(2);
        assertThat(targets.getJsonObject(0).getString("revision")).isEqualTo(proposed);
        assertThat(targets.getJsonObject(0).getString("result")).as("dev runs SQLite: one replica whatever the value")
                .isEqualTo("Synced");
        io.vertx.core.json.JsonObject onProd = targets.getJsonObject(1);
        assertThat(onProd.getString("cluster")).isEqualTo("prod");
        assertThat(onProd.getString("revision")).isEqualTo(proposed);
        assertThat(onProd.getString("result")).isEqualTo("OutOfSync");
        assertThat(onProd.getJsonArray("changes")).singleElement().satisfies(c -> assertThat(
                ((io.vertx.core.json.JsonObject) c).getMap()).containsEntry("object", "Deployment/prefect/prefect-server")
                .containsEntry("path", "/spec/replicas").containsEntry("live", 1).containsEntry("desired", 3));
        assertThat(versions(prod)).as("a preview writes nothing").isEqualTo(before);
        assertThat(status("dev/prefect").revision()).as("nor changes a target's status").isEqualTo(head);
        assertThat(status("dev/prefect").driftLines()).isEmpty();

        HttpResponse<String> byCommit = postJson("/api/v1/preview", "{\"ref\": \"" + head + "\", \"source\": "
                + "\"values\"}", admin);
        assertThat(byCommit.body()).contains("\"result\" : \"Synced\"").doesNotContain("OutOfSync");
        HttpResponse<String> unknown = postJson("/api/v1/preview", "{\"ref\": \"no-such-branch\"}", admin);
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(unknown.body()).contains("ref 'no-such-branch' is neither a branch nor a tag");
        assertThat(postJson("/api/v1/preview", "{\"ref\": \"x\", \"source\": \"other\"}", admin).statusCode())
                .isEqualTo(404);
        assertThat(postJson("/api/v1/preview", "not json", admin).statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> postJson(String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .header("Content-Type", "application/json").header("X-Driftless-Request", "1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
