package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ShardsTest {

    @Test
    void aTargetAlwaysMapsToTheSameShardAndTargetsSpreadOverAllShards() {
        assertThat(Shards.of("prod/prefect", 8)).isEqualTo(Shards.of("prod/prefect", 8)).isBetween(0, 7);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 800; i++) {
            counts.merge(Shards.of("cluster-" + i + "/release", 8), 1, Integer::sum);
        }
        assertThat(counts).hasSize(8);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
        assertThat(Shards.of("prod/prefect", 1)).isZero();
    }
}
