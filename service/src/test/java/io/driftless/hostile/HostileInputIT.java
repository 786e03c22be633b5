package io.driftless.hostile;

import io.driftless.status.SyncState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What an attacker (or a careless commit) can send the running service: through Git (values files), through the
 * HTTP API and through the cluster. Each case once broke something: it must now fail with a clear message that
 * names the file, line or key, leave what is applied alone, and keep the service answering.
 */
class HostileInputIT {

    private static final String API_PASSWORD = "letmein";
    private static final String HEALING = "healing/values.yaml";
    private static final String WATCHING = "watching/values.yaml";
    /** Four objects (SQLite, no bundled database): a rename prunes three of them. */
    private static final String RENAMING = "renaming/values.yaml";
    private static final String SQLITE = "sqlite: {enabled: true}\npostgresql: {enabled: false}\n";

    @TempDir
    Path tmp;

    private GitHttpServer git;
    private DriftlessService service;
    private KubernetesClient dev;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        git = new GitHttpServer(tmp.resolve("origin"));
        git.commit("initial values", Map.of(HEALING, "server:\n  loggingLevel: INFO\n",
                WATCHING, "server:\n  basicAuth: {enabled: true, authString: 'admin:GitSecret1'}\n",
                RENAMING, SQLITE));
        String fleetYaml = """
                sources:
                  - {name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: GIT_PASSWORD}}
                clusters:
                  - {name: dev, embedded: true}
                releases:
                  - {name: healing, namespace: healing, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [healing/values.yaml], syncPolicy: {selfHeal: true}}
                  - {name: watching, namespace: watching, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [watching/values.yaml]}
                  - {name: renaming, namespace: renaming, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [renaming/values.yaml], syncPolicy: {selfHeal: true}}
                """.formatted(git.url(), GitHttpServer.USER);
        Fleet fleet = FleetLoader.parse("fleet.yaml", fleetYaml.getBytes(StandardCharsets.UTF_8), tmp);
        ClusterConnections clusters = new ClusterConnections(fleet.clusters());
        service = DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                Map.of("GIT_PASSWORD", GitHttpServer.PASSWORD, "DRIFTLESS_API_AUTH", "admin:" + API_PASSWORD)),
                clusters);
        dev = clusters.client("dev");
        await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of("healing", "watching", "renaming")
                .allMatch(r -> status(r).syncState() == SyncState.Synced));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        git.close();
    }

    private TargetStatus status(String release) {
        return service.board().get("dev/" + release);
    }

    /** Commits one values file and waits until the service has tried that commit. */
    private TargetStatus push(String file, String values) throws Exception {
        String commit = git.commit("hostile", Map.of(file, values));
        service.refresh("values");
        String release = file.substring(0, file.indexOf('/'));
        await().atMost(Duration.ofSeconds(30)).until(() -> commit.equals(status(release).attemptedRevision()));
        return status(release);
    }

    private HttpResponse<String> call(String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (!method.equals("GET")) { // what the web UI and the CLI send with a write
            request.header("Content-Type", "application/json").header("X-Driftless-Request", "1");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A series' value in the service's own scrape (0 when absent). */
    private double metric(String series) {
        return service.metrics().scrape().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    private boolean deploymentExists(String namespace, String name) {
        return dev.apps().deployments().inNamespace(namespace).withName(name).get() != null;
    }

    // ---- Git refs -------------------------------------------------------------------------------------------

    @Test
    void aRefThatClimbsOutOfTheCacheIsRefusedWithoutReadingTheFileItNames() throws Exception {
        Path secret = tmp.resolve("host-secret");
        Files.writeString(secret, "root:TOPSECRET-MARKER:19000:0:99999:7:::\n");
        String climb = "../".repeat(16) + secret.toAbsolutePath().toString().substring(1);
        for (String ref : List.of(climb, "refs/" + climb, "refs/remotes/origin/" + climb, "-" + climb,
                "main@{1}", "main\nx", "main..dev")) {
            HttpResponse<String> answer = call("POST", "/api/v1/preview",
                    new io.vertx.core.json.JsonObject().put("ref", ref).encode(), basic(API_PASSWORD));
            assertThat(answer.statusCode()).as(ref).isEqualTo(422);
            assertThat(answer.body()).as(ref).doesNotContain("TOPSECRET-MARKER")
                    .contains("expected a branch, a tag, a full commit id or a refs/... name");
        }
        assertThat(call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void previewRefsDoNotPileUpInTheCache() throws Exception {
        Repository origin = git.repository(); // the server's own: left open
        var update = origin.updateRef("refs/pull/1/head");
        update.setNewObjectId(origin.resolve("refs/heads/main"));
        update.forceUpdate();
        HttpResponse<String> answer = call("POST", "/api/v1/preview", "{\"ref\": \"refs/pull/1/head\"}",
                basic(API_PASSWORD));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        try (Repository cache = new FileRepositoryBuilder().setGitDir(tmp.resolve("state/cache/values.git").toFile())
                .build()) {
            assertThat(cache.getRefDatabase().getRefsByPrefix("refs/driftless/")).isEmpty();
        }
    }

    // ---- values files ---------------------------------------------------------------------------------------

    @Test
    void aFewAliasesThatExpandToMillionsOfNodesFailTheTargetAndKeepWhatIsApplied() throws Exception {
        StringBuilder bomb = new StringBuilder("l0: &l0 [x,x,x]\n");
        for (int i = 1; i <= 16; i++) {
            bomb.append("l%d: &l%d [*l%d,*l%d,*l%d]\n".formatted(i, i, i - 1, i - 1, i - 1));
        }
        TargetStatus failed = push(HEALING, bomb.toString());
        assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
        assertThat(failed.lastError()).startsWith("healing/values.yaml:").contains("expands to more than");
        assertThat(deploymentExists("healing", "prefect-server")).isTrue();
        assertThat(call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void valuesThatReferToEachOtherAreEvaluatedOnceAsHelmDoesAndTooManyExpressionsAreABoundedError()
            throws Exception {
        StringBuilder values = new StringBuilder("commonAnnotations: {bomb: \"{{ .Values.t1 }}\"}\n");
        for (int n = 1; n <= 8; n++) {
            values.append("t").append(n).append(": \"").append(("{{ .Values.t" + (n + 1) + " }}").repeat(20))
                    .append("\"\n");
        }
        values.append("t9: boom\n");
        TargetStatus once = push(HEALING, values.toString());
        assertThat(once.syncState()).as(once.lastError()).isEqualTo(SyncState.Synced);
        assertThat(dev.apps().deployments().inNamespace("healing").withName("prefect-server").get().getMetadata()
                .getAnnotations()).as("t1's text, not evaluated again (Helm's tpl runs once)")
                .containsEntry("bomb", "{{ .Values.t2 }}".repeat(20));

        TargetStatus failed = push(HEALING, "commonAnnotations: {bomb: \"" + "{{ .Release.Name }}".repeat(10_001)
                + "\"}\n");
        assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
        assertThat(failed.lastError()).startsWith("healing/values.yaml:1: commonAnnotations")
                .contains("expand to more than 10000 evaluations");
        assertThat(deploymentExists("healing", "prefect-server")).isTrue();
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("server: {replicaCount: \"abc\"}\n", "healing/values.yaml:1: server.replicaCount: expected a whole number, found 'abc'"),
                Arguments.of("server: [1, 2, 3]\n", "healing/values.yaml:1: server: expected a mapping (as the chart's default is), found a list"),
                Arguments.of("server: {replicaCount: 2.5}\n", "healing/values.yaml:1: server.replicaCount: expected a whole number, found '2.5'"),
                Arguments.of("server: {replicaCount: .nan}\n", "healing/values.yaml:1: server.replicaCount: expected a whole number, found 'NaN'"),
                Arguments.of("server: null\n", "healing/values.yaml:1: server.replicaCount: is required: a whole number at least 0"),
                Arguments.of("server: {replicaCount: 99999999999999999999999999}\n", "healing/values.yaml:1: server.replicaCount: must be at least 0, found 99999999999999999999999999"),
                Arguments.of("server: {replicaCount: -1}\n", "healing/values.yaml:1: server.replicaCount: must be at least 0, found -1"),
                Arguments.of("service: {port: 70000}\n", "healing/values.yaml:1: service.port: must be between 1 and 65535, found 70000"),
                Arguments.of("global: 3\n", "healing/values.yaml:1: global: expected a mapping (as the chart's default is), found a number"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void aValueOfTheWrongTypeFailsTheTargetNamingFileLineAndKey(String values, String problem) throws Exception {
        double failuresBefore = metric("driftless_sync_total{cluster=\"dev\",release=\"healing\",result=\"failure\"}");
        TargetStatus failed = push(HEALING, values);
        assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
        assertThat(failed.lastError()).contains(problem);
        assertThat(metric("driftless_sync_total{cluster=\"dev\",release=\"healing\",result=\"failure\"}"))
                .isGreaterThan(failuresBefore);
        assertThat(dev.v1().events().inNamespace("healing").list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("SyncFailed"));
        assertThat(dev.apps().deployments().inNamespace("healing").withName("prefect-server").get().getSpec()
                .getReplicas()).as("the last good state stays applied").isEqualTo(1);
        assertThat(call("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aNameTheApiServerWouldRefuseIsRefusedBeforeAnyRequestCarriesIt() throws Exception {
        TargetStatus refused = push(HEALING, "fullnameOverride: \"a b/c\"\n");
        assertThat(refused.syncState()).isEqualTo(SyncState.Failed);
        assertThat(refused.lastError()).startsWith("invalid objects, nothing written: ")
                .contains("metadata.name 'a b/c' is not a valid").doesNotContain("An error has occurred");
        assertThat(deploymentExists("healing", "prefect-server")).isTrue();
    }

    // ---- pruning safety -------------------------------------------------------------------------------------

    @Test
    void aPruneBlockedByItsShareStaysBlockedThroughSelfHealPasses() throws Exception {
        TargetStatus renamed = push(RENAMING, SQLITE + "fullnameOverride: prefect-renamed\n");
        assertThat(renamed.lastError()).isNull();
        assertThat(deploymentExists("renaming", "prefect-renamed")).isTrue();
        assertThat(metric("driftless_prunes_blocked_total{cluster=\"dev\",reason=\"max_share\",release=\"renaming\"}"))
                .isPositive();
        // the rename's creations are seen by the informers and compared again, with selfHeal on
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> deploymentExists("renaming", "prefect-server")
                        && dev.services().inNamespace("renaming").withName("prefect-server").get() != null);
        // nor does a forced sync prune them
        HttpResponse<String> forced = call("POST", "/api/v1/targets/dev/renaming/sync", null, basic(API_PASSWORD));
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(deploymentExists("renaming", "prefect-server")).isTrue();
        // reverting the rename prunes what the rename created, and nothing else
        TargetStatus reverted = push(RENAMING, SQLITE);
        assertThat(reverted.lastError()).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> !deploymentExists("renaming", "prefect-renamed"));
        assertThat(deploymentExists("renaming", "prefect-server")).isTrue();
    }

    // ---- secrets in reports ---------------------------------------------------------------------------------

    @Test
    void anEditedBasicAuthCredentialNeverReachesTheApiOrEvents() throws Exception {
        dev.apps().deployments().inNamespace("watching").withName("prefect-server").edit(d -> {
            for (EnvVar env : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (env.getName().equals("PREFECT_SERVER_API_AUTH_STRING")) {
                    env.setValue("admin:LiveSecret2");
                }
            }
            return d;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> status("watching").outOfSync() > 0);
        List<String> seen = new ArrayList<>();
        seen.add(call("GET", "/api/v1/targets", null, null).body());
        seen.add(call("GET", "/api/v1/targets/dev/watching", null, null).body());
        seen.add(call("GET", "/api/v1/targets/dev/watching/diff", null, null).body());
        dev.v1().events().inNamespace("watching").list().getItems().forEach(e -> seen.add(e.getMessage()));
        assertThat(String.join("\n", seen)).contains("Deployment/watching/prefect-server", "/env/", "<redacted hmac:")
                .doesNotContain("GitSecret1").doesNotContain("LiveSecret2");
    }

    @Test
    void anAnonymousDiffChangesNothingAndFetchesNothing() throws Exception {
        TargetStatus failed = push(HEALING, "server: {replicaCount: -1}\n");
        assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
        double fetches = metric("driftless_source_fetch_total{result=\"success\",source=\"values\"}");
        double syncs = metric("driftless_sync_total{cluster=\"dev\",release=\"healing\",result=\"failure\"}");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> diff = call("GET", "/api/v1/targets/dev/healing/diff", null, null);
            assertThat(diff.statusCode()).as(diff.body()).isIn(200, 429);
        }
        TargetStatus after = status("healing");
        assertThat(after.syncState()).isEqualTo(SyncState.Failed);
        assertThat(after.lastError()).isEqualTo(failed.lastError());
        assertThat(after.history()).isEqualTo(failed.history());
        assertThat(metric("driftless_source_fetch_total{result=\"success\",source=\"values\"}")).isEqualTo(fetches);
        assertThat(metric("driftless_sync_total{cluster=\"dev\",release=\"healing\",result=\"failure\"}"))
                .isEqualTo(syncs);
        assertThat(dev.v1().events().inNamespace("healing").list().getItems())
                .noneMatch(e -> "SyncRecovered".equals(e.getReason()));
    }

    // ---- the HTTP server ------------------------------------------------------------------------------------

    @Test
    void anOversizedBodyWithoutCredentialsIsRefusedBeforeItIsRead() throws Exception {
        HttpResponse<String> answer = call("POST", "/api/v1/preview", "x".repeat(200_000), null);
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).doesNotContain("Exception");
    }

    @Test
    void repeatedWrongCredentialsAreThrottled() throws Exception {
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            codes.add(call("POST", "/api/v1/sources/values/refresh", null, basic("guess" + i)).statusCode());
        }
        assertThat(codes.subList(0, 10)).containsOnly(401);
        assertThat(codes.subList(10, 12)).containsOnly(429);
        assertThat(call("POST", "/api/v1/sources/values/refresh", null, basic(API_PASSWORD)).statusCode())
                .as("the right credentials are throttled too while the window lasts").isEqualTo(429);
    }

    @Test
    void aClientThatNeverFinishesItsHeadersIsDisconnected() throws Exception {
        service.close();
        System.setProperty("driftless.http.idle-timeout-seconds", "3");
        try {
            start();
        } finally {
            System.clearProperty("driftless.http.idle-timeout-seconds");
        }
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", service.httpPort());
                OutputStream out = s.getOutputStream();
                out.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.setSoTimeout(20_000);
                slow.add(s);
            }
            assertThat(call("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
            for (Socket s : slow) {
                InputStream in = s.getInputStream();
                assertThat(in.read()).as("closed by the server").isEqualTo(-1);
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }
}
