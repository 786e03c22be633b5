package io.driftless.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.demo.LocalControlPlanes;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RealCluster;

/**
 * The flux-benchmark workload on the project's real control plane (one kube-apiserver with etcd, controllers and
 * kwok, started fresh for each run): N apps, each a Deployment scaled to zero, a ServiceAccount, a Service and an
 * Ingress in a namespace of its own, synced from empty by Driftless as N manifest folders and as N releases of one
 * Helm chart in the values repository; and beside them what a user would otherwise run, {@code kubectl apply
 * --server-side -R -f} of the same objects. Prints each run's wall time (and this JVM's peak RSS for Driftless's).
 * Run (see service/docs/BENCHMARKS.md): {@code java -Xmx3g -cp "$CP" io.driftless.bench.RealFleetBenchmark
 * [apps=100,1000] [runs=manifests,helm,kubectl] [parallelism=4]}.
 */
public final class RealFleetBenchmark {

    static {
        io.driftless.app.AsyncPool.ensure(); // before any class completes an HTTP response
    }

    private static final long MINUTES = 60_000_000_000L;

    private RealFleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = java.util.Arrays.stream((args.length > 0 ? args[0] : "100,1000").split(","))
                .map(Integer::parseInt).toList();
        List<String> runs = List.of((args.length > 1 ? args[1] : "manifests,helm,kubectl").split(","));
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Path bin = RealCluster.Extension.build().resolve("bin");
        System.out.printf("machine: %d cores, max heap %d MiB, %s %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        for (int apps : sizes) {
            for (String run : runs) {
                Path tmp = Files.createTempDirectory("driftless-real-bench");
                try (LocalControlPlanes planes = LocalControlPlanes.start(bin, tmp.resolve("planes"),
                        List.of("bench"), List.of(), new PrintStream(OutputStream.nullOutputStream()))) {
                    double seconds = run.equals("kubectl") ? kubectl(bin, planes, apps, tmp)
                            : driftless(planes, apps, run.equals("helm"), parallelism, tmp);
                    System.out.printf("%d apps (%d objects), %s%s: %.1f s from empty%s%n", apps, apps * 5, run,
                            run.equals("kubectl") ? "" : " (parallelism " + parallelism + ")", seconds, run.equals("kubectl") ? "" : ", this JVM's peak RSS " + peakRssMiB() + " MiB");
                    verdict(apps, run, seconds);
                }
            }
        }
        System.exit(0);
    }

    /**
     * Issue 28's goals for a run: 1,000 apps from empty in at most 30 s; 100 apps at least 3 times faster than Flux
     * took on this machine (kustomize-controller 11.5 s, helm-controller 20.6 s, both already running).
     */
    private static void verdict(int apps, String run, double seconds) {
        double goal = apps == 1000 && !run.equals("kubectl") ? 30
                : apps == 100 && run.equals("manifests") ? 11.5 / 3 : apps == 100 && run.equals("helm") ? 20.6 / 3 : 0;
        if (goal > 0) {
            System.out.printf("  goal: at most %.1f s%s: %s%n", goal, apps == 100 ? " (3x faster than Flux here)" : "",
                    seconds <= goal ? "PASS" : "MISS");
        }
    }

    /** Driftless from empty until every app is Synced: the service started on the fleet, the clock on. */
    private static double driftless(LocalControlPlanes planes, int apps, boolean helm, int parallelism, Path tmp)
            throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            Map<String, String> files = new HashMap<>();
            StringBuilder fleet = new StringBuilder("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: bench, kubeconfig: %s}]
                    releases:
                    """.formatted(git.url(), GitHttpServer.USER, planes.adminKubeconfig("bench")));
            if (helm) {
                files.put("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
                files.put("chart/templates/app.yaml", app("{{ .Release.Name }}"));
            }
            for (int i = 0; i < apps; i++) {
                String name = "app-" + i;
                if (!helm) {
                    files.put("apps/" + name + "/app.yaml", app(name));
                }
                fleet.append("  - {name: ").append(name).append(", namespace: ").append(name).append(", chart: {")
                        .append(helm ? "path: chart" : "manifests: apps/" + name).append("}, source: values}\n");
            }
            git.commit("apps", files);
            Fleet parsed = FleetLoader.parse("fleet.yaml", fleet.toString().getBytes(StandardCharsets.UTF_8), tmp);
            ClusterConnections clusters = new ClusterConnections(parsed.clusters());
            Map<String, java.util.concurrent.atomic.LongAdder> requests = new java.util.concurrent.ConcurrentSkipListMap<>();
            clusters.observe(new io.driftless.cluster.RequestObservers.Observer() {
                @Override
                public void observed(String cluster, String verb, Integer code) {
                }

                @Override
                public void observed(String cluster, String verb, String resource, Integer code) {
                    requests.computeIfAbsent(verb + ":" + resource, k -> new java.util.concurrent.atomic.LongAdder())
                            .increment();
                }
            });
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            long start = System.nanoTime();
            try (DriftlessService service = DriftlessService.start(parsed, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, parallelism, Map.of("PW", GitHttpServer.PASSWORD)),
                    clusters)) {
                FleetBenchmark.waitFor(() -> service.board().all().stream()
                        .allMatch(t -> t.syncState() == SyncState.Synced), 20 * MINUTES);
                double seconds = (System.nanoTime() - start) / 1e9;
                long total = requests.values().stream().mapToLong(java.util.concurrent.atomic.LongAdder::sum).sum();
                double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
                System.out.printf("  this JVM's CPU (Driftless and the Git server): %.1f s, %.1f ms per app%n", cpu,
                        cpu * 1000 / apps);
                System.out.printf("  Driftless's API requests: %d, %.2f per app, %.2f per object %s%n", total,
                        total / (double) apps, total / (5.0 * apps), requests);
                return seconds;
            }
        }
    }

    /** {@code kubectl apply --server-side -R -f} of the same objects, each app's Namespace first in its file. */
    private static double kubectl(Path bin, LocalControlPlanes planes, int apps, Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("manifests"));
        for (int i = 0; i < apps; i++) {
            String name = "app-" + i;
            Files.writeString(dir.resolve(name + ".yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name
                    + "}\n---\n" + app(name).replace("metadata: {name: " + name + "}", "metadata: {name: " + name
                    + ", namespace: " + name + "}"));
        }
        long start = System.nanoTime();
        Process kubectl = new ProcessBuilder(bin.resolve("kubectl").toString(), "--kubeconfig",
                planes.adminKubeconfig("bench").toString(), "apply", "--server-side", "-R", "-f", dir.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("kubectl.log").toFile()).start();
        try {
            if (kubectl.waitFor() != 0) {
                throw new IllegalStateException("kubectl apply failed: " + Files.readString(tmp.resolve("kubectl.log")));
            }
        } finally {
            kubectl.destroyForcibly();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** One app of flux-benchmark: a Deployment scaled to zero, a ServiceAccount, a Service and an Ingress. */
    private static String app(String name) {
        return """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: NAME}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: NAME}
                spec:
                  replicas: 0
                  selector: {matchLabels: {app: NAME}}
                  template:
                    metadata: {labels: {app: NAME}}
                    spec: {serviceAccountName: NAME, containers: [{name: app, image: "nginx:1.27", ports: [{containerPort: 80}]}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: NAME}
                spec: {selector: {app: NAME}, ports: [{port: 80, targetPort: 80}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: NAME}
                spec:
                  rules:
                    - host: NAME.example.com
                      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: NAME, port: {number: 80}}}}]}
                """.replace("NAME", name);
    }

    /** This JVM's peak resident memory (VmHWM), in MiB. */
    private static long peakRssMiB() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1L);
    }
}
