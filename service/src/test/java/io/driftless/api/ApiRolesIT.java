package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;

/** Roles over HTTP: reads need a viewer, writes an operator; probes and metrics stay open; expensive calls are limited. */
class ApiRolesIT {

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    private int call(String method, String url, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            request.header("Authorization", credentials.contains(":") ? "Basic " + Base64.getEncoder()
                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)) : "Bearer " + credentials);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void viewersReadOperatorsWriteAndEveryoneIsLimited() throws Exception {
        Path users = tmp.resolve("users");
        Files.writeString(users, "vera viewer " + ApiCredentials.hash("v-pass", 1000) + "\n"
                + "otto operator " + ApiCredentials.hash("o-token-5678", 1000) + "\n");
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp,
                    ApiCredentials.NONE.withUsers(ApiCredentials.readUsers(users)), null)) {
                String base = "http://127.0.0.1:" + service.httpPort();
                assertThat(call("GET", base + "/healthz", null)).isEqualTo(200);
                assertThat(call("GET", base + "/readyz", null)).isEqualTo(200);
                assertThat(call("GET", base + "/metrics", null)).isEqualTo(200);
                assertThat(call("GET", base + "/api/v1/targets", null)).isEqualTo(401);
                assertThat(call("GET", base + "/api/v1/targets", "vera:v-pass")).isEqualTo(200);
                assertThat(call("GET", base + "/api/v1/targets/dev/prefect", "o-token-5678")).isEqualTo(200);
                assertThat(call("POST", base + "/api/v1/targets/dev/prefect/sync", "vera:v-pass")).isEqualTo(403);
                assertThat(call("POST", base + "/api/v1/targets/dev/prefect/suspend", "vera:v-pass")).isEqualTo(403);
                assertThat(call("POST", base + "/api/v1/targets/dev/prefect/sync", "o-token-5678")).isEqualTo(200);

                int refused = 0;
                for (int i = 0; i < ClientLimits.EXPENSIVE + 5; i++) {
                    if (call("GET", base + "/api/v1/targets/dev/prefect/diff", "vera:v-pass") == 429) {
                        refused++;
                    }
                }
                assertThat(refused).as("diffs refused past the limit (one sync counted already)").isEqualTo(6);
                assertThat(call("GET", base + "/api/v1/targets", "vera:v-pass")).as("cheap reads go on").isEqualTo(200);
            }
        }
    }
}
