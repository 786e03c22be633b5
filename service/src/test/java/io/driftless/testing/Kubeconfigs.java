package io.driftless.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kubeconfig files for tests: one cluster, one token user, one current context. */
public final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /** Writes a kubeconfig whose current context reaches the server (TLS unverified for https) as a token user. */
    public static Path write(Path file, String server) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "%s"%s}}]
                users: [{name: bot, user: {token: not-a-secret}}]
                contexts: [{name: c, context: {cluster: c, user: bot}}]
                current-context: c
                """.formatted(server, server.startsWith("https:") ? ", insecure-skip-tls-verify: true" : ""));
        return file;
    }
}
