package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.testing.GitHttpServer;

/**
 * Issue 26: a source with many branches keeps fetching. A local source (file:// or a path) with 150+ branches used
 * to stop for good ("Expected ACK/NAK, got: shallow ..."): JGit's in-process transport cannot negotiate a shallow
 * fetch once the cache offers more than 64 commits, and the cache kept those branches after they were deleted, so it
 * stayed broken until wiped. Local sources are now fetched whole, a cache left shallow is recreated, and any cache
 * that a fetch cannot get past is recreated from the remote.
 */
class ManyBranchesIT {

    private static final int BRANCHES = 160;

    @TempDir
    Path tmp;

    @Test
    void aLocalSourceWithManyBranchesKeepsFetchingAndAfterTheyAreDeleted() throws Exception {
        Path origin = tmp.resolve("origin");
        try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call();
             GitSource source = new GitSource(spec(origin.toUri().toString()), tmp.resolve("cache"), Map.of())) {
            String first = commit(git, origin, "a: 0\n");
            assertThat(source.fetch().commit()).isEqualTo(first);
            branches(git, origin);
            for (int round = 0; round < 3; round++) {
                String head = commit(git, origin, "a: main" + round + "\n");
                assertThat(source.fetch().commit()).as("fetch %d", round).isEqualTo(head);
            }
            for (int i = 0; i < BRANCHES; i++) {
                git.branchDelete().setBranchNames("feature-" + i).setForce(true).call();
            }
            String head = commit(git, origin, "a: after\n");
            assertThat(source.fetch().commit()).isEqualTo(head);
            assertThat(source.fetch().read("values.yaml")).hasValueSatisfying(b ->
                    assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("a: after\n"));
        }
    }

    /** A cache an earlier version left shallow, with the branches that broke it, recovers without being wiped. */
    @Test
    void aShallowCacheLeftByAnEarlierVersionIsRecreated() throws Exception {
        Path origin = tmp.resolve("origin");
        try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
            commit(git, origin, "a: 0\n");
            branches(git, origin);
            Path cache = tmp.resolve("cache");
            try (Repository old = new FileRepositoryBuilder().setGitDir(cache.resolve("values.git").toFile()).setBare()
                    .build()) {
                old.create(true);
                new Git(old).fetch().setRemote(origin.toUri().toString()).setDepth(1).setRefSpecs(
                        new RefSpec("+refs/heads/*:refs/remotes/origin/*")).call();
                assertThat(old.getObjectDatabase().getShallowCommits()).hasSizeGreaterThan(64);
            }
            String head = commit(git, origin, "a: 1\n");
            try (GitSource source = new GitSource(spec(origin.toString()), cache, Map.of())) {
                assertThat(source.fetch().commit()).isEqualTo(head);
                head = commit(git, origin, "a: 2\n");
                assertThat(source.fetch().commit()).isEqualTo(head);
            }
        }
    }

    /** A cache no fetch can write to is recreated from the remote at the next fetch, not left broken. */
    @Test
    void aCacheThatAFetchCannotGetPastIsRecreated() throws Exception {
        Path origin = tmp.resolve("origin");
        try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call();
             GitSource source = new GitSource(spec(origin.toUri().toString()), tmp.resolve("cache"), Map.of())) {
            String first = commit(git, origin, "a: 0\n");
            assertThat(source.fetch().commit()).isEqualTo(first);
            Path packs = tmp.resolve("cache/values.git/objects/pack");
            try (var files = Files.walk(packs)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            Files.writeString(packs, "not a folder"); // no pack can be written into this cache any more
            String head = commit(git, origin, "a: 1\n");
            assertThat(source.fetch().commit()).isEqualTo(head);
            assertThat(source.fetch().read("values.yaml")).hasValueSatisfying(b ->
                    assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("a: 1\n"));
            assertThat(packs).isDirectory();
        }
    }

    /** The same over HTTP (protocol v2), where the fetch stays shallow. */
    @Test
    void anHttpSourceWithManyBranchesKeepsFetching() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            git.commit("first", Map.of("values.yaml", "a: 0\n"));
            for (int i = 0; i < BRANCHES; i++) {
                git.commitOnBranch("feature-" + i, "branch " + i, Map.of("values.yaml", "a: " + i + "\n"));
            }
            try (GitSource source = new GitSource(withAuth(git.url()), tmp.resolve("cache"),
                    Map.of("PW", GitHttpServer.PASSWORD))) {
                for (int round = 0; round < 3; round++) {
                    String head = git.commit("main " + round, Map.of("values.yaml", "a: main" + round + "\n"));
                    assertThat(source.fetch().commit()).as("fetch %d", round).isEqualTo(head);
                }
            }
        }
    }

    private static void branches(Git git, Path dir) throws Exception {
        for (int i = 0; i < BRANCHES; i++) {
            git.checkout().setCreateBranch(true).setName("feature-" + i).call();
            commit(git, dir, "a: " + (i + 1) + "\n");
            git.checkout().setName("main").call();
        }
    }

    private static String commit(Git git, Path dir, String content) throws Exception {
        Files.writeString(dir.resolve("values.yaml"), content);
        git.add().addFilepattern("values.yaml").call();
        return git.commit().setMessage(content).setAuthor("T", "t@x.invalid").setCommitter("T", "t@x.invalid")
                .setSign(false).call().getName();
    }

    private io.driftless.config.SourceSpec spec(String url) {
        return spec(url, "");
    }

    private io.driftless.config.SourceSpec withAuth(String url) {
        return spec(url, ", auth: {username: " + GitHttpServer.USER + ", passwordEnv: PW}");
    }

    private io.driftless.config.SourceSpec spec(String url, String auth) {
        Fleet fleet = FleetLoader.parse("fleet.yaml", ("sources: [{name: values, url: '%s'%s}]\n"
                + "clusters: [{name: dev, embedded: true}]\nreleases: [{name: p, namespace: p, source: values, "
                + "chart: {name: prefect-server, version: 1}, values: [values.yaml]}]\n").formatted(url, auth)
                .getBytes(StandardCharsets.UTF_8), tmp);
        return fleet.sources().get(0);
    }
}
