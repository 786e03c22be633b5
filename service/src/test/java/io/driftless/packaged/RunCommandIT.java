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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;

/**
 * {@code driftless run} as a process of the packaged jar: SIGHUP reloads the fleet file and the API's credential
 * files at once (the check interval is an hour here), and SIGTERM stops it cleanly.
 */
class RunCommandIT {

    static final Path JAR = Path.of("target/driftless-all.jar");

    @TempDir
    Path tmp;

    @Test
    void sighupReloadsTheFleetFileAndSigtermStopsTheService() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Path fleet = tmp.resolve("fleet.yaml");
            String oneCluster = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml]}
                    """.formatted(git.url(), GitHttpServer.USER);
            Files.writeString(fleet, oneCluster);
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-jar", JAR.toString(), "run", "--fleet", fleet.toString(), "--state-dir",
                    tmp.resolve("state").toString(), "--http-port", String.valueOf(port), "--fleet-check-interval",
                    "3600", "--anonymous-read")).redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile());
            builder.environment().put("PW", GitHttpServer.PASSWORD);
            Process run = builder.start();
            try {
                String base = "http://127.0.0.1:" + port;
                await().atMost(Duration.ofSeconds(60)).until(() -> status(base + "/readyz") == 200);
                assertThat(fleet(base).at("/targets").asInt()).isEqualTo(1);

                Files.writeString(fleet, oneCluster.replace("[{name: dev, embedded: true}]",
                        "[{name: dev, embedded: true}, {name: lab, embedded: true}]"));
                signal("HUP", run);
                await().atMost(Duration.ofSeconds(20)).until(() -> fleet(base).at("/targets").asInt() == 2);
                assertThat(fleet(base).at("/lastReload/result").asText()).isEqualTo("applied");
                await().atMost(Duration.ofSeconds(30)).until(() -> status(base + "/api/v1/targets/lab/prefect") == 200
                        && body(base + "/api/v1/targets/lab/prefect").contains("\"Synced\""));

                signal("TERM", run);
                assertThat(run.waitFor(45, TimeUnit.SECONDS)).as(log()).isTrue();
                assertThat(log()).contains("fleet reloaded from " + fleet, "clusters added: lab");
            } finally {
                run.destroyForcibly();
            }
        }
    }

    /**
     * SIGHUP reloads the API's users file and admin credential file too (the check interval is an hour here): the
     * rotated password and token get 401 from then on and the new ones work; a users file with a bad line keeps
     * the credentials in use, and the log names its file and line (never a secret).
     */
    @Test
    void sighupReloadsTheApiUsersAndAdminCredentialFiles() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Path fleet = Files.writeString(tmp.resolve("fleet.yaml"), """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml]}
                    """.formatted(git.url(), GitHttpServer.USER));
            Path users = Files.writeString(tmp.resolve("users"), "vera viewer "
                    + io.driftless.api.ApiCredentials.hash("old-pass", 1000) + "\n");
            Path admin = Files.writeString(tmp.resolve("admin"), "admin:old-admin-pass\n");
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-jar", JAR.toString(), "run", "--fleet", fleet.toString(), "--state-dir",
                    tmp.resolve("state").toString(), "--http-port", String.valueOf(port), "--fleet-check-interval",
                    "3600", "--api-users", users.toString(), "--api-auth-file", admin.toString()))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile());
            builder.environment().put("PW", GitHttpServer.PASSWORD);
            Process run = builder.start();
            try {
                String base = "http://127.0.0.1:" + port;
                String targets = base + "/api/v1/targets";
                await().atMost(Duration.ofSeconds(60)).until(() -> status(base + "/readyz") == 200);
                assertThat(status(targets, "vera:old-pass")).isEqualTo(200);
                assertThat(status(targets, "admin:old-admin-pass")).isEqualTo(200);

                Files.writeString(users, "vera viewer " + io.driftless.api.ApiCredentials.hash("new-pass", 1000) + "\n");
                Files.writeString(admin, "admin:new-admin-pass\n");
                signal("HUP", run);
                await().atMost(Duration.ofSeconds(20)).until(() -> log().contains("API credentials reloaded from"));
                assertThat(status(targets, "vera:old-pass")).isEqualTo(401);
                assertThat(status(targets, "vera:new-pass")).isEqualTo(200);
                assertThat(status(targets, "admin:old-admin-pass")).isEqualTo(401);
                assertThat(status(targets, "admin:new-admin-pass")).isEqualTo(200);

                Files.writeString(users, "vera viewer " + io.driftless.api.ApiCredentials.hash("newer-pass", 1000)
                        + "\nvera2 viewer\n");
                signal("HUP", run);
                await().atMost(Duration.ofSeconds(20)).until(() -> log().contains(users + ":2: expected NAME ROLE HASH"));
                assertThat(log()).contains("API credentials reload from --api-auth-file " + admin + " and --api-users "
                        + users + " failed; the credentials in use stay");
                assertThat(status(targets, "vera:new-pass")).as("the credentials in use stay").isEqualTo(200);
                assertThat(status(targets, "vera:newer-pass")).isEqualTo(401);

                signal("TERM", run);
                assertThat(run.waitFor(45, TimeUnit.SECONDS)).as(log()).isTrue();
                assertThat(log()).doesNotContain("old-pass", "new-pass", "admin-pass");
            } finally {
                run.destroyForcibly();
            }
        }
    }

    /**
     * Helm renders in renderer processes, never in the service: after a Helm chart synced, SIGTERM still drains and
     * stops the service (in-process Helm used to swallow it), its renderer processes stop with it, and neither a
     * stop nor a SIGKILL leaves Helm's native library or a chart in the temporary folder.
     */
    @Test
    void afterAHelmChartRenderedSigtermStopsTheServiceAndSigkillLeavesNothingBehind() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            Map<String, String> files = new java.util.TreeMap<>();
            io.driftless.testing.TestCharts.folder("webapp").forEach((path, bytes) ->
                    files.put("charts/webapp/" + path, new String(bytes, StandardCharsets.UTF_8)));
            files.put("shop.yaml", "replicaCount: 2\nmigration: {enabled: false}  # no Job controller in an embedded cluster\n");
            git.commit("a Helm chart", files);
            Path fleet = tmp.resolve("fleet.yaml");
            Files.writeString(fleet, """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: shop, namespace: web, chart: {path: charts/webapp}, source: values, values: [shop.yaml]}
                    """.formatted(git.url(), GitHttpServer.USER));
            Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
            for (String stop : List.of("TERM", "KILL")) {
                int port;
                try (ServerSocket free = new ServerSocket(0)) {
                    port = free.getLocalPort();
                }
                ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin",
                        "java").toString(), "-Djava.io.tmpdir=" + javaTmp, "-jar", JAR.toString(), "run", "--fleet",
                        fleet.toString(), "--state-dir", tmp.resolve("state").toString(), "--http-port",
                        String.valueOf(port), "--anonymous-read")).redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("run.log").toFile());
                builder.environment().put("PW", GitHttpServer.PASSWORD);
                Process run = builder.start();
                try {
                    String base = "http://127.0.0.1:" + port;
                    await("ready before SIG" + stop).atMost(Duration.ofSeconds(90)).until(() -> status(base + "/readyz") == 200);
                    assertThat(body(base + "/api/v1/targets/dev/shop")).as(log()).contains("\"Synced\"");
                    List<ProcessHandle> renderers = run.descendants().filter(p -> p.info().commandLine()
                            .orElse("").contains("RendererMain")).toList();
                    assertThat(renderers).as("renderer processes").isNotEmpty();

                    signal(stop, run);
                    assertThat(run.waitFor(35, TimeUnit.SECONDS)).as("stopped by SIG" + stop + ": " + log()).isTrue();
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(renderers)
                            .noneMatch(ProcessHandle::isAlive));
                    try (var left = Files.list(javaTmp)) {
                        // the embedded cluster's in-memory API server (a test and demo part, not in the server jar)
                        // runs a Vert.x of its own, whose cache folder a SIGKILL leaves
                        assertThat(left.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith("vertx-cache"))
                                .toList()).as("left in the temporary folder after SIG" + stop).isEmpty();
                    }
                } finally {
                    run.destroyForcibly();
                }
            }
        }
    }

    private String log() throws IOException {
        return Files.readString(tmp.resolve("run.log"), StandardCharsets.UTF_8);
    }

    private static void signal(String name, Process process) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor())
                .isZero();
    }

    /** The status of a GET with HTTP basic credentials {@code user:password}. */
    private static int status(String url, String credentials) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static int status(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String body(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonNode fleet(String base) throws Exception {
        return new ObjectMapper().readTree(body(base + "/api/v1/fleet"));
    }
}
