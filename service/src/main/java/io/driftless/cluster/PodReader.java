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
 * from one that is stuck: a container waiting in CrashLoopBackOff or unable to pull its image.
 */
public final class PodReader implements Health.Pods {

    private final KubernetesClient client;

    public PodReader(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> stuck(ObjectRef workload, Map<String, Object> object) {
        Map<String, Object> selector = Tree.asMap(Tree.asMap(Tree.asMap(object.get("spec")).get("selector"))
                .get("matchLabels"));
        if (selector.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        selector.forEach((k, v) -> labels.put(k, String.valueOf(v)));
        try {
            for (Pod pod : client.pods().inNamespace(workload.namespace()).withLabels(labels).list().getItems()) {
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
