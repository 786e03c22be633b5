package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.driftless.config.ClusterSpec;
import io.driftless.config.HighAvailability;
import io.driftless.config.Origin;

class ShardLeasesIT {

    @Test
    void aReplicaThatCannotRenewStopsHoldingBeforeOthersCanSeeItsLeaseExpire() {
        HighAvailability ha = new HighAvailability("leases", "driftless", 2, Duration.ofSeconds(60), Origin.NONE);
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        try (ClusterConnections clusters = new ClusterConnections(List.of(new ClusterSpec("leases",
                ClusterSpec.Connection.EMBEDDED, null, null, Map.of(), Origin.NONE)));
             ShardLeases leases = new ShardLeases(ha, "replica-a", clusters, shard -> { }, clock::get)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> leases.holds(0) && leases.holds(1));
            // no renewal for 48 s (the next round is 12 s of real time away): its own clock says stop
            clock.addAndGet(leases.validFor().toNanos() - 1);
            assertThat(leases.holds(0)).isTrue();
            clock.addAndGet(2);
            assertThat(leases.holds(0)).isFalse();
            assertThat(leases.holds(1)).isFalse();
            assertThat(leases.validFor()).isLessThan(ha.leaseDuration());
        }
    }
}
