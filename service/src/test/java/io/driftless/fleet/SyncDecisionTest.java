package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.driftless.fleet.SyncDecision.Facts;
import io.driftless.fleet.SyncDecision.Kind;

class SyncDecisionTest {

    /** A Synced target, still in the fleet, not suspended, watched, at the fetched commit. */
    private static final Facts QUIET = new Facts(true, false, false, false, false, false, false, true);

    private static Kind after(Facts f) {
        return SyncDecision.afterFetch(f).kind();
    }

    @Test
    void aQuietPollDoesNoWork() {
        assertThat(after(QUIET)).isEqualTo(Kind.NONE);
    }

    @Test
    void aTargetThatLeftTheFleetOrIsSuspendedIsSkipped() {
        assertThat(after(new Facts(false, false, true, false, false, false, false, true))).isEqualTo(Kind.SKIP);
        assertThat(SyncDecision.afterFetch(new Facts(true, true, true, false, false, false, false, true)))
                .isEqualTo(new SyncDecision(Kind.SKIP, "suspended"));
    }

    @Test
    void aNewCommitAdvancesAWatchedTargetInSyncAndSyncsOtherwise() {
        assertThat(after(new Facts(true, false, true, false, false, false, false, true))).isEqualTo(Kind.ADVANCE);
        assertThat(after(new Facts(true, false, true, true, false, false, false, true))).as("a live change too")
                .isEqualTo(Kind.SYNC);
        assertThat(after(new Facts(true, false, true, false, true, false, false, true))).as("drifted")
                .isEqualTo(Kind.SYNC);
        assertThat(after(new Facts(true, false, true, false, false, false, false, false))).as("not watched")
                .isEqualTo(Kind.SYNC);
    }

    @Test
    void theSameCommitIsComparedWhenSomethingMayHaveChanged() {
        assertThat(SyncDecision.afterFetch(new Facts(true, false, false, true, false, false, false, true)))
                .isEqualTo(new SyncDecision(Kind.COMPARE, "an owned object changed"));
        assertThat(SyncDecision.afterFetch(new Facts(true, false, false, false, false, false, true, true)))
                .isEqualTo(new SyncDecision(Kind.COMPARE, "retrying the last attempt"));
        assertThat(SyncDecision.afterFetch(new Facts(true, false, false, false, true, true, false, true)))
                .isEqualTo(new SyncDecision(Kind.COMPARE, "drift to heal"));
        assertThat(after(new Facts(true, false, false, false, true, false, false, true)))
                .as("drift without selfHeal stays reported: no work").isEqualTo(Kind.NONE);
        assertThat(after(new Facts(true, false, false, false, false, false, false, false))).isEqualTo(Kind.COMPARE);
    }

    @Test
    void driftFoundIsHealedWithinItsBudgetOnly() {
        assertThat(SyncDecision.afterCompare(true, true, false, true).kind()).isEqualTo(Kind.HEAL);
        assertThat(SyncDecision.afterCompare(true, true, false, false).kind()).isEqualTo(Kind.WAIT);
        assertThat(SyncDecision.afterCompare(false, true, false, true).kind()).isEqualTo(Kind.NONE);
        assertThat(SyncDecision.afterCompare(true, true, true, true).kind()).as("a failed compare").isEqualTo(Kind.NONE);
        assertThat(SyncDecision.afterCompare(true, false, false, true).kind()).isEqualTo(Kind.NONE);
    }
}
