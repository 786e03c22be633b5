package io.driftless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What a fleet read from Git may name on the host: each reference outside the operator's allow-list at file:line. */
class FleetTrustTest {

    private static final Path BASE = Path.of("/etc/driftless");
    private static final FleetTrust GIT = FleetTrust.git(List.of("TEAM_"), Path.of("/run/fleet-secrets"),
            Path.of("/run/kubeconfigs"), Path.of("/srv/git"));

    private static final String FLEET = """
            sources:
              - {name: values, url: https://git.example.com/values.git, auth: {username: bot, tokenEnv: TEAM_TOKEN}}
              - {name: mirror, url: /srv/git/mirror.git}
            clusters:
              - {name: dev, kubeconfig: /run/kubeconfigs/dev.yaml}
              - {name: prod, inCluster: true}
            releases:
              - name: app
                namespace: app
                source: values
                chart: {repository: https://charts.example.com, name: app, version: 1.0.0,
                        auth: {username: bot, passwordFile: /run/fleet-secrets/charts}}
                values: [values.yaml]
            """;

    private static List<String> problems(String yaml, FleetTrust trust) {
        try {
            FleetLoader.parse("fleet.yaml", yaml.getBytes(StandardCharsets.UTF_8), BASE, trust);
        } catch (ConfigException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        return List.of();
    }

    @Test
    void whatTheOperatorAllowListedIsAccepted() {
        assertThat(problems(FLEET, GIT)).isEmpty();
    }

    @Test
    void theServicesOwnSecretsFilesAndRepositoriesAreRefusedAtTheirLines() {
        String hostile = FLEET
                .replace("tokenEnv: TEAM_TOKEN", "tokenEnv: DRIFTLESS_GIT_TOKEN")
                .replace("url: /srv/git/mirror.git", "url: /var/lib/driftless/cache/other-team.git")
                .replace("kubeconfig: /run/kubeconfigs/dev.yaml", "kubeconfig: /var/lib/driftless/charts/x/evil.tgz")
                .replace("passwordFile: /run/fleet-secrets/charts", "passwordEnv: DRIFTLESS_API_AUTH");
        assertThat(problems(hostile, GIT)).containsExactlyInAnyOrder(
                "fleet.yaml:2: sources[0].auth.tokenEnv: a fleet from Git may name environment variables starting "
                        + "with TEAM_ only, not DRIFTLESS_GIT_TOKEN (start Driftless with --fleet-env-prefix to allow "
                        + "a prefix)",
                "fleet.yaml:3: sources[1].url: a fleet from Git may name Git repositories on this machine in "
                        + "/srv/git only, not /var/lib/driftless/cache/other-team.git",
                "fleet.yaml:5: clusters[0].kubeconfig: a fleet from Git may name kubeconfig files in /etc/driftless "
                        + "or /run/kubeconfigs only, not /var/lib/driftless/charts/x/evil.tgz",
                "fleet.yaml:12: releases[0].chart.auth.passwordEnv: a fleet from Git may name environment variables "
                        + "starting with TEAM_ only, not DRIFTLESS_API_AUTH (start Driftless with --fleet-env-prefix "
                        + "to allow a prefix)");
        assertThat(problems(hostile, FleetTrust.OPERATOR)).as("the operator's own fleet file may").isEmpty();
    }

    @Test
    void aRepositoryOnThisMachineNeedsTheLocalSourcesFolderWhateverItIsWritten() {
        FleetTrust none = FleetTrust.git(List.of("TEAM_"), Path.of("/run/fleet-secrets"), Path.of("/run/kubeconfigs"),
                null);
        assertThat(problems(FLEET, none)).containsExactly("fleet.yaml:3: sources[1].url: a fleet from Git may name "
                + "Git repositories on this machine in the local sources folder only, and none is set (start "
                + "Driftless with --local-sources-dir), not /srv/git/mirror.git");
        assertThat(problems(FLEET.replace("/srv/git/mirror.git", "file:///srv/git/../../var/cache/x.git"), GIT))
                .containsExactly("fleet.yaml:3: sources[1].url: a fleet from Git may name Git repositories on this "
                        + "machine in /srv/git only, not /var/cache/x.git");
        assertThat(problems(FLEET.replace("/srv/git/mirror.git", "../../var/lib/driftless/cache/y.git"), GIT))
                .as("a relative path is read from the pointer file's folder").containsExactly("fleet.yaml:3: "
                        + "sources[1].url: a fleet from Git may name Git repositories on this machine in /srv/git "
                        + "only, not /var/lib/driftless/cache/y.git");
        assertThat(problems(FLEET.replace("/srv/git/mirror.git", "https://git.example.com/x.git"), GIT)).isEmpty();
    }

    @Test
    void theServicesOwnKubeconfigIsNotAFleetCommittersToUse() {
        assertThatThrownBy(() -> FleetLoader.parse("fleet.yaml", FLEET.replace("kubeconfig: /run/kubeconfigs/dev.yaml",
                "context: admin").getBytes(StandardCharsets.UTF_8), BASE, GIT))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fleet.yaml:5: clusters[0]: a fleet from Git names its kubeconfig file");
    }
}
