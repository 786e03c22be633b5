package io.driftless.render.helm;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The only Kubernetes API a renderer process can reach: a loopback server in the process that serves no kinds and
 * answers every read "not found". The Helm library (helm-java) renders with a live {@code lookup}, against
 * whatever its kubeconfig names; pointed here, {@code lookup} answers an empty result, as {@code helm template}
 * does, and no template can read a cluster.
 */
final class NoCluster {

    private final HttpServer server;

    private NoCluster(HttpServer server) {
        this.server = server;
    }

    /** Starts the server and writes the kubeconfig that points at it (the process's KUBECONFIG). */
    static NoCluster start(Path kubeconfig) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", NoCluster::answer);
        server.start();
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: none
                  cluster: {server: "http://127.0.0.1:%d"}
                contexts:
                - name: none
                  context: {cluster: none, user: none}
                users:
                - name: none
                  user: {}
                current-context: none
                """.formatted(server.getAddress().getPort()));
        return new NoCluster(server);
    }

    void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String[] path = exchange.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
        String body;
        int code = 200;
        if (path.length == 1 && path[0].equals("api")) {
            body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}";
        } else if (path.length == 1 && path[0].equals("apis")) {
            body = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
        } else if (path.length == 2 && path[0].equals("api") || path.length == 3 && path[0].equals("apis")) {
            String groupVersion = path.length == 2 ? path[1] : path[1] + "/" + path[2];
            body = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                    .replaceAll("[^\\w./-]", "") + "\",\"resources\":[]}";
        } else {
            code = 404;
            body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
                    + "\"message\":\"not found\",\"code\":404}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
