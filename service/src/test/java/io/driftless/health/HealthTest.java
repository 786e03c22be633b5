package io.driftless.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.driftless.model.ObjectRef;
import io.driftless.render.Tree;

class HealthTest {

    private static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "prefect", "web");
    private static final ObjectRef TENANT = new ObjectRef("batch/v1", "Job", "prefect", "prefect-create-tenant-job");
    private static final ObjectRef SVC = new ObjectRef("v1", "Service", "prefect", "web");

    private static Map<String, Object> deployment(int replicas, int available, int generation, int observed) {
        return Tree.map("metadata", Tree.map("name", "web", "generation", generation),
                "spec", Tree.map("replicas", replicas),
                "status", Tree.map("availableReplicas", available, "observedGeneration", observed));
    }

    private static Map<String, Object> job(String conditionType, String message) {
        List<Object> conditions = conditionType == null ? List.of()
                : List.of(Tree.map("type", conditionType, "status", "True", "message", message));
        return Tree.map("metadata", Tree.map("name", "job"), "status", Tree.map("conditions", conditions));
    }

    private static Health.Report assess(Map<ObjectRef, Map<String, Object>> live, Set<ObjectRef> touched) {
        return Health.assess(List.of(WEB, TENANT, SVC), live, touched,
                Map.of("Job/prefect/prefect-create-tenant-job", "the UI shows a blank dashboard until it completes"));
    }

    @Test
    void isHealthyWhenReplicasAreAvailableAtTheCurrentGenerationAndJobsCompleted() {
        Map<ObjectRef, Map<String, Object>> live = new LinkedHashMap<>();
        live.put(WEB, deployment(2, 2, 3, 3));
        live.put(TENANT, job("Complete", ""));
        live.put(SVC, Tree.map("metadata", Tree.map("name", "web")));
        assertThat(assess(live, Set.of())).isEqualTo(new Health.Report(Health.Status.Healthy, List.of()));
    }

    @Test
    void explainsAnUnfinishedTenantJobWithTheChartsHint() {
        Map<ObjectRef, Map<String, Object>> live = new LinkedHashMap<>();
        live.put(WEB, deployment(2, 1, 3, 3));
        live.put(TENANT, job(null, null));
        live.put(SVC, Tree.map());
        Health.Report report = assess(live, Set.of());
        assertThat(report.status()).isEqualTo(Health.Status.Progressing);
        assertThat(report.messages()).containsExactly(
                "Deployment/prefect/web Progressing: 1/2 replicas ready",
                "Job/prefect/prefect-create-tenant-job Progressing: has not completed; the UI shows a blank dashboard "
                        + "until it completes");
    }

    @Test
    void rollsUpToTheWorstObject() {
        Map<ObjectRef, Map<String, Object>> live = new LinkedHashMap<>();
        live.put(WEB, deployment(1, 1, 4, 3));
        live.put(TENANT, job("Failed", "BackoffLimitExceeded"));
        Health.Report report = assess(live, Set.of());
        assertThat(report.status()).isEqualTo(Health.Status.Missing);
        assertThat(report.messages()).containsExactly(
                "Deployment/prefect/web Progressing: generation 4 not yet observed by its controller",
                "Job/prefect/prefect-create-tenant-job Degraded: failed: BackoffLimitExceeded; the UI shows a blank "
                        + "dashboard until it completes",
                "Service/prefect/web Missing: does not exist");
    }

    @Test
    void treatsObjectsThisSyncAppliedAsProgressing() {
        Health.Report report = assess(Map.of(), Set.of(WEB, TENANT, SVC));
        assertThat(report.status()).isEqualTo(Health.Status.Progressing);
        assertThat(report.messages()).hasSize(3).allMatch(m -> m.contains("Progressing: just applied"));
    }

    @Test
    void aRolloutPastItsDeadlineIsDegradedAndAnUnboundClaimProgressing() {
        ObjectRef claim = new ObjectRef("v1", "PersistentVolumeClaim", "prefect", "data");
        Map<String, Object> stuck = deployment(2, 1, 3, 3);
        Tree.asMap(stuck.get("status")).put("conditions", List.of(Tree.map("type", "Progressing", "status", "False",
                "reason", "ProgressDeadlineExceeded", "message", "ReplicaSet \"web-1\" has timed out progressing.")));
        Map<ObjectRef, Map<String, Object>> live = Map.of(WEB, stuck,
                claim, Tree.map("status", Tree.map("phase", "Pending")));
        Health.Report report = Health.assess(List.of(WEB, claim), live, Set.of(), Map.of());
        assertThat(report.status()).isEqualTo(Health.Status.Degraded);
        assertThat(report.messages()).containsExactly(
                "Deployment/prefect/web Degraded: rollout stuck (ProgressDeadlineExceeded): ReplicaSet \"web-1\" has "
                        + "timed out progressing.",
                "PersistentVolumeClaim/prefect/data Progressing: not bound to a volume yet");
        assertThat(Health.assess(List.of(claim), Map.of(claim, Tree.map("status", Tree.map("phase", "Bound"))),
                Set.of(), Map.of()).status()).isEqualTo(Health.Status.Healthy);
    }

    @Test
    void loadBalancersAndIngressesWaitForAnAddress() {
        ObjectRef lb = new ObjectRef("v1", "Service", "prefect", "ui");
        ObjectRef ingress = new ObjectRef("networking.k8s.io/v1", "Ingress", "prefect", "ui");
        Map<ObjectRef, Map<String, Object>> waiting = Map.of(
                lb, Tree.map("spec", Tree.map("type", "LoadBalancer")),
                ingress, Tree.map("spec", Tree.map()),
                SVC, Tree.map("spec", Tree.map("type", "ClusterIP")));
        assertThat(Health.assess(List.of(lb, ingress, SVC), waiting, Set.of(), Map.of()).messages()).containsExactly(
                "Service/prefect/ui Progressing: no load balancer address assigned yet",
                "Ingress/prefect/ui Progressing: no load balancer address assigned yet");
        Map<String, Object> address = Tree.map("loadBalancer", Tree.map("ingress", List.of(Tree.map("ip", "203.0.113.7"))));
        Map<ObjectRef, Map<String, Object>> addressed = Map.of(
                lb, Tree.map("spec", Tree.map("type", "LoadBalancer"), "status", address),
                ingress, Tree.map("spec", Tree.map(), "status", address));
        assertThat(Health.assess(List.of(lb, ingress), addressed, Set.of(), Map.of()).status())
                .isEqualTo(Health.Status.Healthy);
    }

    @Test
    void aDeploymentMidRolloutIsProgressingWhileItsOldPodsStillServe() {
        Map<ObjectRef, Map<String, Object>> live = new LinkedHashMap<>();
        live.put(TENANT, job("Complete", ""));
        live.put(SVC, Tree.map());
        // the new pod is not ready; the old one is still available: enough replicas, not the new template
        live.put(WEB, Tree.map("metadata", Tree.map("name", "web", "generation", 4), "spec", Tree.map("replicas", 1),
                "status", Tree.map("availableReplicas", 1, "observedGeneration", 4, "replicas", 2,
                        "updatedReplicas", 1)));
        assertThat(assess(live, Set.of()).messages())
                .containsExactly("Deployment/prefect/web Progressing: 1 old replica(s) pending termination");
        live.put(WEB, Tree.map("metadata", Tree.map("name", "web", "generation", 4), "spec", Tree.map("replicas", 3),
                "status", Tree.map("availableReplicas", 3, "observedGeneration", 4, "replicas", 3,
                        "updatedReplicas", 2)));
        assertThat(assess(live, Set.of()).messages())
                .containsExactly("Deployment/prefect/web Progressing: 2/3 replicas updated");
        live.put(WEB, Tree.map("metadata", Tree.map("name", "web", "generation", 4), "spec", Tree.map("replicas", 3),
                "status", Tree.map("availableReplicas", 3, "observedGeneration", 4, "replicas", 3,
                        "updatedReplicas", 3)));
        assertThat(assess(live, Set.of()).status()).isEqualTo(Health.Status.Healthy);
    }
}
