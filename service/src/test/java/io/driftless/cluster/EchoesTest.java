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
        echoes.seen(WEB, "41", T0);
        assertThat(echoes.pending(WEB, "43", T0)).as("an older event meets nothing").isTrue();
        echoes.seen(WEB, "42", T0);
        assertThat(echoes.pending(WEB, "43", T0)).as("a controller wrote after our write: the cache is newer")
                .isFalse();
    }

    @Test
    void onlyTheVersionDriftlessWroteIsItsEchoAndOnlyForAMoment() {
        Echoes echoes = new Echoes();
        echoes.expect(WEB, "42", T0);
        assertThat(echoes.seen(WEB, "42", T0.plusMillis(5))).as("its own write's event").isTrue();
        assertThat(echoes.wroteLast(WEB, "42", T0.plusMillis(10))).isTrue();
        assertThat(echoes.wroteLast(WEB, "42", T0.plus(Echoes.PATIENCE).plusMillis(1))).as("a moment only").isFalse();
        echoes.expect(WEB, "44", T0.plusSeconds(1));
        assertThat(echoes.seen(WEB, "45", T0.plusSeconds(2))).as("someone else's edit").isFalse();
        assertThat(echoes.wroteLast(WEB, "44", T0.plusSeconds(2))).as("forgotten once another version shows")
                .isFalse();
    }

    @Test
    void anEchoThatCameBeforeTheWritesAnswerIsNotWaitedFor() {
        Echoes echoes = new Echoes();
        assertThat(echoes.seen(WEB, "42", T0)).as("nobody expected it yet").isFalse();
        echoes.expect(WEB, "42", T0.plusMillis(3));
        assertThat(echoes.pending(WEB, "42", T0.plusMillis(4))).isFalse();
        assertThat(echoes.wroteLast(WEB, "42", T0.plusMillis(4))).as("yet it was Driftless's").isTrue();
    }

    @Test
    void aDeletionLongAfterDriftlessPrunedIsNotItsOwn() {
        Echoes echoes = new Echoes();
        echoes.expect(WEB, null, T0);
        assertThat(echoes.seen(WEB, null, T0.plusMillis(5))).as("its prune's event").isTrue();
        assertThat(echoes.seen(WEB, "50", T0.plusSeconds(60))).as("created again by another replica").isFalse();
        assertThat(echoes.wroteLast(WEB, null, T0.plusSeconds(90))).as("then deleted by hand: not Driftless's")
                .isFalse();
    }
}
