package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.app.DriftlessService;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;

/**
 * Issue 26, item 1, over plain HTTP: a write carries what a cross-site form or fetch cannot send (a JSON content
 * type, {@code X-Driftless-Request: 1}, and an Origin, when there is one, of the served host), even with valid
 * credentials; and no answer invites the browser's own Basic prompt, whose credentials the browser would then send
 * with any site's requests. {@code CrossSiteRequestIT} plays the same in Chromium.
 */
class ApiCrossSiteIT {

    static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret"
            .getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String url, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("Authorization", ADMIN);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    private boolean suspended(String base) throws Exception {
        HttpResponse<String> target = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/targets/dev/prefect"))
                .header("Authorization", ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(target.statusCode()).as(target.body()).isEqualTo(200);
        return new ObjectMapper().readTree(target.body()).path("suspended").asBoolean();
    }

    @Test
    void aWriteNeedsAJsonTypeTheDriftlessHeaderAndTheServedOrigin() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:s3cret"), null)) {
                String base = "http://127.0.0.1:" + service.httpPort();
                String suspend = base + "/api/v1/targets/dev/prefect/suspend";
                // what a page of another site can make a browser send, with the credentials the browser holds
                Map<String, Map<String, String>> crossSite = new LinkedHashMap<>();
                crossSite.put("a form (urlencoded)", headers("Content-Type", "application/x-www-form-urlencoded",
                        "Origin", "http://localhost:18093"));
                crossSite.put("a form (text/plain)", headers("Content-Type", "text/plain"));
                crossSite.put("a form (multipart)", headers("Content-Type", "multipart/form-data; boundary=x"));
                crossSite.put("no body type", headers());
                crossSite.put("the header, but a form's type", headers("Content-Type", "text/plain",
                        "X-Driftless-Request", "1"));
                crossSite.put("JSON without the header", headers("Content-Type", "application/json"));
                crossSite.put("another origin", headers("Content-Type", "application/json", "X-Driftless-Request", "1",
                        "Origin", "http://localhost:18093"));
                crossSite.put("another port of this host", headers("Content-Type", "application/json",
                        "X-Driftless-Request", "1", "Origin", "http://127.0.0.1:1"));
                crossSite.put("an opaque origin", headers("Content-Type", "application/json", "X-Driftless-Request", "1",
                        "Origin", "null"));
                crossSite.put("a cross-site fetch", headers("Content-Type", "application/json", "X-Driftless-Request",
                        "1", "Sec-Fetch-Site", "cross-site"));
                for (Map.Entry<String, Map<String, String>> attempt : crossSite.entrySet()) {
                    HttpResponse<String> answer = post(suspend, attempt.getValue(), "a=b");
                    assertThat(answer.statusCode()).as(attempt.getKey() + ": " + answer.body()).isEqualTo(403);
                    assertThat(answer.body()).as(attempt.getKey()).contains("X-Driftless-Request");
                }
                assertThat(suspended(base)).as("no cross-site attempt suspended the target").isFalse();
                assertThat(post(base + "/api/v1/sources/values/refresh", headers("Content-Type", "text/plain"), "x")
                        .statusCode()).as("refresh").isEqualTo(403);
                assertThat(post(base + "/api/v1/preview", headers("Content-Type", "text/plain"), "{\"ref\": \"main\"}")
                        .statusCode()).as("preview").isEqualTo(403);
                assertThat(post(base + "/api/v1/targets/dev/prefect/sync", headers("Content-Type",
                        "application/x-www-form-urlencoded"), "").statusCode()).as("sync").isEqualTo(403);

                // the web UI: its own origin, the header and a JSON type
                HttpResponse<String> fromUi = post(suspend, headers("Content-Type", "application/json",
                        "X-Driftless-Request", "1", "Origin", base, "Sec-Fetch-Site", "same-origin"), null);
                assertThat(fromUi.statusCode()).as(fromUi.body()).isEqualTo(200);
                assertThat(suspended(base)).isTrue();
                // the CLI: no Origin at all
                HttpResponse<String> fromCli = post(base + "/api/v1/targets/dev/prefect/resume", headers(
                        "Content-Type", "application/json; charset=utf-8", "X-Driftless-Request", "1"), null);
                assertThat(fromCli.statusCode()).as(fromCli.body()).isEqualTo(200);
                assertThat(suspended(base)).isFalse();
            }
        }
    }

    @Test
    void noAnswerInvitesTheBrowsersBasicPrompt() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:s3cret"), null)) {
                String base = "http://127.0.0.1:" + service.httpPort();
                List<HttpResponse<String>> refused = List.of(
                        http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/targets")).build(),
                                HttpResponse.BodyHandlers.ofString()),
                        http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/targets"))
                                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                                        "admin:guess".getBytes(StandardCharsets.UTF_8))).build(),
                                HttpResponse.BodyHandlers.ofString()),
                        post(base + "/api/v1/targets/dev/prefect/sync", Map.of("Content-Type", "application/json",
                                "X-Driftless-Request", "1", "Authorization", "Bearer guess"), null));
                for (HttpResponse<String> answer : refused) {
                    assertThat(answer.statusCode()).as(answer.uri() + ": " + answer.body()).isEqualTo(401);
                    List<String> challenges = answer.headers().allValues("www-authenticate");
                    assertThat(challenges).as("a challenge that no browser answers with its own prompt")
                            .containsExactly("Bearer realm=\"driftless\"");
                    assertThat(challenges).noneMatch(c -> c.toLowerCase(Locale.ROOT).contains("basic"));
                }
            }
        }
    }
}
