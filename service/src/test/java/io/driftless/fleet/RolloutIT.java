package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.driftless.testing.TestCharts;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Progressive delivery in the running service, on in-memory clusters: a new commit goes wave by wave after the
 * release it depends on, a Degraded canary halts it, and a deny window defers it to the window's end.
 */
class RolloutIT {

    private static final String CLUSTERS = """
            clusters:
              - {name: dev-1, embedded: true, labels: {env: dev}}
              - {name: stage-1, embedded: true, labels: {env: staging}}
              - {name: stage-2, embedded: true, labels: {env: staging}}
              - {name: prod-1, embedded: true, labels: {env: prod}}
            """;

    @TempDir
    Path tmp;

    @Test
    void aCommitGoesWaveByWaveAfterItsDependencyAndADegradedCanaryHaltsTheNextOne() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            String v1 = git.commit("v1", Map.of("db/db.yaml", TestCharts.configMap("db", "1"), "app/app.yaml", TestCharts.configMap("app", "1")));
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    """.formatted(git.url(), GitHttpServer.USER) + CLUSTERS + """
                    releases:
                      - {name: db, namespace: db, chart: {manifests: db}, source: values}
                      - name: app
                        namespace: app
                        chart: {manifests: app}
                        source: values
                        dependsOn: [{release: db}]
                        syncPolicy: {selfHeal: true}
                        rollout:
                          waves:
                            - {name: canary, clusters: {matchLabels: {env: dev}}}
                            - {name: staging, clusters: {matchLabels: {env: staging}}, maxParallel: 1}
                            - {name: prod, clusters: {matchLabels: {env: prod}}}
                          healthyFor: 1s
                    """).getBytes(StandardCharsets.UTF_8), tmp);
            ClusterConnections clusters = new ClusterConnections(fleet.clusters());
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD),
                    io.driftless.api.ApiCredentials.of("admin:pw"), null), clusters)) {
                List<String> apps = List.of("dev-1/app", "stage-1/app", "stage-2/app", "prod-1/app");
                List<List<String>> waves = List.of(List.of("dev-1/app"), List.of("stage-1/app", "stage-2/app"),
                        List.of("prod-1/app"));
                await().atMost(Duration.ofSeconds(60)).until(() -> apps.stream().allMatch(id ->
                        service.board().get(id).syncState() == SyncState.Synced
                                && "Healthy".equals(service.board().get(id).health())));
                assertInOrder(service, waves);

                // the plan a preview shows: waves in order, how many at once, what they wait for
                String plan = run(service, "diff", "--revision", v1).out();
                assertThat(plan).contains("rollout of app at " + v1.substring(0, 12) + ", each wave Healthy for 1s "
                        + "before the next, after db:\n  canary (1 at once): dev-1/app\n  staging (1 at once): "
                        + "stage-1/app, stage-2/app\n  prod (1 at once): prod-1/app\n", "rollout of db at "
                        + v1.substring(0, 12) + ":\n  all (4 at once): dev-1/db, stage-1/db, stage-2/db, prod-1/db\n");

                String v2 = git.commit("v2", Map.of("app/app.yaml", TestCharts.configMap("app", "2")));
                service.refresh("values");
                await().atMost(Duration.ofSeconds(60)).until(() -> apps.stream().allMatch(id ->
                        v2.equals(service.board().get(id).revision())
                                && "Healthy".equals(service.board().get(id).health())));
                assertInOrder(service, waves);

                // the canary's Deployment never becomes available: the rollout stops before staging
                String v3 = git.commit("v3", Map.of("app/web.yaml", TestCharts.webDeployment("{}")));
                service.refresh("values");
                await().atMost(Duration.ofSeconds(30)).until(() -> v3.equals(service.board().get("dev-1/app")
                        .revision()));
                try (KubernetesClient dev = client(clusters, "dev-1")) {
                    dev.apps().deployments().inNamespace("app").withName("web").editStatus(d -> {
                        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata()
                                .getGeneration()).withConditions(new DeploymentCondition(null, null,
                                "ReplicaSet web has timed out progressing.", "ProgressDeadlineExceeded", "False",
                                "Progressing")).build());
                        return d;
                    });
                }
                TargetStatus halted = await().atMost(Duration.ofSeconds(30))
                        .until(() -> service.board().get("stage-1/app"), s -> s.summary().contains("halted"));
                assertThat(halted.syncState()).isEqualTo(SyncState.Waiting);
                assertThat(service.metrics().scrape()).contains("driftless_target_waiting{cluster=\"stage-1\","
                        + "gate=\"halted\",release=\"app\"} 1.0", "driftless_target_waiting{cluster=\"stage-1\","
                        + "gate=\"wave\",release=\"app\"} 0.0");
                assertThat(halted.revision()).as("staging keeps the commit it has").isEqualTo(v2);
                // drift of a held target is healed to the commit it has, not to the one held back
                try (KubernetesClient stage = client(clusters, "stage-1")) {
                    stage.configMaps().inNamespace("app").withName("app").edit(cm -> {
                        cm.getData().put("version", "drifted");
                        return cm;
                    });
                    await().atMost(Duration.ofSeconds(30)).until(() -> "2".equals(stage.configMaps()
                            .inNamespace("app").withName("app").get().getData().get("version")));
                    assertThat(stage.apps().deployments().inNamespace("app").withName("web").get())
                            .as("nothing of the held commit is applied").isNull();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> service.board().get("stage-1/app"),
                        s -> s.syncState() == SyncState.Waiting && s.summary().contains("halted")
                                && "Healthy".equals(s.health()) && v2.equals(s.revision()));
                assertThat(halted.summary()).startsWith("commit " + v3.substring(0, 12)
                        + " waits: the rollout halted: dev-1/app is Degraded (Deployment/app/web Degraded");
                assertThat(service.board().get("prod-1/app").syncState()).isEqualTo(SyncState.Waiting);
                assertThat(service.board().get("prod-1/app").revision()).isEqualTo(v2);
                assertThat(cli(service, "status")).contains("release app: Halted at commit " + v3.substring(0, 12))
                        .containsPattern("canary +dev-1/app +Synced +Degraded")
                        .containsPattern("staging +stage-1/app +Waiting +Healthy +commit " + v3.substring(0, 12)
                                + " waits: the rollout halted");

                // resumed: staging goes past the Degraded canary, one target at a time
                assertThat(cli(service, "resume")).contains("release app: Progressing at commit "
                        + v3.substring(0, 12) + " (resumed)");
                List<String> staging = List.of("stage-1/app", "stage-2/app");
                String first = await().atMost(Duration.ofSeconds(30)).until(() -> staging.stream()
                        .filter(id -> v3.equals(service.board().get(id).revision())).findFirst().orElse(null),
                        java.util.Objects::nonNull);
                String second = staging.get(staging.indexOf(first) == 0 ? 1 : 0);
                TargetStatus waits = await().atMost(Duration.ofSeconds(30)).until(() ->
                        service.board().get(second), s -> s.summary().contains("on their way"));
                assertThat(waits.revision()).as(first + "'s Deployment never becomes available here").isEqualTo(v2);

                // aborted: the targets not reached keep v2 and say why
                assertThat(cli(service, "abort")).contains("release app: Aborted at commit " + v3.substring(0, 12));
                await().atMost(Duration.ofSeconds(30)).until(() -> service.board().get(second).summary()
                        .contains("was aborted"));
                assertThat(service.board().get("prod-1/app").summary()).contains("was aborted");
                assertThat(service.board().get("prod-1/app").revision()).isEqualTo(v2);

                // one notice per rollout, not per target: Events in the first target's cluster
                try (KubernetesClient dev = client(clusters, "dev-1")) {
                    List<String> told = await().atMost(Duration.ofSeconds(10)).until(() -> dev.v1().events()
                            .inNamespace("app").list().getItems().stream().filter(e -> e.getReason()
                                    .startsWith("Rollout")).sorted(java.util.Comparator.comparing(
                                            io.fabric8.kubernetes.api.model.Event::getFirstTimestamp))
                            .map(e -> e.getReason() + " " + e.getMessage()).toList(), l -> l.size() >= 6);
                    assertThat(told).hasSize(6);
                    assertThat(told.get(0)).isEqualTo("RolloutStarted rollout of commit " + v1.substring(0, 12)
                            + " started");
                    assertThat(told.get(1)).startsWith("RolloutCompleted rollout of commit " + v1.substring(0, 12)
                            + " complete: every target Synced and Healthy after ").containsPattern(
                                    ": canary \\d+ s; staging \\d+ s; prod \\d+ s$");
                    assertThat(told.get(2)).startsWith("RolloutStarted rollout of commit " + v2.substring(0, 12));
                    assertThat(told.get(3)).startsWith("RolloutCompleted rollout of commit " + v2.substring(0, 12));
                    assertThat(told.get(4)).startsWith("RolloutStarted rollout of commit " + v3.substring(0, 12));
                    assertThat(told.get(5)).startsWith("RolloutHalted rollout of commit " + v3.substring(0, 12)
                            + " halted: dev-1/app is Degraded (Deployment/app/web Degraded");
                }
                assertThat(service.metrics().scrape()).contains(
                        "driftless_rollout_state{release=\"app\",state=\"Aborted\"} 1.0",
                        "driftless_rollout_state{release=\"app\",state=\"Halted\"} 0.0",
                        "driftless_rollout_wave_duration_seconds_count{release=\"app\",wave=\"staging\"} 2");
            }
        }
    }

    /** Each wave's targets synced after every target of the wave before it was Synced. */
    private static void assertInOrder(DriftlessService service, List<List<String>> waves) {
        Instant before = Instant.MIN;
        for (List<String> wave : waves) {
            Instant last = before;
            for (String id : wave) {
                Instant at = service.board().get(id).lastSuccess();
                assertThat(at).as(id + " synced after the wave before it").isAfter(before);
                last = at.isAfter(last) ? at : last;
            }
            before = last;
        }
    }

    @Test
    void aDenyWindowDefersACommitThatIsAppliedOnceTheWindowEnds() throws Exception {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        if (now.getSecond() > 45) { // a window of the current minute: leave time for the service to start in it
            Thread.sleep((61 - now.getSecond()) * 1000L);
            now = ZonedDateTime.now(ZoneOffset.UTC);
        }
        Instant ends = now.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1).toInstant();
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            String v1 = git.commit("v1", Map.of("app/app.yaml", TestCharts.configMap("app", "1")));
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: prod-1, embedded: true, labels: {env: prod}}]
                    releases:
                      - {name: app, namespace: app, chart: {manifests: app}, source: values}
                    syncWindows:
                      - {kind: deny, schedule: "%d %d * * *", duration: 1m, clusters: {matchLabels: {env: prod}}}
                    """).formatted(git.url(), GitHttpServer.USER, now.getMinute(), now.getHour())
                    .getBytes(StandardCharsets.UTF_8), tmp);
            try (DriftlessService service = OneRelease.start(fleet, tmp, new ClusterConnections(fleet.clusters()))) {
                TargetStatus waiting = await().atMost(Duration.ofSeconds(30))
                        .until(() -> service.board().get("prod-1/app"), s -> s.syncState() == SyncState.Waiting);
                assertThat(waiting.summary()).isEqualTo("commit " + v1.substring(0, 12) + " waits: in a deny window "
                        + "until " + ends);
                String shown = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + service.httpPort() + "/api/v1/targets/prod-1/app"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                com.fasterxml.jackson.databind.JsonNode window = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(shown).path("windows").path(0);
                assertThat(window.path("kind").asText()).isEqualTo("deny");
                assertThat(window.path("openUntil").asText()).as("the API shows the open window and its end")
                        .isEqualTo(ends.toString());
                assertThat(Instant.parse(window.path("nextOpening").asText())).isAfter(ends);
                io.vertx.core.json.JsonObject preview = (io.vertx.core.json.JsonObject) service.vertx().eventBus()
                        .request(FleetVerticle.PREVIEW, new io.vertx.core.json.JsonObject().put("source", "values")
                                .put("ref", v1)).toCompletionStage().toCompletableFuture()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS).body();
                io.vertx.core.json.JsonObject planned = preview.getJsonArray("rollouts").getJsonObject(0)
                        .getJsonArray("waves").getJsonObject(0).getJsonArray("targets").getJsonObject(0);
                assertThat(planned.getString("target")).isEqualTo("prod-1/app");
                assertThat(planned.getString("gate")).as("the preview names the window that delays it")
                        .isEqualTo("window");
                assertThat(planned.getString("reason")).isEqualTo("in a deny window until " + ends);
                Throwable refused = service.vertx().eventBus().request(FleetVerticle.SYNC,
                        new io.vertx.core.json.JsonObject().put("target", "prod-1/app")).toCompletionStage()
                        .toCompletableFuture().handle((answer, failure) -> failure).get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(refused).as("a manual sync is refused: the window does not say manualSync")
                        .hasMessageContaining("in a deny window");
                TargetStatus synced = await().atMost(Duration.ofSeconds(90))
                        .until(() -> service.board().get("prod-1/app"), s -> s.syncState() == SyncState.Synced);
                assertThat(synced.revision()).isEqualTo(v1);
                assertThat(synced.lastSuccess()).as("applied once the window ended, without a poll")
                        .isAfterOrEqualTo(ends).isBefore(ends.plusSeconds(10));
            }
        }
    }

    @Test
    void aRollbackPinsATargetHealsItToThePinnedCommitAndLeavesEverythingElseSyncing() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            String v1 = git.commit("v1", Map.of("app/app.yaml", TestCharts.configMap("app", "1"),
                    "other/other.yaml", TestCharts.configMap("other", "1")));
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters:
                      - {name: dev-1, embedded: true}
                      - {name: prod-1, embedded: true}
                    releases:
                      - {name: app, namespace: app, chart: {manifests: app}, source: values, syncPolicy: {selfHeal: true}}
                      - {name: other, namespace: other, chart: {manifests: other}, source: values}
                    """).formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
            ClusterConnections clusters = new ClusterConnections(fleet.clusters());
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD),
                    io.driftless.api.ApiCredentials.of("admin:pw"), null), clusters)) {
                awaitRevision(service, v1, "dev-1/app", "prod-1/app", "prod-1/other");
                String v2 = git.commit("v2", Map.of("app/app.yaml", TestCharts.configMap("app", "2")));
                service.refresh("values");
                awaitRevision(service, v2, "dev-1/app", "prod-1/app");

                CliRun refused = run(service, "rollback", "prod-1/app", "--to", "0123456789ab");
                assertThat(refused.code()).isNotZero();
                assertThat(refused.err()).contains("prod-1/app never synced commit 0123456789ab; it synced "
                        + v2.substring(0, 12) + ", " + v1.substring(0, 12));

                CliRun pinned = run(service, "rollback", "prod-1/app", "--to", v1.substring(0, 7));
                assertThat(pinned.code()).as(pinned.err()).isZero();
                assertThat(pinned.out()).containsPattern("prod-1 +app +" + v1.substring(0, 12) + " +false");
                awaitRevision(service, v1, "prod-1/app");
                try (KubernetesClient prod = client(clusters, "prod-1")) {
                    assertThat(prod.configMaps().inNamespace("app").withName("app").get().getData())
                            .containsEntry("version", "1");
                    // drift is healed to the pinned commit, not to the newest
                    prod.configMaps().inNamespace("app").withName("app").edit(cm -> {
                        cm.getData().put("version", "drifted");
                        return cm;
                    });
                    await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(prod.configMaps().inNamespace("app")
                            .withName("app").get().getData().get("version")));
                }
                assertThat(service.board().get("dev-1/app").revision()).isEqualTo(v2);

                // a newer commit reaches everything but the pinned target
                String v3 = git.commit("v3", Map.of("app/app.yaml", TestCharts.configMap("app", "3"),
                        "other/other.yaml", TestCharts.configMap("other", "3")));
                service.refresh("values");
                awaitRevision(service, v3, "dev-1/app", "prod-1/other");
                assertThat(service.board().get("prod-1/app").revision()).isEqualTo(v1);
                assertThat(service.board().get("prod-1/app").syncState()).isEqualTo(SyncState.Synced);
                com.fasterxml.jackson.databind.JsonNode shown = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(get(service, "/api/v1/targets/prod-1/app"));
                assertThat(shown.path("pin").path("revision").asText()).isEqualTo(v1);
                assertThat(shown.path("pin").path("newestAtPin").asText()).isEqualTo(v2);

                CliRun unpinned = run(service, "unpin", "prod-1/app");
                assertThat(unpinned.code()).as(unpinned.err()).isZero();
                awaitRevision(service, v3, "prod-1/app");
                assertThat(get(service, "/api/v1/targets/prod-1/app")).doesNotContain("\"pin\"");

                // release-wide, until the next commit: the fix lifts the pin by itself
                CliRun release = run(service, "rollback", "app", "--to", v2, "--until-newer");
                assertThat(release.code()).as(release.err()).isZero();
                assertThat(release.out()).containsPattern("dev-1 +app +" + v2.substring(0, 12) + " +true")
                        .containsPattern("prod-1 +app +" + v2.substring(0, 12) + " +true");
                awaitRevision(service, v2, "dev-1/app", "prod-1/app");
                String v4 = git.commit("v4", Map.of("app/app.yaml", TestCharts.configMap("app", "4")));
                service.refresh("values");
                awaitRevision(service, v4, "dev-1/app", "prod-1/app");
                assertThat(get(service, "/api/v1/targets/dev-1/app")).doesNotContain("\"pin\"");
                assertThat(java.nio.file.Files.readString(tmp.resolve("state/pins.json")))
                        .as("the pins are kept in the state folder, so a restart keeps them").isEqualTo("{}");
            }
        }
    }

    private static void awaitRevision(DriftlessService service, String commit, String... targets) {
        await().atMost(Duration.ofSeconds(60)).until(() -> java.util.Arrays.stream(targets).map(service.board()::get)
                .allMatch(s -> commit.equals(s.revision()) && s.syncState() == SyncState.Synced));
    }

    private static String get(DriftlessService service, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + service.httpPort() + path)).header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private record CliRun(int code, String out, String err) {
    }

    /** A {@code driftless} command line against the service, with an admin's credentials. */
    private CliRun run(DriftlessService service, String... args) throws Exception {
        Path token = tmp.resolve("token");
        java.nio.file.Files.writeString(token, "admin:pw");
        java.nio.file.Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString(
                "rw-------"));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        List<String> line = new java.util.ArrayList<>(List.of(args));
        line.addAll(List.of("--server", "http://127.0.0.1:" + service.httpPort(), "--token-file", token.toString()));
        int code = io.driftless.app.Main.run(line.toArray(String[]::new), new java.io.PrintWriter(out),
                new java.io.PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** {@code driftless rollout ACTION app} against the service, as a table, with an admin's credentials. */
    private String cli(DriftlessService service, String action) throws Exception {
        CliRun run = run(service, "rollout", action, "app");
        assertThat(run.code()).as(run.err()).isZero();
        return run.out();
    }

    private static KubernetesClient client(ClusterConnections clusters, String cluster) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(clusters.embeddedUrls().get(cluster)).build()).build();
    }
}
