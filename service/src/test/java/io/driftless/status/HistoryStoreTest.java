package io.driftless.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.FleetLoader;
import io.driftless.config.Target;

/** A target's history outlives the process: kept per target in the state folder, read back by the next board. */
class HistoryStoreTest {

    @TempDir
    Path tmp;

    private List<Target> fleet() {
        return FleetLoader.parse("fleet.yaml", """
                sources: [{name: values, url: https://git.example.com/v.git}]
                clusters: [{name: prod, kubeconfig: kube.yaml}]
                releases:
                  - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [values.yaml]}
                """.getBytes(StandardCharsets.UTF_8), tmp).targets();
    }

    @Test
    void theHistoryOfANotableSyncIsKeptAndReadBackAfterARestart() throws Exception {
        List<Target> targets = fleet();
        Target target = targets.get(0);
        StatusBoard first = new StatusBoard(targets).keeping(HistoryStore.in(tmp.resolve("history")));
        first.update(target, old -> new TargetStatus(old.cluster(), old.release(), old.namespace(), old.source(),
                SyncState.Synced, "c1", "c1", Instant.ofEpochSecond(5), Instant.ofEpochSecond(5), 0, "1 created",
                null, List.of(), List.of(), List.of(), "Healthy", List.of(), List.of())
                .recording(old, SyncResult.SUCCESS, true, "Ann", "prod: first"));
        assertThat(tmp.resolve("history/prod/prefect.json")).exists();

        StatusBoard restarted = new StatusBoard(targets).keeping(HistoryStore.in(tmp.resolve("history")));
        TargetStatus.SyncRecord kept = restarted.get("prod/prefect").history().get(0);
        assertThat(kept.revision()).isEqualTo("c1");
        assertThat(kept.message()).isEqualTo("prod: first");
        assertThat(kept.at()).isEqualTo(Instant.ofEpochSecond(5));
        assertThat(restarted.get("prod/prefect").syncState()).as("only the history is kept").isEqualTo(
                SyncState.Unknown);

        // the target leaves the fleet and comes back: its history starts again
        restarted.follow(List.of());
        assertThat(tmp.resolve("history/prod/prefect.json")).doesNotExist();
        restarted.follow(targets);
        assertThat(restarted.get("prod/prefect").history()).isEmpty();

        Files.createDirectories(tmp.resolve("history/prod"));
        Files.writeString(tmp.resolve("history/prod/prefect.json"), "[{\"at\": ");
        assertThat(new StatusBoard(targets).keeping(HistoryStore.in(tmp.resolve("history"))).get("prod/prefect")
                .history()).as("an unreadable file starts the history again").isEmpty();
    }
}
