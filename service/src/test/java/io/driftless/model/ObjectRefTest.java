package io.driftless.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class ObjectRefTest {

    private static final ObjectRef ISTIO = new ObjectRef("networking.istio.io/v1", "Gateway", "edge", "public");
    private static final ObjectRef GATEWAY_API = new ObjectRef("gateway.networking.k8s.io/v1", "Gateway", "edge",
            "public");

    @Test
    void kindsOfOneNameInTwoGroupsAreTwoObjectsEverywhere() {
        assertThat(ISTIO).isNotEqualTo(GATEWAY_API);
        assertThat(new HashSet<>(List.of(ISTIO, GATEWAY_API))).hasSize(2);
        assertThat(new TreeSet<>(List.of(ISTIO, GATEWAY_API))).hasSize(2);
        assertThat(ISTIO.compareTo(GATEWAY_API)).isNotZero();
    }

    @Test
    void aVersionBumpIsTheSameObjectEverywhere() {
        ObjectRef beta = new ObjectRef("gateway.networking.k8s.io/v1beta1", "Gateway", "edge", "public");
        assertThat(beta).isEqualTo(GATEWAY_API).hasSameHashCodeAs(GATEWAY_API);
        assertThat(beta.compareTo(GATEWAY_API)).isZero();
        Set<ObjectRef> sorted = new TreeSet<>(List.of(beta, GATEWAY_API));
        assertThat(sorted).hasSize(1);
        assertThat(new ObjectRef("v1", "Namespace", null, "a")).isEqualTo(new ObjectRef("v1", "Namespace", "", "a"));
    }
}
