package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.ApiCredentialReloads;
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
        if (!method.equals("GET")) { // what the web UI and the CLI send with a write
            request.header("Content-Type", "application/json").header("X-Driftless-Request", "1");
        }
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
                + "otto operator " + ApiCredentials.hash("o-token-5678", 1000) + "\n"
                + "paula operator " + ApiCredentials.hash("p-token-9012", 1000) + "\n");
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

                // an operator's credential verified on a worker for the first time: the body is read afterwards
                String padded = "{\"ref\": \"main\", \"source\": \"nope\"" + " ".repeat(60_000) + "}";
                HttpResponse<String> preview = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/preview"))
                        .header("Authorization", "Bearer p-token-9012").header("Content-Type", "application/json")
                        .header("X-Driftless-Request", "1").POST(HttpRequest.BodyPublishers.ofString(padded))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(preview.statusCode()).as(preview.body()).isEqualTo(404);
                assertThat(preview.body()).contains("unknown source 'nope'");

                int refused = 0;
                for (int i = 0; i < ClientLimits.EXPENSIVE + 5; i++) {
                    if (call("GET", base + "/api/v1/targets/dev/prefect/diff", "vera:v-pass") == 429) {
                        refused++;
                    }
                }
                assertThat(refused).as("diffs refused past the limit (one sync and one preview counted already)")
                        .isEqualTo(7);
                assertThat(call("GET", base + "/api/v1/targets", "vera:v-pass")).as("cheap reads go on").isEqualTo(200);
            }
        }
    }

    /**
     * The users file and the admin credential file are read again while the service runs (here on the check
     * interval; RunCommandIT sends SIGHUP): a rotated password or token stops working at once, the new one works,
     * and a broken users file keeps the credentials in use and names its file and line.
     */
    @Test
    void rotatedUsersAndAdminFilesApplyAndABrokenFileKeepsTheCredentialsInUse() throws Exception {
        Path users = tmp.resolve("users");
        Path admin = tmp.resolve("admin");
        Files.writeString(users, "vera viewer " + ApiCredentials.hash("old-pass", 1000) + "\n");
        Files.writeString(admin, "old-admin-token\n");
        CredentialFiles files = new CredentialFiles(null, admin, users, false);
        CredentialFiles.Read first = files.read();
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, first.credentials(), null);
                 ApiCredentialReloads reloads = new ApiCredentialReloads(files, first.revision(),
                         service::useApiCredentials).start(Duration.ofMillis(200))) {
                String targets = "http://127.0.0.1:" + service.httpPort() + "/api/v1/targets";
                assertThat(call("GET", targets, "vera:old-pass")).isEqualTo(200);
                assertThat(call("GET", targets, "old-admin-token")).isEqualTo(200);

                Files.writeString(users, "# rotated\nvera viewer " + ApiCredentials.hash("new-pass", 1000) + "\n");
                Files.writeString(admin, "new-admin-token\n");
                await().pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> call("GET", targets, "vera:new-pass") == 200);
                assertThat(call("GET", targets, "vera:old-pass")).as("the old password, remembered as verified before")
                        .isEqualTo(401);
                assertThat(call("GET", targets, "old-admin-token")).isEqualTo(401);
                assertThat(call("GET", targets, "new-admin-token")).isEqualTo(200);
                assertThat(reloads.problem()).isNull();

                Files.writeString(users, "# rotated\nvera viewer " + ApiCredentials.hash("newer-pass", 1000) + "\n"
                        + "otto operator not-a-hash\n");
                await().atMost(Duration.ofSeconds(10)).until(() -> reloads.problem() != null);
                assertThat(reloads.problem()).startsWith(users + ":3: expected NAME ROLE HASH");
                assertThat(call("GET", targets, "vera:new-pass")).as("the credentials in use stay").isEqualTo(200);
                assertThat(call("GET", targets, "new-admin-token")).isEqualTo(200);
            }
        }
    }
}
