package io.driftless.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.NoticeType;
import io.driftless.config.Target;
import io.driftless.model.ObjectRef;
import io.driftless.status.Notice;
import io.driftless.plan.PruneBlock;
import io.driftless.render.ChartRegistry;
import io.driftless.source.GitSource;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.telemetry.Metrics;

/**
 * The reconcile pipeline with a cluster in memory ({@link FakeCluster}): no API server, no threads, milliseconds
 * per case. Values come from a local Git repository.
 */
class ReconcilerTest {

    @TempDir
    Path tmp;

    private Git repo;
    private GitSource source;
    private Target target;
    private final FakeCluster cluster = new FakeCluster();
    private final Metrics metrics = new Metrics();
    private final List<Notice> notices = new java.util.ArrayList<>();
    private TargetSyncer syncer;

    @BeforeEach
    void setUp() throws Exception {
        repo = Git.init().setDirectory(tmp.resolve("values").toFile()).setInitialBranch("main").call();
        commit("sqlite: {enabled: true}\npostgresql: {enabled: false}\n");
        Fleet fleet = FleetLoader.parse("fleet.yaml", """
                sources: [{name: values, url: %s}]
                clusters: [{name: dev, embedded: true}]
                releases:
                  - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [values.yaml]}
                """.formatted(tmp.resolve("values")).getBytes(StandardCharsets.UTF_8), tmp);
        target = fleet.targets().get(0);
        source = new GitSource(fleet.sources().get(0), tmp.resolve("cache"), Map.of());
        syncer = new TargetSyncer(io.driftless.render.ChartCatalogue.of(ChartRegistry.builtin()), t -> cluster,
                new StatusBoard(fleet.targets()), metrics, Clock.systemUTC(), notices::add);
    }

    @AfterEach
    void tearDown() {
        source.close();
        repo.close();
        metrics.close();
    }

    private void commit(String values) throws Exception {
        Files.writeString(tmp.resolve("values/values.yaml"), values);
        repo.add().addFilepattern(".").call();
        repo.commit().setMessage("values").setSign(false).setAuthor("t", "t@example.invalid").call();
    }

    private TargetStatus sync() {
        return syncer.sync(target, source.fetch(), true);
    }

    @Test
    void aFirstSyncCreatesTheReleaseRecordsItsInventoryAndASecondWritesNothing() {
        TargetStatus first = sync();
        assertThat(first.syncState()).isEqualTo(SyncState.Synced);
        assertThat(cluster.objects.keySet()).extracting(ObjectRef::kind)
                .contains("Deployment", "Service", "ServiceAccount", "PersistentVolumeClaim");
        assertThat(cluster.inventories.get("prefect/prefect").objects()).isEqualTo(cluster.objects.keySet());
        assertThat(cluster.events).extracting(Notice::type).containsExactly(NoticeType.Synced);
        int writes = cluster.writes.size();
        assertThat(sync().syncState()).isEqualTo(SyncState.Synced);
        assertThat(cluster.writes).as("nothing to write").hasSize(writes);
    }

    @Test
    void aRenameThatWouldPruneMostObjectsIsBlockedOnEveryLaterPassToo() throws Exception {
        sync();
        commit("sqlite: {enabled: true}\npostgresql: {enabled: false}\nfullnameOverride: renamed\n");
        TargetStatus renamed = sync();
        assertThat(renamed.lastError()).isNull();
        assertThat(cluster.objects.keySet()).extracting(ObjectRef::name).contains("prefect-server", "renamed");
        assertThat(cluster.inventories.get("prefect/prefect").held()).as("what was held before the rename")
                .hasSizeLessThan(cluster.inventories.get("prefect/prefect").objects().size());
        assertThat(notices).extracting(Notice::type).contains(NoticeType.PruneBlocked);
        sync(); // a later pass at the same commit: the selfHeal path
        assertThat(cluster.objects.keySet()).extracting(ObjectRef::name).as("still not pruned")
                .contains("prefect-server");
        assertThat(metrics.scrape()).contains("driftless_prunes_blocked_total{cluster=\"dev\",reason=\""
                + PruneBlock.MAX_SHARE.label() + "\",release=\"prefect\"}");
    }

    @Test
    void aWriteTheClusterRefusesFailsTheTargetAndTheInventoryKeepsWhatWasWritten() throws Exception {
        cluster.refuse.add("prefect-server");
        TargetStatus failed = sync();
        assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
        assertThat(failed.failure().stage()).isEqualTo(io.driftless.status.Failure.Stage.APPLY);
        assertThat(failed.lastError()).contains("prefect-server failed (refused)");
        assertThat(cluster.inventories.get("prefect/prefect").objects()).extracting(ObjectRef::kind)
                .contains("ServiceAccount");
        assertThat(cluster.events).extracting(Notice::type).contains(NoticeType.SyncFailed);
    }
}
