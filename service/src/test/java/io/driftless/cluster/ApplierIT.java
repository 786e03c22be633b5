package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.driftless.apply.ChangeSet;
import io.driftless.config.ReleaseSpec;
import io.driftless.model.ObjectRef;
import io.driftless.plan.Plan;
import io.driftless.plan.Planner;
import io.driftless.render.Manifests;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

/**
 * Apply against an API server that answers some requests with scripted failures (429, 5xx, 409) and
 * everything else from its in-memory store.
 */
class ApplierIT {

    private static final Planner.Owner OWNER = new Planner.Owner("web", "data/web");
    private static final String SERVICES = "/api/v1/namespaces/data/services";
    private static final String PATCH_WEB = SERVICES + "/web?fieldManager=driftless";

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        Map<ServerRequest, Queue<ServerResponse>> scripted = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), scripted,
                new KubernetesMixedDispatcher(scripted), false);
        server.init();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
                .withRequestRetryBackoffLimit(3).withRequestRetryBackoffInterval(10).build()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private static Map<String, Object> service(String name, int port) {
        return Planner.stamp(OWNER, Tree.map("apiVersion", "v1", "kind", "Service",
                "metadata", Tree.map("name", name, "namespace", "data"),
                "spec", Tree.map("ports", Tree.list(Tree.map("name", "http", "port", port)))));
    }

    private ChangeSet apply(List<Map<String, Object>> desired, Set<ObjectRef> inventory) {
        return apply(desired, inventory, false);
    }

    private ChangeSet apply(List<Map<String, Object>> desired, Set<ObjectRef> inventory, boolean recreate) {
        Map<ObjectRef, Map<String, Object>> live = new LinkedHashMap<>();
        for (var r : client.services().inNamespace("data").list().getItems()) {
            Map<String, Object> tree = Manifests.toTree(r);
            tree.putIfAbsent("apiVersion", "v1");
            tree.putIfAbsent("kind", "Service");
            live.put(Planner.refOf(tree), tree);
        }
        Plan plan = Planner.plan(OWNER, desired, live, inventory, new ReleaseSpec.SyncPolicy(true, false, false,
                false, true, 100, false, recreate));
        return new Applier(client).apply("data/web", plan);
    }

    @Test
    void retriesThrottledAndUnavailableAnswersWithBackoff() {
        server.expect().post().withPath(SERVICES).andReturn(503, "etcd leader changed").once();
        server.expect().post().withPath(SERVICES).andReturn(429, "too many requests").once();
        int before = server.getRequestCount();
        ChangeSet created = apply(List.of(service("web", 80)), Set.of());
        assertThat(server.getRequestCount() - before).as("list, two refused creates, the create").isEqualTo(4);
        assertThat(created.entries()).extracting(ChangeSet.Entry::outcome).containsExactly(ChangeSet.Outcome.CREATED);

        server.expect().patch().withPath(PATCH_WEB).andReturn(500, "internal error").once();
        before = server.getRequestCount();
        ChangeSet patched = apply(List.of(service("web", 8080)), Set.of());
        assertThat(server.getRequestCount() - before).as("list, the refused patch, the patch (no read before it)")
                .isEqualTo(3);
        assertThat(patched.entries()).extracting(ChangeSet.Entry::outcome).containsExactly(ChangeSet.Outcome.CONFIGURED);
        assertThat(client.services().inNamespace("data").withName("web").get().getSpec().getPorts().get(0).getPort())
                .isEqualTo(8080);
    }

    @Test
    void aServerThatKeepsFailingFailsTheObjectAndPostponesPrunes() {
        apply(List.of(service("web", 80), service("old", 81)), Set.of());
        ObjectRef old = Planner.refOf(service("old", 81));
        ObjectRef web = Planner.refOf(service("web", 80));
        server.expect().patch().withPath(PATCH_WEB).andReturn(503, "unavailable").always();
        ChangeSet changes = apply(List.of(service("web", 8080)), Set.of(web, old));

        assertThat(changes.entries()).extracting(e -> e.ref().name() + " " + e.outcome()).containsExactly(
                "web FAILED", "old SKIPPED");
        assertThat(changes.entries().get(0).reason()).contains("503");
        assertThat(client.services().inNamespace("data").withName("old").get()).as("not pruned").isNotNull();
    }

    @Test
    void aConflictReReadsTheObjectAndPatchesAgain() {
        apply(List.of(service("web", 80)), Set.of());
        server.expect().patch().withPath(PATCH_WEB).andReturn(409, "the object has been modified").once();
        ChangeSet changes = apply(List.of(service("web", 8080)), Set.of());
        assertThat(changes.entries()).extracting(ChangeSet.Entry::outcome).containsExactly(ChangeSet.Outcome.CONFIGURED);
        assertThat(client.services().inNamespace("data").withName("web").get().getSpec().getPorts().get(0).getPort())
                .isEqualTo(8080);
    }

    @Test
    void anImmutableFieldChangeFailsClearlyUnlessTheReleaseAllowsRecreation() {
        Map<String, Object> pinned = service("web", 80);
        Tree.asMap(pinned.get("spec")).put("clusterIP", "10.96.0.9");
        apply(List.of(pinned), Set.of());
        Map<String, Object> moved = service("web", 80);
        Tree.asMap(moved.get("spec")).put("clusterIP", "10.96.0.5");

        ChangeSet refused = apply(List.of(moved), Set.of());
        assertThat(refused.failed()).isTrue();
        assertThat(refused.entries()).singleElement().satisfies(e -> assertThat(e.reason()).startsWith(
                "immutable field /spec/clusterIP changed and the API server refuses to update it; set "
                        + "syncPolicy.recreateOnImmutableChange: true"));
        assertThat(client.services().inNamespace("data").withName("web").get().getSpec().getClusterIP())
                .isEqualTo("10.96.0.9");

        ChangeSet recreated = apply(List.of(moved), Set.of(), true);
        assertThat(recreated.entries()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ChangeSet.Outcome.CONFIGURED);
            assertThat(e.reason()).isEqualTo("recreated: immutable field /spec/clusterIP changed");
        });
        assertThat(client.services().inNamespace("data").withName("web").get().getSpec().getClusterIP())
                .isEqualTo("10.96.0.5");
    }

    @Test
    void aShutdownStopsAtAnObjectBoundaryAndSkipsTheRest() {
        Plan plan = Planner.plan(OWNER, List.of(service("a", 80), service("b", 81), service("c", 82)), Map.of(),
                Set.of(), ReleaseSpec.SyncPolicy.DEFAULT);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        ChangeSet changes = new Applier(client, List.of(), false, () -> asked.incrementAndGet() > 1)
                .apply("data/web", plan);
        assertThat(changes.interrupted()).isTrue();
        assertThat(changes.entries()).extracting(e -> e.ref().name() + " " + e.outcome() + " " + e.reason())
                .containsExactly("a CREATED null",
                        "b SKIPPED not applied: Driftless is shutting down; applied at the next start",
                        "c SKIPPED not applied: Driftless is shutting down; applied at the next start");
        assertThat(client.services().inNamespace("data").list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactly("a");
        assertThat(plan.nextInventory(Set.of())).as("the inventory lists what the commit renders; the next sync "
                + "creates the rest").hasSize(3);
    }

    @Test
    void aFailedSyncWaveStopsTheLaterWaves() {
        Map<String, Object> first = service("first", 80);
        Map<String, Object> second = service("second", 81);
        Tree.asMap(Tree.asMap(second.get("metadata")).computeIfAbsent("annotations", k -> new LinkedHashMap<>()))
                .put("driftless.io/sync-wave", "1");
        server.expect().post().withPath(SERVICES).andReturn(422, "Service \"first\" is invalid").once();
        ChangeSet changes = apply(List.of(first, second), Set.of());
        assertThat(changes.entries()).extracting(e -> e.ref().name() + " " + e.outcome()).containsExactly(
                "first FAILED", "second SKIPPED");
        assertThat(changes.entries().get(1).reason())
                .isEqualTo("not applied: an object of sync wave 0 failed, and later waves wait for it");
        assertThat(client.services().inNamespace("data").withName("second").get()).isNull();
    }

    @Test
    void aHookNeverDeletesAnObjectOfItsNameThatDriftlessDoesNotOwn() {
        Map<String, Object> hook = Planner.stamp(OWNER, Tree.map("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Tree.map("name", "migrate", "namespace", "data",
                        "annotations", Tree.map("helm.sh/hook", "pre-upgrade,pre-install")),
                "data", Tree.map("run", "yes")));
        client.configMaps().inNamespace("data").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("migrate").withNamespace("data").endMetadata()
                .addToData("someone", "else's").build()).create();
        ChangeSet changes = apply(List.of(hook, service("web", 80)), Set.of());
        assertThat(changes.entries()).extracting(e -> e.ref().name() + " " + e.outcome()).containsExactly(
                "migrate FAILED", "web SKIPPED");
        assertThat(changes.entries().get(0).reason()).contains("Driftless does not delete what it does not own");
        assertThat(client.configMaps().inNamespace("data").withName("migrate").get().getData())
                .containsEntry("someone", "else's");
    }
}
