package io.driftless.decrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.app.Main;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.SopsTools;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * SOPS files in a fleet on an in-memory cluster: an encrypted values layer and an encrypted manifest file apply; a
 * preview of a branch that encrypts the same values again (new ciphertext) and changes one shows that one change
 * only, redacted, and so does {@code diff?revision=}; {@code driftless validate} opens the files offline with the
 * keys on its command line and refuses them without, never printing a value.
 */
class SopsFleetIT {

    private static final String KEPT = "kept-secret-value-aaa-222";
    private static final String FIRST = "upstream-secret-one-111";
    private static final String SECOND = "upstream-secret-two-333";
    private static final String MANIFEST_PASSWORD = "manifest-password-444";
    private static final String VALUES = "sqlite: {enabled: true}\npostgresql: {enabled: false}\n";

    private static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString(
            "admin:pw".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private static String secrets(SopsTools sops, SopsTools.AgeKey key, String upstream) throws Exception {
        return sops.encrypt("secrets.yaml", "server:\n  env:\n    - {name: UPSTREAM, value: " + upstream + "}\n"
                + "    - {name: KEPT, value: " + KEPT + "}\n", List.of(key), List.of(), "--encrypted-regex",
                "^value$");
    }

    @Test
    void encryptedValuesAndManifestsApplyAndAPreviewShowsOnlyWhatChangedRedacted() throws Exception {
        SopsTools sops = new SopsTools(Files.createDirectories(tmp.resolve("keys")));
        SopsTools.AgeKey key = sops.ageKey("team");
        SopsTools.AgeKey stranger = sops.ageKey("stranger");
        String manifest = sops.encrypt("secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: app-db}
                data: {password: %s}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app-settings}
                data: {mode: sops-mode-fast-91}
                """.formatted(Base64.getEncoder().encodeToString(MANIFEST_PASSWORD.getBytes(StandardCharsets.UTF_8))),
                List.of(key), List.of(), "--encrypted-regex", "^data$");
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", VALUES, "secrets.yaml", secrets(sops, key, FIRST),
                    "manifests/secret.yaml", manifest));
            String branch = git.commitOnBranch("rotate", "rotate the upstream secret", Map.of("secrets.yaml",
                    secrets(sops, key, SECOND)));
            String fleetYaml = """
                    sources:
                      - {name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW},
                         decryption: {ageKeysFile: %s}}
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml, secrets.yaml]}
                      - {name: app, namespace: app, chart: {manifests: manifests}, source: values,
                         syncPolicy: {createNamespace: true}}
                    """.formatted(git.url(), GitHttpServer.USER, key.file());
            Fleet fleet = FleetLoader.parse("fleet.yaml", fleetYaml.getBytes(StandardCharsets.UTF_8), tmp);
            ClusterConnections clusters = new ClusterConnections(fleet.clusters());
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD),
                    io.driftless.api.ApiCredentials.of("admin:pw")), clusters)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> List.of("dev/prefect", "dev/app").stream()
                        .allMatch(t -> service.board().get(t).syncState() == SyncState.Synced));
                KubernetesClient dev = clusters.client("dev");
                List<EnvVar> env = dev.apps().deployments().inNamespace("prefect").withName("prefect-server").get()
                        .getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
                assertThat(env).extracting(e -> e.getName() + "=" + e.getValue())
                        .contains("UPSTREAM=" + FIRST, "KEPT=" + KEPT);
                assertThat(new String(Base64.getDecoder().decode(dev.secrets().inNamespace("app").withName("app-db")
                        .get().getData().get("password")), StandardCharsets.UTF_8)).isEqualTo(MANIFEST_PASSWORD);
                assertThat(dev.configMaps().inNamespace("app").withName("app-settings").get().getData())
                        .containsEntry("mode", "sops-mode-fast-91");

                HttpResponse<String> preview = post(service, "/api/v1/preview", "{\"ref\": \"rotate\"}");
                assertThat(preview.statusCode()).isEqualTo(200);
                JsonObject prefect = targets(preview.body()).stream().map(JsonObject.class::cast)
                        .filter(t -> t.getString("release").equals("prefect")).findFirst().orElseThrow();
                assertThat(prefect.getString("revision")).isEqualTo(branch);
                assertThat(prefect.getJsonArray("changes")).as("the values encrypted again compare equal")
                        .singleElement().satisfies(c -> {
                            JsonObject change = (JsonObject) c;
                            assertThat(change.getString("path")).startsWith("/spec/template/spec/containers/0/env/")
                                    .endsWith("/value");
                            assertThat(change.getString("desired")).startsWith("<redacted hmac:");
                            assertThat(change.getString("live")).startsWith("<redacted hmac:")
                                    .isNotEqualTo(change.getString("desired"));
                        });
                String diff = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + service.httpPort() + "/api/v1/targets/dev/prefect/diff?revision=" + branch)).header("Authorization",
                        ADMIN).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(new JsonObject(diff).getJsonArray("drift")).hasSize(1);
                String sources = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + service.httpPort() + "/api/v1/sources")).header("Authorization", ADMIN).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(new JsonArray(sources).getJsonObject(0).getBoolean("decryption")).as(sources).isTrue();
                assertThat(sources).as("which keys, never").doesNotContain(key.file().toString());
                Path token = Files.writeString(tmp.resolve("token"), "admin:pw");
                StringWriter cli = new StringWriter();
                int code = Main.run(new String[] {"diff", "dev/prefect", "--revision", "rotate", "-o", "yaml",
                        "--server", "http://127.0.0.1:" + service.httpPort(), "--token-file", token.toString()},
                        new PrintWriter(cli, true), new PrintWriter(cli, true));
                assertThat(code).as(cli.toString()).isEqualTo(1);
                assertThat(cli.toString()).contains("/value", "<redacted hmac:");
                for (String shown : List.of(preview.body(), diff, cli.toString())) {
                    assertThat(shown).doesNotContain(FIRST, SECOND, KEPT, MANIFEST_PASSWORD);
                }
            }

            // driftless validate, offline: the fleet names no keys of this machine; the command line gives them
            Path local = Files.writeString(tmp.resolve("local-fleet.yaml"), fleetYaml
                    .replace(git.url(), git.repository().getDirectory().toString())
                    .replace(", auth: {username: " + GitHttpServer.USER + ", passwordEnv: PW}", "")
                    .replace("decryption: {ageKeysFile: " + key.file() + "}", "")
                    .replace("embedded: true", "inCluster: true"));
            assertThat(validate(local, "--age-key-file", key.file().toString())).satisfies(run -> {
                assertThat(run).startsWith("0\n").contains("ok      dev/prefect", "ok      dev/app");
                assertThat(run).doesNotContain(FIRST, KEPT, MANIFEST_PASSWORD);
            });
            assertThat(validate(local)).startsWith("1\n")
                    .contains("secrets.yaml:", "this release has no decryption keys")
                    .contains("manifests/secret.yaml:");
            assertThat(validate(local, "--age-key-file", stranger.file().toString())).startsWith("1\n")
                    .contains("is encrypted with SOPS for " + key.recipient())
                    .contains("the release's keys (" + stranger.recipient() + ") open none of them")
                    .doesNotContain(FIRST, KEPT, MANIFEST_PASSWORD);
        }
    }

    private static String validate(Path fleet, String... keys) {
        StringWriter out = new StringWriter();
        String[] args = new String[keys.length + 2];
        args[0] = "validate";
        args[1] = fleet.toString();
        System.arraycopy(keys, 0, args, 2, keys.length);
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
        return code + "\n" + out;
    }

    private static JsonArray targets(String body) {
        return new JsonObject(body).getJsonArray("targets");
    }

    private static HttpResponse<String> post(DriftlessService service, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + service.httpPort() + path)).header("Content-Type", "application/json")
                .header("X-Driftless-Request", "1").header("Authorization", ADMIN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
