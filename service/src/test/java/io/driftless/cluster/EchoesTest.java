package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.driftless.model.ObjectRef;

class EchoesTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "prod", "web");

    @Test
    void aCachedCopyOlderThanTheLastWriteIsNotTrustedUntilTheEchoArrives() {
        Echoes echoes = new Echoes();
        echoes.expect(WEB, "42", T0);
        assertThat(echoes.pending(WEB, "41", T0)).as("the cache still shows the state before the write").isTrue();
        assertThat(echoes.pending(WEB, "42", T0.plusMillis(5))).as("the echo arrived").isFalse();
        assertThat(echoes.pending(WEB, "41", T0.plusMillis(6))).as("met once, forgotten").isFalse();
    }

    @Test
    void aDeleteIsEchoedByTheObjectLeavingTheCache() {
        Echoes echoes = new Echoes();
        echoes.expect(WEB, null, T0);
        assertThat(echoes.pending(WEB, "41", T0)).isTrue();
        assertThat(echoes.pending(WEB, null, T0)).isFalse();
    }

    @Test
    void anExpectationTheCacheNeverMeetsLapses() {
        Echoes echoes = new Echoes();
        echoes.expect(WEB, "42", T0);
        assertThat(echoes.pending(WEB, "43", T0.plus(Echoes.PATIENCE).minusMillis(1))).isTrue();
        assertThat(echoes.pending(WEB, "43", T0.plus(Echoes.PATIENCE).plusMillis(1))).isFalse();
        assertThat(echoes.pending(new ObjectRef("v1", "Service", "prod", "web"), "1", T0)).isFalse();
    }

    @Test
    void theWatchDeliveringTheWrittenVersionMeetsTheExpectationEvenIfACacheHoldsALaterOne() {
        Echoes echoes = new Echoes();
        echoes.expect(WEB, "42", T0);
        echoes.seen(WEB, "41");
        assertThat(echoes.pending(WEB, "43", T0)).as("an older event meets nothing").isTrue();
        echoes.seen(WEB, "42");
        assertThat(echoes.pending(WEB, "43", T0)).as("a controller wrote after our write: the cache is newer")
                .isFalse();
    }
}
