package io.driftless.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class TargetStatusTest {

    private static TargetStatus status(SyncState state, String commit, int second, String error) {
        return new TargetStatus("prod", "prefect", "prefect", "values", state, commit, commit,
                Instant.ofEpochSecond(second), null, 0, "summary " + second, error == null ? null
                : new Failure(Failure.Stage.VALUES, error), List.of(), List.of(), List.of(),
                "Healthy", List.of(), List.of());
    }

    @Test
    void historyKeepsSyncsThatWroteFailedOrChangedStateNewestFirst() {
        TargetStatus s = TargetStatus.initial("prod", "prefect", "prefect", "values");
        s = status(SyncState.Synced, "c1", 1, null).recording(s, SyncResult.SUCCESS, true);
        s = status(SyncState.Synced, "c1", 2, null).recording(s, SyncResult.SUCCESS, false); // a quiet poll
        s = status(SyncState.OutOfSync, "c1", 3, null).recording(s, SyncResult.SUCCESS, false);
        s = status(SyncState.Failed, "c2", 4, "values.yaml:3: bad").recording(s, SyncResult.FAILURE, false);
        assertThat(s.history()).extracting(TargetStatus.SyncRecord::summary)
                .containsExactly("summary 4", "summary 3", "summary 1");
        assertThat(s.history().get(0)).isEqualTo(new TargetStatus.SyncRecord(Instant.ofEpochSecond(4), "c2",
                SyncResult.FAILURE, SyncState.Failed, "summary 4", "values.yaml:3: bad"));
    }

    @Test
    void aRecordTellsTheCommitsAuthorAndMessageAndWhatTheSyncChangedCapped() {
        TargetStatus before = TargetStatus.initial("prod", "prefect", "prefect", "values");
        java.util.List<io.driftless.apply.ChangeSet.Entry> applied = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            applied.add(new io.driftless.apply.ChangeSet.Entry(new io.driftless.model.ObjectRef("v1", "ConfigMap",
                    "prefect", "cm" + i), io.driftless.apply.ChangeSet.Outcome.CREATED, ""));
        }
        TargetStatus synced = status(SyncState.Synced, "c1", 1, null);
        synced = new TargetStatus(synced.cluster(), synced.release(), synced.namespace(), synced.source(),
                synced.syncState(), synced.revision(), synced.attemptedRevision(), synced.lastSync(),
                synced.lastSuccess(), 0, synced.summary(), null, List.of(), applied, List.of(), "Healthy", List.of(),
                List.of()).recording(before, SyncResult.SUCCESS, true, "Ann", "prod: 3 replicas");
        TargetStatus.SyncRecord record = synced.history().get(0);
        assertThat(record.author()).isEqualTo("Ann");
        assertThat(record.message()).isEqualTo("prod: 3 replicas");
        assertThat(record.changes()).hasSize(TargetStatus.CHANGES).first().asString()
                .isEqualTo("ConfigMap/prefect/cm0 created");
    }

    @Test
    void historyIsCapped() {
        TargetStatus s = TargetStatus.initial("prod", "prefect", "prefect", "values");
        for (int i = 0; i < 30; i++) {
            s = status(SyncState.Synced, "c" + i, i, null).recording(s, SyncResult.SUCCESS, true);
        }
        assertThat(s.history()).hasSize(TargetStatus.HISTORY);
        assertThat(s.history().get(0).revision()).isEqualTo("c29");
    }
}
