package io.driftless.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SourceSpec;
import io.driftless.config.UpstreamChart;
import io.driftless.reconcile.ShadowVerifier;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.ChartRegistry;
import io.driftless.render.ManifestFolder;
import io.driftless.render.Values;
import io.driftless.render.helm.HelmCharts;
import io.driftless.render.helm.HelmSandbox;
import io.driftless.render.prefect.PrefectServerChart;
import io.driftless.source.ChartRepositories;
import io.driftless.source.UpstreamCharts;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.telemetry.AlertRulesTest;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneTarget;
import io.driftless.testing.PrefectChartRepository;

/**
 * The builtin charts' other versions and their shadow verification, against a chart repository serving Prefect's
 * published packages byte for byte ({@link PrefectChartRepository}): a version outside the builtin list renders
 * through Helm from it (with the warning naming the engine) and moves to a builtin version by a commit to the fleet
 * in Git; a
 * release installed by Helm from the package is taken over by the builtin chart of the same version with nothing
 * to write; a version the repository lacks names the nearest it has; and a deliberately broken builtin (a test
 * chart) is caught by the shadow verification: the warning, the metric and the alert rule firing on it.
 */
class UpstreamChartsIT {

    /** Values the builtin chart renders exactly as Helm does (the version matrix's sqlite case, trimmed). */
    private static final String VALUES = """
            sqlite: {enabled: true}
            postgresql: {enabled: false}
            server: {replicaCount: 2}
            """;

    /** The alert's description, as the rule file has it. */
    private static final String DESCRIPTION = "The shadow verification (syncPolicy.verifyBuiltin, --verify-builtin) "
            + "found a difference; the builtin's render stays applied. The targets' BuiltinMismatch warnings and the "
            + "log name the differing fields. To apply Helm's render meanwhile, name the chart by its repository "
            + "(chart.repository).";

    @TempDir
    Path tmp;

    PrefectChartRepository repository;
    GitHttpServer git;

    @BeforeEach
    void serve() throws Exception {
        repository = new PrefectChartRepository();
        git = new GitHttpServer(tmp.resolve("git"));
        git.start(0);
        git.commit("values", Map.of("values.yaml", VALUES));
    }

    @AfterEach
    void stop() throws Exception {
        try (GitHttpServer g = git) {
            repository.close();
        }
    }

    private String fleetYaml(String chart) {
        return """
                sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                clusters: [{name: dev, embedded: true}]
                upstreamCharts: [{chart: prefect-server, repository: "%s"}]
                releases:
                  - {name: prefect, namespace: data, chart: %s, source: values, values: [values.yaml]}
                """.formatted(git.url(), GitHttpServer.USER, repository.url(), chart);
    }

    private Fleet fleet(String chart) {
        return FleetLoader.parse("fleet.yaml", fleetYaml(chart).getBytes(StandardCharsets.UTF_8), tmp);
    }

    private DriftlessService start(Fleet fleet) {
        return DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                Map.of("PW", GitHttpServer.PASSWORD)));
    }

    private static TargetStatus awaitSynced(DriftlessService service, String image) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            TargetStatus s = service.board().get("dev/prefect");
            var d = service.clusters().client("dev").apps().deployments().inNamespace("data")
                    .withName("prefect-server").get();
            return s.syncState() == SyncState.Synced && d != null
                    && d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().endsWith(image);
        });
        return service.board().get("dev/prefect");
    }

    @Test
    void aVersionOutsideTheBuiltinListRendersThroughHelmAndAFleetCommitMovesItToABuiltinVersion() throws Exception {
        git.commit("fleet", Map.of("fleet/fleet.yaml", fleetYaml("{name: prefect-server, version: 2026.6.5172345}")));
        Path pointer = tmp.resolve("pointer.yaml");
        Files.writeString(pointer, """
                fleetSource: {url: %s, path: fleet/fleet.yaml, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}
                """.formatted(git.url(), GitHttpServer.USER));
        FleetReloads.Origin origin = FleetReloads.git(FleetLoader.fleetSource(pointer).orElseThrow(), pointer,
                tmp.resolve("fleet-cache"), Map.of("PW", GitHttpServer.PASSWORD), io.driftless.config.FleetTrust.git(
                        List.of("PW"), Files.createDirectories(tmp.resolve("secrets")), null, null));
        FleetReloads.Read first = origin.read();
        try (DriftlessService service = start(origin.parse(first));
             FleetReloads reloads = new FleetReloads(origin, first.revision(), service, java.time.Clock.systemUTC())) {
            TargetStatus helm = awaitSynced(service, ":3.7.4-python3.11");
            assertThat(helm.warnings()).anySatisfy(w -> assertThat(w).startsWith("chart prefect-server version "
                    + "2026.6.5172345 is not built into this Driftless").contains("rendered by the Helm engine ("
                    + HelmCharts.HELM_VERSION + ") from " + repository.url() + "/prefect-server@2026.6.5172345"));
            assertThat(service.clusters().client("dev").apps().deployments().inNamespace("data")
                    .withName("prefect-server").get().getMetadata().getLabels())
                    .containsEntry("helm.sh/chart", "prefect-server-2026.6.5172345");
            assertThat(service.metrics().scrape()).contains("driftless_render_duration_seconds_count{chart=\"helm\"}");

            git.commit("upgrade", Map.of("fleet/fleet.yaml",
                    fleetYaml("{name: prefect-server, version: 2026.8.18172642}")));
            reloads.check();
            TargetStatus builtin = awaitSynced(service, ":3.8.3-python3.11");
            assertThat(builtin.warnings()).noneMatch(w -> w.contains("Helm engine"));
            assertThat(service.clusters().client("dev").apps().deployments().inNamespace("data")
                    .withName("prefect-server").get().getMetadata().getLabels())
                    .containsEntry("helm.sh/chart", "prefect-server-2026.8.18172642");
            assertThat(service.metrics().scrape())
                    .contains("driftless_render_duration_seconds_count{chart=\"prefect-server\"}");
        }
        assertThat(repository.requests("/charts/prefect-server-2026.6.5172345.tgz")).isEqualTo(1);
        assertThat(repository.requests("/charts/prefect-server-2026.8.18172642.tgz")).isZero();
    }

    @Test
    void aBuiltinVersionRendersWhatItDoesNotReproduceThroughHelm() throws Exception {
        try (DriftlessService service = start(fleet("{name: prefect-server, version: 2026.7.31163938}"))) {
            TargetStatus natively = awaitSynced(service, ":3.8.1-python3.11");
            assertThat(natively.warnings()).noneMatch(w -> w.contains("Helm engine"));
            assertThat(repository.requests("/charts/prefect-server-2026.7.31163938.tgz")).isZero();

            git.commit("bundled redis", Map.of("values.yaml", """
                    postgresql: {enabled: false}
                    sqlite: {enabled: true}
                    backgroundServices: {runAsSeparateDeployment: true}
                    redis: {enabled: true, auth: {password: redis-pass-1}}
                    """));
            service.refresh("values");
            await().atMost(Duration.ofSeconds(60)).until(() -> service.clusters().client("dev").apps().statefulSets()
                    .inNamespace("data").withName("prefect-redis-master").get() != null
                    && service.board().get("dev/prefect").syncState() == SyncState.Synced);
            assertThat(service.board().get("dev/prefect").warnings()).anySatisfy(w -> assertThat(w).startsWith(
                    "redis.enabled: prefect-server 2026.7.31163938 bundles bitnami redis 22.0.4, which the builtin "
                            + "chart does not reproduce").contains("rendered by the Helm engine"));
            assertThat(service.clusters().client("dev").apps().statefulSets().inNamespace("data")
                    .withName("prefect-redis-master").get().getMetadata().getLabels())
                    .containsEntry("helm.sh/chart", "redis-22.0.4");
            assertThat(service.metrics().scrape()).as("the render metric names who rendered")
                    .contains("driftless_render_duration_seconds_count{chart=\"helm\"} 1");
        }
    }

    @Test
    void aReleaseInstalledFromTheUpstreamPackageIsTakenOverByTheBuiltinWithNothingToWrite() {
        try (DriftlessService service = start(fleet("{repository: " + repository.url()
                + ", name: prefect-server, version: 2026.8.18172642}"))) {
            TargetStatus helm = awaitSynced(service, ":3.8.3-python3.11");
            assertThat(helm.changes()).isNotEmpty();
            Map<String, String> versions = resourceVersions(service);
            assertThat(versions).containsKeys("Deployment/prefect-server", "Service/prefect-server",
                    "ServiceAccount/prefect-server");

            service.reload(fleet("{name: prefect-server, version: 2026.8.18172642}"));
            await().atMost(Duration.ofSeconds(60)).until(() -> service.metrics().scrape()
                    .contains("driftless_render_duration_seconds_count{chart=\"prefect-server\"}")
                    && service.board().get("dev/prefect").lastSync().isAfter(helm.lastSync()));
            TargetStatus builtin = awaitSynced(service, ":3.8.3-python3.11");
            assertThat(builtin.outOfSync()).isZero();
            assertThat(builtin.history()).as("a sync that wrote something is in the history").hasSize(1);
            assertThat(resourceVersions(service)).as("nothing was written").isEqualTo(versions);
        }
    }

    /** Every object of the release's namespace by kind and name, with its resourceVersion. */
    private static Map<String, String> resourceVersions(DriftlessService service) {
        var client = service.clusters().client("dev");
        Map<String, String> out = new java.util.TreeMap<>();
        java.util.stream.Stream.of(client.apps().deployments().inNamespace("data").list().getItems(),
                client.services().inNamespace("data").list().getItems(),
                client.serviceAccounts().inNamespace("data").list().getItems(),
                client.configMaps().inNamespace("data").list().getItems(),
                client.secrets().inNamespace("data").list().getItems()).flatMap(List::stream)
                .forEach(o -> out.put(o.getKind() + "/" + o.getMetadata().getName(),
                        o.getMetadata().getResourceVersion()));
        return out;
    }

    @Test
    void aLegacyVersionOutsideTheBuiltinListRendersThroughHelmFromItsOwnRepository() throws Exception {
        try (PrefectChartRepository legacy = PrefectChartRepository.legacy();
             DriftlessService service = start(FleetLoader.parse("fleet.yaml", """
                     sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                     clusters: [{name: dev, embedded: true}]
                     upstreamCharts: [{chart: prefect-server-legacy, repository: "%s"}]
                     releases:
                       - {name: v1, namespace: legacy, chart: {name: prefect-server-legacy, version: 2022.09.07},
                          source: values, values: [legacy.yaml]}
                     """.formatted(git.url(), GitHttpServer.USER, legacy.url()).getBytes(StandardCharsets.UTF_8),
                     tmp))) {
            git.commit("legacy values", Map.of("legacy.yaml", "postgresql: {postgresqlPassword: legacy-pass-1}\n"));
            service.refresh("values");
            await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("dev/v1").syncState()
                    == SyncState.Synced);
            assertThat(service.board().get("dev/v1").warnings()).anySatisfy(w -> assertThat(w).startsWith(
                    "chart prefect-server-legacy version 2022.09.07 is not built into this Driftless (builtin: "
                            + "2022.04.14, 2022.09.23)").contains(legacy.url() + "/prefect-server@2022.09.07"));
            assertThat(service.clusters().client("dev").apps().deployments().inNamespace("legacy").list().getItems())
                    .isNotEmpty().allSatisfy(d -> assertThat(d.getMetadata().getLabels())
                            .containsEntry("helm.sh/chart", "prefect-server-2022.09.07"));
            assertThat(legacy.requests("/charts/prefect-server-2022.09.07.tgz")).isEqualTo(1);
        }
    }

    @Test
    void aVersionTheRepositoryLacksFailsTheTargetNamingTheNearestItHas() {
        try (DriftlessService service = start(fleet("{name: prefect-server, version: 2026.8.1}"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> service.board().get("dev/prefect").failure() != null);
            assertThat(service.board().get("dev/prefect").failure().message())
                    .contains("has no version 2026.8.1 of prefect-server (it has 3); the nearest: [2026.6.5172345, "
                            + "2026.7.31163938, 2026.8.18172642]");
            assertThat(service.clusters().client("dev").apps().deployments().inNamespace("data").list().getItems())
                    .isEmpty();
        }
    }

    /** The builtin chart with one deliberate mistake: the server's Deployment keeps 3 old ReplicaSets, not 10. */
    private static final class Broken implements Chart {
        private final PrefectServerChart chart = new PrefectServerChart();

        @Override
        public String name() {
            return chart.name();
        }

        @Override
        public String defaultVersion() {
            return chart.defaultVersion();
        }

        @Override
        public List<String> versions() {
            return chart.versions();
        }

        @Override
        public boolean reproduces(String version) {
            return chart.reproduces(version);
        }

        @Override
        public Map<String, Object> defaults(String version) {
            return chart.defaults(version);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Rendered render(Release release, Values values) {
            Rendered rendered = chart.render(release, values);
            List<Map<String, Object>> objects = new ArrayList<>(rendered.objects());
            objects.replaceAll(o -> {
                if (!"Deployment".equals(o.get("kind"))) {
                    return o;
                }
                Map<String, Object> copy = Values.deepCopy(o);
                ((Map<String, Object>) copy.get("spec")).put("revisionHistoryLimit", 3);
                return copy;
            });
            return new Rendered(objects, rendered.warnings(), rendered.healthHints(), rendered.notes());
        }
    }

    @Test
    void aBrokenBuiltinRaisesTheWarningTheMetricAndTheAlert() throws Exception {
        try (OneTarget one = new OneTarget(tmp.resolve("one"), "prefect-server", "2026.8.18172642", "data", VALUES,
                "embedded: true", "{verifyBuiltin: true}");
             HelmSandbox sandbox = new HelmSandbox(tmp.resolve("renderer"), HelmSandbox.Limits.DEFAULT)) {
            HelmCharts helm = new HelmCharts(sandbox);
            List<UpstreamChart> upstream = List.of(new UpstreamChart("prefect-server", new ReleaseSpec.ChartRef(
                    "prefect-server", null, null, null, repository.url(), SourceSpec.GitAuth.NONE)));
            ChartRepositories repositories = new ChartRepositories(tmp.resolve("charts"), Map.of(), helm);
            one.rendering(new ChartCatalogue(List.of(new UpstreamCharts(new ChartRegistry(List.of(new Broken())),
                    repositories, () -> upstream), helm, new ManifestFolder(), repositories)));

            TargetStatus synced = one.sync();
            assertThat(synced.syncState()).isEqualTo(SyncState.Synced);
            assertThat(one.client().apps().deployments().inNamespace("data").withName("prefect-server").get()
                    .getSpec().getRevisionHistoryLimit()).as("the builtin's render stays the one applied").isEqualTo(3);

            String series = "driftless_builtin_mismatch_total{chart=\"prefect-server\",version=\"2026.8.18172642\"}";
            await().atMost(Duration.ofSeconds(60)).until(() -> one.metrics().scrape().contains(series + " 1.0"));
            String warning = "BuiltinMismatch: the builtin prefect-server 2026.8.18172642 renders 1 field(s) unlike "
                    + "Helm rendering the upstream package (Deployment data/prefect-server: spec.revisionHistoryLimit "
                    + "differs); the builtin's render stays applied";
            await().atMost(Duration.ofSeconds(10)).until(() -> one.syncer().board().get(one.target().id()).warnings()
                    .contains(warning));
            assertThat(one.sync().warnings()).as("the next sync keeps it").contains(warning);
            assertThat(one.syncer().shadow().mismatch(one.target().id())).map(ShadowVerifier.Mismatch::differences)
                    .contains(List.of("Deployment data/prefect-server: spec.revisionHistoryLimit differs"));

            // the alert rule, fed the series exactly as this scrape shows it, fires
            Matcher m = Pattern.compile("driftless_builtin_mismatch_total\\{([^}]*)\\} (\\S+)")
                    .matcher(one.metrics().scrape());
            assertThat(m.find()).isTrue();
            String labels = m.group(1).replaceAll(",$", "");
            String summary = "builtin chart prefect-server 2026.8.18172642 renders unlike Helm's render of the "
                    + "upstream package";
            Files.copy(AlertRulesTest.ALERTS.resolve("driftless.rules.yaml"), tmp.resolve("driftless.rules.yaml"));
            Files.writeString(tmp.resolve("mismatch.test.yaml"), """
                    rule_files: [driftless.rules.yaml]
                    evaluation_interval: 1m
                    tests:
                      - interval: 1m
                        input_series:
                          - series: 'driftless_builtin_mismatch_total{%s,instance="a"}'
                            values: '_x5 %sx30'
                        alert_rule_test:
                          - eval_time: 10m
                            alertname: DriftlessBuiltinMismatch
                            exp_alerts:
                              - exp_labels: {severity: warning, chart: prefect-server, version: "2026.8.18172642"}
                                exp_annotations:
                                  summary: "%s"
                                  description: "%s"
                    """.formatted(labels, m.group(2).replace(".0", ""), summary, DESCRIPTION));
            assertThat(AlertRulesTest.promtool(tmp, "test", "rules", "mismatch.test.yaml")).contains("SUCCESS");
        }
    }
}
