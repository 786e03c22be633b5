package io.driftless.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.driftless.testing.GitHttpServer;

/**
 * Driftless's high availability at scale: the fleet of {@link FleetBenchmark} (C clusters × R prefect-server releases,
 * the API servers in an {@link ApiServerHost} process) synced from empty by 1, 2 or 4 replicas sharing its shards,
 * each replica a process of its own ({@link ReplicaHost}) started at the same moment. Prints, for each replica
 * count: the wall time until every target is Synced by the replica holding its shard, and each replica's CPU,
 * shards, targets, peak heap and heap after GC. Run (see service/docs/BENCHMARKS.md): {@code java -cp "$CP"
 * io.driftless.bench.HaFleetBenchmark [clusters=50] [releases=20] [replicas=1,2,4] [replica heap=3g]}.
 */
public final class HaFleetBenchmark {

    static {
        io.driftless.app.AsyncPool.ensure(); // before any class completes an HTTP response
    }

    private static final int SHARDS = 16;

    private HaFleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int releases = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<Integer> counts = args.length > 2 ? java.util.Arrays.stream(args[2].split(",")).map(Integer::parseInt)
                .toList() : List.of(1, 2, 4);
        String heap = args.length > 3 ? args[3] : "3g";
        System.out.printf("machine: %d cores; %d clusters x %d releases = %d targets, %d shards, replica heap %s%n",
                Runtime.getRuntime().availableProcessors(), clusters, releases, clusters * releases, SHARDS, heap);
        for (int replicas : counts) {
            run(clusters, releases, replicas, heap);
        }
        System.exit(0);
    }

    private static void run(int clusters, int releases, int replicas, String heap) throws Exception {
        Path tmp = Files.createTempDirectory("driftless-ha-bench");
        List<Replica> started = new ArrayList<>();
        try (FleetBenchmark.Servers servers = new FleetBenchmark.Servers(clusters, tmp.resolve("api"));
             GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            Map<String, String> files = new HashMap<>();
            for (int r = 0; r < releases; r++) {
                files.put("r" + r + "/values.yaml", FleetBenchmark.values(0));
            }
            git.commit("values", files);
            Path fleet = tmp.resolve("fleet.yaml");
            Files.writeString(fleet, FleetBenchmark.fleetYaml(git, servers.kubeconfig, clusters, releases)
                    + "highAvailability: {cluster: c0, namespace: driftless, shards: " + SHARDS
                    + "}\n");
            long start = System.nanoTime();
            for (int i = 0; i < replicas; i++) {
                started.add(new Replica(i, fleet, tmp.resolve("state-" + i), heap));
            }
            for (Replica replica : started) {
                replica.awaitReady();
            }
            int targets = clusters * releases;
            String held = "";
            for (int synced = 0; synced < targets; ) {
                Thread.sleep(200);
                synced = 0;
                StringBuilder shape = new StringBuilder();
                for (Replica replica : started) {
                    String[] answer = replica.ask("synced").split(" ");
                    synced += Integer.parseInt(answer[0]);
                    shape.append(" replica-").append(replica.index).append(": ").append(answer[2]).append(" shards, ")
                            .append(answer[1]).append(" targets;");
                }
                held = shape.toString();
                if ((System.nanoTime() - start) / 1e9 > 900) {
                    throw new IllegalStateException("not synced after 15 minutes: " + synced + " of " + targets);
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            System.out.printf("%n%d replica(s) (logs in %s): every target Synced after %.1f s (%s )%n", replicas,
                    tmp, wall, held);
            double cpu = 0;
            for (Replica replica : started) {
                String[] stats = replica.ask("stats").split(" ");
                cpu += Double.parseDouble(stats[0]);
                System.out.printf("  replica-%d: CPU %.1f s, peak heap %s MiB, heap after GC %s MiB%n", replica.index,
                        Double.parseDouble(stats[0]), stats[1], stats[2]);
            }
            System.out.printf("  all replicas: CPU %.1f s = %.1f ms per target%n", cpu, cpu * 1000 / targets);
        } finally {
            for (Replica replica : started) {
                replica.close();
            }
        }
    }

    /** A {@link ReplicaHost} process, stopped by its own id. */
    private static final class Replica implements AutoCloseable {
        private final int index;
        private final Process process;
        private final BufferedReader out;
        private final PrintWriter in;

        Replica(int index, Path fleet, Path state, String heap) throws Exception {
            this.index = index;
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                    ReplicaHost.class.getName(), fleet.toString(), state.toString())
                    .redirectError(state.resolveSibling("replica-" + index + ".log").toFile());
            builder.environment().put("DRIFTLESS_IDENTITY", "replica-" + index);
            process = builder.start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        void awaitReady() throws Exception {
            for (String line = out.readLine(); line == null || !line.startsWith("ready "); line = out.readLine()) {
                if (line == null) {
                    throw new IllegalStateException("replica-" + index + " ended before it was ready");
                }
            }
        }

        String ask(String command) throws Exception {
            in.println(command);
            for (String line = out.readLine(); ; line = out.readLine()) {
                if (line == null) {
                    throw new IllegalStateException("replica-" + index + " ended");
                }
                if (!line.startsWith("[")) { // the service's own log lines
                    return line;
                }
            }
        }

        @Override
        public void close() throws Exception {
            in.println("quit");
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
