package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.sun.net.httpserver.HttpServer;

import io.driftless.app.DriftlessService;
import io.driftless.app.Main;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.testing.Browser;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RawHttp;
import io.driftless.testing.RealCluster;
import io.driftless.testing.SopsTools;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * A database password kept in Git encrypted with SOPS (for an age key) reaches the live Secret of a real control
 * plane, a commit rotates it, and no part of Driftless shows it: not its log, its API (every read answer, the diff
 * and the objects a user or the UI asks for), the UI's pages in Chromium, its metrics, the Kubernetes Events it
 * writes, its notifications, the command line, or the files it keeps. Each is scanned for the password.
 */
@RealCluster
class SopsSecretsIT {

    private static final String FIRST = "sops-e2e-first-9b2c71";
    private static final String ROTATED = "sops-e2e-rotated-4d7e03";
    private static final String VALUES = """
            postgresql: {enabled: false}
            secret: {username: prefect, host: db.example.com, port: "5432", database: prefect}
            migrations: {enabled: false}
            """;

    private static final Map<String, String> AUTH = Map.of("Authorization", "Basic "
            + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)));

    @TempDir
    Path tmp;
    private final Queue<String> notices = new ConcurrentLinkedQueue<>();

    @Test
    void anEncryptedPasswordReachesTheLiveSecretRotatesByACommitAndShowsNowhere(RealCluster.ControlPlane plane)
            throws Exception {
        SopsTools sops = new SopsTools(Files.createDirectories(tmp.resolve("keys")));
        SopsTools.AgeKey key = sops.ageKey("team");
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            notices.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(stderr, log), true, StandardCharsets.UTF_8));
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git")); KubernetesClient admin = plane.admin()) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", VALUES, "secrets.yaml", encrypted(sops, key, FIRST)));
            Fleet fleet = FleetLoader.parse("fleet.yaml", """
                    sources:
                      - {name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW},
                         decryption: {ageKeysFile: %s}}
                    clusters: [{name: real, kubeconfig: %s}]
                    releases:
                      - {name: prefect, namespace: sops, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml, secrets.yaml], syncPolicy: {createNamespace: true}}
                    notifications:
                      - {name: hook, url: "http://127.0.0.1:%d/", format: json, window: 0s,
                         events: [Synced, SyncFailed, DriftDetected, DriftResolved]}
                    """.formatted(git.url(), GitHttpServer.USER, key.file(), plane.kubeconfig(),
                    receiver.getAddress().getPort()).getBytes(StandardCharsets.UTF_8), tmp);
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD),
                    io.driftless.api.ApiCredentials.of("admin:pw").withAnonymousRead(true)))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("real/prefect").syncState()
                        == SyncState.Synced);
                assertThat(connectionString(admin)).contains(":" + FIRST + "@db.example.com");
                assertThat(admin.apps().deployments().inNamespace("sops").withName("prefect-server").get().getSpec()
                        .getTemplate().getSpec().getContainers().get(0).getEnv()).anySatisfy(e -> assertThat(
                                e.getName() + "=" + e.getValue()).isEqualTo("UPSTREAM_HINT=dsn-" + FIRST));
                assertShownNowhere(service, admin, log, FIRST);

                String commit = git.commit("rotate", Map.of("secrets.yaml", encrypted(sops, key, ROTATED)));
                assertThat(RawHttp.send("127.0.0.1", service.httpPort(), "POST", "/api/v1/sources/values/refresh",
                        Map.of("Authorization", AUTH.get("Authorization"), "Content-Type", "application/json",
                                "X-Driftless-Request", "1"), "{}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(60)).until(() -> commit.equals(service.board().get("real/prefect")
                        .revision()));
                assertThat(connectionString(admin)).contains(":" + ROTATED + "@db.example.com");

                // the old password typed back by hand: drift, shown redacted on both sides (patches without a
                // resourceVersion: the Deployment's controller writes its status meanwhile)
                String container = admin.apps().deployments().inNamespace("sops").withName("prefect-server").get()
                        .getSpec().getTemplate().getSpec().getContainers().get(0).getName();
                admin.apps().deployments().inNamespace("sops").withName("prefect-server").patch(
                        PatchContext.of(PatchType.STRATEGIC_MERGE), """
                        {"spec": {"template": {"spec": {"containers": [{"name": "%s",
                          "env": [{"name": "UPSTREAM_HINT", "value": "dsn-%s"}]}]}}}}""".formatted(container, FIRST));
                admin.secrets().inNamespace("sops").withName("prefect-server-postgresql-connection").patch(
                        PatchContext.of(PatchType.JSON_MERGE), "{\"data\": {\"connection-string\": \""
                        + Base64.getEncoder().encodeToString(("postgresql+asyncpg://prefect:" + FIRST
                        + "@db.example.com:5432/prefect").getBytes(StandardCharsets.UTF_8)) + "\"}}");
                String diff = RawHttp.get("127.0.0.1", service.httpPort(), "/api/v1/targets/real/prefect/diff",
                        AUTH).body();
                assertThat(diff).contains("prefect-server-postgresql-connection")
                        .contains("/spec/template/spec/containers/0/env/")
                        .contains("<redacted hmac:");
                for (String marker : List.of(FIRST, ROTATED)) {
                    assertShownNowhere(service, admin, log, marker);
                }
                assertTheUiShowsNeither(service.httpPort());
            }
        } finally {
            System.setErr(stderr);
            receiver.stop(0);
        }
        assertThat(notices).as("notifications were sent and scanned").isNotEmpty();
        assertThat(log.toString(StandardCharsets.UTF_8)).as("the log was captured and scanned").contains("prefect");
    }

    private static String encrypted(SopsTools sops, SopsTools.AgeKey key, String password) throws Exception {
        // the password also reaches a plain env var (a name no rule calls a credential): only its value says
        String text = sops.encrypt("secrets.yaml", "secret:\n  password: " + password + "\nserver:\n  env:\n"
                + "    - {name: UPSTREAM_HINT, value: 'dsn-" + password + "'}\n", List.of(key), List.of(),
                "--encrypted-regex", "^(password|value)$");
        assertThat(text).doesNotContain(password);
        return text;
    }

    private static String connectionString(KubernetesClient admin) {
        Secret secret = admin.secrets().inNamespace("sops").withName("prefect-server-postgresql-connection").get();
        return new String(Base64.getDecoder().decode(secret.getData().get("connection-string")),
                StandardCharsets.UTF_8);
    }

    private void assertShownNowhere(DriftlessService service, KubernetesClient admin, ByteArrayOutputStream log,
                                    String marker) throws IOException {
        int port = service.httpPort();
        String base = "/api/v1/targets/real/prefect";
        for (String path : List.of("/api/v1/targets", base, base + "/diff", base + "/objects",
                base + "/objects/core/Secret/sops/prefect-server-postgresql-connection", "/api/v1/fleet",
                "/api/v1/sources", "/api/v1/clusters", "/metrics")) {
            RawHttp.Answer answer = RawHttp.get("127.0.0.1", port, path, AUTH);
            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.body()).as(path).doesNotContain(marker);
        }
        String server = "http://127.0.0.1:" + port;
        Path tokenFile = Files.writeString(tmp.resolve("token"), "admin:pw");
        for (String[] args : List.of(new String[] {"get", "targets"}, new String[] {"get", "target", "real/prefect"},
                new String[] {"get", "objects", "real/prefect"}, new String[] {"diff", "real/prefect", "-o", "yaml"},
                new String[] {"history", "real/prefect"})) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--server", server, "--token-file", tokenFile.toString()));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Main.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(out + "\n" + err).as(String.join(" ", args)).doesNotContain(marker);
        }
        admin.v1().events().inAnyNamespace().list().getItems().forEach(e ->
                assertThat(e.getMessage()).as("Event " + e.getMetadata().getName()).doesNotContain(marker));
        admin.events().v1().events().inAnyNamespace().list().getItems().forEach(e ->
                assertThat(e.getNote()).as("Event " + e.getMetadata().getName()).doesNotContain(marker));
        notices.forEach(n -> assertThat(n).as("a notification").doesNotContain(marker));
        assertThat(log.toString(StandardCharsets.UTF_8)).as("the service's log").doesNotContain(marker);
        for (Path folder : List.of(tmp.resolve("state"), tmp.resolve("git"), Path.of("/dev/shm"))) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !folder.toString().equals("/dev/shm")
                        || f.getFileName().toString().startsWith("driftless")).toList()) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain(marker);
                }
            }
        }
    }

    /**
     * The web UI in Chromium: the target's page (its drift and objects), the Secret's and the Deployment's object
     * pages (desired and live side by side): what the browser got holds neither password.
     */
    private static void assertTheUiShowsNeither(int port) {
        WebDriver browser = Browser.chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            String base = "http://127.0.0.1:" + port + "/ui/#/targets/real/prefect";
            Map<String, String> pages = Map.of(base, "prefect-server-postgresql-connection",
                    base + "/objects/core/Secret/sops/prefect-server-postgresql-connection", "connection-string",
                    base + "/objects/apps/Deployment/sops/prefect-server", "UPSTREAM_HINT");
            pages.forEach((page, shows) -> {
                browser.get(page);
                wait.until(d -> d.getPageSource().contains(shows) && d.getPageSource().contains("redacted hmac"));
                assertThat(browser.getPageSource()).as(page).doesNotContain(FIRST, ROTATED);
            });
        } finally {
            browser.quit();
        }
    }

    /** Writes to two streams: what the service logs still reaches the test's output. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
