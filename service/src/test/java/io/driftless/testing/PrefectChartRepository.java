package io.driftless.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.driftless.model.Sha256;

/**
 * A chart repository on the loopback serving the published {@code prefect-server} packages checked in under
 * {@code src/test/resources/upstream/packages} (the bytes of Prefect's own repositories, vendored bitnami subcharts
 * and all, with their published digests; the legacy chart's in {@code legacy/}), with an {@code index.yaml} as {@code helm repo index} writes it. Counts
 * the requests of each path. Stopped by {@link #close}.
 */
public final class PrefectChartRepository implements AutoCloseable {

    /** The versions of {@code prefect-server} served. */
    public static final List<String> VERSIONS = List.of("2026.6.5172345", "2026.7.31163938", "2026.8.18172642");

    private final HttpServer server;
    private final Map<String, byte[]> files = new TreeMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    /** Prefect's repository of the modern chart, with the {@link #VERSIONS}. */
    public PrefectChartRepository() throws IOException {
        this("", VERSIONS);
    }

    /** Prefect's repository of the legacy chart (Prefect Server v1), with version 2022.09.07. */
    public static PrefectChartRepository legacy() throws IOException {
        return new PrefectChartRepository("legacy/", List.of("2022.09.07"));
    }

    private PrefectChartRepository(String folder, List<String> versions) throws IOException {
        StringBuilder index = new StringBuilder("apiVersion: v1\nentries:\n  prefect-server:\n");
        for (String version : versions) {
            String name = "prefect-server-" + version + ".tgz";
            byte[] archive;
            try (InputStream in = PrefectChartRepository.class.getResourceAsStream("/upstream/packages/" + folder
                    + name)) {
                archive = in.readAllBytes();
            }
            files.put("/charts/" + name, archive);
            index.append("  - apiVersion: v2\n    name: prefect-server\n    version: ").append(version)
                    .append("\n    digest: ").append(Sha256.hex(archive)).append("\n    urls:\n    - charts/")
                    .append(name).append('\n');
        }
        files.put("/index.yaml", index.toString().getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            byte[] body = files.get(path);
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many times a path was asked for. */
    public int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
