package io.driftless.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.faults.Converged;
import io.driftless.model.ObjectRef;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.Kubeconfigs;
import io.driftless.testing.OneRelease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * {@code driftless run} killed with SIGKILL in the middle of its first apply, then a commit that stops rendering
 * the bundled database, then a restart: the objects the first process created before it died are the target's
 * (its inventory listed them before they were created), so the restarted process prunes the ones the new commit
 * no longer renders and ends with no orphan, no lost object and an inventory equal to the cluster.
 */
class KillRestartIT {

    private static final String RELEASE = "prefect";
    private static final Duration SLOW_CREATE = Duration.ofMillis(700);

    @TempDir
    Path tmp;

    /** Object creations the API server finished (their collection paths). */
    private final List<String> created = new CopyOnWriteArrayList<>();
    private volatile boolean slow = true;

    @Test
    void aProcessKilledMidApplyLeavesNoOrphanOnceRestarted() throws Exception {
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        boolean object = request.getMethod().equals("POST") && !request.getPath().contains("/events")
                                && !request.getPath().contains("/configmaps") && !request.getPath().endsWith(
                                "/namespaces");
                        if (object && slow) {
                            sleep(SLOW_CREATE);
                        }
                        MockResponse response = super.dispatch(request);
                        if (object) {
                            created.add(request.getPath().replaceAll(".*/namespaces/[^/]+/", ""));
                        }
                        return response;
                    }
                }, false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"));
             KubernetesClient client = api.createClient()) {
            git.commit("bundled database", Map.of("values.yaml", "server: {loggingLevel: INFO}\n"));
            Kubeconfigs.write(tmp.resolve("kubeconfig"), client.getMasterUrl().toString());
            Path fleet = tmp.resolve("fleet.yaml");
            Files.writeString(fleet, """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, kubeconfig: kubeconfig}]
                    releases:
                      - {name: %s, namespace: prefect, chart: {name: prefect-server, version: %s},
                         source: values, values: [values.yaml], syncPolicy: {createNamespace: true}}
                    """.formatted(git.url(), GitHttpServer.USER, RELEASE, Converged.CHART_VERSION));
            Set<ObjectRef> first = Converged.rendered(new Converged.Release(RELEASE, "prefect",
                    "server: {loggingLevel: INFO}\n"));

            Process killed = start(fleet, freePort());
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> created.size() >= 3);
            } finally {
                killed.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
            }
            assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(killed.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            Converged.Release before = new Converged.Release(RELEASE, "prefect", "server: {loggingLevel: INFO}\n");
            Set<ObjectRef> beforeKill = Converged.labelled(client, before, first).keySet();
            assertThat(beforeKill).as("the kill came mid-apply").isNotEmpty().hasSizeLessThan(first.size());
            assertThat(Converged.inventory(client, before))
                    .as("the inventory listed every object before the first was created").containsAll(first);

            String values = OneRelease.EXTERNAL_DATABASE;
            String commit = git.commit("external database", Map.of("values.yaml", values));
            Set<ObjectRef> second = Converged.rendered(new Converged.Release(RELEASE, "prefect", values));
            Set<ObjectRef> dropped = new TreeSet<>(first);
            dropped.removeAll(second);
            assertThat(beforeKill).as("something the killed process created is no longer rendered")
                    .containsAnyElementsOf(dropped);
            client.secrets().inNamespace("prefect").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                    .withNewMetadata().withName("db").endMetadata().addToStringData("pw", "x").build()).create();

            slow = false;
            int port = freePort();
            Process restarted = start(fleet, port);
            try {
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> synced(port, commit));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    String log = Files.readString(tmp.resolve("run.log"));
                    throw new AssertionError("not Synced at " + commit + ": " + body(port) + "\n"
                            + log.substring(Math.max(0, log.length() - 4000)), e);
                }
                Converged.assertConsistent(client, new Converged.Release(RELEASE, "prefect", values));
                for (ObjectRef gone : dropped) {
                    assertThat(client.genericKubernetesResources(gone.apiVersion(), gone.kind()).inNamespace(
                            gone.namespace()).withName(gone.name()).get()).as(gone + " pruned").isNull();
                }
            } finally {
                restarted.destroy();
                restarted.waitFor(45, TimeUnit.SECONDS);
            }
        } finally {
            api.destroy();
        }
    }

    private Process start(Path fleet, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", RunCommandIT.JAR.toString(), "run", "--fleet", fleet.toString(), "--state-dir",
                tmp.resolve("state").toString(), "--http-port", String.valueOf(port), "--anonymous-read"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("run.log")
                        .toFile()));
        builder.environment().put("PW", GitHttpServer.PASSWORD);
        return builder.start();
    }

    private static String body(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/targets/dev/" + RELEASE)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean synced(int port, String commit) throws Exception {
        String body = body(port);
        if (body.isEmpty()) {
            return false;
        }
        var status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        return commit.equals(status.path("revision").asText()) && status.path("syncState").asText().equals("Synced");
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
