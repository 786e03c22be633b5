package io.driftless.realcluster;

import io.driftless.status.SyncState;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.driftless.status.TargetStatus;
import io.driftless.render.ChartRegistry;
import io.driftless.testing.OneTarget;
import io.driftless.testing.RealCluster;

/**
 * Every golden render fixture of both builtin charts, synced into a fresh namespace of a real kube-apiserver
 * (with its controllers and kwok): the first sync creates everything, a compare right after finds no drift
 * (server defaults, quantities, int-or-string and the like are not drift), and a second sync writes nothing.
 */
@RealCluster
class ZeroDriftIT {

    @TempDir
    Path tmp;

    /** Fixtures that need what this control plane lacks: the Gateway API's CRDs. */
    private static final java.util.Set<String> NEEDS_CRDS = java.util.Set.of("prefect-server/gateway-routes");

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        Path root = Path.of(ZeroDriftIT.class.getResource("/render").toURI());
        try (Stream<Path> charts = Files.list(root)) {
            return charts.sorted().flatMap(chart -> {
                try (Stream<Path> cases = Files.list(chart)) {
                    return cases.map(c -> chart.getFileName() + "/" + c.getFileName()).sorted().toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(f -> !NEEDS_CRDS.contains(f)).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void aSecondSyncOfEveryFixtureFindsNoDriftAndWritesNothing(String fixture, RealCluster.ControlPlane plane)
            throws Exception {
        Path dir = Path.of(ZeroDriftIT.class.getResource("/render/" + fixture).toURI());
        String values = Files.readString(dir.resolve("values.yaml"));
        String chart = fixture.substring(0, fixture.indexOf('/'));
        String version = values.lines().findFirst().filter(l -> l.contains("version:"))
                .map(l -> l.substring(l.indexOf("version:") + 8).trim().split("\\s+")[0])
                .orElse(ChartRegistry.builtin().chart(chart).defaultVersion());
        String namespace = (chart.endsWith("legacy") ? "l-" : "m-") + fixture.substring(fixture.indexOf('/') + 1);
        try (OneTarget t = new OneTarget(tmp, chart, version, namespace, values,
                "kubeconfig: " + plane.kubeconfig(), "{createNamespace: true}")) {
            TargetStatus first = t.sync();
            assertThat(first.lastError()).as(fixture).isNull();
            assertThat(first.syncState()).as(fixture).isEqualTo(SyncState.Synced);

            TargetStatus compared = t.compare();
            assertThat(compared.driftLines()).as(fixture + ": drift right after the first sync").isEmpty();
            assertThat(compared.outOfSync()).isZero();

            double writes = writes(t);
            TargetStatus second = t.sync();
            assertThat(second.syncState()).isEqualTo(SyncState.Synced);
            assertThat(writes(t) - writes).as(fixture + ": requests a second sync wrote").isZero();
        } finally {
            // node ports are cluster-wide (two fixtures ask for the same one): free them before the next fixture
            try (var admin = plane.admin()) {
                admin.services().inNamespace(namespace).withTimeout(30, java.util.concurrent.TimeUnit.SECONDS).delete();
                admin.namespaces().withName(namespace).delete();
            }
        }
    }

    /** Create, update, patch and delete requests the target's syncs sent, as the metric counts them. */
    private static double writes(OneTarget t) {
        return t.metrics().scrape().lines().filter(l -> l.startsWith("driftless_kubernetes_requests_total{"))
                .filter(l -> l.contains("verb=\"post\"") || l.contains("verb=\"put\"") || l.contains("verb=\"patch\"")
                        || l.contains("verb=\"delete\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
