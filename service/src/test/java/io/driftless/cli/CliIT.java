package io.driftless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.driftless.api.ApiCredentials;
import io.driftless.app.DriftlessService;
import io.driftless.app.Main;
import io.driftless.config.Fleet;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;

/** Every client verb against a running service (an embedded cluster, a Git server), with its exit codes. */
class CliIT {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    private static Run driftless(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] with(String server, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server));
        return all.toArray(String[]::new);
    }

    @Test
    void theVerbsShowDiffSyncAndValidateWithExitCodesLikeKubectl() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Fleet fleet = OneRelease.fleet(git, tmp, "{name: dev, embedded: true}", "prefect", "{}");
            Path token = Files.writeString(tmp.resolve("token"), "admin:s3cret\n");
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD),
                    ApiCredentials.of("admin:s3cret").withAnonymousRead(true)))) {
                String server = "http://127.0.0.1:" + service.httpPort();
                await().atMost(Duration.ofSeconds(30)).until(() -> service.board().get("dev/prefect").syncState()
                        == SyncState.Synced);

                Run targets = driftless(with(server, "get", "targets"));
                assertThat(targets.code()).isZero();
                assertThat(targets.out().lines().toList()).hasSize(2);
                assertThat(targets.out()).startsWith("CLUSTER").containsPattern("dev\\s+prefect\\s+Synced");
                JsonNode target = ServiceClient.JSON.readTree(driftless(with(server, "get", "target", "dev/prefect",
                        "-o", "json")).out());
                assertThat(target.path("syncState").asText()).isEqualTo("Synced");
                assertThat(driftless(with(server, "get", "clusters")).out()).containsPattern("dev\\s+true");
                assertThat(driftless(with(server, "get", "clusters", "-o", "json")).out())
                        .contains("\"watching\"", "apps/v1/Deployment");
                assertThat(driftless(with(server, "get", "sources", "-o", "yaml")).out())
                        .contains("name: values", "url: " + git.url(), "webhook: false",
                                "revision: " + service.board().get("dev/prefect").revision());
                assertThat(driftless(with(server, "get", "fleet")).out()).contains("given at start");

                assertThat(driftless(with(server, "diff", "dev/prefect")).code()).as("no drift").isZero();
                service.clusters().client("dev").apps().deployments().inNamespace("prefect")
                        .withName("prefect-server").edit(d -> {
                            d.getSpec().setReplicas(5);
                            return d;
                        });
                Run drift = driftless(with(server, "diff"));
                assertThat(drift.code()).as("drift").isEqualTo(1);
                assertThat(drift.out()).containsPattern("dev/prefect\\s+OutOfSync\\s+1")
                        .contains("Deployment/prefect/prefect-server").contains("/spec/replicas: 5 -> 1");
                Run objects = driftless(with(server, "get", "objects", "dev/prefect"));
                assertThat(objects.code()).isZero();
                assertThat(objects.out()).startsWith("OBJECT").containsPattern(
                        "Deployment/prefect/prefect-server\\s+OutOfSync\\s+\\S+\\s+1")
                        .containsPattern("Service/prefect/prefect-server\\s+Synced\\s+Healthy\\s+0");
                Run one = driftless(with(server, "diff", "dev/prefect", "--object", "deployment/prefect-server"));
                assertThat(one.code()).as(one.err()).isEqualTo(1);
                assertThat(one.out()).contains("Deployment/prefect/prefect-server OutOfSync")
                        .contains("/spec/replicas: live 5, desired 1");
                Run yaml = driftless(with(server, "diff", "dev/prefect", "--object", "Deployment/prefect/prefect-server",
                        "-o", "yaml"));
                assertThat(yaml.out()).contains("desired:", "live:", "replicas: 5", "path: /spec/replicas");
                Run none = driftless(with(server, "diff", "dev/prefect", "--object", "Deployment/nothing"));
                assertThat(none.code()).isEqualTo(2);
                assertThat(none.err()).contains("dev/prefect has no object Deployment/nothing");

                Run refused = driftless(with(server, "sync", "dev/prefect"));
                assertThat(refused.code()).isEqualTo(2);
                assertThat(refused.err()).contains("credentials", "--token-file");
                Run synced = driftless(with(server, "sync", "dev/prefect", "--wait", "--token-file", token.toString()));
                assertThat(synced.code()).as(synced.err()).isZero();
                assertThat(synced.out()).containsPattern("dev\\s+prefect\\s+Synced");
                assertThat(driftless(with(server, "diff", "dev/prefect")).code()).as("healed").isZero();
                String branch = git.commitOnBranch("three-replicas", "three", Map.of("values.yaml",
                        OneRelease.EXTERNAL_DATABASE + "server: {replicaCount: 3}\n"));
                Run ahead = driftless(with(server, "diff", "dev/prefect", "--revision", "three-replicas",
                        "--token-file", token.toString()));
                assertThat(ahead.code()).as(ahead.out() + ahead.err()).isEqualTo(1);
                assertThat(ahead.out()).contains(branch.substring(0, 12)).contains("/spec/replicas: 1 -> 3");
                assertThat(driftless(with(server, "history", "dev/prefect")).out().lines().count())
                        .isGreaterThanOrEqualTo(3);
                assertThat(driftless(with(server, "refresh", "values", "--token-file", token.toString())).out())
                        .containsPattern("values\\s+refreshing");

                // a suspended target is neither synced nor healed, says so, and stays so until resumed
                Run suspended = driftless(with(server, "suspend", "dev/prefect", "--token-file", token.toString()));
                assertThat(suspended.out()).containsPattern("dev\\s+prefect\\s+true");
                service.clusters().client("dev").apps().deployments().inNamespace("prefect")
                        .withName("prefect-server").edit(d -> {
                            d.getSpec().setReplicas(4);
                            return d;
                        });
                Run refusedWhileSuspended = driftless(with(server, "sync", "dev/prefect", "--token-file",
                        token.toString()));
                assertThat(refusedWhileSuspended.code()).isEqualTo(2);
                assertThat(refusedWhileSuspended.err()).contains("dev/prefect is suspended");
                assertThat(driftless(with(server, "get", "targets")).out()).containsPattern("Synced.*true");
                assertThat(java.nio.file.Files.readString(tmp.resolve("state/suspended.txt"))).isEqualTo("dev/prefect\n");
                assertThat(service.clusters().client("dev").apps().deployments().inNamespace("prefect")
                        .withName("prefect-server").get().getSpec().getReplicas()).isEqualTo(4);
                String applied = service.board().get("dev/prefect").revision();
                String next = git.commit("while suspended", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE
                        + "server: {replicaCount: 2}\n"));
                driftless(with(server, "refresh", "values", "--token-file", token.toString()));
                await().atMost(Duration.ofSeconds(10)).until(() -> service.metrics().scrape().contains(next.substring(0, 12)));
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                        applied.equals(service.board().get("dev/prefect").revision()));
                assertThat(driftless(with(server, "resume", "dev/prefect", "--token-file", token.toString())).out())
                        .containsPattern("dev\\s+prefect\\s+false");
                assertThat(driftless(with(server, "sync", "dev/prefect", "--wait", "--token-file", token.toString()))
                        .code()).isZero();

                assertThat(driftless(with(server, "get", "target", "Dev")).err()).contains("'Dev' is not a target");
                Run down = driftless("get", "targets", "--server", "http://127.0.0.1:1");
                assertThat(down.code()).isEqualTo(2);
                assertThat(down.err()).contains("cannot reach Driftless at http://127.0.0.1:1");
            }

            Path fleetFile = Files.writeString(tmp.resolve("fleet.yaml"), """
                    sources: [{name: values, url: %s, auth: {username: %s, passwordFile: pw}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml]}
                    """.formatted(git.url(), GitHttpServer.USER));
            Files.writeString(tmp.resolve("pw"), GitHttpServer.PASSWORD);
            Run valid = driftless("validate", fleetFile.toString());
            assertThat(valid.code()).as(valid.out() + valid.err()).isZero();
            assertThat(valid.out()).startsWith("ok      dev/prefect at values@").contains("objects");
            // straight against the fleet's clusters, no service: an embedded cluster starts empty, so all is missing
            Run local = driftless("diff", "--fleet", fleetFile.toString(), "dev/prefect");
            assertThat(local.code()).as(local.err()).isEqualTo(1);
            assertThat(local.out()).containsPattern("dev/prefect\\s+OutOfSync").contains("Deployment/prefect/prefect-server");
            git.commit("broken", Map.of("values.yaml", "server:\n  replicaCount: many\n"));
            Run invalid = driftless("validate", fleetFile.toString());
            assertThat(invalid.code()).isEqualTo(1);
            assertThat(invalid.out()).contains("invalid dev/prefect", "values.yaml:2", "server.replicaCount");
        }
    }

    @Test
    void everyVerbHasHelpAndTheSmallOnesWork() {
        for (String verb : List.of("run", "validate", "get", "diff", "sync", "history", "refresh", "suspend", "resume",
                "hash-password", "render", "version", "completion", "demo")) {
            Run help = driftless(verb, "--help");
            assertThat(help.code()).as(verb).isZero();
            assertThat(help.out()).as(verb).startsWith("Usage: driftless " + verb);
        }
        for (String noun : List.of("targets", "target", "clusters", "sources", "fleet")) {
            assertThat(driftless("get", noun, "--help").out()).startsWith("Usage: driftless get " + noun);
        }
        assertThat(driftless("version").out()).startsWith("driftless ");
        java.io.InputStream stdin = System.in;
        System.setIn(new java.io.ByteArrayInputStream("s3cret-pw\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            Run hashed = driftless("hash-password", "alice", "operator", "--iterations", "1000");
            assertThat(hashed.out()).startsWith("alice operator pbkdf2-sha256$1000$").doesNotContain("s3cret-pw");
        } finally {
            System.setIn(stdin);
        }
        assertThat(driftless("completion", "bash").out()).contains("complete -F", "validate", "history");
        assertThat(driftless("completion", "zsh").out()).startsWith("autoload -U +X compinit")
                .contains("bashcompinit");
        assertThat(driftless("get", "targets", "-o", "xml").code()).isEqualTo(2);
    }
}
