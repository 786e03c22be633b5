package io.driftless.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * What a replica exports for a target: its counters from the start (at 0 on a replica that does not hold it),
 * its gauges only while it holds it, and nothing once the target left the fleet; a release's rollout series go
 * with the release.
 */
class MetricsTest {

    @Test
    void aLostShardTakesTheGaugesAndARemovedTargetEverySeries() {
        try (Metrics metrics = new Metrics()) {
            metrics.target("prod", "prefect");
            metrics.target("prod", "other");
            assertThat(metrics.scrape()).contains(
                    "driftless_sync_total{cluster=\"prod\",release=\"prefect\",result=\"failure\"} 0.0",
                    "driftless_sync_total{cluster=\"prod\",release=\"prefect\",result=\"success\"} 0.0");

            metrics.syncFinished("prod", "prefect", "failure", Duration.ofMillis(5));
            metrics.syncState("prod", "prefect", false, 1_000);
            metrics.outOfSync("prod", "prefect", 2);
            metrics.health("prod", "prefect", "Degraded");
            metrics.renderFailed("prod", "prefect");
            metrics.applied("prod", "prefect", "Deployment", "failed");
            assertThat(metrics.scrape()).contains("driftless_objects_out_of_sync{cluster=\"prod\",release=\"prefect\"} 2.0");

            // the shard went to another replica: the gauges go, the counters stay for when it comes back
            metrics.forgetTarget("prod", "prefect");
            String afterLoss = metrics.scrape();
            assertThat(afterLoss).doesNotContain("driftless_objects_out_of_sync{cluster=\"prod\",release=\"prefect\"}",
                    "driftless_target_health{cluster=\"prod\",release=\"prefect\"",
                    "driftless_target_in_sync{cluster=\"prod\",release=\"prefect\"}");
            assertThat(afterLoss).contains(
                    "driftless_sync_total{cluster=\"prod\",release=\"prefect\",result=\"failure\"} 1.0",
                    "driftless_sync_total{cluster=\"prod\",release=\"prefect\",result=\"success\"} 0.0");

            // it left the fleet: nothing of it stays for the alerts to look back over
            metrics.syncState("prod", "prefect", false, 2_000);
            metrics.removeTarget("prod", "prefect");
            String afterRemoval = metrics.scrape();
            assertThat(afterRemoval.lines().filter(l -> l.contains("release=\"prefect\"")).toList()).isEmpty();
            assertThat(afterRemoval).contains(
                    "driftless_sync_total{cluster=\"prod\",release=\"other\",result=\"success\"} 0.0");

            // added again, it starts at 0
            metrics.target("prod", "prefect");
            assertThat(metrics.scrape()).contains(
                    "driftless_sync_total{cluster=\"prod\",release=\"prefect\",result=\"failure\"} 0.0");
        }
    }

    @Test
    void aReleaseThatLeftTheFleetTakesItsRolloutSeriesAndOnlyThem() {
        try (Metrics metrics = new Metrics()) {
            metrics.rolloutState("app", "Halted");
            metrics.waveFinished("app", "canary", Duration.ofSeconds(3));
            metrics.rolloutState("db", "Complete");
            metrics.health("dev", "app", "Healthy");
            metrics.forgetRelease("app");
            String scrape = metrics.scrape();
            assertThat(scrape).doesNotContain("driftless_rollout_state{release=\"app\"")
                    .doesNotContain("driftless_rollout_wave_duration_seconds_count{release=\"app\"")
                    .contains("driftless_rollout_state{release=\"db\",state=\"Complete\"} 1.0")
                    .contains("driftless_target_health{cluster=\"dev\",release=\"app\",status=\"Healthy\"} 1.0");
            metrics.rolloutState("app", "Progressing");
            assertThat(metrics.scrape()).as("registered again when it comes back")
                    .contains("driftless_rollout_state{release=\"app\",state=\"Progressing\"} 1.0");
        }
    }
}
