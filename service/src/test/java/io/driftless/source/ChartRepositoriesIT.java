package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SourceSpec;
import io.driftless.render.Chart;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.TestCharts;

/**
 * A chart repository served over HTTP with basic authentication (index.yaml and a packaged chart): a release
 * renders from it, the archive is downloaded once per version (not again on a new commit, nor after a
 * restart), and a repository that refuses, lies about the digest or is gone fails the target clearly. A second
 * server on another port stands for another host (a CDN, blob storage, a token service elsewhere): it records the
 * Authorization header of every request, which must never carry the repository's credentials.
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
    /** Paths of the repository and registry answered with a redirect to the URL given. */
    final Map<String, String> redirects = new ConcurrentHashMap<>();
    /** The token service the registry's challenge names. */
    volatile String realm;
    /** The other host: {@code <path> <Authorization or ->} of each request it answered. */
    HttpServer elsewhere;
    final List<String> elsewhereSeen = new CopyOnWriteArrayList<>();
    /** What the repository serving an endless index.yaml managed to send before the reader hung up. */
    final AtomicLong endlessSent = new AtomicLong();
    final CountDownLatch endlessDone = new CountDownLatch(1);

    @BeforeEach
    void serve() throws IOException {
        archive = packaged("webapp");
        digest = ChartRepositories.sha256(archive);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        realm = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
        server.createContext("/stable/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (redirect(exchange, 302)) {
                return;
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            byte[] body;
            int code = 200;
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                code = 401;
                body = new byte[0];
            } else if (path.equals("/stable/index.yaml")) {
                body = index();
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
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm
                        + "\",service=\"test\",scope=\"repository:charts/webapp:pull\"");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            if (redirect(exchange, 307)) {
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
        server.createContext("/endless/index.yaml", exchange -> {
            byte[] line = "# a comment that never ends, so the index never ends either ..........................\n"
                    .repeat(512).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 256 * 1024 * 1024 / line.length; i++) {
                    out.write(line);
                    endlessSent.addAndGet(line.length);
                }
            } catch (IOException hungUp) {
                // the reader stopped reading: what this test wants
            } finally {
                endlessDone.countDown();
                exchange.close();
            }
        });
        server.createContext("/nodes/index.yaml", exchange -> {
            byte[] body = ("apiVersion: v1\nentries:\n  webapp: [" + "1,".repeat(250_000) + "1]\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();

        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            elsewhereSeen.add(path + " " + (authorization == null ? "-" : authorization));
            int code = 200;
            byte[] body;
            if (path.equals("/index.yaml")) {
                body = index();
            } else if (path.equals("/archives/webapp-1.2.0.tgz") || path.startsWith("/blobs/")) {
                body = archive;
            } else if (path.equals("/token")) {
                body = "{\"token\": \"t0ken\"}".getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/loop")) {
                exchange.getResponseHeaders().add("Location", "/loop");
                code = 302;
                body = new byte[0];
            } else {
                code = path.startsWith("/signed/") ? 403 : 404;
                body = new byte[0];
            }
            exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        elsewhere.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        elsewhere.stop(0);
    }

    /**
     * The repository's index: webapp (1.0.0 without a digest), moved (whose archive a test redirects) and a chart
     * named to climb.
     */
    private byte[] index() {
        return """
                apiVersion: v1
                entries:
                  webapp:
                    - {name: webapp, version: 1.2.0, digest: %1$s, urls: [archives/webapp-1.2.0.tgz]}
                    - {name: webapp, version: 1.1.0, digest: %1$s, urls: [archives/webapp-1.1.0.tgz]}
                    - {name: webapp, version: 1.0.0, urls: [archives/webapp-1.2.0.tgz]}
                  moved:
                    - {name: moved, version: 1.2.0, digest: %1$s, urls: [archives/moved-1.2.0.tgz]}
                  "../../x":
                    - {name: x, version: 1.2.0, digest: %1$s, urls: [archives/webapp-1.2.0.tgz]}
                """.formatted(digest).getBytes(StandardCharsets.UTF_8);
    }

    /** Answers a request with a redirect when a test asked for one at its path. */
    private boolean redirect(HttpExchange exchange, int code) throws IOException {
        String location = redirects.get(exchange.getRequestURI().getPath());
        if (location == null) {
            return false;
        }
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(code, -1);
        exchange.close();
        return true;
    }

    private String elsewhere() {
        return "http://127.0.0.1:" + elsewhere.getAddress().getPort();
    }

    private String repository() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/stable";
    }

    /** The test chart as {@code helm package} makes it: a gzipped tar with the chart in a folder of its name. */
    private static byte[] packaged(String chart) throws IOException {
        Map<String, byte[]> files = new java.util.TreeMap<>();
        TestCharts.folder(chart).forEach((path, bytes) -> files.put(chart + "/" + path, bytes));
        return tgz(files);
    }

    private static byte[] tgz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
                entry.setSize(f.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private ReleaseSpec.ChartRef ref(String version, String passwordEnv) {
        return ref("webapp", version, passwordEnv);
    }

    private ReleaseSpec.ChartRef ref(String name, String version, String passwordEnv) {
        return new ReleaseSpec.ChartRef(name, version, null, null, repository(),
                new SourceSpec.GitAuth(USER, null, passwordEnv, null, null, null, null, null));
    }

    private ReleaseSpec.ChartRef oci() {
        return new ReleaseSpec.ChartRef("webapp", "1.2.0", null, null,
                "oci://127.0.0.1:" + server.getAddress().getPort() + "/charts",
                new SourceSpec.GitAuth(USER, null, "GOOD", null, null, null, null, null));
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
                .hasMessageEndingWith("the repository has no version 9.9.9 of webapp (it has 3); the nearest: [1.0.0, 1.1.0, "
                        + "1.2.0]");
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("c"), env).archive(ref("1.1.0", "GOOD")))
                .hasMessageEndingWith("HTTP 404 for " + repository() + "/archives/webapp-1.1.0.tgz");
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("n"), env).archive(ref("1.0.0", "GOOD")))
                .hasMessage("chart " + repository() + "/webapp@1.0.0: the index gives no digest for this version, so "
                        + "its archive cannot be checked; refusing it (helm repo index writes one)");
        assertThat(requests).as("not downloaded").doesNotContainKey("/stable/archives/webapp-1.2.0.tgz");
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

    @Test
    void basicCredentialsNeverFollowARedirectToAnotherHost() {
        redirects.put("/stable/index.yaml", elsewhere() + "/index.yaml");
        // the archive's URL is on the repository's own host, which sends it elsewhere
        redirects.put("/stable/archives/moved-1.2.0.tgz", elsewhere() + "/archives/webapp-1.2.0.tgz");
        ChartRepositories repositories = new ChartRepositories(tmp.resolve("charts"), Map.of("GOOD", PASSWORD));
        assertThat(repositories.archive(ref("moved", "1.2.0", "GOOD"))).isEqualTo(archive);
        assertThat(elsewhereSeen).containsExactly("/index.yaml -", "/archives/webapp-1.2.0.tgz -");
        assertThat(requests.get("/stable/index.yaml").get()).isEqualTo(1);
        assertThat(requests.get("/stable/archives/moved-1.2.0.tgz").get()).isEqualTo(1);
    }

    @Test
    void anOciBlobRedirectedToStorageOnAnotherHostIsFetchedWithoutTheToken() {
        redirects.put("/v2/charts/webapp/blobs/sha256:" + digest, elsewhere() + "/blobs/sha256:" + digest
                + "?X-Amz-Signature=5ignature");
        assertThat(new ChartRepositories(tmp.resolve("oci"), Map.of("GOOD", PASSWORD)).archive(oci()))
                .isEqualTo(archive);
        assertThat(elsewhereSeen).containsExactly("/blobs/sha256:" + digest + " -");
        assertThat(requests.get("/token").get()).as("the registry's own token service").isEqualTo(1);
    }

    @Test
    void aRedirectFromHttpsToPlainHttpIsRefused() throws Exception {
        SSLContext tls = selfSigned();
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", repository() + "/index.yaml");
            exchange.sendResponseHeaders(301, -1);
            exchange.close();
        });
        https.start();
        try {
            String secure = "https://127.0.0.1:" + https.getAddress().getPort() + "/stable";
            ReleaseSpec.ChartRef ref = new ReleaseSpec.ChartRef("webapp", "1.2.0", null, null, secure,
                    new SourceSpec.GitAuth(USER, null, "GOOD", null, null, null, null, null));
            assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("tls"), Map.of("GOOD", PASSWORD), tls)
                    .archive(ref)).isInstanceOf(SourceException.class).hasMessage("chart " + secure + "/webapp@1.2.0: "
                    + secure + "/index.yaml redirects from https to plain http (" + repository() + "/index.yaml); "
                    + "refusing to follow it");
            assertThat(requests).doesNotContainKey("/stable/index.yaml");
        } finally {
            https.stop(0);
        }
    }

    @Test
    void aRedirectLoopEndsAfterFiveRedirects() {
        redirects.put("/stable/index.yaml", elsewhere() + "/loop");
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("loop"), Map.of("GOOD", PASSWORD))
                .archive(ref("1.2.0", "GOOD"))).hasMessage("chart " + repository() + "/webapp@1.2.0: more than 5 "
                + "redirects from " + repository() + "/index.yaml");
        assertThat(elsewhereSeen).hasSize(5).allMatch(seen -> seen.equals("/loop -"));
    }

    @Test
    void aTokenServiceOnAnotherHostIsAskedWithoutTheCredentials() {
        realm = elsewhere() + "/token";
        assertThat(new ChartRepositories(tmp.resolve("oci"), Map.of("GOOD", PASSWORD)).archive(oci()))
                .isEqualTo(archive);
        assertThat(elsewhereSeen).containsExactly("/token -");
        assertThat(requests).doesNotContainKey("/token");
    }

    @Test
    void theTokenServiceGetsTheCredentialsOnlyOnTheRegistrysHostOverHttps() {
        Map<String, Boolean> realms = new java.util.LinkedHashMap<>();
        realms.put("https://registry.example.com https://registry.example.com/token", true);
        realms.put("https://registry.example.com https://REGISTRY.example.com:443/token", true);
        realms.put("https://registry.example.com https://auth.example.com/token", false);
        realms.put("https://registry.example.com https://registry.example.com:8443/token", false);
        realms.put("https://registry.example.com http://registry.example.com/token", false);
        realms.put("http://127.0.0.1:5000 http://127.0.0.1:5000/token", true);
        realms.put("http://127.0.0.1:5000 https://127.0.0.1:5000/token", true);
        realms.put("http://127.0.0.1:5000 http://127.0.0.1:5001/token", false);
        realms.put("http://127.0.0.1:5000 http://localhost:5000/token", false);
        realms.forEach((pair, expected) -> {
            String[] uris = pair.split(" ");
            assertThat(ChartRepositories.credentialsForRealm(URI.create(uris[0]), URI.create(uris[1]))).as(pair)
                    .isEqualTo(expected);
        });
    }

    @Test
    void anIndexOverTheBudgetOfAValuesFileIsRefusedNamingTheRepositoryAndNotReadToTheEnd() throws Exception {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        ReleaseSpec.ChartRef endless = new ReleaseSpec.ChartRef("webapp", "1.2.0", null, null, base + "/endless",
                SourceSpec.GitAuth.NONE);
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("endless"), Map.of()).archive(endless))
                .isInstanceOf(SourceException.class).hasMessage("chart " + base + "/endless/webapp@1.2.0: " + base
                        + "/endless/index.yaml is larger than 2097152 bytes; refusing to read more");
        assertThat(endlessDone.await(20, TimeUnit.SECONDS)).as("the repository saw the reader hang up").isTrue();
        assertThat(endlessSent.get()).as("bytes the repository could send").isLessThan(16L * 1024 * 1024);

        ReleaseSpec.ChartRef nodes = new ReleaseSpec.ChartRef("webapp", "1.2.0", null, null, base + "/nodes",
                SourceSpec.GitAuth.NONE);
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("nodes"), Map.of()).archive(nodes))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("chart " + base + "/nodes/webapp@1.2.0: " + base + "/nodes/index.yaml:3: ")
                .hasMessageContaining("expands to more than 200000 nodes");
    }

    @Test
    void aChartIsKeptUnderADigestDerivedNameAndNothingIsWrittenOutsideTheCache() throws IOException {
        Path state = tmp.resolve("state");
        ChartRepositories repositories = new ChartRepositories(state.resolve("charts"), Map.of("GOOD", PASSWORD));
        ReleaseSpec.ChartRef climbing = ref("../../x", "1.2.0", "GOOD");
        assertThat(repositories.archive(climbing)).isEqualTo(archive);
        String kept = ChartRepositories.sha256((repository() + "\n../../x\n1.2.0").getBytes(StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.walk(tmp)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString()))
                    .containsExactlyInAnyOrder("state/charts/" + kept + ".tgz", "state/charts/" + kept + ".tgz.sha256");
        }
        assertThat(repositories.archive(climbing)).isEqualTo(archive);
        assertThat(requests.get("/stable/archives/webapp-1.2.0.tgz").get()).as("downloaded once").isEqualTo(1);
    }

    @Test
    void anArchiveThatIsNotAChartIsRefusedBeforeAnythingIsWritten() throws IOException {
        Map<String, byte[]> refused = new java.util.LinkedHashMap<>();
        refused.put("the archive is not a gzipped tar", "<html>a login page</html>".getBytes(StandardCharsets.UTF_8));
        refused.put("the archive holds no Chart.yaml in its chart folder", tgz(Map.of("webapp/values.yaml",
                "a: 1\n".getBytes(StandardCharsets.UTF_8))));
        refused.put("the archive holds webapp/../../../evil, outside its chart", tgz(Map.of("webapp/Chart.yaml",
                TestCharts.folder("webapp").get("Chart.yaml"), "webapp/../../../evil", new byte[] {1})));
        int i = 0;
        for (Map.Entry<String, byte[]> r : refused.entrySet()) {
            archive = r.getValue();
            digest = ChartRepositories.sha256(archive); // the index vouches for it: only the contents are wrong
            Path cache = tmp.resolve("refused" + i++);
            assertThatThrownBy(() -> new ChartRepositories(cache, Map.of("GOOD", PASSWORD))
                    .archive(ref("1.2.0", "GOOD"))).as(r.getKey())
                    .hasMessageStartingWith("chart " + repository() + "/webapp@1.2.0: " + r.getKey());
            try (Stream<Path> files = Files.walk(tmp)) {
                assertThat(files.filter(Files::isRegularFile)).as(r.getKey()).isEmpty();
            }
        }
    }

    @Test
    void aKeptArchiveThatIsNotAChartIsRefusedNamingTheChartNotAPath() throws IOException {
        Path cache = Files.createDirectories(tmp.resolve("kept"));
        byte[] broken = tgz(Map.of("webapp/values.yaml", "a: 1\n".getBytes(StandardCharsets.UTF_8)));
        String key = ChartRepositories.sha256((repository() + "\nwebapp\n1.2.0").getBytes(StandardCharsets.UTF_8));
        Files.write(cache.resolve(key + ".tgz"), broken);
        Files.writeString(cache.resolve(key + ".tgz.sha256"), ChartRepositories.sha256(broken) + "\n");
        assertThatThrownBy(() -> new ChartRepositories(cache, Map.of("GOOD", PASSWORD)).render(ref("1.2.0", "GOOD"),
                new Chart.Release("shop", "shop", "1.2.0"), List.of(), null))
                .hasMessage("chart " + repository() + "/webapp@1.2.0: the archive holds no Chart.yaml in its chart "
                        + "folder, so it is not a Helm chart; refusing it");
    }

    @Test
    void errorsNameTheChartAndWhatWentWrongButNoCredentialAndNoQuery() {
        redirects.put("/stable/archives/moved-1.2.0.tgz", elsewhere() + "/signed/moved.tgz?X-Amz-Credential=AKIA1"
                + "&X-Amz-Signature=5ignature");
        assertThatThrownBy(() -> new ChartRepositories(tmp.resolve("signed"), Map.of("GOOD", PASSWORD))
                .archive(ref("moved", "1.2.0", "GOOD"))).isInstanceOf(SourceException.class)
                .hasMessage("chart " + repository() + "/moved@1.2.0: HTTP 403 for " + elsewhere() + "/signed/moved.tgz "
                        + "(redirected from " + repository() + "/archives/moved-1.2.0.tgz)")
                .hasMessageNotContaining("AKIA1").hasMessageNotContaining("5ignature")
                .hasMessageNotContaining(PASSWORD);
        assertThat(elsewhereSeen).containsExactly("/signed/moved.tgz -");
    }

    /** A TLS context with a self-signed certificate for 127.0.0.1 that the same context trusts. */
    private static SSLContext selfSigned() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=charts-test");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
                name, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", keys.getPrivate(), new char[0], new X509Certificate[] {cert});
        store.setCertificateEntry("cert", cert);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, new char[0]);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static TargetStatus awaitState(DriftlessService service, SyncState state, String notAt) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            TargetStatus s = service.board().get("dev/shop");
            return s.syncState() == state && (notAt == null || !notAt.equals(s.attemptedRevision()));
        });
        return service.board().get("dev/shop");
    }
}
