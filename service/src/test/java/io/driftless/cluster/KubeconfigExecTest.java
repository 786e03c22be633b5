package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.ClusterSpec;
import io.driftless.config.Origin;

/** A kubeconfig whose user runs a command for credentials runs nothing unless the operator allowed it. */
class KubeconfigExecTest {

    @TempDir
    Path tmp;

    private Path kubeconfig(String user) throws Exception {
        Path file = tmp.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                users:
                - name: u
                  user: %s
                """.formatted(user));
        return file;
    }

    private static ClusterSpec cluster(Path kubeconfig) {
        return new ClusterSpec("evil", ClusterSpec.Connection.KUBECONFIG, kubeconfig.toString(), null, Map.of(),
                Origin.NONE);
    }

    @Test
    void anExecPluginIsRefusedAndNeverRunUnlessAllowed() throws Exception {
        Path ran = tmp.resolve("ran");
        Path file = kubeconfig("""
                {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh,
                        args: ["-c", "touch %s; echo '{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"t\\"}}'"]}}
                """.formatted(ran).strip());
        assertThatThrownBy(() -> new ClusterConnections(List.of(cluster(file))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cluster 'evil': " + file + " has users[0].user.exec (a credential plugin: a command); "
                        + "Driftless runs no command and no auth provider a kubeconfig names unless started with "
                        + "--allow-kubeconfig-exec");
        assertThat(ran).as("the command did not run").doesNotExist();

        try (ClusterConnections allowed = new ClusterConnections(List.of(cluster(file)), true)) {
            assertThat(ran).as("the operator allowed it: the plugin ran to get a token").exists();
        }
    }

    @Test
    void anAuthProviderIsRefusedToo() throws Exception {
        Path file = kubeconfig("{auth-provider: {name: oidc, config: {idp-issuer-url: https://issuer.example.com}}}");
        assertThatThrownBy(() -> new ClusterConnections(List.of(cluster(file))))
                .hasMessageContaining("has users[0].user.auth-provider");
    }
}
