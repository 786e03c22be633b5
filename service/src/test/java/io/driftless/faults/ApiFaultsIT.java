package io.driftless.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;

/**
 * The Kubernetes API server misbehaves while Driftless writes to it: it answers errors (500, 503, 429) or
 * conflicts (409), answers too late, or disappears altogether. Only {@code alpha}'s namespace is hit (but a
 * vanished server is gone for both); {@code beta} shares the cluster. A sync that cannot complete fails with an
 * error naming the object and the HTTP status or the cluster, a late answer is retried and found applied; in
 * every case nothing is lost, nothing is owned twice, the inventory matches the cluster, the other target goes
 * on, and once the fault is over a sync converges without a restart.
 */
class ApiFaultsIT extends FaultyFleetTest {

    /** Attempts fabric8 makes of one request (ClusterConnections.withRetries: the first and five retries). */
    private static final int ATTEMPTS = 6;
    /** PATCH requests that got no answer (a connection error or a timeout). */
    private static final String UNANSWERED_PATCHES =
            "driftless_kubernetes_requests_total{cluster=\"dev\",code=\"error\",verb=\"patch\"}";

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 503, 429})
    void anErrorOnEveryAttemptOfTheThirdWriteFailsTheTargetAndTheNextSyncConverges(int code) throws Exception {
        fleet.faults.failWrites("alpha", 2, code, ATTEMPTS);
        String commit = fleet.commit(FaultyFleet.round(1));
        fleet.refresh();
        fleet.awaitAttempted(commit);

        TargetStatus failed = fleet.status("alpha");
        assertThat(fleet.faults.injected()).as("every attempt of the third write met the fault").isEqualTo(ATTEMPTS);
        assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
        assertThat(failed.lastError()).contains("Deployment/alpha/prefect-server", "HTTP " + code);
        assertThat(failed.revision()).as("a failed apply does not count as applied").isEqualTo(fleet.initialCommit);
        assertThat(fleet.deploymentRound("alpha")).as("the write that failed").isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> commit.equals(fleet.status("beta").revision()));
        assertThat(fleet.status("beta").syncState()).as("the other target goes on").isEqualTo(SyncState.Synced);
        fleet.assertConsistent(FaultyFleet.round(1));

        fleet.refresh(); // the fault is over (its rule is used up): the same commit is applied again
        fleet.awaitApplied(commit);
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("1");
        assertThat(fleet.faults.injected()).isEqualTo(ATTEMPTS);
        fleet.assertConsistent(FaultyFleet.round(1));
    }

    @Test
    void writesThatConflictForAWhileFailTheSyncWithoutLosingAnythingAndItConvergesOnceTheyStop() throws Exception {
        fleet.faults.failWritesUntilHealed("alpha", 409);
        String commit = fleet.commit(FaultyFleet.round(1));
        fleet.refresh();
        fleet.awaitAttempted(commit);

        TargetStatus failed = fleet.status("alpha");
        assertThat(fleet.faults.injected()).isPositive();
        assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
        assertThat(failed.lastError()).contains("HTTP 409");
        assertThat(fleet.deploymentRound("alpha")).as("nothing was written").isNull();
        fleet.assertConsistent(FaultyFleet.SQLITE);

        int conflicts = fleet.faults.injected();
        fleet.refresh(); // still conflicting: it fails again, and still loses nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.faults.injected() > conflicts
                && fleet.status("alpha").lastSync().isAfter(failed.lastSync()));
        assertThat(fleet.status("alpha").syncState()).isEqualTo(SyncState.Failed);
        fleet.assertConsistent(FaultyFleet.SQLITE);

        fleet.faults.heal();
        fleet.refresh();
        fleet.awaitApplied(commit);
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("1");
        fleet.assertConsistent(FaultyFleet.round(1));
    }

    /**
     * The service leaves fabric8's request timeout at its default, 10 s per attempt, and fabric8 retries a request
     * that got no answer (up to five times, each with its own 10 s): a write answered 12 s late is given up on and
     * sent again. The server did carry out the first one, so the second meets a changed resourceVersion (409), and
     * Driftless reads the object again, finds it in sync, and the sync succeeds. Making every retry time out too
     * would take a minute per object, so the write is delayed once.
     */
    @Test
    void aWriteAnsweredAfterTheClientGaveUpIsSentAgainFoundDoneAndTheSyncSucceeds() throws Exception {
        double unanswered = fleet.metric(UNANSWERED_PATCHES);
        fleet.faults.delayWrites("alpha", Duration.ofSeconds(12), 1);
        String commit = fleet.commit(FaultyFleet.round(1));
        fleet.refresh();
        fleet.awaitApplied(commit);

        assertThat(fleet.faults.injected()).isEqualTo(1);
        assertThat(fleet.metric(UNANSWERED_PATCHES)).as("the client gave up on the late answer")
                .isGreaterThan(unanswered);
        assertThat(fleet.status("alpha").lastError()).isNull();
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("1");
        assertThat(fleet.service.clusters().reachability("dev").reachable()).isTrue();
        for (String release : FaultyFleet.RELEASES) { // one late answer is no outage: no other target failed for it
            assertThat(fleet.status(release).history()).as(release).noneMatch(h -> h.result()
                    == io.driftless.status.SyncResult.FAILURE);
        }
        assertThat(fleet.get("/healthz").statusCode()).isEqualTo(200);
        fleet.assertConsistent(FaultyFleet.round(1));
    }

    @Test
    void aClusterThatDisappearsFailsItsSyncsAndTheyConvergeWhenItComesBackWithoutARestart() throws Exception {
        Map<String, String> uids = fleet.uids("alpha", FaultyFleet.SQLITE);
        fleet.proxy.down();
        String commit = fleet.commit(FaultyFleet.round(1));
        fleet.refresh();
        fleet.awaitAttempted(commit);

        for (String release : FaultyFleet.RELEASES) {
            TargetStatus failed = fleet.status(release);
            assertThat(failed.syncState()).as(release).isEqualTo(SyncState.Failed);
            assertThat(failed.lastError()).as(release).startsWith("cluster dev");
            assertThat(failed.revision()).as(release).isEqualTo(fleet.initialCommit);
        }
        assertThat(fleet.service.clusters().reachability("dev").reachable()).isFalse();
        assertThat(fleet.deploymentRound("alpha")).as("nothing was written").isNull();
        fleet.assertConsistent(FaultyFleet.SQLITE);

        fleet.proxy.up();
        fleet.awaitApplied(commit);
        assertThat(fleet.service.clusters().reachability("dev").reachable()).isTrue();
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("1");
        assertThat(fleet.uids("alpha", FaultyFleet.SQLITE)).as("nothing was re-created").isEqualTo(uids);
        fleet.assertConsistent(FaultyFleet.round(1));
    }

    /**
     * The cluster stays away a full minute. Meanwhile its targets fail at once with the backoff in their error
     * (no sync waits for timeouts), a sync asked for is answered, and the probes keep trying. Once it is back,
     * the commit pushed during the outage applies with no restart and nothing is created twice.
     */
    @Test
    void aClusterGoneForAMinuteIsRetriedWithBackoffAndConvergesOnceBack() throws Exception {
        Map<String, String> uids = fleet.uids("alpha", FaultyFleet.SQLITE);
        fleet.proxy.down();
        long downSince = System.nanoTime();
        String commit = fleet.commit(FaultyFleet.round(1));
        fleet.refresh();
        fleet.awaitAttempted(commit);
        await().atMost(Duration.ofSeconds(40)).until(() -> fleet.post("/api/v1/targets/dev/alpha/sync").get()
                .body().contains("retried with backoff"));
        while (System.nanoTime() - downSince < Duration.ofMinutes(1).toNanos()) {
            Thread.sleep(1_000); // the outage lasts a minute: several probe and backoff rounds
        }
        assertThat(fleet.status("alpha").lastError()).startsWith("cluster dev: unreachable since ");
        assertThat(fleet.service.clusters().reachability("dev").reachable()).isFalse();
        assertThat(fleet.deploymentRound("alpha")).as("nothing was written during the outage").isNull();
        fleet.assertConsistent(FaultyFleet.SQLITE);

        fleet.proxy.up();
        await().atMost(Duration.ofMinutes(6)).until(() -> fleet.service.clusters().reachability("dev").reachable());
        fleet.awaitApplied(commit); // no poll, no restart: a cluster that answers again has its targets synced
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("1");
        assertThat(fleet.uids("alpha", FaultyFleet.SQLITE)).as("nothing was re-created").isEqualTo(uids);
        fleet.assertConsistent(FaultyFleet.round(1));
    }
}
