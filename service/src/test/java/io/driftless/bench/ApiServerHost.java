package io.driftless.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The benchmarks' clusters, in their own JVM so that what they cost is not counted as Driftless's: N in-memory
 * CRUD API servers on loopback ports, a kubeconfig with one context per cluster ({@code c0}, {@code c1}, ...),
 * and a count of the requests they answer by kind of request. Driven over stdin/stdout: it prints
 * {@code ready <kubeconfig>}, then answers {@code counts} with one line {@code kind=n ...}, {@code reset}
 * with {@code ok}, and exits on {@code quit} or end of input.
 * Run: {@code io.driftless.bench.ApiServerHost <clusters> <folder>}.
 */
public final class ApiServerHost {

    static {
        io.driftless.app.AsyncPool.ensure(); // before any class completes an HTTP response
    }

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private ApiServerHost() {
    }

    public static void main(String[] args) throws Exception {
        int clusters = Integer.parseInt(args[0]);
        Path folder = Path.of(args[1]);
        List<KubernetesMockServer> servers = new ArrayList<>();
        StringBuilder kubeconfig = new StringBuilder("apiVersion: v1\nkind: Config\nusers: [{name: bench, user: {token: t}}]\n");
        StringBuilder contexts = new StringBuilder("contexts:\n");
        kubeconfig.append("clusters:\n");
        for (int i = 0; i < clusters; i++) {
            KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                    new Counting(), false);
            server.init(InetAddress.getLoopbackAddress(), 0);
            servers.add(server);
            kubeconfig.append("  - {name: c").append(i).append(", cluster: {server: \"http://127.0.0.1:")
                    .append(server.getPort()).append("\"}}\n");
            contexts.append("  - {name: c").append(i).append(", context: {cluster: c").append(i)
                    .append(", user: bench}}\n");
        }
        Path file = folder.resolve("kubeconfig.yaml");
        Files.writeString(file, kubeconfig.append(contexts).append("current-context: c0\n"));
        System.out.println("ready " + file);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            if (line.equals("counts")) {
                StringBuilder out = new StringBuilder();
                new TreeMap<>(COUNTS).forEach((k, v) -> out.append(k).append('=').append(v.sum()).append(' '));
                System.out.println(out.toString().trim());
            } else if (line.equals("reset")) {
                COUNTS.clear();
                System.out.println("ok");
            }
            System.out.flush();
        }
        servers.forEach(KubernetesMockServer::destroy);
        System.exit(0);
    }

    /** The CRUD dispatcher, counting each request by its kind. */
    private static final class Counting extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            COUNTS.computeIfAbsent(kind(request.getMethod(), request.getPath()), k -> new LongAdder()).increment();
            return super.dispatch(request);
        }
    }

    /** {@code discovery}, or the verb and resource: {@code watch:pods}, {@code get:secrets}, {@code create:services}... */
    static String kind(String method, String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] segments = bare.replaceAll("^/+|/+$", "").split("/");
        boolean core = segments.length > 0 && segments[0].equals("api");
        int resourceAt = core ? 2 : 3; // /api/v1/<resource>, /apis/<group>/<version>/<resource>
        if (segments.length <= resourceAt || !segments[0].startsWith("api")) {
            return "discovery";
        }
        int afterNamespace = segments[resourceAt].equals("namespaces") && segments.length > resourceAt + 2 ? 2 : 0;
        String resource = ":" + segments[resourceAt + afterNamespace];
        if (!method.equals("GET")) {
            return switch (method) {
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> method.toLowerCase(java.util.Locale.ROOT);
            } + resource;
        }
        if (path.contains("watch=true") || path.contains("watch=1")) {
            return "watch" + resource;
        }
        return (segments.length > resourceAt + afterNamespace + 1 ? "get" : "list") + resource;
    }
}
