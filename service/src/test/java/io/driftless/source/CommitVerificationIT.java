package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.PgpKey;

/** With verifyCommits, only a head commit signed by a trusted OpenPGP key is synced. */
class CommitVerificationIT {

    @TempDir
    Path tmp;
    private GitHttpServer git;
    private PgpKey trusted;

    @BeforeEach
    void start() throws Exception {
        git = new GitHttpServer(tmp.resolve("origin"));
        trusted = new PgpKey();
        trusted.exportPublicKey(tmp.resolve("values-bot.asc"));
    }

    @AfterEach
    void stop() throws Exception {
        git.close();
    }

    private GitSource source(String keys) {
        Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                sources:
                  - {name: values, url: %s, auth: {username: %s, passwordEnv: PW}, verifyCommits: {publicKeys: [%s]}}
                clusters: [{name: dev, embedded: true}]
                releases: [{name: p, namespace: p, chart: {name: prefect-server, version: 1}, source: values, values: [v.yaml]}]
                """).formatted(git.url(), GitHttpServer.USER, keys).getBytes(StandardCharsets.UTF_8), tmp);
        return new GitSource(fleet.sources().get(0), tmp.resolve("cache"), Map.of("PW", GitHttpServer.PASSWORD));
    }

    @Test
    void syncsACommitSignedByATrustedKeyAndRefusesUnsignedOrUntrustedOnes() throws Exception {
        String signed = git.commit("signed values", Map.of("values.yaml", "a: 1\n"), trusted);
        try (GitSource source = source("values-bot.asc")) {
            assertThat(source.fetch().commit()).isEqualTo(signed);

            String unsigned = git.commit("unsigned values", Map.of("values.yaml", "a: 2\n"));
            assertThatThrownBy(source::fetch).isInstanceOf(SourceException.class).hasMessage("source values: refusing "
                    + "to sync main: commit " + unsigned + " is not signed (verifyCommits is on)");

            git.commit("signed by someone else", Map.of("values.yaml", "a: 3\n"), new PgpKey());
            assertThatThrownBy(source::fetch).isInstanceOf(SourceException.class)
                    .hasMessageContaining("is signed by key ").hasMessageContaining(", which is not a trusted key");

            String again = git.commit("signed again", Map.of("values.yaml", "a: 4\n"), trusted);
            assertThat(source.fetch().commit()).isEqualTo(again);
        }
    }

    @Test
    void aCommitChangedAfterSigningDoesNotVerify() throws Exception {
        String signed = git.commit("signed values", Map.of("values.yaml", "a: 1\n"), trusted);
        CommitVerifier verifier = CommitVerifier.load("values", List.of(tmp.resolve("values-bot.asc").toString()));
        try (Repository repo = new FileRepositoryBuilder().setGitDir(tmp.resolve("origin/.git").toFile()).build();
             RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(repo.resolve(signed));
            assertThat(verifier.untrusted(commit)).isNull();
            RevCommit forged = RevCommit.parse(new String(commit.getRawBuffer(), StandardCharsets.UTF_8)
                    .replace("signed values", "signed valuez").getBytes(StandardCharsets.UTF_8));
            assertThat(verifier.untrusted(forged)).endsWith("that does not match its content");
        }
    }

    @Test
    void aKeyFileWithoutKeysIsAnErrorNamingIt() throws Exception {
        Files.writeString(tmp.resolve("empty.asc"), "not a key\n");
        assertThatThrownBy(() -> source("empty.asc")).isInstanceOf(SourceException.class)
                .hasMessageStartingWith("source values: ").hasMessageContaining("empty.asc");
    }
}
