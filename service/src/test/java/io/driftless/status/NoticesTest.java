package io.driftless.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.driftless.apply.ChangeSet;
import io.driftless.diff.FieldDrift;
import io.driftless.model.ObjectRef;
import io.driftless.status.Notice;

class NoticesTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:42:00Z");
    private static final String C1 = "1111111111111111111111111111111111111111";
    private static final String C2 = "2222222222222222222222222222222222222222";

    private static TargetStatus status(SyncState state, String revision, String attempted, long outOfSync, String error,
                                       List<ChangeSet.Entry> changes, List<Drift> drift) {
        return new TargetStatus("prod", "prefect", "prefect", "values", state, revision, attempted, NOW, NOW,
                outOfSync, "1 created, 0 configured, 9 unchanged, 0 pruned", error == null ? null
                : new Failure(Failure.Stage.VALUES, error), List.of(), changes, drift,
                "Healthy", List.of(), List.of());
    }

    private static final ObjectRef SERVER = new ObjectRef("apps/v1", "Deployment", "prefect", "prefect-server");
    private static final ObjectRef X = new ObjectRef("v1", "ConfigMap", "prefect", "x");

    private static final TargetStatus SYNCED = status(SyncState.Synced, C1, C1, 0, null, List.of(), List.of());

    private static List<String> types(List<Notice> notices) {
        return notices.stream().map(n -> n.type().name()).toList();
    }

    @Test
    void driftFoundByACompareOnlySyncIsToldOnceWithItsFields() {
        TargetStatus drifted = status(SyncState.OutOfSync, C1, C1, 1, null, List.of(),
                List.of(new Drift(SERVER, Drift.Kind.FIELD, new FieldDrift(FieldDrift.Kind.CHANGED, "/spec/replicas",
                        "/spec/replicas", 1, 3), null)));
        List<Notice> first = Notices.between(SYNCED, drifted, SyncResult.SUCCESS, false, List.of(), NOW);
        assertThat(types(first)).containsExactly("DriftDetected");
        assertThat(first.get(0).details()).containsExactly("Deployment/prefect/prefect-server /spec/replicas: live 3, desired 1");
        assertThat(first.get(0).warning()).isTrue();
        assertThat(Notices.between(drifted, drifted, SyncResult.SUCCESS, false, List.of(), NOW)).as("still drifted").isEmpty();
        assertThat(types(Notices.between(drifted, SYNCED, SyncResult.SUCCESS, false, List.of(), NOW)))
                .containsExactly("DriftResolved");
    }

    @Test
    void driftHealedBySelfHealIsDetectedAndResolvedAtOnce() {
        TargetStatus healed = status(SyncState.Synced, C1, C1, 0, null,
                List.of(new ChangeSet.Entry(SERVER, ChangeSet.Outcome.CONFIGURED, "/spec/replicas")), List.of());
        assertThat(types(Notices.between(SYNCED, healed, SyncResult.SUCCESS, true, List.of(), NOW)))
                .containsExactly("DriftDetected", "DriftResolved", "Synced");
    }

    @Test
    void aNewCommitAppliedIsASyncNotDrift() {
        TargetStatus next = status(SyncState.Synced, C2, C2, 0, null, List.of(new ChangeSet.Entry(X, ChangeSet.Outcome.CREATED, null)), List.of());
        assertThat(types(Notices.between(SYNCED, next, SyncResult.SUCCESS, true, List.of(), NOW))).containsExactly("Synced");
    }

    @Test
    void aDryRunPolicyTargetNeverReportsGitChangesAsDrift() {
        TargetStatus never = status(SyncState.Unknown, null, null, 0, null, List.of(), List.of());
        TargetStatus pending = status(SyncState.OutOfSync, null, C1, 4, null, List.of(), List.of(new Drift(X, Drift.Kind.MISSING, null, null)));
        assertThat(Notices.between(never, pending, SyncResult.SUCCESS, false, List.of(), NOW)).isEmpty();
    }

    @Test
    void failuresAreToldWhenTheyStartOrChangeAndRecoveryOnce() {
        TargetStatus failing = status(SyncState.Failed, C1, C2, 0, "values.yaml:3: server.replicas: expected a number",
                List.of(), List.of());
        List<Notice> failed = Notices.between(SYNCED, failing, SyncResult.FAILURE, false, List.of(), NOW);
        assertThat(types(failed)).containsExactly("SyncFailed");
        assertThat(failed.get(0).message()).isEqualTo("sync failed: values.yaml:3: server.replicas: expected a number");
        assertThat(failed.get(0).revision()).isEqualTo(C2);
        assertThat(Notices.between(failing, failing, SyncResult.FAILURE, false, List.of(), NOW)).as("same error again").isEmpty();
        TargetStatus otherError = status(SyncState.Failed, C1, C2, 0, "cluster prod: unreachable", List.of(), List.of());
        assertThat(types(Notices.between(failing, otherError, SyncResult.FAILURE, false, List.of(), NOW)))
                .containsExactly("SyncFailed");
        TargetStatus fixed = status(SyncState.Synced, C2, C2, 0, null, List.of(new ChangeSet.Entry(X, ChangeSet.Outcome.CREATED, null)), List.of());
        assertThat(types(Notices.between(failing, fixed, SyncResult.SUCCESS, true, List.of(), NOW)))
                .containsExactly("SyncRecovered", "Synced");
    }

    @Test
    void anApplyThatFailsIsASyncFailedWithWhatItChangedNeverASynced() {
        TargetStatus failedApply = status(SyncState.Failed, C1, C2, 1, "Deployment/ns/x: HTTP 409: conflict",
                List.of(new ChangeSet.Entry(X, ChangeSet.Outcome.CREATED, null)), List.of());
        List<Notice> first = Notices.between(SYNCED, failedApply, SyncResult.FAILURE, true, List.of(), NOW);
        assertThat(types(first)).containsExactly("SyncFailed");
        assertThat(first.get(0).details()).isEqualTo(failedApply.changeLines());
        assertThat(Notices.between(failedApply, failedApply, SyncResult.FAILURE, true, List.of(), NOW))
                .as("the same failure again says nothing").isEmpty();
    }

    @Test
    void refusedSyncsAndBlockedPrunesAreWarnings() {
        TargetStatus refused = status(SyncState.Failed, C1, C2, 0, "the release renders no objects", List.of(), List.of());
        assertThat(types(Notices.between(SYNCED, refused, SyncResult.REFUSED, false, List.of(), NOW)))
                .containsExactly("SyncRefused");
        TargetStatus synced = status(SyncState.Synced, C2, C2, 0, null, List.of(), List.of());
        List<Notice> blocked = Notices.between(SYNCED, synced, SyncResult.SUCCESS, true,
                List.of("Service/prefect/old prune of 9 of 10 objects exceeds syncPolicy.maxPrunePercent 50%"), NOW);
        assertThat(types(blocked)).containsExactly("PruneBlocked", "Synced");
        assertThat(blocked.get(0).warning()).isTrue();
        assertThat(blocked.get(0).details()).hasSize(1);
    }
}
