package io.driftless.cluster;

/** How every cluster client reads and writes JSON. */
final class ClientSerialization {

    /**
     * One (de)serialization for every client: each client's own would build Jackson's (de)serializers of every
     * kind again, once per cluster (a tenth of the CPU of a 50-cluster fleet's first sync). It knows no typed kind
     * but {@code Status} (no class-path scan): an object whose type the call does not name, as in a watch event, is
     * read as the generic resource Driftless's watches take, not as a typed one then converted (a fifth of that
     * CPU). A watch's error event must still be a {@code Status}: the client tells an expired resource version
     * (410, relist) from other errors by it.
     */
    static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SHARED = serialization();

    private static io.fabric8.kubernetes.client.utils.KubernetesSerialization serialization() {
        var serialization = new io.fabric8.kubernetes.client.utils.KubernetesSerialization(
                new com.fasterxml.jackson.databind.ObjectMapper(), false);
        serialization.registerKubernetesResource("v1", "Status", io.fabric8.kubernetes.api.model.Status.class);
        return serialization;
    }

    private ClientSerialization() {
    }
}
