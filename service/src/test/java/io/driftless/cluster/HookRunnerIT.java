package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.driftless.apply.ChangeSet;
import io.driftless.plan.Action;
import io.driftless.plan.PlannedChange;
import io.driftless.plan.Planner;
import io.driftless.render.Manifests;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

class HookRunnerIT {

    private static final Planner.Owner OWNER = new Planner.Owner("web", "data/web");

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
                new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private static Map<String, Object> migration() {
        return Planner.stamp(OWNER, Tree.map("apiVersion", "batch/v1", "kind", "Job",
                "metadata", Tree.map("name", "migrate", "namespace", "data", "annotations", Tree.map(
                        "helm.sh/hook", "pre-upgrade", "helm.sh/hook-delete-policy", "before-hook-creation")),
                "spec", Tree.map("template", Tree.map("spec", Tree.map("restartPolicy", "Never",
                        "containers", Tree.list(Tree.map("name", "m", "image", "migrate:1")))))));
    }

    @Test
    void aMigrationStillRunningFromAnEarlierAttemptIsWaitedForNotRestarted() throws Exception {
        Map<String, Object> desired = migration();
        client.genericKubernetesResources("batch/v1", "Job").inNamespace("data").resource(Manifests.toResource(desired)).create();
        String uid = client.batch().v1().jobs().inNamespace("data").withName("migrate").get().getMetadata().getUid();
        PlannedChange change = new PlannedChange(Planner.refOf(desired), Action.HOOK, "pre-upgrade hook", desired,
                null, null);

        CompletableFuture<ChangeSet.Entry> run = CompletableFuture.supplyAsync(() -> new HookRunner(client).run(change));
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !run.isDone());
        client.batch().v1().jobs().inNamespace("data").withName("migrate").editStatus(j -> {
            j.setStatus(new JobStatusBuilder().withConditions(List.of(new JobConditionBuilder().withType("Complete")
                    .withStatus("True").build())).build());
            return j;
        });
        assertThat(run.get().outcome()).isEqualTo(ChangeSet.Outcome.CREATED);
        assertThat(client.batch().v1().jobs().inNamespace("data").withName("migrate").get().getMetadata().getUid())
                .as("the running Job was not deleted and created again").isEqualTo(uid);
    }
}
