package io.driftless.cluster;

import java.util.Map;
import java.util.Optional;

import io.driftless.health.Health;
import io.driftless.model.ObjectRef;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Reads the pods of a workload that is not ready (one list by its selector) to tell a rollout that is starting
 * from one that is stuck: a container waiting in CrashLoopBackOff or unable to pull its image. Pods are read only
 * once the workload's controller has observed its generation (before that, no pod is of it) and the generation
 * has been seen not ready for {@link #GRACE}: a rollout that goes well needs no pod list, and a stuck container
 * needs that long to show (a first crash and a back-off, a failed pull and a back-off). What a list found is kept
 * for {@link #FRESH} per workload generation: the burst of status changes a rollout makes is answered by one list,
 * and a pod that gets stuck is still seen within that time.
 */
public final class PodReader implements Health.Pods {

    /** How long a workload's generation is not ready before its pods are read. */
    static final java.time.Duration GRACE = java.time.Duration.ofSeconds(10);
    /** How long the pods a list found stand for the workload's generation. */
    static final java.time.Duration FRESH = java.time.Duration.ofSeconds(5);
    /** Workloads remembered at most (one cluster's not-ready workloads, in practice far fewer). */
    private static final int MAX = 10_000;

    /** A generation first seen not ready {@code since}; its pods listed {@code at} (null: not yet). */
    private record Looked(Object generation, java.time.Instant since, java.time.Instant at, Optional<String> stuck) {
    }

    private final java.util.function.Supplier<KubernetesClient> client;
    private final java.time.Clock clock;
    private final Map<ObjectRef, Looked> looked = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param client the cluster's client as it is now (it is replaced when the cluster reconnects) */
    public PodReader(java.util.function.Supplier<KubernetesClient> client, java.time.Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public Optional<String> stuck(ObjectRef workload, Map<String, Object> object) {
        Object generation = Tree.asMap(object.get("metadata")).get("generation");
        Object observed = Tree.asMap(object.get("status")).get("observedGeneration");
        if (!(observed instanceof Number o) || generation instanceof Number g && o.longValue() < g.longValue()) {
            return Optional.empty(); // its controller has made no pod of this generation yet
        }
        java.time.Instant now = clock.instant();
        Looked last = looked.get(workload);
        if (last == null || !java.util.Objects.equals(last.generation(), generation)) {
            if (looked.size() >= MAX) {
                looked.clear();
            }
            last = new Looked(generation, now, null, Optional.empty());
            looked.put(workload, last);
        }
        if (now.isBefore(last.since().plus(GRACE))) {
            return Optional.empty();
        }
        if (last.at() != null && last.at().plus(FRESH).isAfter(now)) {
            return last.stuck();
        }
        Optional<String> stuck = list(workload, object);
        looked.put(workload, new Looked(generation, last.since(), now, stuck));
        return stuck;
    }

    private Optional<String> list(ObjectRef workload, Map<String, Object> object) {
        Map<String, Object> selector = Tree.asMap(Tree.asMap(Tree.asMap(object.get("spec")).get("selector"))
                .get("matchLabels"));
        if (selector.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        selector.forEach((k, v) -> labels.put(k, String.valueOf(v)));
        try {
            for (Pod pod : client.get().pods().inNamespace(workload.namespace()).withLabels(labels).list().getItems()) {
                if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                    continue;
                }
                for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
                    if (c.getState() != null && c.getState().getWaiting() != null
                            && Health.STUCK.contains(c.getState().getWaiting().getReason())) {
                        return Optional.of("pod " + pod.getMetadata().getName() + ": container " + c.getName() + " "
                                + c.getState().getWaiting().getReason() + " (restarted " + c.getRestartCount()
                                + " times)");
                    }
                }
            }
        } catch (KubernetesClientException e) {
            return Optional.empty(); // pods unreadable (e.g. not allowed): health goes by the workload's status
        }
        return Optional.empty();
    }
}
