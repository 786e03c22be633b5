package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /**
     * A held shard that lapses (not renewed in time) is reported lost, once, so the replica stops exporting its
     * targets' gauges beside the replica that takes it over; renewed later, it is acquired again (and synced).
     */
    @Test
    void aLapsedShardIsReportedLostOnceAndAcquiredAgainWhenRenewed() {
        HighAvailability ha = new HighAvailability("leases", "driftless", 2, Duration.ofSeconds(60), Origin.NONE);
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        List<String> events = new CopyOnWriteArrayList<>();
        try (ClusterConnections clusters = new ClusterConnections(List.of(new ClusterSpec("leases",
                ClusterSpec.Connection.EMBEDDED, null, null, Map.of(), Origin.NONE)));
             ShardLeases leases = new ShardLeases(ha, "replica-a", clusters, shard -> events.add("acquired " + shard),
                     clock::get)) {
            leases.onLoss(shard -> events.add("lost " + shard));
            await().atMost(Duration.ofSeconds(10)).until(() -> leases.holds(0) && leases.holds(1));
            assertThat(events).containsExactlyInAnyOrder("acquired 0", "acquired 1");

            leases.lapses();
            assertThat(events).as("renewed in time: nothing lapsed").hasSize(2);
            clock.addAndGet(leases.validFor().toNanos() + 1);
            leases.lapses();
            leases.lapses();
            assertThat(events.subList(2, events.size())).containsExactlyInAnyOrder("lost 0", "lost 1");

            leases.round(java.time.Instant.now());
            assertThat(leases.holds(0) && leases.holds(1)).isTrue();
            assertThat(events.subList(4, events.size())).containsExactlyInAnyOrder("acquired 0", "acquired 1");
            leases.round(java.time.Instant.now());
            assertThat(events).as("a renewal in time is no new acquisition").hasSize(6);
        }
    }

    /**
     * Replicas started together join before they take shards: the first to start does not take them all (the rest
     * would come to the others one per round, each synced in full again), each takes its fair share at once.
     */
    @Test
    void replicasStartedTogetherTakeTheirFairShareFromTheFirstRound() {
        HighAvailability ha = new HighAvailability("leases", "driftless", 4, Duration.ofSeconds(60), Origin.NONE);
        List<String> events = new CopyOnWriteArrayList<>();
        try (ClusterConnections clusters = new ClusterConnections(List.of(new ClusterSpec("leases",
                ClusterSpec.Connection.EMBEDDED, null, null, Map.of(), Origin.NONE)));
             ShardLeases a = new ShardLeases(ha, "replica-a", clusters, shard -> events.add("a " + shard));
             ShardLeases b = new ShardLeases(ha, "replica-b", clusters, shard -> events.add("b " + shard))) {
            // the next rounds are 12 s away: what is held within 10 s is what the first acquiring round took
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 4);
            assertThat(events).filteredOn(e -> e.startsWith("a ")).hasSize(2);
            assertThat(events).filteredOn(e -> e.startsWith("b ")).hasSize(2);
        }
    }
}
