package io.driftless.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The fleet reloaded while the service runs, from its file and from Git: what it adds starts without the others
 * being synced again, what fails validation changes nothing and is reported with file and line, and what it
 * removes is left in place unless the fleet says {@code pruneRemovedTargets}.
 */
class FleetReloadIT {

    @TempDir
    Path tmp;

    private static final String SOURCE = "sources: [{name: values, url: %s, pollInterval: 1h, "
            + "auth: {username: %s, passwordEnv: PW}}]\n";

    private static String fleet(GitHttpServer git, String clusters, String extra) {
        return SOURCE.formatted(git.url(), GitHttpServer.USER) + "clusters: [" + clusters + "]\n" + """
                releases:
                  - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [values.yaml]}
                """ + extra;
    }

    private static final String DEV = "{name: dev, embedded: true}";
    private static final String DEV_AND_LAB = "{name: dev, embedded: true}, {name: lab, embedded: true}";

    @Test
    void aFleetFileThatChangesIsAppliedWhileTheServiceRuns() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Path file = tmp.resolve("fleet.yaml");
            Files.writeString(file, fleet(git, DEV, ""));
            FleetReloads.Origin origin = FleetReloads.file(file, Duration.ofHours(1));
            FleetReloads.Read first = origin.read();
            try (DriftlessService service = DriftlessService.start(origin.parse(first), settings());
                 FleetReloads reloads = new FleetReloads(origin, first.revision(), service, Clock.systemUTC())) {
                awaitSynced(service, "dev/prefect");
                TargetStatus dev = settled(service, "dev/prefect");

                // a cluster joins: its target starts; the running one is not synced again
                Files.writeString(file, fleet(git, DEV_AND_LAB, ""));
                reloads.check();
                JsonNode status = fleetStatus(service);
                assertThat(status.at("/lastReload/result").asText()).isEqualTo("applied");
                assertThat(status.at("/lastReload/change").asText()).contains("clusters added: lab",
                        "targets added: lab/prefect");
                assertThat(status.at("/targets").asInt()).isEqualTo(2);
                awaitSynced(service, "lab/prefect");
                KubernetesClient lab = service.clusters().client("lab");
                assertThat(lab.apps().deployments().inNamespace("prefect").withName("prefect-server").get()).isNotNull();
                settled(service, "lab/prefect");
                assertThat(service.board().get("dev/prefect").lastSync()).as("dev was not synced again")
                        .isEqualTo(dev.lastSync());
                assertThat(service.metrics().scrape()).contains("driftless_fleet_reloads_total{result=\"applied\"} 1.0");

                // a broken edit changes nothing and says where it is broken
                Files.writeString(file, fleet(git, DEV, "pruneRemovedTargets: maybe\nsurprise: 1\n"));
                reloads.check();
                status = fleetStatus(service);
                assertThat(status.at("/lastReload/result").asText()).isEqualTo("failed");
                assertThat(status.at("/lastReload/problems").toString()).contains(file + ":6", "pruneRemovedTargets",
                        file + ":7", "surprise");
                assertThat(status.at("/targets").asInt()).isEqualTo(2);
                assertThat(service.board().get("lab/prefect")).isNotNull();
                assertThat(service.metrics().scrape()).contains("driftless_fleet_reload_failing 1.0");

                // a target removed from the fleet is left in place when the fleet does not say otherwise
                Files.writeString(file, fleet(git, DEV_AND_LAB, "").replace("source: values,",
                        "source: values, clusters: {names: [dev]},"));
                reloads.check();
                status = fleetStatus(service);
                assertThat(status.at("/lastReload/result").asText()).isEqualTo("applied");
                assertThat(status.at("/lastReload/removed/0").asText()).isEqualTo("lab/prefect: removed from the "
                        + "fleet; its objects are left in place (pruneRemovedTargets is false)");
                assertThat(service.board().get("lab/prefect")).isNull();
                assertThat(service.board().all()).hasSize(1);
                assertThat(service.metrics().scrape()).contains("driftless_fleet_reload_failing 0.0")
                        .doesNotContain("driftless_target_in_sync{cluster=\"lab\"")
                        .as("its counters go too: alerts do not look back over a removed target")
                        .doesNotContain("driftless_sync_total{cluster=\"lab\"")
                        .contains("driftless_sync_total{cluster=\"dev\",release=\"prefect\",result=\"success\"}");
                assertThat(lab.apps().deployments().inNamespace("prefect").withName("prefect-server").get()).isNotNull();

                // a cluster that leaves is disconnected
                Files.writeString(file, fleet(git, DEV, ""));
                reloads.check();
                assertThat(fleetStatus(service).at("/lastReload/change").asText()).startsWith("clusters removed: lab;");
                assertThat(service.clusters().reachability("lab")).isNull();
                assertThat(service.metrics().scrape()).doesNotContain("driftless_cluster_reachable{cluster=\"lab\"");
            }
        }
    }

    @Test
    void aTargetRemovedFromAFleetThatSaysPruneRemovedTargetsIsPruned() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Path file = tmp.resolve("fleet.yaml");
            Files.writeString(file, fleet(git, DEV_AND_LAB, ""));
            FleetReloads.Origin origin = FleetReloads.file(file, Duration.ofHours(1));
            FleetReloads.Read first = origin.read();
            try (DriftlessService service = DriftlessService.start(origin.parse(first), settings());
                 FleetReloads reloads = new FleetReloads(origin, first.revision(), service, Clock.systemUTC())) {
                awaitSynced(service, "lab/prefect");
                KubernetesClient lab = service.clusters().client("lab");
                assertThat(lab.apps().deployments().inNamespace("prefect").withName("prefect-server").get()).isNotNull();

                Files.writeString(file, fleet(git, DEV_AND_LAB, "pruneRemovedTargets: true\n")
                        .replace("source: values,", "source: values, clusters: {names: [dev]},"));
                reloads.check();
                JsonNode status = fleetStatus(service);
                assertThat(status.at("/lastReload/result").asText()).as(status.toString()).isEqualTo("applied");
                assertThat(status.at("/lastReload/removed/0").asText()).startsWith("lab/prefect: removed from the "
                        + "fleet; pruned ").doesNotContain("kept");
                assertThat(lab.apps().deployments().inNamespace("prefect").withName("prefect-server").get()).isNull();
                assertThat(lab.configMaps().inNamespace("prefect").withName("driftless-inventory-prefect").get())
                        .as("the inventory goes with the objects").isNull();
                assertThat(service.clusters().client("dev").apps().deployments().inNamespace("prefect")
                        .withName("prefect-server").get()).as("the other target is untouched").isNotNull();
            }
        }
    }

    @Test
    void aFleetInGitIsReloadedWhenItsCommitChanges() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("fleet", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE,
                    "fleet/fleet.yaml", fleet(git, DEV, "")));
            Path pointer = tmp.resolve("pointer.yaml");
            Files.writeString(pointer, """
                    fleetSource: {url: %s, path: fleet/fleet.yaml, pollInterval: 1h,
                                  auth: {username: %s, passwordEnv: PW}}
                    """.formatted(git.url(), GitHttpServer.USER));
            Path secrets = Files.createDirectories(tmp.resolve("fleet-secrets"));
            FleetReloads.Origin origin = FleetReloads.git(FleetLoader.fleetSource(pointer).orElseThrow(), pointer,
                    tmp.resolve("fleet-cache"), Map.of("PW", GitHttpServer.PASSWORD),
                    io.driftless.config.FleetTrust.git(List.of("PW"), secrets, null, null));
            FleetReloads.Read first = origin.read();
            assertThat(first.fileName()).startsWith("fleet/fleet.yaml@");
            try (DriftlessService service = DriftlessService.start(origin.parse(first), settings());
                 FleetReloads reloads = new FleetReloads(origin, first.revision(), service, Clock.systemUTC())) {
                awaitSynced(service, "dev/prefect");
                String commit = git.commit("add lab", Map.of("fleet/fleet.yaml", fleet(git, DEV_AND_LAB, "")));
                reloads.check();
                JsonNode status = fleetStatus(service);
                assertThat(status.at("/revision").asText()).isEqualTo(commit);
                assertThat(status.at("/origin").asText()).contains("//fleet/fleet.yaml");
                awaitSynced(service, "lab/prefect");

                git.commit("break it", Map.of("fleet/fleet.yaml", "clusters: [{name: Lab!, embedded: true}]\n"));
                reloads.check();
                status = fleetStatus(service);
                assertThat(status.at("/lastReload/result").asText()).isEqualTo("failed");
                assertThat(status.at("/lastReload/problems").toString()).contains("fleet/fleet.yaml@", ":1", "Lab!");
                assertThat(status.at("/revision").asText()).as("the running fleet's commit").isEqualTo(commit);
                assertThat(service.board().all()).hasSize(2);

                // a fleet committer reaches for the service's own secrets and the host's files
                git.commit("reach out", Map.of("fleet/fleet.yaml", fleet(git, DEV_AND_LAB, """
                        notifications: [{name: exfiltrate, urlEnv: DRIFTLESS_API_AUTH}]
                        """).replace("passwordEnv: PW", "passwordFile: /etc/passwd")
                        .replace("{name: lab, embedded: true}", "{name: lab, kubeconfig: ../state/charts/x/evil.tgz}")
                        .replace(git.url(), "file://" + tmp.resolve("fleet-cache")))); // Driftless's own cache
                reloads.check();
                status = fleetStatus(service);
                assertThat(status.at("/lastReload/result").asText()).isEqualTo("failed");
                assertThat(status.at("/lastReload/problems").toString()).contains(
                        "sources[0].url: a fleet from Git may name Git repositories on this machine in the local "
                                + "sources folder only, and none is set (start Driftless with --local-sources-dir), "
                                + "not " + tmp.resolve("fleet-cache"),
                        "sources[0].auth.passwordFile: a fleet from Git may name files in " + secrets
                                + " only, not /etc/passwd",
                        "notifications[0].urlEnv: a fleet from Git may name environment variables starting with PW "
                                + "only, not DRIFTLESS_API_AUTH",
                        "clusters[1].kubeconfig: a fleet from Git may name kubeconfig files in " + tmp + " only");
                assertThat(status.at("/revision").asText()).isEqualTo(commit);
            }
        }
    }

    /**
     * Issue 26: a fleet change to what feeds a render (here the release's values list) at the same commit is applied
     * by the next sync, not hidden by the render cached for the old list; and a layer that is missing fails the
     * target at once, instead of leaving it Synced until an unrelated commit.
     */
    @Test
    void aChangedValuesListIsAppliedAtTheSameCommitAndABrokenLayerFailsAtOnce() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE,
                    "debug.yaml", "server: {loggingLevel: DEBUG}\n"));
            Path file = tmp.resolve("fleet.yaml");
            Files.writeString(file, fleet(git, DEV, ""));
            FleetReloads.Origin origin = FleetReloads.file(file, Duration.ofHours(1));
            FleetReloads.Read first = origin.read();
            try (DriftlessService service = DriftlessService.start(origin.parse(first), settings());
                 FleetReloads reloads = new FleetReloads(origin, first.revision(), service, Clock.systemUTC())) {
                awaitSynced(service, "dev/prefect");
                settled(service, "dev/prefect");
                KubernetesClient dev = service.clusters().client("dev");
                assertThat(loggingLevel(dev)).isEqualTo("WARNING");
                String commit = service.board().get("dev/prefect").revision();

                Files.writeString(file, fleet(git, DEV, "").replace("values: [values.yaml]",
                        "values: [values.yaml, debug.yaml]"));
                reloads.check();
                assertThat(fleetStatus(service).at("/lastReload/change").asText()).contains("targets changed: dev/prefect");
                await("the new layer applied").atMost(Duration.ofSeconds(30)).until(() -> "DEBUG".equals(loggingLevel(dev)));
                TargetStatus applied = awaitSynced(service, "dev/prefect");
                assertThat(applied.revision()).as("the same commit").isEqualTo(commit);

                Files.writeString(file, fleet(git, DEV, "").replace("values: [values.yaml]",
                        "values: [values.yaml, debug.yaml, missing.yaml]"));
                reloads.check();
                await("the missing layer fails the target").atMost(Duration.ofSeconds(10)).until(() ->
                        service.board().get("dev/prefect").syncState() == SyncState.Failed);
                assertThat(service.board().get("dev/prefect").lastError()).contains("missing.yaml", "does not exist");
                assertThat(loggingLevel(dev)).as("the last good state stays").isEqualTo("DEBUG");
            }
        }
    }

    private static String loggingLevel(KubernetesClient dev) {
        return dev.apps().deployments().inNamespace("prefect").withName("prefect-server").get().getSpec().getTemplate()
                .getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("PREFECT_LOGGING_SERVER_LEVEL")).findFirst().orElseThrow().getValue();
    }

    /**
     * Issue 26: a fleet that makes the loader throw something unexpected (a duration too large for a number) is a
     * failed reload with its reason, and later reloads still happen: the reload loop survives any exception.
     */
    @Test
    void aFleetThatBreaksTheLoaderIsAFailedReloadAndLaterReloadsStillHappen() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Path file = tmp.resolve("fleet.yaml");
            Files.writeString(file, fleet(git, DEV, ""));
            FleetReloads.Origin origin = FleetReloads.file(file, Duration.ofMillis(200));
            FleetReloads.Read first = origin.read();
            try (DriftlessService service = DriftlessService.start(origin.parse(first), settings());
                 FleetReloads reloads = new FleetReloads(origin, first.revision(), service, Clock.systemUTC())
                         .start()) {
                awaitSynced(service, "dev/prefect");
                Files.writeString(file, fleet(git, DEV, "").replace("pollInterval: 1h",
                        "pollInterval: 99999999999999999999h"));
                await("the failed reload").atMost(Duration.ofSeconds(10)).until(() ->
                        "failed".equals(fleetStatus(service).at("/lastReload/result").asText()));
                JsonNode status = fleetStatus(service);
                assertThat(status.at("/lastReload/problems").toString()).contains(file + ":1",
                        "sources[0].pollInterval", "99999999999999999999h");
                assertThat(service.metrics().scrape()).contains("driftless_fleet_reload_failing 1.0");

                // the loop goes on: a later, good fleet is applied without a restart
                Files.writeString(file, fleet(git, DEV_AND_LAB, ""));
                await("the next reload").atMost(Duration.ofSeconds(10)).until(() ->
                        "applied".equals(fleetStatus(service).at("/lastReload/result").asText()));
                awaitSynced(service, "lab/prefect");
                assertThat(service.metrics().scrape()).contains("driftless_fleet_reload_failing 0.0");
            }
        }
    }

    /** Whatever a reload throws, the loop records it as a failed reload with its reason and keeps checking. */
    @Test
    void anyExceptionOfAReloadIsAFailedReloadAndTheLoopGoesOn() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Path file = tmp.resolve("fleet.yaml");
            Files.writeString(file, fleet(git, DEV, ""));
            FleetReloads.Origin real = FleetReloads.file(file, Duration.ofMillis(200));
            java.util.concurrent.atomic.AtomicBoolean explode = new java.util.concurrent.atomic.AtomicBoolean(true);
            FleetReloads.Origin exploding = new FleetReloads.Origin() {
                @Override
                public String describe() {
                    return real.describe();
                }

                @Override
                public Duration interval() {
                    return real.interval();
                }

                @Override
                public FleetReloads.Read read() {
                    return real.read();
                }

                @Override
                public io.driftless.config.Fleet parse(FleetReloads.Read read) {
                    if (explode.get()) {
                        throw new StackOverflowError("deep inside the loader");
                    }
                    return real.parse(read);
                }
            };
            FleetReloads.Read first = real.read();
            try (DriftlessService service = DriftlessService.start(real.parse(first), settings());
                 FleetReloads reloads = new FleetReloads(exploding, first.revision(), service, Clock.systemUTC())
                         .start()) {
                awaitSynced(service, "dev/prefect");
                Files.writeString(file, fleet(git, DEV_AND_LAB, ""));
                await("the failed reload").atMost(Duration.ofSeconds(10)).until(() ->
                        "failed".equals(fleetStatus(service).at("/lastReload/result").asText()));
                assertThat(fleetStatus(service).at("/lastReload/problems").toString())
                        .contains("StackOverflowError", "deep inside the loader");
                explode.set(false);
                Files.writeString(file, fleet(git, DEV_AND_LAB, "") + "# touched\n");
                await("the next reload").atMost(Duration.ofSeconds(10)).until(() ->
                        "applied".equals(fleetStatus(service).at("/lastReload/result").asText()));
            }
        }
    }

    private DriftlessService.Settings settings() {
        return new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                Map.of("PW", GitHttpServer.PASSWORD));
    }

    private static TargetStatus awaitSynced(DriftlessService service, String target) {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().get(target) != null
                && service.board().get(target).syncState() == SyncState.Synced);
        return service.board().get(target);
    }

    /** The target's status once no sync has touched it for a second (the echoes of its own writes compared). */
    private static TargetStatus settled(DriftlessService service, String target) {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> last = new java.util.concurrent.atomic
                .AtomicReference<>();
        await("no sync of " + target + " for a second").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    java.time.Instant now = service.board().get(target).lastSync();
                    return now.equals(last.getAndSet(now));
                });
        return service.board().get(target);
    }

    private static JsonNode fleetStatus(DriftlessService service) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + service.httpPort() + "/api/v1/fleet")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body());
    }
}
