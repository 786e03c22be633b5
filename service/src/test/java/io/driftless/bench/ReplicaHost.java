package io.driftless.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.fleet.Shards;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;
import io.vertx.core.json.JsonObject;

/**
 * One Driftless replica in a process of its own, for {@link HaFleetBenchmark}: runs the fleet file given and answers
 * on its standard input {@code synced} (how many targets of the shards it holds are Synced, and how many it holds)
 * and {@code stats} (this JVM's CPU seconds, peak heap and heap after GC in MiB); {@code quit} stops it.
 * Its identity comes from {@code DRIFTLESS_IDENTITY}.
 */
public final class ReplicaHost {

    static {
        io.driftless.app.AsyncPool.ensure(); // before any class completes an HTTP response
    }

    private ReplicaHost() {
    }

    public static void main(String[] args) throws Exception {
        Path fleetFile = Path.of(args[0]);
        Path state = Path.of(args[1]);
        var fleet = FleetLoader.parse(fleetFile.getFileName().toString(), Files.readAllBytes(fleetFile),
                fleetFile.getParent());
        int shards = fleet.highAvailability().shards();
        HttpClient http = HttpClient.newHttpClient();
        try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(state,
                "127.0.0.1", 0, 4, Map.of("PW", GitHttpServer.PASSWORD, "HOOK", "bench-hook-secret",
                "DRIFTLESS_IDENTITY", System.getenv("DRIFTLESS_IDENTITY"))))) {
            System.out.println("ready " + service.httpPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                if (line.equals("synced")) {
                    JsonObject answer = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + service.httpPort() + "/api/v1/shards")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    Set<Integer> mine = new HashSet<>();
                    answer.getJsonArray("shards").forEach(h -> {
                        if (((JsonObject) h).getBoolean("mine")) {
                            mine.add(((JsonObject) h).getInteger("shard"));
                        }
                    });
                    var held = service.board().all().stream().filter(t -> mine.contains(Shards.of(t.id(), shards)))
                            .toList();
                    System.out.println(held.stream().filter(t -> t.syncState() == SyncState.Synced).count() + " "
                            + held.size() + " " + mine.size());
                } else if (line.equals("stats")) {
                    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                    long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                            .mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
                    System.gc();
                    System.gc();
                    Runtime rt = Runtime.getRuntime();
                    System.out.println(os.getProcessCpuTime() / 1_000_000_000.0 + " " + peak + " "
                            + ((rt.totalMemory() - rt.freeMemory()) >> 20));
                }
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
