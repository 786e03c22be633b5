package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.driftless.model.ObjectRef;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/** When a not-ready workload's pods are read, and what a stuck one makes of it. */
class PodReaderTest {

    private static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "data", "web");

    private KubernetesMockServer server;
    private KubernetesClient client;
    private Instant now = Instant.parse("2026-12-07T10:00:00Z");
    private PodReader reader;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new java.util.HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        client.pods().inNamespace("data").resource(new PodBuilder().withNewMetadata().withName("web-1")
                .withLabels(Map.of("app", "web")).endMetadata().withNewStatus().addNewContainerStatus()
                .withName("server").withRestartCount(3).withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                .endWaiting().endState().endContainerStatus().endStatus().build()).create();
        reader = new PodReader(() -> client, new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        });
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private static Map<String, Object> deployment(long generation, Long observed) {
        return Tree.map("metadata", Tree.map("name", "web", "namespace", "data", "generation", generation),
                "spec", Tree.map("selector", Tree.map("matchLabels", Tree.map("app", "web"))),
                "status", observed == null ? Tree.map() : Tree.map("observedGeneration", observed));
    }

    private Optional<String> stuck(Map<String, Object> workload) {
        return reader.stuck(WEB, workload);
    }

    @Test
    void aStuckPodIsReadOnceTheGenerationHasBeenNotReadyForTheGrace() {
        int before = server.getRequestCount();
        assertThat(stuck(deployment(2, 2L))).as("just seen not ready").isEmpty();
        now = now.plus(PodReader.GRACE).minusSeconds(1);
        assertThat(stuck(deployment(2, 2L))).isEmpty();
        assertThat(server.getRequestCount()).as("no pod list within the grace").isEqualTo(before);

        now = now.plusSeconds(1);
        assertThat(stuck(deployment(2, 2L))).hasValueSatisfying(why -> assertThat(why)
                .isEqualTo("pod web-1: container server CrashLoopBackOff (restarted 3 times)"));
        assertThat(server.getRequestCount()).isEqualTo(before + 1);
        now = now.plus(PodReader.FRESH).minusSeconds(1);
        assertThat(stuck(deployment(2, 2L))).isPresent();
        assertThat(server.getRequestCount()).as("kept while fresh").isEqualTo(before + 1);
        now = now.plusSeconds(1);
        assertThat(stuck(deployment(2, 2L))).isPresent();
        assertThat(server.getRequestCount()).as("listed again once stale").isEqualTo(before + 2);
    }

    @Test
    void aNewGenerationStartsItsOwnGrace() {
        stuck(deployment(2, 2L));
        now = now.plus(PodReader.GRACE);
        assertThat(stuck(deployment(2, 2L))).isPresent();
        int before = server.getRequestCount();
        assertThat(stuck(deployment(3, 3L))).isEmpty();
        now = now.plus(PodReader.GRACE);
        assertThat(stuck(deployment(3, 3L))).isPresent();
        assertThat(server.getRequestCount()).isEqualTo(before + 1);
    }

    @Test
    void aGenerationItsControllerHasNotObservedHasNoPodsToRead() {
        int before = server.getRequestCount();
        stuck(deployment(4, 3L));
        stuck(deployment(4, null));
        now = now.plus(PodReader.GRACE.multipliedBy(3));
        assertThat(stuck(deployment(4, 3L))).isEmpty();
        assertThat(stuck(deployment(4, null))).isEmpty();
        assertThat(server.getRequestCount()).isEqualTo(before);
    }
}
