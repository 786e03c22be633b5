package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.app.DriftlessService;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.driftless.testing.OwnedObjects;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The object views of the API on the in-memory cluster: every managed object with its state, health and what it
 * owns (a Deployment's ReplicaSet and its Pod, made here as the controllers would), one object in full with its
 * manifests and differing fields after a hand edit, and no secret in any answer.
 */
class ObjectViewIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER = "objectview-marker-7c1";

    @TempDir
    Path tmp;

    @Test
    void objectsTheirTreeAndOneInFull() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:pw"),
                    null)) {
                String base = "http://127.0.0.1:" + service.httpPort() + "/api/v1/targets/dev/prefect/objects";
                KubernetesClient dev = service.clusters().client("dev");
                ReplicaSet rs = OwnedObjects.replicaSetAndPod(dev, "prefect", "prefect-server", true);

                JsonNode all = get(base);
                JsonNode deployment = find(all.path("objects"), "Deployment", "prefect-server");
                assertThat(deployment.path("state").asText()).isEqualTo("Synced");
                JsonNode owned = deployment.path("owned");
                assertThat(owned).hasSize(1);
                assertThat(owned.get(0).path("kind").asText()).isEqualTo("ReplicaSet");
                assertThat(owned.get(0).path("summary").asText()).isEqualTo("1/1 ready");
                JsonNode podNode = owned.get(0).path("children").get(0);
                assertThat(podNode.path("name").asText()).isEqualTo(OwnedObjects.POD);
                assertThat(podNode.path("health").asText()).isEqualTo("Healthy");
                assertThat(podNode.path("ready").asText()).isEqualTo("1/1");
                assertThat(podNode.path("restarts").asLong()).isEqualTo(2);
                assertThat(deployment.has("live")).as("a list carries no manifests").isFalse();
                assertThat(all.path("objects").findValuesAsText("kind")).contains("Service", "ServiceAccount");

                // the Pod's readiness flips: the next view shows it from the watch, with no sync
                OwnedObjects.ready(dev, rs, false);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode p = find(get(base).path("objects"), "Deployment", "prefect-server").path("owned").get(0)
                            .path("children").get(0);
                    assertThat(p.path("health").asText()).isEqualTo("Progressing");
                    assertThat(p.path("summary").asText()).isEqualTo("Running, not ready");
                    assertThat(p.path("ready").asText()).isEqualTo("0/1");
                });

                // a hand edit: one object in full shows the field, both manifests and who wrote it
                dev.apps().deployments().inNamespace("prefect").withName("prefect-server").edit(d -> {
                    d.getSpec().setReplicas(3);
                    return d;
                });
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(find(get(base)
                        .path("objects"), "Deployment", "prefect-server").path("state").asText())
                        .isEqualTo("OutOfSync"));
                JsonNode one = get(base + "/apps/Deployment/prefect/prefect-server").path("objects");
                assertThat(one).hasSize(1);
                JsonNode drift = one.get(0).path("drift");
                assertThat(drift).hasSize(1);
                assertThat(drift.get(0).path("path").asText()).isEqualTo("/spec/replicas");
                assertThat(drift.get(0).path("live").asInt()).isEqualTo(3);
                assertThat(drift.get(0).path("desired").asInt()).isEqualTo(1);
                assertThat(one.get(0).path("desired").path("spec").path("replicas").asInt()).isEqualTo(1);
                assertThat(one.get(0).path("live").path("spec").path("replicas").asInt()).isEqualTo(3);
                assertThat(one.get(0).path("live").path("metadata").has("managedFields")).isFalse();
                assertThat(one.get(0).path("owned")).hasSize(1);

                assertThat(status(base + "/apps/Deployment/prefect/no-such")).isEqualTo(404);
                assertThat(status(base + "/core/Service/prefect/prefect-server")).isEqualTo(200);
            }
        }
    }

    @Test
    void aCredentialReachesNoView() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:pw"), null)) {
                String first = service.board().get("dev/prefect").revision();
                git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE
                        + "server: {basicAuth: {enabled: true, authString: 'admin:" + MARKER + "'}}\n"));
                String base = "http://127.0.0.1:" + service.httpPort() + "/api/v1/targets/dev/prefect/objects";
                post("http://127.0.0.1:" + service.httpPort() + "/api/v1/sources/values/refresh");
                await().atMost(Duration.ofSeconds(20)).until(() -> !first.equals(service.board().get("dev/prefect")
                        .revision()));
                // the auth string is an env var of the Deployment, in both manifests
                String deployment = raw(base + "/apps/Deployment/prefect/prefect-server");
                assertThat(JSON.readTree(deployment).path("objects").get(0).path("state").asText())
                        .isEqualTo("Synced");
                assertThat(deployment).contains("PREFECT_SERVER_API_AUTH_STRING").contains("<redacted hmac:")
                        .doesNotContain(MARKER);
                assertThat(raw(base)).doesNotContain(MARKER);
                // the history's earlier commit, compared: syncing it would take the auth string away again
                String target = "http://127.0.0.1:" + service.httpPort() + "/api/v1/targets/dev/prefect/diff";
                JsonNode back = get(target + "?revision=" + first);
                assertThat(back.path("revision").asText()).isEqualTo(first);
                assertThat(back.path("result").asText()).isEqualTo("OutOfSync");
                assertThat(back.toString()).contains("/env").doesNotContain(MARKER);
                assertThat(status(target + "?revision=main")).isEqualTo(400);
            }
        }
    }

    private static JsonNode find(JsonNode objects, String kind, String name) {
        for (JsonNode o : objects) {
            if (o.path("kind").asText().equals(kind) && (name == null || o.path("name").asText().equals(name))) {
                return o;
            }
        }
        throw new AssertionError("no " + kind + "/" + name + " in " + objects);
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(raw(url));
    }

    private static String raw(String url) throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(answer.statusCode()).as(url + ": " + answer.body()).isEqualTo(200);
        return answer.body();
    }

    private static int status(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET()).statusCode();
    }

    private static void post(String url) throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Content-Type", "application/json")
                .header("X-Driftless-Request", "1"));
        assertThat(answer.statusCode()).as(url + ": " + answer.body()).isIn(200, 202);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        String credentials = "admin:pw";
        return HttpClient.newHttpClient().send(request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString(credentials.getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
