package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.driftless.testing.RawHttp;

/**
 * Issue 26, item 8: the Host header must name what is served (a page of a DNS name rebound to 127.0.0.1 read the
 * demo's API, or any {@code --anonymous-read} one), and the UI and the API answer with headers that keep a browser
 * strict: a Content-Security-Policy, {@code nosniff}, no referrer, no framing.
 */
class ApiHostAndHeadersIT {

    @TempDir
    Path tmp;

    @Test
    void aHostThatIsNotTheServedAddressIsRefused() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp,
                    ApiCredentials.NONE.withAnonymousRead(true), null)) {
                int port = service.httpPort();
                for (String host : List.of("rebound.example:" + port, "rebound.example", "127.0.0.1.nip.io:" + port,
                        "localhost.rebound.example:" + port, "10.1.2.3:" + port)) {
                    for (String path : List.of("/api/v1/targets", "/ui/", "/healthz")) {
                        RawHttp.Answer answer = RawHttp.get("127.0.0.1", port, path, Map.of("Host", host));
                        assertThat(answer.status()).as("Host: %s, %s: %s", host, path, answer.body()).isEqualTo(421);
                        assertThat(answer.body()).doesNotContain("prefect");
                    }
                }
                for (String host : List.of("127.0.0.1:" + port, "127.0.0.1", "localhost:" + port, "LocalHost")) {
                    RawHttp.Answer answer = RawHttp.get("127.0.0.1", port, "/api/v1/targets", Map.of("Host", host));
                    assertThat(answer.status()).as("Host: %s", host).isEqualTo(200);
                }
            }
        }
    }

    @Test
    void theUiAndTheApiAnswerWithAStrictContentSecurityPolicy() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp,
                    ApiCredentials.NONE.withAnonymousRead(true), null)) {
                int port = service.httpPort();
                for (String path : List.of("/ui/", "/ui/app.js", "/ui/style.css")) {
                    RawHttp.Answer ui = RawHttp.get("127.0.0.1", port, path, Map.of());
                    assertThat(ui.status()).as(path).isEqualTo(200);
                    String csp = ui.header("content-security-policy");
                    assertThat(csp).as(path).isNotNull().contains("default-src 'none'", "script-src 'self'",
                            "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'")
                            .doesNotContain("unsafe-inline", "unsafe-eval", "*");
                    strict(ui, path);
                }
                for (String path : List.of("/api/v1/targets", "/api/v1/events-nowhere", "/healthz", "/metrics")) {
                    RawHttp.Answer api = RawHttp.get("127.0.0.1", port, path, Map.of());
                    assertThat(api.header("content-security-policy")).as(path).isNotNull()
                            .contains("default-src 'none'", "frame-ancestors 'none'");
                    strict(api, path);
                }
                assertThat(RawHttp.get("127.0.0.1", port, "/api/v1/targets", Map.of())
                        .header("strict-transport-security")).as("HSTS only over HTTPS (TlsIT)").isNull();
            }
        }
    }

    private static void strict(RawHttp.Answer answer, String path) {
        assertThat(answer.header("x-content-type-options")).as(path).isEqualTo("nosniff");
        assertThat(answer.header("referrer-policy")).as(path).isEqualTo("no-referrer");
        assertThat(answer.header("x-frame-options")).as(path).isEqualTo("DENY");
    }
}
