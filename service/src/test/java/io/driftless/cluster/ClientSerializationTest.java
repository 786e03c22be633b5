package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/** What the clients' shared serialization makes of objects whose type a call does not name. */
class ClientSerializationTest {

    private static Object watched(String object) {
        return ClientSerialization.SHARED.unmarshal("{\"type\":\"MODIFIED\",\"object\":" + object + "}",
                WatchEvent.class).getObject();
    }

    @Test
    void aWatchedObjectIsReadAsTheGenericResourceTheWatchesTake() {
        assertThat(watched("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
                + "\"spec\":{\"replicas\":2}}")).isInstanceOfSatisfying(GenericKubernetesResource.class,
                        d -> assertThat(d.<Integer>get("spec", "replicas")).isEqualTo(2));
    }

    @Test
    void aWatchErrorIsAStatusSoAnExpiredVersionIsToldApart() {
        assertThat(watched("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"code\":410,"
                + "\"reason\":\"Expired\"}")).isInstanceOfSatisfying(Status.class,
                        s -> assertThat(s.getCode()).isEqualTo(410));
    }

    @Test
    void aBuiltInKindIsNamedWithoutAskingTheCluster() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
                new java.util.HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = new KubernetesClientBuilder().withKubernetesSerialization(
                ClientSerialization.SHARED).withConfig(server.createClient().getConfiguration()).build()) {
            int before = server.getRequestCount();
            assertThat(LiveReader.kind(client, "apps/v1", "Deployment", true).inNamespace("data").list().getItems())
                    .isEmpty();
            assertThat(server.getRequestCount() - before).as("the list only, no discovery").isEqualTo(1);
            assertThat(server.getLastRequest().getPath()).startsWith("/apis/apps/v1/namespaces/data/deployments");
        } finally {
            server.destroy();
        }
    }
}
