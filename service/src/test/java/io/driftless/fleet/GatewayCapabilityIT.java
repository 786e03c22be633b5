package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.testing.OneTarget;

/** A sync asks the cluster whether it serves the Gateway API before rendering a Gateway for it. */
class GatewayCapabilityIT {

    @TempDir
    Path tmp;

    @Test
    void refusesToRenderAGatewayForAClusterWithoutTheGatewayApi() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect",
                "gateway:\n  enabled: true\n  className: envoy\nhttproute:\n  hostnames: [prefect.example.com]\n")) {
            TargetStatus status = t.sync();
            assertThat(status.syncState()).isEqualTo(SyncState.Failed);
            assertThat(status.lastError()).contains("values.yaml:2: gateway.enabled: Gateway API "
                    + "(gateway.networking.k8s.io/v1) is not available in this cluster");
            assertThat(t.client().apps().deployments().inNamespace("prefect").list().getItems())
                    .as("nothing is written").isEmpty();
        }
    }
}
