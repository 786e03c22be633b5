package io.driftless.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.ConfigException;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.Problem;
import io.driftless.hostile.HostileCases.Case;
import io.driftless.model.Tracking;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.Kubeconfigs;
import io.driftless.testing.RawHttp;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Runs the hostile-input corpus ({@code src/test/resources/hostile/cases.yaml}) against one running service:
 * malformed, oversized, deeply nested, aliased, duplicated, mistyped and non-UTF-8 values files, symlinks and
 * folders where a values file should be, values that render nothing or look like templates, template text a chart's
 * {@code tpl} runs into Helm's memory and time limits; fleet files with
 * unknown keys, names that are not DNS labels, paths out of the repository, 10,000 releases and a cluster on a
 * closed port; oversized, unsigned and badly signed webhooks.
 *
 * <p>Each case proves four things: the input is refused with a clear error that names its file and line or its
 * key (or, for a valid input, does exactly what it says and no more); the process keeps running ({@code /healthz}
 * answers); nothing is pruned (every object the service applied is still in the cluster, and the hit target's
 * objects are unchanged); and other targets are unaffected (a release beside the victim syncs the very commit
 * that broke it). Values cases commit the good file back afterwards and wait until the victim is Synced again, so
 * no case leaks into the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileCorpusIT {

    private static final String CHART = "{name: prefect-server, version: 2026.8.18172642}";
    private static final String SQLITE = "sqlite: {enabled: true}\npostgresql: {enabled: false}\n";
    private static final Map<String, String> GOOD = Map.of("victim", SQLITE + "server:\n  loggingLevel: INFO\n",
            "toggle", "enabled: true\ngreeting: hello\n");
    private static final String WEBHOOK_SECRET = "corpus-webhook-secret-4f1c";
    /** The targets of the source values cases commit to; all of them must have tried a commit before checks. */
    private static final List<String> VALUES_TARGETS = List.of("dev/victim", "dev/bystander", "dev/toggle");
    /** Targets no case is aimed at: they stay Synced throughout. */
    private static final List<String> BYSTANDERS = List.of("dev/bystander", "dev/hooked", "dev/spread");
    private static final List<String> NAMESPACES = List.of("victim", "bystander", "toggle", "hooked", "spread");
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How long one Helm render may take here (its case waits it out). */
    private static final Duration HELM_TIMEOUT = Duration.ofSeconds(8);
    /** How often a {@code repeated-from-one-client} webhook case is sent: past the per-client limit on failed proofs. */
    private static final int REPEATED = 20;

    @TempDir
    static Path tmp;

    private GitHttpServer git;
    private CorpusRepository repository;
    private SopsCorpus sops;
    private DriftlessService service;
    private KubernetesClient dev;
    /** Every object the service applied, as {@code Kind/namespace/name}, once all targets first synced. */
    private Set<String> applied;
    /** HTTP/1.1, as Git hosts send webhooks (and without an h2c upgrade, which would answer oversize differently). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static Stream<Case> cases() {
        return HostileCases.load().stream();
    }

    @BeforeAll
    void start() throws Exception {
        git = new GitHttpServer(tmp.resolve("origin"));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("victim/values.yaml", GOOD.get("victim"));
        files.put("toggle/values.yaml", GOOD.get("toggle"));
        for (String release : List.of("bystander", "hooked", "spread")) {
            files.put(release + "/values.yaml", SQLITE);
        }
        files.put("charts/toggle/Chart.yaml", "apiVersion: v2\nname: toggle\nversion: 0.1.0\n");
        files.put("charts/toggle/values.yaml", "enabled: true\ngreeting: hello\n");
        files.put("charts/toggle/templates/configmap.yaml", """
                {{- if .Values.enabled }}
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Release.Name }}-settings
                data:
                  greeting: {{ .Values.greeting | quote }}
                {{- end }}
                """);
        // as many charts do, the toggle chart runs a value through tpl: a values committer writes template text
        files.put("charts/toggle/templates/extra.yaml", """
                {{- with .Values.extra }}
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ $.Release.Name }}-extra
                data:
                  text: {{ tpl . $ | quote }}
                {{- end }}
                """);
        git.commit("initial values", files);
        repository = new CorpusRepository(git, tmp.resolve("outside"));
        sops = new SopsCorpus(tmp.resolve("sops"));
        Kubeconfigs.write(tmp.resolve("down.kubeconfig"), "https://127.0.0.1:" + closedPort());
        // victim's values layer is on line 8: the cases about a missing values file expect fleet.yaml:8
        String fleetYaml = """
                sources:
                  - {name: values, url: %1$s, pollInterval: 1h, auth: {username: %2$s, passwordEnv: GIT_PASSWORD}}
                  - {name: hooked, url: %1$s, pollInterval: 1h, webhook: {secretEnv: HOOK_SECRET},
                     auth: {username: %2$s, passwordEnv: GIT_PASSWORD}}
                  - {name: remote, url: %1$s, pollInterval: 1h, auth: {username: %2$s, passwordEnv: GIT_PASSWORD}}
                clusters: [{name: dev, embedded: true}, {name: down, kubeconfig: down.kubeconfig}]
                releases:
                  - {name: victim, namespace: victim, source: values, values: [victim/values.yaml],
                     chart: %3$s, clusters: {names: [dev]}, decryption: {ageKeysFile: %4$s}}
                  - {name: bystander, namespace: bystander, source: values, values: [bystander/values.yaml],
                     chart: %3$s, clusters: {names: [dev]}}
                  - {name: toggle, namespace: toggle, source: values, values: [toggle/values.yaml],
                     chart: {path: charts/toggle, version: 0.1.0}, clusters: {names: [dev]}}
                  - {name: hooked, namespace: hooked, source: hooked, values: [hooked/values.yaml],
                     chart: %3$s, clusters: {names: [dev]}}
                  - {name: spread, namespace: spread, source: remote, values: [spread/values.yaml], chart: %3$s}
                """.formatted(git.url(), GitHttpServer.USER, CHART, sops.victimKey());
        Fleet fleet = FleetLoader.parse("fleet.yaml", fleetYaml.getBytes(StandardCharsets.UTF_8), tmp);
        ClusterConnections clusters = new ClusterConnections(fleet.clusters());
        // Helm's renderer processes with a shorter time than the default, so the case that runs out of it is quick
        service = DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 4,
                Map.of("GIT_PASSWORD", GitHttpServer.PASSWORD, "HOOK_SECRET", WEBHOOK_SECRET),
                io.driftless.api.ApiCredentials.of(null).withAnonymousRead(true), null,
                io.driftless.render.helm.HelmSandbox.Limits.DEFAULT.withTimeout(HELM_TIMEOUT), false), clusters);
        dev = clusters.client("dev");
        await().atMost(WAIT).untilAsserted(() -> assertThat(Stream.of("dev/victim", "dev/toggle", "dev/bystander",
                "dev/hooked", "dev/spread").map(service.board()::get)).allSatisfy(s -> assertThat(s.syncState())
                .as("%s: %s", s.release(), s.lastError()).isEqualTo(SyncState.Synced)));
        applied = applied();
        assertThat(applied).as("what every case must leave in place").contains(
                "Deployment/victim/prefect-server", "ConfigMap/toggle/toggle-settings",
                "Deployment/bystander/prefect-server");
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (git != null) {
            git.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesClearlyKeepsRunningPrunesNothingAndLeavesOtherTargetsAlone(Case c) throws Exception {
        double counted = c.counts() == null ? 0 : metric(c.counts());
        switch (c.kind()) {
            case VALUES -> values(c);
            case FLEET -> fleet(c);
            case WEBHOOK -> webhook(c);
        }
        if (c.counts() != null) {
            assertThat(metric(c.counts())).as(c.counts()).isGreaterThan(counted);
        }
        HttpResponse<String> health = get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        assertThat(applied()).as("nothing pruned").containsAll(applied);
        for (String target : BYSTANDERS) {
            TargetStatus s = service.board().get(target);
            assertThat(s.syncState()).as(target + ": " + s.lastError()).isEqualTo(SyncState.Synced);
        }
    }

    // ---- values ---------------------------------------------------------------------------------------------------

    private void values(Case c) throws Exception {
        String release = c.release();
        String file = release + "/values.yaml";
        TargetStatus before = status(release);
        Object live = live(release);
        Throwable failure = null;
        try {
            String commit = commitHostile(c, file);
            TargetStatus hit = attempt(commit, release);
            if (c.outcome() == HostileCases.Outcome.APPLIES) {
                assertThat(hit.syncState()).as(hit.lastError()).isEqualTo(SyncState.Synced);
                assertThat(hit.revision()).isEqualTo(commit);
                String json = Serialization.asJson(live(release));
                assertThat(json).contains(c.expect());
                c.absent().forEach(a -> assertThat(json).doesNotContain(a));
            } else {
                assertThat(hit.syncState()).as("%s", hit).isEqualTo(SyncState.Failed);
                assertThat(hit.lastError()).contains(c.expect());
                c.absent().forEach(a -> assertThat(hit.lastError()).doesNotContain(a));
                assertThat(hit.revision()).as("the last good commit stays applied").isEqualTo(before.revision());
                assertThat(live(release)).as("the last good state stays live").isEqualTo(live);
            }
            TargetStatus bystander = status("bystander");
            assertThat(bystander.syncState()).as(bystander.lastError()).isEqualTo(SyncState.Synced);
            assertThat(bystander.revision()).as("the bystander synced the commit that broke " + release)
                    .isEqualTo(commit);
        } catch (Exception | AssertionError e) {
            failure = e;
            throw e;
        } finally {
            try {
                recover(release, file, live);
            } catch (Exception | AssertionError e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    /** Commits the good values back, so that no case leaks into the next one. */
    private void recover(String release, String file, Object live) throws Exception {
        String good = repository.restore(file, GOOD.get(release));
        TargetStatus recovered = attempt(good, release);
        assertThat(recovered.syncState()).as(recovered.lastError()).isEqualTo(SyncState.Synced);
        assertThat(live(release)).isEqualTo(live);
    }

    /** Refreshes the values source and waits until each of its targets has tried the commit. */
    private TargetStatus attempt(String commit, String release) {
        service.refresh("values");
        await().atMost(WAIT).until(() -> VALUES_TARGETS.stream()
                .allMatch(t -> commit.equals(service.board().get(t).attemptedRevision())));
        return status(release);
    }

    /** What a case may not change: the victim's Deployment spec, the toggle chart's ConfigMap data. */
    private Object live(String release) {
        if (release.equals("toggle")) {
            return dev.configMaps().inNamespace("toggle").withName("toggle-settings").get().getData();
        }
        return dev.apps().deployments().inNamespace(release).withName("prefect-server").get().getSpec();
    }

    private String commitHostile(Case c, String file) throws Exception {
        if (c.generator() != null && SopsCorpus.GENERATORS.contains(c.generator())) {
            return repository.commit(file, sops.generate(c.generator(), GOOD.get(c.release())), c.name());
        }
        if (c.generator() != null && HostileCases.TEST_GENERATORS.contains(c.generator())) {
            return repository.commitShape(c.generator(), file, GOOD.get(c.release()), c.name());
        }
        return repository.commit(file, input(c), c.name());
    }

    // ---- fleet ----------------------------------------------------------------------------------------------------

    private void fleet(Case c) throws Exception {
        Path base = Files.createTempDirectory(tmp, "fleet");
        byte[] content = switch (String.valueOf(c.generator())) {
            case "kubeconfig-is-a-secret-file" -> {
                Files.writeString(base.resolve("credentials"), "password: TOPSECRET-7731\ntoken: TOPSECRET-7732\n");
                yield fleetOn("{name: odd, kubeconfig: credentials}");
            }
            case "cluster-on-a-closed-port" -> {
                Files.copy(tmp.resolve("down.kubeconfig"), base.resolve("down.kubeconfig"));
                yield fleetOn("{name: down, kubeconfig: down.kubeconfig}");
            }
            default -> input(c);
        };
        Fleet[] loaded = new Fleet[1];
        Throwable thrown = catchThrowable(() -> loaded[0] = FleetLoader.parse("fleet.yaml", content, base));
        Fleet fleet = loaded[0];
        switch (c.outcome()) {
            case REJECTED -> {
                assertThat(thrown).isInstanceOf(ConfigException.class);
                String problems = String.join("\n", ((ConfigException) thrown).problems().stream()
                        .map(Problem::toString).toList());
                assertThat(problems).contains(c.expect());
                c.absent().forEach(a -> assertThat(problems).doesNotContain(a));
            }
            case LOADS -> {
                assertThat(thrown).isNull();
                assertThat(fleet.targets()).hasSize(c.targets());
            }
            case CONNECT_FAILS -> {
                assertThat(thrown).as("the fleet file itself is fine").isNull();
                Throwable refused = catchThrowable(() -> new ClusterConnections(fleet.clusters()).close());
                assertThat(refused).isInstanceOf(IllegalStateException.class);
                assertThat(refused.getMessage()).contains(c.expect());
                c.absent().forEach(a -> assertThat(refused.getMessage()).doesNotContain(a));
            }
            case SYNC_FAILS -> {
                // nothing connects while a fleet loads: a cluster that is down cannot stop the others from starting
                assertThat(thrown).isNull();
                new ClusterConnections(fleet.clusters()).close();
                // the running service has such a cluster: its target fails, naming it; the same release elsewhere syncs
                await().atMost(WAIT.multipliedBy(2)).until(() -> service.board().get(c.target()).attemptedRevision()
                        != null);
                TargetStatus failed = service.board().get(c.target());
                assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
                assertThat(failed.lastError()).contains(c.expect());
                String cluster = c.target().substring(0, c.target().indexOf('/'));
                assertThat(service.clusters().reachability(cluster).reachable()).as("reported unreachable").isFalse();
                String elsewhere = "dev/" + c.target().substring(c.target().indexOf('/') + 1);
                assertThat(service.board().get(elsewhere).syncState()).isEqualTo(SyncState.Synced);
            }
            default -> throw new IllegalArgumentException("not a fleet outcome: " + c.outcome());
        }
    }

    private static byte[] fleetOn(String cluster) {
        return ("sources: [{name: values, url: https://git.example.com/values.git}]\nclusters: [" + cluster + "]\n"
                + "releases: [{name: spread, namespace: spread, source: values, values: [spread/values.yaml], chart: "
                + CHART + "}]\n").getBytes(StandardCharsets.UTF_8);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // closed when this returns: nothing listens there
        }
    }

    // ---- webhooks -------------------------------------------------------------------------------------------------

    private void webhook(Case c) throws Exception {
        String pending = git.commit("pending for " + c.name(), Map.of("hooked/values.yaml",
                SQLITE + "# " + c.name() + "\n"));
        String hooked = "driftless_source_fetch_total{result=\"success\",source=\"hooked\"}";
        String values = "driftless_source_fetch_total{result=\"success\",source=\"values\"}";
        double hookedFetches = metric(hooked);
        double valuesFetches = metric(values);

        byte[] body = c.generator() == null ? input(c) : switch (c.generator()) {
            case "oversized-chunked-body" -> new byte[2 * HostileCases.OVERSIZED_WEBHOOK];
            case "oversized-signature-header", "repeated-from-one-client" -> HostileCases.file("webhook/push.json");
            default -> input(c);
        };
        Map<String, String> headers = new LinkedHashMap<>();
        c.headers().forEach((k, v) -> headers.put(k, HostileCases.header(v, body, WEBHOOK_SECRET)));
        if ("oversized-signature-header".equals(c.generator())) {
            headers.put("X-Hub-Signature-256", "sha256=" + "0".repeat(20 * 1024));
        }
        int status;
        String answered;
        if ("repeated-from-one-client".equals(c.generator())) {
            // sent again and again from an address of its own, so the throttling hits that client only
            List<Integer> codes = new ArrayList<>();
            RawHttp.Answer last = null;
            Map<String, String> sent = new LinkedHashMap<>(headers);
            sent.putIfAbsent("Content-Type", "application/json");
            for (int i = 0; i < REPEATED; i++) {
                last = RawHttp.send("127.0.0.2", service.httpPort(), "POST", "/api/v1/webhooks/" + c.source(), sent, body);
                codes.add(last.status());
            }
            assertThat(codes.get(0)).as("the first attempt is answered: %s", codes).isEqualTo(401);
            status = last.status();
            answered = last.body();
        } else {
            HttpResponse<String> answer = post(c.source(), headers, body, "oversized-chunked-body".equals(c.generator()));
            status = answer.statusCode();
            answered = answer.body();
        }
        assertThat(status).as(answered).isEqualTo(c.status());
        if (!c.expect().isEmpty()) {
            assertThat(answered).contains(c.expect());
        }
        c.absent().forEach(a -> assertThat(answered).doesNotContain(a));
        if (c.status() == 202) { // a push proven as it came: it alone fetches the pending commit
            await().atMost(WAIT).until(() -> pending.equals(status("hooked").attemptedRevision()));
            assertThat(status("hooked").syncState()).isEqualTo(SyncState.Synced);
            assertThat(metric(hooked)).isEqualTo(hookedFetches + 1);
            assertThat(metric(values)).as("no fetch of another source").isEqualTo(valuesFetches);
            return;
        }
        assertThat(metric(hooked)).as("no fetch").isEqualTo(hookedFetches);
        assertThat(metric(values)).as("no fetch").isEqualTo(valuesFetches);
        assertThat(status("hooked").attemptedRevision()).as("nothing synced").isNotEqualTo(pending);

        // a correctly signed push is what fetches the pending commit, and it alone
        byte[] push = HostileCases.file("webhook/push.json");
        HttpResponse<String> accepted = post("hooked", Map.of("X-Hub-Signature-256",
                HostileCases.header("sha256=${hmac}", push, WEBHOOK_SECRET)), push, false);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        await().atMost(WAIT).until(() -> pending.equals(status("hooked").attemptedRevision()));
        assertThat(status("hooked").syncState()).isEqualTo(SyncState.Synced);
        assertThat(metric(hooked)).isEqualTo(hookedFetches + 1);
    }

    private HttpResponse<String> post(String source, Map<String, String> headers, byte[] body, boolean chunked)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url("/api/v1/webhooks/" + source)).timeout(WAIT)
                .header("Content-Type", "application/json")
                .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::setHeader); // a case may give its own Content-Type
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- shared -----------------------------------------------------------------------------------------------------

    private static byte[] input(Case c) {
        return c.input() != null ? HostileCases.file(c.input()) : HostileCases.generate(c.generator());
    }

    private TargetStatus status(String release) {
        return service.board().get("dev/" + release);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + service.httpPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A series' value in the service's own scrape (0 when absent). */
    private double metric(String series) {
        return service.metrics().scrape().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    /** The objects the service owns in the cluster (hook Jobs aside, which come and go by design). */
    private Set<String> applied() {
        Set<String> out = new TreeSet<>();
        List<HasMetadata> objects = new ArrayList<>();
        for (String ns : NAMESPACES) {
            objects.addAll(dev.apps().deployments().inNamespace(ns).withLabel(Tracking.TARGET_LABEL).list().getItems());
            objects.addAll(dev.services().inNamespace(ns).withLabel(Tracking.TARGET_LABEL).list().getItems());
            objects.addAll(dev.serviceAccounts().inNamespace(ns).withLabel(Tracking.TARGET_LABEL).list().getItems());
            objects.addAll(dev.configMaps().inNamespace(ns).withLabel(Tracking.TARGET_LABEL).list().getItems());
            objects.addAll(dev.secrets().inNamespace(ns).withLabel(Tracking.TARGET_LABEL).list().getItems());
            objects.addAll(dev.persistentVolumeClaims().inNamespace(ns).withLabel(Tracking.TARGET_LABEL).list()
                    .getItems());
        }
        objects.forEach(o -> out.add(o.getKind() + "/" + o.getMetadata().getNamespace() + "/"
                + o.getMetadata().getName()));
        return out;
    }
}
