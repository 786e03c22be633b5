package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SourceSpec;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.TestCharts;

/**
 * A chart repository served over HTTP with basic authentication (index.yaml and a packaged chart): a release
 * renders from it, the archive is downloaded once per version (not again on a new commit, nor after a
 * restart), and a repository that refuses, lies about the digest or is gone fails the target clearly.
 */
class ChartRepositoriesIT {

    static final String USER = "charts";
    static final String PASSWORD = "chart-s3cret";

    @TempDir
    Path tmp;

    HttpServer server;
    final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    volatile byte[] archive;
    volatile String digest;

    @BeforeEach
    void serve() throws IOException {
        archive = packaged("webapp");
        digest = ChartRepositories.sha256(archive);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/stable/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            byte[] body;
            int code = 200;
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                code = 401;
                body = new byte[0];
            } else if (path.equals("/stable/index.yaml")) {
                body = """
                        apiVersion: v1
                        entries:
                          webapp:
                            - {name: webapp, version: 1.2.0, digest: %s, urls: [archives/webapp-1.2.0.tgz]}
                            - {name: webapp, version: 1.1.0, urls: [archives/webapp-1.1.0.tgz]}
                        """.formatted(digest).getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/stable/archives/webapp-1.2.0.tgz")) {
                body = archive;
            } else {
                code = 404;
                body = new byte[0];
            }
            exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.createContext("/token", exchange -> {
            requests.computeIfAbsent("/token", p -> new AtomicInteger()).incrementAndGet();
            boolean known = ("Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8))).equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    && exchange.getRequestURI().getQuery().contains("scope=repository:charts/webapp:pull");
            byte[] body = "{\"token\": \"t0ken\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(known ? 200 : 401, known ? body.length : -1);
            if (known) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.createContext("/v2/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (!"Bearer t0ken".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:"
                        + server.getAddress().getPort() + "/token\",service=\"test\",scope=\"repository:charts/webapp:pull\"");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            byte[] body;
            if (path.equals("/v2/charts/webapp/manifests/1.2.0")) {
                body = ("{\"schemaVersion\": 2, \"config\": {\"mediaType\": "
                        + "\"application/vnd.cncf.helm.config.v1+json\", \"digest\": \"sha256:00\", \"size\": 2}, "
                        + "\"layers\": [{\"mediaType\": \"" + ChartRepositories.HELM_CHART_LAYER + "\", \"digest\": "
                        + "\"sha256:" + digest + "\", \"size\": " + archive.length + "}]}").getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/v2/charts/webapp/blobs/sha256:" + digest)) {
                body = archive;
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String repository() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/stable";
    }

    /** The test chart as {@code helm package} makes it: a gzipped tar with the chart in a folder of its name. */
    private static byte[] packaged(String chart) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> f : TestCharts.folder(chart).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(chart + "/" + f.getKey());
                entry.setSize(f.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private ReleaseSpec.ChartRef ref(String version, String passwordEnv) {
        return new ReleaseSpec.ChartRef("webapp", version, null, null, repository(),
                new SourceSpec.GitAuth(USER, null, passwordEnv, null, null, null, null, null));
    }

    @Test
    void aReleaseRendersFromTheRepositoryAndEachVersionIsDownloadedOnce() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("shop.yaml", "migration: {enabled: false}\n"));
            byte[] fleet = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - name: shop
                        namespace: shop
                        chart: {repository: %s, name: webapp, version: 1.2.0,
                                auth: {username: %s, passwordEnv: CHART_PW}}
                        source: values
                        values: [shop.yaml]
                    """.formatted(git.url(), GitHttpServer.USER, repository(), USER).getBytes(StandardCharsets.UTF_8);
            DriftlessService.Settings settings = new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                    Map.of("PW", GitHttpServer.PASSWORD, "CHART_PW", PASSWORD));
            try (DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp), settings)) {
                TargetStatus first = awaitState(service, SyncState.Synced, null);
                assertThat(service.clusters().client("dev").apps().deployments().inNamespace("shop")
                        .withName("shop-webapp").get()).isNotNull();
                git.commit("two replicas", Map.of("shop.yaml", "migration: {enabled: false}\nreplicaCount: 2\n"));
                service.refresh("values");
                awaitState(service, SyncState.Synced, first.revision());
                assertThat(service.clusters().client("dev").apps().deployments().inNamespace("shop")
                        .withName("shop-webapp").get().getSpec().getReplicas()).isEqualTo(2);
            }
            try (DriftlessService again = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp), settings)) {
                awaitState(again, SyncState.Synced, null);
            }
            assertThat(requests.get("/stable/archives/webapp-1.2.0.tgz").get()).as("downloads of the archive")
                    .isEqualTo(1);
            assertThat(requests.get("/stable/index.yaml").get()).isEqualTo(1);
        }
    }

    @Test
    void aRepositoryThatRefusesLiesOrIsGoneFailsWithWhatWentWrong() {
        Map<String, String> env = Map.of("GOOD", PASSWORD, "BAD", "guess");
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("a"), env).archive(ref("1.2.0", "BAD")))
                .isInstanceOf(SourceException.class).hasMessage("chart " + repository() + "/webapp@1.2.0: HTTP 401 "
                        + "for " + repository() + "/index.yaml").hasMessageNotContaining("guess");
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("b"), env).archive(ref("9.9.9", "GOOD")))
                .hasMessageEndingWith("the repository has no version 9.9.9 of webapp; it has [1.2.0, 1.1.0]");
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("c"), env).archive(ref("1.1.0", "GOOD")))
                .hasMessageEndingWith("HTTP 404 for " + repository() + "/archives/webapp-1.1.0.tgz");
        archive = new byte[] {1, 2, 3};
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("d"), env).archive(ref("1.2.0", "GOOD")))
                .hasMessageContaining("the archive's SHA-256 is").hasMessageContaining("refusing it");
        server.stop(0);
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("e"), env).archive(ref("1.2.0", "GOOD")))
                .hasMessage("chart " + repository() + "/webapp@1.2.0: cannot reach " + repository() + "/index.yaml "
                        + "(ConnectException)");
    }

    @Test
    void aChartInAnOciRegistryIsFetchedWithATokenCheckedAndKept() {
        ReleaseSpec.ChartRef oci = new ReleaseSpec.ChartRef("webapp", "1.2.0", null, null,
                "oci://127.0.0.1:" + server.getAddress().getPort() + "/charts",
                new SourceSpec.GitAuth(USER, null, "GOOD", null, null, null, null, null));
        ChartRepositories repositories = new ChartRepositories(tmp.resolve("oci"), Map.of("GOOD", PASSWORD));
        assertThat(repositories.archive(oci)).isEqualTo(archive);
        assertThat(requests.get("/token").get()).isEqualTo(1);
        assertThat(repositories.render(oci, new io.driftless.render.Chart.Release("shop", "web", "1.2.0"),
                java.util.List.of(), path -> new java.util.TreeMap<>()).objects())
                .extracting(o -> o.get("kind")).contains("Deployment", "Job");
        assertThat(requests.get("/v2/charts/webapp/blobs/sha256:" + digest).get()).as("downloaded once")
                .isEqualTo(1);

        ReleaseSpec.ChartRef missing = new ReleaseSpec.ChartRef("webapp", "9.9.9", null, null, oci.repository(),
                oci.auth());
        assertThatThrownBy(() -> repositories.archive(missing)).hasMessage("chart " + oci.repository()
                + "/webapp@9.9.9: HTTP 404 for http://127.0.0.1:" + server.getAddress().getPort()
                + "/v2/charts/webapp/manifests/9.9.9");
    }

    private static TargetStatus awaitState(DriftlessService service, SyncState state, String notAt) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            TargetStatus s = service.board().get("dev/shop");
            return s.syncState() == state && (notAt == null || !notAt.equals(s.attemptedRevision()));
        });
        return service.board().get("dev/shop");
    }
}
