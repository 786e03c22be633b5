package io.driftless.testing;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What a Deployment's controllers would make on a real cluster, made by hand on the in-memory one (which runs no
 * controllers): a ReplicaSet owned by the Deployment, and one Pod of it whose readiness a test sets.
 */
public final class OwnedObjects {

    /** The Pod's name. */
    public static final String POD = "prefect-server-5d4f-x7k2";

    private OwnedObjects() {
    }

    /** Creates the ReplicaSet of the Deployment and its Pod, ready or not; answers the ReplicaSet. */
    public static ReplicaSet replicaSetAndPod(KubernetesClient client, String namespace, String deployment,
                                              boolean ready) {
        String uid = client.apps().deployments().inNamespace(namespace).withName(deployment).get().getMetadata()
                .getUid();
        ReplicaSet rs = client.apps().replicaSets().inNamespace(namespace).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(deployment + "-5d4f").withNamespace(namespace)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName(deployment).withUid(uid).withController(true).build())
                .endMetadata().withNewSpec().withReplicas(1).endSpec().withNewStatus().withReplicas(1)
                .withReadyReplicas(1).endStatus().build()).create();
        client.pods().inNamespace(namespace).resource(pod(rs, ready)).create();
        return rs;
    }

    /** Sets the Pod's readiness, as its kubelet would report it. */
    public static void ready(KubernetesClient client, ReplicaSet owner, boolean ready) {
        client.pods().inNamespace(owner.getMetadata().getNamespace()).resource(pod(owner, ready)).update();
    }

    private static Pod pod(ReplicaSet owner, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(POD).withNamespace(owner.getMetadata().getNamespace())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                        .withController(true).build()).endMetadata()
                .withNewSpec().addNewContainer().withName("prefect-server").withImage("prefecthq/prefect")
                .endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().addNewContainerStatus()
                .withName("prefect-server").withReady(ready).withRestartCount(2).endContainerStatus().endStatus()
                .build();
    }
}
