package io.driftless.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;

import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.vertx.core.json.JsonObject;

/**
 * The Git server misbehaves: it is down (503), slow, sends a corrupt pack, or has its history rewritten by a
 * force-push. A fetch that fails never touches the cluster: every target keeps the revision and objects it last
 * applied (nothing pruned, nothing re-created), the source and the targets report the error, and once the server
 * is healthy the next fetch works (the cache is not poisoned) and the next commit applies. A rewritten history is
 * followed: the service syncs the new head, pruning only what the new head no longer renders.
 */
class GitFaultsIT extends FaultyFleetTest {

    /** Adds an Ingress to each release: five objects instead of four. */
    private static final String WITH_INGRESS = FaultyFleet.round(1)
            + "ingress: {enabled: true, host: {hostname: prefect.example.com}}\n";

    /** Waits until the source reports a failed fetch, and answers its error. */
    private String awaitFetchError() throws Exception {
        await().atMost(Duration.ofSeconds(40)).until(() -> fleet.source().getString("lastError") != null);
        return fleet.source().getString("lastError");
    }

    /** Asserts that every target still holds the initial commit's objects, untouched, and reports the error. */
    private void assertLastGoodStateKept(Map<String, Map<String, String>> uids, String error) {
        for (String release : FaultyFleet.RELEASES) {
            TargetStatus status = fleet.status(release);
            assertThat(status.revision()).as(release).isEqualTo(fleet.initialCommit);
            assertThat(status.syncState()).as(release).isEqualTo(SyncState.Failed);
            assertThat(status.lastError()).as(release).isEqualTo(error);
            assertThat(fleet.deploymentRound(release)).as(release + ": nothing was written").isNull();
            assertThat(fleet.uids(release, FaultyFleet.SQLITE)).as(release + ": nothing was pruned or re-created")
                    .isEqualTo(uids.get(release));
        }
        fleet.assertConsistent(FaultyFleet.SQLITE);
    }

    private Map<String, String> uidsOf(String release) {
        return fleet.uids(release, FaultyFleet.SQLITE);
    }

    @Test
    void whileGitIsDownTargetsKeepWhatTheyAppliedTheErrorIsReportedAndTheNextCommitAppliesOnceItIsBack()
            throws Exception {
        Map<String, Map<String, String>> uids = Map.of("alpha", uidsOf("alpha"), "beta", uidsOf("beta"));
        fleet.git.down(true);
        fleet.commit(FaultyFleet.round(1));
        fleet.refresh();

        String error = awaitFetchError();
        assertThat(fleet.git.faultsServed()).isPositive();
        assertThat(error).startsWith("source values: fetch from " + fleet.git.url() + " failed: ").contains("503");
        assertThat(fleet.source().getString("revision")).isEqualTo(fleet.initialCommit);
        await().atMost(Duration.ofSeconds(10)).until(() -> FaultyFleet.RELEASES.stream()
                .allMatch(r -> error.equals(fleet.status(r).lastError())));
        assertLastGoodStateKept(uids, error);

        fleet.git.healthy();
        String next = fleet.commit(FaultyFleet.round(2));
        fleet.refresh();
        fleet.awaitApplied(next);
        assertThat(fleet.source().getString("lastError")).isNull();
        assertThat(fleet.source().getString("revision")).isEqualTo(next);
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("2");
        fleet.assertConsistent(FaultyFleet.round(2));
    }

    /**
     * GitSource gives each request of a fetch 30 s to be answered (JGit's timeout); a server 10 s late on each
     * request stays within it, so the fetch (three authenticated requests: the ref advertisement, ls-refs and
     * fetch of protocol v2) takes about 30 s and then succeeds. Meanwhile the HTTP API answers, the cluster side
     * works (a diff compares the live state) and the targets keep their state.
     */
    @Test
    void aSlowGitServerDelaysOnlyTheFetchWhichEndsWithinItsTimeout() throws Exception {
        fleet.git.slow(Duration.ofSeconds(10));
        String commit = fleet.commit(FaultyFleet.round(1));
        fleet.refresh();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.git.faultsServed() > 0);

        assertThat(fleet.get("/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> target = fleet.get("/api/v1/targets/dev/alpha");
        assertThat(target.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(target.body()).getString("revision")).isEqualTo(fleet.initialCommit);
        HttpResponse<String> diff = fleet.get("/api/v1/targets/dev/alpha/diff");
        assertThat(diff.statusCode()).as(diff.body()).isEqualTo(200);
        assertThat(new JsonObject(diff.body()).getString("result")).isEqualTo("Synced");
        assertThat(fleet.status("alpha").syncState()).isEqualTo(SyncState.Synced);
        assertThat(fleet.deploymentRound("alpha")).isNull();

        // syncs asked for now fetch first, one after the other, each as slowly: not on the cluster's threads,
        // which stay free for a compare of either target while the first of those fetches is under way
        var syncs = List.of(fleet.post("/api/v1/targets/dev/alpha/sync"), fleet.post("/api/v1/targets/dev/beta/sync"));
        int served = fleet.git.faultsServed();
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.git.faultsServed() > served);
        for (String release : List.of("alpha", "beta")) {
            HttpResponse<String> compare = fleet.get("/api/v1/targets/dev/" + release + "/diff");
            assertThat(compare.statusCode()).as(compare.body()).isEqualTo(200);
        }
        fleet.git.healthy();
        for (var sync : syncs) {
            assertThat(sync.get(90, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(fleet.git.faultsServed()).as("every request of the fetch was slow").isGreaterThanOrEqualTo(2);
        assertThat(fleet.source().getString("lastError")).isNull();
        fleet.assertConsistent(FaultyFleet.round(1));
    }

    /**
     * Issue 26: forced syncs, webhooks and refreshes that arrive while a slow fetch runs do not each fetch again: they
     * share the one fetch that runs right after it (the one in flight may have read the remote before their push).
     */
    @Test
    void requestsDuringASlowFetchShareOneFetchInsteadOfEachFetchingAgain() throws Exception {
        fleet.git.slow(Duration.ofSeconds(2));
        String commit = fleet.commit(FaultyFleet.round(1));
        int before = fleet.git.fetchesServed();
        fleet.refresh();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.git.fetchesServed() > before);
        var syncs = List.of(fleet.post("/api/v1/targets/dev/alpha/sync"), fleet.post("/api/v1/targets/dev/beta/sync"),
                fleet.post("/api/v1/targets/dev/alpha/sync"), fleet.post("/api/v1/targets/dev/beta/sync"));
        fleet.refresh();
        fleet.refresh();
        for (var sync : syncs) {
            HttpResponse<String> answer = sync.get(90, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        fleet.awaitApplied(commit);
        // the fetch in flight asks for the refs twice (has the branch moved? then the fetch itself); the one all
        // requests shared asks once and finds the branch where the cache has it
        assertThat(fleet.git.fetchesServed() - before).as("the fetch in flight and the one all requests shared")
                .isEqualTo(3);
        fleet.git.healthy();
        fleet.assertConsistent(FaultyFleet.round(1));
    }

    /**
     * A poll of a branch that has not moved asks for the refs once (the ls-remote) and does not fetch, which would
     * ask for them a second time; a moved branch is fetched.
     */
    @Test
    void aQuietPollAsksForTheRefsOnceAndDoesNotFetch() throws Exception {
        io.driftless.config.SourceSpec spec = fleet.service.fleet().sources().get(0);
        try (io.driftless.source.GitSource source = new io.driftless.source.GitSource(spec, tmp.resolve("quiet"),
                Map.of("PW", io.driftless.testing.GitHttpServer.PASSWORD))) {
            String first = source.fetch().commit();
            int adverts = fleet.git.fetchesServed();
            assertThat(source.fetch().commit()).isEqualTo(first);
            assertThat(fleet.git.fetchesServed() - adverts).as("the ls-remote only").isEqualTo(1);
            String next = fleet.commit(FaultyFleet.round(1));
            adverts = fleet.git.fetchesServed();
            assertThat(source.fetch().commit()).as("a moved branch is fetched").isEqualTo(next);
            assertThat(fleet.git.fetchesServed() - adverts).as("the ls-remote, then the fetch").isEqualTo(2);
        }
    }

    /** Issue 26: one fetch has an overall deadline, however many slow requests it makes. */
    @Test
    void oneFetchEndsAtItsDeadlineAndTheTransferFinishesForTheNextFetch() throws Exception {
        fleet.git.slow(Duration.ofSeconds(3)); // three requests: about 9 s in all, each well within the read timeout
        fleet.commit(FaultyFleet.round(1));
        io.driftless.config.SourceSpec spec = fleet.service.fleet().sources().get(0);
        try (io.driftless.source.GitSource source = new io.driftless.source.GitSource(spec, tmp.resolve("deadline"),
                Map.of("PW", io.driftless.testing.GitHttpServer.PASSWORD), Duration.ofSeconds(4))) {
            // without a deadline this fetch succeeds once the slow server has answered every request
            assertThat(org.assertj.core.api.Assertions.catchThrowable(source::fetch))
                    .isInstanceOf(io.driftless.source.SourceException.class)
                    .hasMessageContaining("did not finish within 4 s");
            fleet.git.healthy();
            assertThat(source.fetch().commit()).as("the next fetch works").isEqualTo(fleet.git.repository()
                    .resolve("refs/heads/main").name());
        }
    }

    @Test
    void aForcePushedHistoryIsFollowedAndOnlyWhatTheNewHeadNoLongerRendersIsPruned() throws Exception {
        String dropped = fleet.commit(WITH_INGRESS);
        fleet.refresh();
        fleet.awaitApplied(dropped);
        fleet.assertConsistent(WITH_INGRESS);
        assertThat(Converged.inventory(fleet.cluster, new Converged.Release("alpha", "alpha", WITH_INGRESS)))
                .hasSize(5);
        Map<String, String> alpha = fleet.uids("alpha", FaultyFleet.round(2));
        Map<String, String> beta = fleet.uids("beta", FaultyFleet.round(2));

        String rewritten = fleet.git.rewriteMain(fleet.initialCommit, "rewritten", Map.of(
                "alpha/values.yaml", FaultyFleet.round(2), "beta/values.yaml", FaultyFleet.round(2)));
        try (RevWalk walk = new RevWalk(fleet.git.repository())) {
            assertThat(walk.isMergedInto(walk.parseCommit(ObjectId.fromString(dropped)),
                    walk.parseCommit(ObjectId.fromString(rewritten)))).as("the old head is gone from main").isFalse();
        }
        fleet.refresh();
        fleet.awaitApplied(rewritten);

        assertThat(fleet.source().getString("revision")).isEqualTo(rewritten);
        assertThat(fleet.uids("alpha", FaultyFleet.round(2))).as("nothing the new head renders was re-created")
                .isEqualTo(alpha);
        assertThat(fleet.uids("beta", FaultyFleet.round(2))).isEqualTo(beta);
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("2");
        assertThat(fleet.cluster.network().v1().ingresses().inNamespace("alpha").list().getItems())
                .as("the Ingress only the dropped commit rendered is pruned").isEmpty();
        fleet.assertConsistent(FaultyFleet.round(2));
    }

    @Test
    void aCorruptPackFailsTheFetchWithAClearErrorKeepsTheLastGoodStateAndLeavesTheCacheUsable() throws Exception {
        Map<String, Map<String, String>> uids = Map.of("alpha", uidsOf("alpha"), "beta", uidsOf("beta"));
        fleet.git.corruptPack(true);
        String commit = fleet.commit(FaultyFleet.round(1));
        fleet.refresh();

        String error = awaitFetchError();
        assertThat(fleet.git.faultsServed()).isPositive();
        assertThat(error).startsWith("source values: fetch from " + fleet.git.url() + " failed: ")
                .containsIgnoringCase("corrupt");
        await().atMost(Duration.ofSeconds(10)).until(() -> FaultyFleet.RELEASES.stream()
                .allMatch(r -> error.equals(fleet.status(r).lastError())));
        assertLastGoodStateKept(uids, error);
        assertOnlyWholePacks();

        fleet.git.healthy();
        fleet.refresh();
        fleet.awaitApplied(commit);
        assertThat(fleet.source().getString("lastError")).isNull();
        assertThat(fleet.source().getString("revision")).isEqualTo(commit);
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("1");
        assertOnlyWholePacks();
        fleet.assertConsistent(FaultyFleet.round(1));
    }

    /** The Git cache holds whole packs only: nothing half-received was left behind. */
    private void assertOnlyWholePacks() throws Exception {
        try (var files = Files.list(tmp.resolve("state/cache/values.git/objects/pack"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .allMatch(name -> name.matches("pack-[0-9a-f]{40}\\.(pack|idx|rev|bitmap)"),
                            "a whole pack's file");
        }
    }
}
