package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.driftless.testing.RawHttp;

/**
 * Issue 26, items 2 and 3, over HTTP: a request without any credential is no failed guess (the web UI's sign-in
 * dialog locked its own user out); the per-client lockout holds however many addresses the table of clients sees;
 * wrong webhook proofs are throttled per client and per source.
 */
class ApiLockoutIT {

    static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret"
            .getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private static int get(String from, int port, String path, String authorization) throws Exception {
        return RawHttp.get(from, port, path, authorization == null ? Map.of() : Map.of("Authorization", authorization))
                .status();
    }

    @Test
    void requestsWithoutAnyCredentialAreNoFailedGuesses() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:s3cret"), null)) {
                int port = service.httpPort();
                // what the web UI sent every 2 s while its sign-in dialog was open, for a minute
                for (int i = 0; i < 30; i++) {
                    assertThat(get("127.0.0.1", port, "/api/v1/events", null)).isEqualTo(401);
                    assertThat(get("127.0.0.1", port, "/api/v1/targets", null)).isEqualTo(401);
                }
                assertThat(get("127.0.0.1", port, "/api/v1/targets", ADMIN)).as("the right password afterwards")
                        .isEqualTo(200);
                // wrong credentials still count
                List<Integer> guesses = new ArrayList<>();
                for (int i = 0; i <= ClientLimits.AUTH_FAILURES; i++) {
                    guesses.add(get("127.0.0.1", port, "/api/v1/targets", "Bearer guess-" + i));
                }
                assertThat(guesses.subList(0, ClientLimits.AUTH_FAILURES)).containsOnly(401);
                assertThat(guesses.get(ClientLimits.AUTH_FAILURES)).isEqualTo(429);
            }
        }
    }

    /**
     * The lockout used to be forgotten when 10,000 addresses were tracked: 10,050 requests with wrong credentials
     * from as many loopback addresses cleared the table and with it the lockout of the attacker.
     */
    @Test
    void aFullTableOfClientsLiftsNoLockout() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:s3cret"), null)) {
                int port = service.httpPort();
                long started = System.nanoTime();
                for (int i = 0; i < ClientLimits.AUTH_FAILURES; i++) {
                    assertThat(get("127.0.0.2", port, "/api/v1/targets", "Bearer guess-" + i)).isEqualTo(401);
                }
                assertThat(get("127.0.0.2", port, "/api/v1/targets", ADMIN)).as("locked out").isEqualTo(429);

                int others = ClientLimits.MAX_CLIENTS + 50;
                ExecutorService pool = Executors.newFixedThreadPool(4);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < others; i++) {
                    String from = "127.1." + (i / 250) + "." + (i % 250 + 1);
                    answers.add(pool.submit(() -> get(from, port, "/api/v1/targets", "Bearer other-guess")));
                }
                for (Future<Integer> f : answers) {
                    assertThat(f.get(2, TimeUnit.MINUTES)).isEqualTo(401);
                }
                pool.shutdownNow();
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                System.out.printf("ApiLockoutIT: %d addresses with a wrong credential in %d s%n", others, seconds);
                assertThat(get("127.0.0.2", port, "/api/v1/targets", ADMIN)).as("still locked out, %d s into a %d s "
                        + "window", seconds, ClientLimits.WINDOW.toSeconds()).isEqualTo(429);
            }
        }
    }

    /**
     * Wrong webhook proofs were not throttled at all (200 wrong X-Gitlab-Token in 0.3 s): now a client may fail
     * {@link ClientLimits#WEBHOOK_FAILURES} times a minute, and a source be failed {@link ClientLimits#SOURCE_FAILURES}
     * times a minute by all clients together; a request without any proof is no guess.
     */
    @Test
    void wrongWebhookProofsAreThrottledPerClientAndPerSource() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Fleet fleet = FleetLoader.parse("fleet.yaml", """
                    sources:
                      - {name: values, url: %1$s, pollInterval: 1h, auth: {username: %2$s, passwordEnv: PW},
                         webhook: {secretEnv: HOOK}}
                      - {name: other, url: %1$s, pollInterval: 1h, auth: {username: %2$s, passwordEnv: PW},
                         webhook: {secretEnv: HOOK}}
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml]}
                    """.formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD, "HOOK", "hook-secret")),
                    new ClusterConnections(fleet.clusters()))) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                        service.board().get("dev/prefect").syncState() == SyncState.Synced);
                int port = service.httpPort();

                for (int i = 0; i < 2 * ClientLimits.WEBHOOK_FAILURES; i++) {
                    RawHttp.Answer unsigned = hook("127.0.0.3", port, "values", Map.of());
                    assertThat(unsigned.status()).as(unsigned.body()).isEqualTo(401);
                }
                assertThat(hook("127.0.0.3", port, "values", Map.of("X-Gitlab-Token", "hook-secret")).status())
                        .as("requests without a proof guess nothing").isEqualTo(202);

                List<Integer> codes = new ArrayList<>();
                long started = System.nanoTime();
                for (int i = 0; i < 200; i++) {
                    codes.add(hook("127.0.0.2", port, "values", Map.of("X-Gitlab-Token", "guess-" + i)).status());
                }
                System.out.printf("ApiLockoutIT: 200 wrong webhook tokens from one client in %.0f ms: %d refused 401, "
                        + "%d throttled 429%n", (System.nanoTime() - started) / 1e6,
                        codes.stream().filter(c -> c == 401).count(), codes.stream().filter(c -> c == 429).count());
                assertThat(codes.subList(0, ClientLimits.WEBHOOK_FAILURES)).containsOnly(401);
                assertThat(codes.subList(ClientLimits.WEBHOOK_FAILURES, codes.size())).containsOnly(429);
                RawHttp.Answer right = hook("127.0.0.2", port, "values", Map.of("X-Gitlab-Token", "hook-secret"));
                assertThat(right.status()).as("the right token too, while the client's window lasts").isEqualTo(429);
                assertThat(right.header("retry-after")).isNotNull();
                assertThat(hook("127.0.0.4", port, "values", Map.of("X-Gitlab-Token", "hook-secret")).status())
                        .as("another client").isEqualTo(202);

                // many clients guessing one source: the source is throttled, for everyone
                int failures = ClientLimits.WEBHOOK_FAILURES;
                int first429 = -1;
                for (int client = 0; client < 20 && first429 < 0; client++) {
                    for (int i = 0; i < ClientLimits.WEBHOOK_FAILURES; i++) {
                        int status = hook("127.0.1." + (client + 1), port, "values",
                                Map.of("X-Gitlab-Token", "spread-" + client + "-" + i)).status();
                        if (status == 429) {
                            first429 = failures;
                            break;
                        }
                        assertThat(status).isEqualTo(401);
                        failures++;
                    }
                }
                assertThat(first429).as("failed proofs of the source before it was throttled")
                        .isEqualTo(ClientLimits.SOURCE_FAILURES);
                assertThat(hook("127.0.2.1", port, "values", Map.of("X-Gitlab-Token", "hook-secret")).status())
                        .as("a new client, while the source's window lasts").isEqualTo(429);
                assertThat(hook("127.0.2.1", port, "other", Map.of("X-Gitlab-Token", "hook-secret")).status())
                        .as("another source").isEqualTo(202);
            }
        }
    }

    private static RawHttp.Answer hook(String from, int port, String source, Map<String, String> proof)
            throws Exception {
        Map<String, String> headers = new java.util.LinkedHashMap<>(proof);
        headers.put("Content-Type", "application/json");
        return RawHttp.send(from, port, "POST", "/api/v1/webhooks/" + source, headers,
                "{\"ref\": \"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8));
    }
}
