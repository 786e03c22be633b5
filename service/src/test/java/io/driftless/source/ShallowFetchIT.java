package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.testing.GitHttpServer;

/** Branches are fetched one commit deep; asking for an older commit by id deepens the cache to reach it. */
class ShallowFetchIT {

    @TempDir
    Path tmp;

    @Test
    void fetchesTheBranchTipOnlyAndTheHistoryWhenACommitIsAskedFor() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            String first = git.commit("first", Map.of("values.yaml", "a: 1\n"));
            git.commit("second", Map.of("values.yaml", "a: 2\n"));
            String third = git.commit("third", Map.of("values.yaml", "a: 3\n"));
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases: [{name: p, namespace: p, chart: {name: prefect-server, version: 1}, source: values, values: [v.yaml]}]
                    """).formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
            try (GitSource source = new GitSource(fleet.sources().get(0), tmp.resolve("cache"),
                    Map.of("PW", GitHttpServer.PASSWORD))) {
                assertThat(source.fetch().commit()).isEqualTo(third);
                try (Repository cache = new FileRepositoryBuilder().setGitDir(tmp.resolve("cache/values.git").toFile())
                        .build()) {
                    assertThat(cache.getObjectDatabase().getShallowCommits()).containsExactly(ObjectId.fromString(third));
                    assertThat(cache.getObjectDatabase().has(ObjectId.fromString(first))).isFalse();
                }

                Snapshot old = source.fetch(first);
                assertThat(old.commit()).isEqualTo(first);
                assertThat(old.read("values.yaml")).hasValueSatisfying(b ->
                        assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("a: 1\n"));
            }
        }
    }
}
