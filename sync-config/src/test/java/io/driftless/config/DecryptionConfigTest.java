package io.driftless.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The keys that open SOPS files: named on a source or a release, by reference only, allow-listed for a fleet from
 * Git, and never shared between tenants.
 */
class DecryptionConfigTest {

    private static final Path BASE = Path.of("/etc/driftless");

    private static final String FLEET = """
            sources:
              - name: values
                url: https://git.example.com/values.git
                decryption: {ageKeysFile: /run/fleet-secrets/team-a.agekey}
            clusters:
              - {name: prod, inCluster: true}
            tenants:
              - {name: team-a, sources: [{name: values}], destinations: [{namespaces: [team-a]}]}
              - {name: team-b, sources: [{name: values}], destinations: [{namespaces: [team-b]}]}
            releases:
              - {name: a, namespace: team-a, tenant: team-a, source: values, chart: {name: prefect-server, version: 2026.8.18172642}}
              - name: b
                namespace: team-b
                tenant: team-b
                source: values
                chart: {name: prefect-server, version: 2026.8.18172642}
                decryption: {pgpKeysFile: keys/team-b.asc, passphraseEnv: TEAM_B_PASSPHRASE}
            """;

    private static Fleet load(String yaml, FleetTrust trust) {
        return FleetLoader.parse("fleet.yaml", yaml.getBytes(StandardCharsets.UTF_8), BASE, trust);
    }

    private static List<String> problems(String yaml, FleetTrust trust) {
        try {
            load(yaml, trust);
        } catch (ConfigException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        return List.of();
    }

    @Test
    void aReleaseOpensItsFilesWithItsOwnKeysElseItsSources() {
        Fleet fleet = load(FLEET, FleetTrust.OPERATOR);
        assertThat(fleet.releases().get(0).decryption().ageKeysFile()).isEqualTo("/run/fleet-secrets/team-a.agekey");
        Decryption b = fleet.releases().get(1).decryption();
        assertThat(b.pgpKeysFile()).isEqualTo("/etc/driftless/keys/team-b.asc");
        assertThat(b.ageKeysFile()).isNull();
        assertThat(b.passphraseEnv()).isEqualTo("TEAM_B_PASSPHRASE");
        assertThat(fleet.sources().get(0).decryption().references())
                .containsExactly("file /run/fleet-secrets/team-a.agekey");
    }

    @Test
    void keysAreNamedNeverGivenInline() {
        assertThat(problems(FLEET.replace("decryption: {pgpKeysFile: keys/team-b.asc, passphraseEnv: TEAM_B_PASSPHRASE}",
                "decryption: {ageKey: AGE-SECRET-KEY-1QQQ}"), FleetTrust.OPERATOR))
                .anySatisfy(p -> assertThat(p).startsWith("fleet.yaml:17: releases[1].decryption")
                        .contains("ageKey").doesNotContain("AGE-SECRET-KEY-1QQQ"))
                .anySatisfy(p -> assertThat(p).contains("name the keys: ageKeysFile"));
    }

    @Test
    void aTenantsKeysOpenOnlyItsOwnReleasesFiles() {
        String shared = FLEET.replace("decryption: {pgpKeysFile: keys/team-b.asc, passphraseEnv: TEAM_B_PASSPHRASE}",
                "decryption: {ageKeysFile: /run/fleet-secrets/team-a.agekey}");
        assertThat(problems(shared, FleetTrust.OPERATOR)).containsExactly("fleet.yaml:17: releases[1].decryption: "
                + "release b of tenant team-b would open its files with the keys of tenant team-a (file "
                + "/run/fleet-secrets/team-a.agekey): a tenant's keys open only its own releases' files; give each "
                + "tenant keys of its own (decryption on its releases)");
        String inherited = FLEET.replace("\n    decryption: {pgpKeysFile: keys/team-b.asc, passphraseEnv: "
                + "TEAM_B_PASSPHRASE}", "");
        assertThat(problems(inherited, FleetTrust.OPERATOR)).singleElement().asString()
                .contains("release b of tenant team-b would open its files with the keys of tenant team-a")
                .contains("on its source");
    }

    @Test
    void aFleetFromGitNamesOnlyAllowListedKeyFilesAndVariables() {
        FleetTrust git = FleetTrust.git(List.of("TEAM_"), Path.of("/run/fleet-secrets"), null, null);
        assertThat(problems(FLEET, git)).containsExactly(
                "fleet.yaml:17: releases[1].decryption.pgpKeysFile: a fleet from Git may name files in "
                        + "/run/fleet-secrets only, not /etc/driftless/keys/team-b.asc");
        assertThat(problems(FLEET.replace("passphraseEnv: TEAM_B_PASSPHRASE", "passphraseEnv: DRIFTLESS_API_AUTH")
                .replace("pgpKeysFile: keys/team-b.asc", "pgpKeysFile: /run/fleet-secrets/team-b.asc"), git))
                .containsExactly("fleet.yaml:17: releases[1].decryption.passphraseEnv: a fleet from Git may name "
                        + "environment variables starting with TEAM_ only, not DRIFTLESS_API_AUTH (start Driftless "
                        + "with --fleet-env-prefix to allow a prefix)");
    }
}
