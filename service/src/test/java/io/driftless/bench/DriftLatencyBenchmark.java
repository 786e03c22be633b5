package io.driftless.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.testing.GitHttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Prints how long Driftless takes from a hand edit of a live Deployment to reporting the drift (selfHeal off)
 * and to healing it (selfHeal on), with the source polled only hourly: the informer path end to end on the
 * embedded API server. Run like {@link RenderDiffBenchmark}: {@code io.driftless.bench.DriftLatencyBenchmark [edits]}.
 */
public final class DriftLatencyBenchmark {

    private DriftLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int edits = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path tmp = Files.createTempDirectory("driftless-bench");
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            git.commit("values", Map.of("values.yaml", "sqlite:\n  enabled: true\npostgresql:\n  enabled: false\n"));
            // one healed release per edit: each heal is a target's first, so no heal budget pause is measured
            StringBuilder releases = new StringBuilder();
            for (int i = 0; i < edits; i++) {
                releases.append("  - {name: heal").append(i).append(", namespace: bench").append(i).append(
                        ", chart: {name: prefect-server, version: 2026.8.18172642}, source: values, values: [values.yaml],"
                        + " clusters: {names: [healed]}, syncPolicy: {selfHeal: true}}\n");
            }
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: healed, embedded: true}, {name: reported, embedded: true}]
                    releases:
                      - {name: report, namespace: bench, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml], clusters: {names: [reported]}}
                    """.formatted(git.url(), GitHttpServer.USER) + releases).getBytes(StandardCharsets.UTF_8), tmp);
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD)),
                    new ClusterConnections(fleet.clusters()))) {
                waitFor(() -> service.board().allAttempted());
                waitFor(() -> service.clusters().watches().covers("reported", "report"));
                KubernetesClient healed = service.clusters().client("healed");
                KubernetesClient reported = service.clusters().client("reported");
                String reportedName = reported.apps().deployments().inNamespace("bench").list().getItems().get(0)
                        .getMetadata().getName();
                List<Long> heal = new ArrayList<>();
                List<Long> report = new ArrayList<>();
                for (int i = 0; i < edits; i++) {
                    Thread.sleep(500); // let the previous edit's echoes settle
                    String namespace = "bench" + i;
                    String healedName = healed.apps().deployments().inNamespace(namespace).list().getItems().get(0)
                            .getMetadata().getName();
                    long start = System.nanoTime();
                    scale(healed, namespace, healedName, 5);
                    waitFor(() -> replicas(healed, namespace, healedName) == 1);
                    heal.add((System.nanoTime() - start) / 1_000_000);

                    start = System.nanoTime();
                    scale(reported, "bench", reportedName, 5 + i);
                    int expected = 5 + i;
                    waitFor(() -> service.board().get("reported/report").driftLines().stream()
                            .anyMatch(l -> l.contains("live " + expected + ",")));
                    report.add((System.nanoTime() - start) / 1_000_000);
                }
                System.out.printf("edit -> drift reported (selfHeal off): %s%n", summary(report));
                System.out.printf("edit -> healed (selfHeal on):          %s%n", summary(heal));
            }
        }
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return "median " + sorted.get(sorted.size() / 2) + " ms, p90 " + sorted.get((int) (sorted.size() * 0.9))
                + " ms, max " + sorted.get(sorted.size() - 1) + " ms over " + sorted.size() + " edits";
    }

    private static void scale(KubernetesClient client, String namespace, String name, int replicas) {
        client.apps().deployments().inNamespace(namespace).withName(name).edit(d -> {
            d.getSpec().setReplicas(replicas);
            return d;
        });
    }

    private static int replicas(KubernetesClient client, String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get().getSpec().getReplicas();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out");
            }
            Thread.sleep(5);
        }
    }
}
