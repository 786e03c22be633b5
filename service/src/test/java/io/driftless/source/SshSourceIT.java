package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.GitSshServer;

/** A source fetched over SSH authenticates with its key and trusts only a host key its known_hosts lists. */
class SshSourceIT {

    @TempDir
    Path tmp;
    private GitHttpServer git;
    private GitSshServer ssh;

    @BeforeEach
    void start() throws Exception {
        git = new GitHttpServer(tmp.resolve("origin"));
        ssh = new GitSshServer(git.repository());
        ssh.writeClientKey(tmp.resolve("id_ecdsa"));
    }

    @AfterEach
    void stop() throws Exception {
        ssh.close();
        git.close();
    }

    private GitSource source(String knownHosts) {
        Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                sources: [{name: values, url: "%s", auth: {sshKeyFile: id_ecdsa, knownHostsFile: %s}}]
                clusters: [{name: dev, embedded: true}]
                releases: [{name: p, namespace: p, chart: {name: prefect-server, version: 1}, source: values, values: [v.yaml]}]
                """).formatted(ssh.url(), knownHosts).getBytes(StandardCharsets.UTF_8), tmp);
        return new GitSource(fleet.sources().get(0), tmp.resolve("cache-" + knownHosts), Map.of());
    }

    @Test
    void fetchesOverSshFromAServerItsKnownHostsLists() throws Exception {
        String commit = git.commit("values", Map.of("values.yaml", "a: 1\n"));
        ssh.writeKnownHosts(tmp.resolve("known_hosts"), false);
        try (GitSource source = source("known_hosts")) {
            Snapshot snapshot = source.fetch();
            assertThat(snapshot.commit()).isEqualTo(commit);
            assertThat(snapshot.read("values.yaml")).hasValueSatisfying(b ->
                    assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("a: 1\n"));
        }
    }

    @Test
    void refusesAServerWhoseHostKeyIsNotTheListedOne() throws Exception {
        git.commit("values", Map.of("values.yaml", "a: 1\n"));
        ssh.writeKnownHosts(tmp.resolve("other_hosts"), true);
        try (GitSource source = source("other_hosts")) {
            assertThatThrownBy(source::fetch).isInstanceOf(SourceException.class)
                    .hasMessage("source values: fetch from " + ssh.url().replace("git@", "") + " failed: Server key did "
                            + "not validate");
        }
    }
}
