package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    private static Snapshot fetch(long sequence, String commit) {
        return new Snapshot("values", null, ObjectId.fromString(commit.repeat(40 / commit.length())), sequence);
    }

    @Test
    void aSyncQueuedWithAnOlderFetchUsesTheNewestOne() {
        Snapshot polled = fetch(1, "a");
        Snapshot forced = fetch(2, "b");
        assertThat(Snapshot.later(polled, forced)).isSameAs(forced);
        assertThat(Snapshot.later(forced, polled)).isSameAs(forced);
        assertThat(Snapshot.later(polled, null)).isSameAs(polled);
        assertThat(Snapshot.later(null, polled)).isSameAs(polled);
    }
}
