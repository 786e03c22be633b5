package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ReachabilityTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void backsOffLongerTheLongerAClusterStaysUnreachableThenResetsOnAnAnswer() {
        ClusterConnections.Reachability up = ClusterConnections.Reachability.answered("prod", T0.minusSeconds(5));
        ClusterConnections.Reachability down = up.failed("ConnectException: Connection refused", T0);
        assertThat(down.reachable()).isFalse();
        assertThat(down.unreachableSince()).isEqualTo(T0);
        assertThat(down.lastContact()).isEqualTo(T0.minusSeconds(5));
        assertThat(down.retryAt()).isEqualTo(T0.plusSeconds(15));
        assertThat(down.backingOff(T0.plusSeconds(14))).isTrue();
        assertThat(down.backingOff(T0.plusSeconds(15))).isFalse();

        ClusterConnections.Reachability longer = down.failed("ConnectException", T0.plusSeconds(60));
        assertThat(longer.unreachableSince()).isEqualTo(T0);
        assertThat(longer.retryAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(longer.failed("x", T0.plus(Duration.ofHours(1))).retryAt())
                .isEqualTo(T0.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(5)));

        ClusterConnections.Reachability back = ClusterConnections.Reachability.answered("prod", T0.plusSeconds(200));
        assertThat(back.backingOff(T0.plusSeconds(201))).isFalse();
        assertThat(back.lastError()).isNull();
    }

    @Test
    void oneRequestWithoutAnAnswerIsNoOutageThreeInARowAre() {
        ClusterConnections.Reachability up = ClusterConnections.Reachability.answered("prod", T0);
        ClusterConnections.Reachability once = up.failed("HttpTimeoutException: request timed out", T0, false);
        assertThat(once.reachable()).as("one slow answer given up on").isTrue();
        assertThat(once.backingOff(T0)).isFalse();
        ClusterConnections.Reachability twice = once.failed("HttpTimeoutException", T0.plusSeconds(10), false);
        assertThat(twice.reachable()).isTrue();
        ClusterConnections.Reachability thrice = twice.failed("HttpTimeoutException", T0.plusSeconds(20), false);
        assertThat(thrice.reachable()).isFalse();
        assertThat(thrice.unreachableSince()).isEqualTo(T0.plusSeconds(20));
        assertThat(ClusterConnections.Reachability.answered("prod", T0).failed("x", T0, false).failed("y", T0, false)
                .unanswered()).isEqualTo(2);
        assertThat(up.failed("ConnectException: Connection refused", T0, true).reachable())
                .as("a refused connection is evidence enough").isFalse();
    }
}
