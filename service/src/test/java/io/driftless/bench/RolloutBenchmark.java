package io.driftless.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;

/**
 * What a three-wave rollout costs over an ungated push: the same commit to C clusters (the API servers in another
 * JVM, {@link FleetBenchmark.Servers}), once for a release without a rollout and once for one with waves canary
 * (10 %), staging (30 %, 2 at once) and prod (the rest, 25 % at once), healthyFor 0 s so that only the gates'
 * own cost shows. Prints, for each: the time from the push to the last target Synced and Healthy at the commit, and
 * the API requests by verb in that time. Run (see service/docs/BENCHMARKS.md): {@code java -cp "$CP"
 * io.driftless.bench.RolloutBenchmark [clusters=50] [pushes=5]}.
 */
public final class RolloutBenchmark {

    static {
        io.driftless.app.AsyncPool.ensure(); // before any class completes an HTTP response
    }

    private static final long MINUTES = 60_000_000_000L;
    private static final int OBJECTS = 5;

    private RolloutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("machine: %d cores, %s %s; %d clusters, %d pushes each%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), clusters, pushes);
        for (boolean waves : new boolean[] {false, true}) {
            run(clusters, pushes, waves);
        }
        System.exit(0);
    }

    private static void run(int clusters, int pushes, boolean waves) throws Exception {
        Path tmp = Files.createTempDirectory("driftless-rollout-bench");
        try (FleetBenchmark.Servers servers = new FleetBenchmark.Servers(clusters, tmp.resolve("api"));
             GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            String first = git.commit("v0", manifests(0));
            Fleet fleet = FleetLoader.parse("fleet.yaml", fleetYaml(git, servers.kubeconfig, clusters, waves)
                    .getBytes(StandardCharsets.UTF_8), tmp);
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 4, Map.of("PW", GitHttpServer.PASSWORD)),
                    new ClusterConnections(fleet.clusters()))) {
                FleetBenchmark.waitFor(() -> everywhere(service, first), 10 * MINUTES);
                Thread.sleep(3_000); // the echoes of the first sync settle
                long total = 0;
                Map<String, Long> requests = new java.util.TreeMap<>();
                for (int p = 1; p <= pushes; p++) {
                    servers.reset();
                    String commit = git.commit("v" + p, manifests(p));
                    long start = System.nanoTime();
                    service.refresh("values");
                    FleetBenchmark.waitFor(() -> everywhere(service, commit), 10 * MINUTES);
                    long took = (System.nanoTime() - start) / 1_000_000;
                    total += took;
                    servers.counts().forEach((k, v) -> requests.merge(k, v, Long::sum));
                    System.out.printf("  %s push %d: last target Synced and Healthy after %d ms%n",
                            waves ? "3 waves" : "ungated", p, took);
                }
                long all = requests.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("%s: %d ms per push to the last target (mean of %d), %.1f API requests per target "
                        + "per push (patch %d, get %d, list %d, create %d over all pushes)%n",
                        waves ? "3 waves (canary 10%, staging 30% 2 at once, prod 25% at once)" : "ungated push",
                        total / pushes, pushes, all / (double) pushes / clusters, FleetBenchmark.sum(requests, "patch"),
                        FleetBenchmark.sum(requests, "get"), FleetBenchmark.sum(requests, "list"),
                        FleetBenchmark.sum(requests, "create"));
            }
        }
    }

    private static boolean everywhere(DriftlessService service, String commit) {
        return service.board().all().stream().allMatch(t -> commit.equals(t.revision())
                && t.syncState() == SyncState.Synced && "Healthy".equals(t.health()));
    }

    /** {@value #OBJECTS} ConfigMaps, healthy as soon as they exist (the mock API servers run no controllers). */
    private static Map<String, String> manifests(int version) {
        Map<String, String> files = new HashMap<>();
        for (int i = 0; i < OBJECTS; i++) {
            files.put("app/cm" + i + ".yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm" + i
                    + "}\ndata: {version: \"" + version + "\"}\n");
        }
        return files;
    }

    private static String fleetYaml(GitHttpServer git, Path kubeconfig, int clusters, boolean waves) {
        StringBuilder yaml = new StringBuilder("""
                sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                clusters:
                """.formatted(git.url(), GitHttpServer.USER));
        int canary = Math.max(1, clusters / 10);
        int staging = Math.max(1, clusters * 3 / 10);
        for (int c = 0; c < clusters; c++) {
            String tier = c < canary ? "canary" : c < canary + staging ? "staging" : "prod";
            yaml.append("  - {name: c").append(c).append(", kubeconfig: ").append(kubeconfig).append(", context: c")
                    .append(c).append(", labels: {tier: ").append(tier).append("}}\n");
        }
        yaml.append("""
                releases:
                  - name: app
                    namespace: app
                    chart: {manifests: app}
                    source: values
                """);
        if (waves) {
            yaml.append("""
                        rollout:
                          waves:
                            - {name: canary, clusters: {matchLabels: {tier: canary}}}
                            - {name: staging, clusters: {matchLabels: {tier: staging}}, maxParallel: 2}
                            - {name: prod, clusters: {matchLabels: {tier: prod}}, maxParallel: 25%}
                          healthyFor: 0s
                    """);
        }
        return yaml.toString();
    }
}
