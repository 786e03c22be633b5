package io.driftless.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RealCluster;
import io.driftless.testing.TestCharts;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * {@code driftless run} as a process that holds cluster-admin credentials in its own environment (KUBECONFIG), as a
 * service in a cluster holds its token, syncing into the real API server: a chart's {@code lookup} of another
 * namespace's Secret answers nothing, in a sync and in a preview of an unmerged branch (Helm used to run in the
 * service, where it read whatever the process's credentials reach); a template that evaluates itself without end
 * and one that asks for 400 MB cost their own render only, and the service and its other releases go on.
 */
@RealCluster
class HelmSandboxIT {

    @TempDir
    Path tmp;

    @Test
    void templatesReadNoClusterAndABombCostsOneRender(RealCluster.ControlPlane plane) throws Exception {
        try (KubernetesClient admin = plane.admin(); GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-b").endMetadata()
                    .build()).createOr(existing -> existing.update());
            admin.secrets().inNamespace("team-b").resource(new SecretBuilder().withNewMetadata().withName("db")
                    .endMetadata().addToStringData("password", "team-b-password").build())
                    .createOr(existing -> existing.update());
            git.start(0);
            Map<String, String> files = new TreeMap<>();
            for (String chart : List.of("lookup", "recursion", "bomb", "webapp")) {
                TestCharts.folder(chart).forEach((path, bytes) -> files.put("charts/" + chart + "/" + path,
                        new String(bytes, StandardCharsets.UTF_8)));
            }
            files.put("shop.yaml", "migration: {enabled: false}\n");
            git.commit("charts", files);
            git.commitOnBranch("steal", "read team-b's Secret into a ConfigMap", Map.of("stolen.yaml",
                    "from: {namespace: team-b, name: db}\n"));
            Path fleet = tmp.resolve("fleet.yaml");
            Files.writeString(fleet, """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: real, kubeconfig: %s}]
                    releases:
                      - {name: reader, namespace: team-a, chart: {path: charts/lookup}, source: values}
                      - {name: stealer, namespace: team-a, chart: {path: charts/lookup}, source: values,
                         values: [{path: stolen.yaml, optional: true}]}
                      - {name: loop, namespace: team-a, chart: {path: charts/recursion}, source: values}
                      - {name: bomb, namespace: team-a, chart: {path: charts/bomb}, source: values}
                      - {name: shop, namespace: team-a, chart: {path: charts/webapp}, source: values,
                         values: [shop.yaml]}
                    """.formatted(git.url(), GitHttpServer.USER, plane.kubeconfig()));
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-jar", RunCommandIT.JAR.toString(), "run", "--fleet", fleet.toString(), "--state-dir",
                    tmp.resolve("state").toString(), "--http-port", String.valueOf(port), "--anonymous-read",
                    "--helm-timeout", "10")).redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile());
            builder.environment().put("PW", GitHttpServer.PASSWORD);
            builder.environment().put("DRIFTLESS_API_AUTH", "admin:the-admin-password");
            builder.environment().put("KUBECONFIG", plane.kubeconfig().toString()); // cluster-admin, in the process
            Process run = builder.start();
            try {
                String base = "http://127.0.0.1:" + port;
                for (String release : List.of("reader", "stealer", "loop", "bomb", "shop")) {
                    await("first sync of " + release).atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() ->
                            json(base + "/api/v1/targets/real/" + release).path("lastSync").isTextual());
                }
                assertThat(json(base + "/api/v1/targets/real/shop").path("syncState").asText()).as(log())
                        .isEqualTo("Synced");
                assertThat(json(base + "/api/v1/targets/real/reader").path("syncState").asText())
                        .as(json(base + "/api/v1/targets/real/reader").path("lastError").asText() + "\n" + log())
                        .isEqualTo("Synced");
                assertThat(admin.configMaps().inNamespace("team-a").withName("reader-stolen").get().getData())
                        .as("lookup read nothing").isEqualTo(Map.of("password", "", "found", "0"));
                assertThat(json(base + "/api/v1/targets/real/loop").path("lastError").asText())
                        .startsWith("chart charts/recursion: Helm ").endsWith("its process was stopped; nothing was "
                                + "written");
                assertThat(json(base + "/api/v1/targets/real/bomb").path("lastError").asText())
                        .isEqualTo("chart charts/bomb: Helm ran out of its memory limit (512 MiB); its process was "
                                + "stopped; nothing was written");

                HttpResponse<String> preview = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        base + "/api/v1/preview")).header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("admin:the-admin-password".getBytes(StandardCharsets.UTF_8)))
                        .header("Content-Type", "application/json").header("X-Driftless-Request", "1")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"ref\": \"steal\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
                assertThat(preview.body()).contains("\"release\" : \"stealer\"")
                        .doesNotContain("team-b-password", java.util.Base64.getEncoder().encodeToString(
                                "team-b-password".getBytes(StandardCharsets.UTF_8)), "the-admin-password");
                assertThat(RunCommandIT.status(base + "/healthz")).as("the service is up after the bomb and the loop").isEqualTo(200);
            } finally {
                run.destroy();
                run.waitFor(45, TimeUnit.SECONDS);
                run.destroyForcibly();
            }
        }
    }

    private String log() throws IOException {
        return Files.readString(tmp.resolve("run.log"), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String url) throws Exception {
        return new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
