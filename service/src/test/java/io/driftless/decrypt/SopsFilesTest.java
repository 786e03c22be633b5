package io.driftless.decrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.ConfigException;
import io.driftless.config.SafeYaml;
import io.driftless.testing.SopsTools;

/**
 * Files encrypted by the real {@code sops} (built from its Go module) for age and OpenPGP recipients, YAML and
 * JSON, with each of SOPS's rules, opened by Driftless's own decryption; and the same files broken the ways a file in
 * Git can be broken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SopsFilesTest {

    static final String MARKER = "s3cr3t-MARKER-7f1d";

    private static final String VALUES = """
            server:
              database:
                password: %s
                port: 5432
                ratio: 1.25
                tls: true
              hosts:
                - api.example.com
                - name: ui
                  weight: 3
              empty: ""
              nothing: null
            token_unencrypted: plain-visible
            """.formatted(MARKER);
    private static final String JSON = """
            {"server": {"database": {"password": "%s", "port": 5432, "ratio": 1.25, "tls": true},
             "hosts": ["api.example.com", {"name": "ui", "weight": 3}], "empty": ""},
             "token_unencrypted": "plain-visible"}
            """.formatted(MARKER);

    Path tmp;
    SopsTools sops;
    SopsTools.AgeKey alice;
    SopsTools.AgeKey mallory;
    SopsTools.PgpKeys pgp;

    @BeforeAll
    void keys(@TempDir Path dir) throws Exception {
        tmp = dir;
        sops = new SopsTools(tmp);
        alice = sops.ageKey("alice");
        mallory = sops.ageKey("mallory");
        pgp = sops.pgpKey("release-bot", null);
    }

    private Keyring aliceKeys() throws Exception {
        return Keyring.age(Files.readAllBytes(alice.file()), null);
    }

    private static Decrypted open(String file, String text, Keyring keys) {
        return new Decrypted(Sops.decrypt(List.of(SafeYaml.parse(file, text)), keys));
    }

    private record Decrypted(Sops.Decrypted result) {
        Map<String, Object> tree() {
            return result.documents().get(0).asMap();
        }
    }

    private static Map<String, Object> plain(String file, String text) {
        return SafeYaml.parse(file, text).asMap();
    }

    @Test
    void everyValueOfAYamlFileForAnAgeRecipientOpensToWhatWasEncrypted() throws Exception {
        String encrypted = sops.encrypt("values.yaml", VALUES, List.of(alice), List.of());
        assertThat(encrypted).doesNotContain(MARKER).contains("ENC[AES256_GCM,").contains("plain-visible");
        Decrypted opened = open("values.yaml", encrypted, aliceKeys());
        assertThat(opened.tree()).isEqualTo(plain("values.yaml", VALUES));
        assertThat(opened.result().secrets()).contains(MARKER, "5432", "api.example.com")
                .doesNotContain("plain-visible");
        assertThat(opened.result().documents().get(0).lineOf("server.database.password")).isEqualTo(3);
    }

    @Test
    void aJsonFileForAnOpenPgpRecipientOpensWithTheSecretKey() throws Exception {
        String encrypted = sops.encrypt("values.json", JSON, List.of(), List.of(pgp));
        Keyring keys = Keyring.pgp(Files.readAllBytes(pgp.secretKeys()), null);
        assertThat(open("values.json", encrypted, keys).tree()).isEqualTo(plain("values.json", JSON));
    }

    @Test
    void aYamlFileForAnOpenPgpRecipientWithAProtectedKeyOpensWithItsPassphrase() throws Exception {
        SopsTools.PgpKeys protectedKey = sops.pgpKey("protected-bot", "correct horse");
        String encrypted = sops.encrypt("values.yaml", VALUES, List.of(), List.of(protectedKey));
        byte[] secret = Files.readAllBytes(protectedKey.secretKeys());
        assertThat(open("values.yaml", encrypted, Keyring.pgp(secret, "correct horse".toCharArray())).tree())
                .isEqualTo(plain("values.yaml", VALUES));
        assertThatThrownBy(() -> open("values.yaml", encrypted, Keyring.pgp(secret, "wrong".toCharArray())))
                .hasMessageContaining("values.yaml").hasMessageContaining("the passphrase does not open OpenPGP key");
    }

    @Test
    void aJsonFileForAnAgeRecipientAndAFileForBothKindsOpenWithEitherKey() throws Exception {
        assertThat(open("values.json", sops.encrypt("values.json", JSON, List.of(alice), List.of()), aliceKeys())
                .tree()).isEqualTo(plain("values.json", JSON));
        String both = sops.encrypt("values.yaml", VALUES, List.of(mallory, alice), List.of(pgp));
        assertThat(open("values.yaml", both, aliceKeys()).tree()).isEqualTo(plain("values.yaml", VALUES));
        assertThat(open("values.yaml", both, Keyring.pgp(Files.readAllBytes(pgp.secretKeys()), null)).tree())
                .isEqualTo(plain("values.yaml", VALUES));
    }

    @Test
    void anIdentityFileKeptEncryptedWithAPassphraseOpensWithIt() throws Exception {
        Path wrapped = sops.passphraseProtected(alice, "tr0ub4dor&3");
        assertThat(Files.readString(wrapped)).startsWith("-----BEGIN AGE ENCRYPTED FILE-----");
        Keyring keys = Keyring.age(Files.readAllBytes(wrapped), "tr0ub4dor&3".toCharArray());
        assertThat(keys.describe()).containsExactly(alice.recipient());
        assertThatThrownBy(() -> Keyring.age(Files.readAllBytes(wrapped), null))
                .hasMessageContaining("passphraseEnv");
        assertThatThrownBy(() -> Keyring.age(Files.readAllBytes(wrapped), "nope".toCharArray()))
                .hasMessageContaining("the passphrase does not open it");
    }

    @Test
    void theRulesOfWhatIsEncryptedAreHonoured() throws Exception {
        record Rule(String[] flags, List<String> plainText) {
        }
        List<Rule> rules = List.of(
                new Rule(new String[] {"--encrypted-regex", "^(password|hosts)$"}, List.of("5432", "plain-visible")),
                new Rule(new String[] {"--unencrypted-regex", "^(port|ratio|tls)$"}, List.of("5432", "1.25")),
                new Rule(new String[] {"--encrypted-suffix", "word"}, List.of("5432", "api.example.com")),
                new Rule(new String[] {"--unencrypted-suffix", "_unencrypted"}, List.of("plain-visible")),
                new Rule(new String[] {"--config", macOnlyEncrypted().toString()}, List.of("5432", "api.example.com")));
        for (Rule rule : rules) {
            String encrypted = sops.encrypt("values.yaml", VALUES, List.of(alice), List.of(), rule.flags());
            assertThat(encrypted).as(String.join(" ", rule.flags())).doesNotContain(MARKER);
            rule.plainText().forEach(p -> assertThat(encrypted).as(String.join(" ", rule.flags())).contains(p));
            Decrypted opened = open("values.yaml", encrypted, aliceKeys());
            assertThat(opened.tree()).as(String.join(" ", rule.flags())).isEqualTo(plain("values.yaml", VALUES));
            assertThat(opened.result().secrets()).contains(MARKER).doesNotContainAnyElementsOf(rule.plainText());
        }
    }

    /** {@code mac_only_encrypted} is a creation rule of {@code .sops.yaml}, not a flag. */
    private Path macOnlyEncrypted() throws Exception {
        return Files.writeString(tmp.resolve("sops-config.yaml"), "creation_rules:\n  - encrypted_regex: ^password$\n"
                + "    mac_only_encrypted: true\n    age: " + alice.recipient() + "\n");
    }

    @Test
    void aMultiDocumentManifestFileOpensWholeUnderOneMac() throws Exception {
        String manifests = """
                apiVersion: v1
                kind: Secret
                metadata: {name: db}
                stringData: {password: %s}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {mode: fast}
                """.formatted(MARKER);
        String encrypted = sops.encrypt("db.yaml", manifests, List.of(alice), List.of(), "--encrypted-regex",
                "^(data|stringData)$");
        List<SafeYaml.Document> docs = SafeYaml.parseAll("db.yaml", encrypted, SafeYaml.MAX_BYTES);
        Sops.Decrypted opened = Sops.decrypt(docs, aliceKeys());
        assertThat(opened.documents()).hasSize(2);
        assertThat(opened.documents().get(0).asMap()).isEqualTo(SafeYaml.parseAll("db.yaml", manifests,
                SafeYaml.MAX_BYTES).get(0).asMap());
        assertThat(opened.documents().get(1).asMap().get("data")).isEqualTo(Map.of("mode", "fast"));
        assertThatThrownBy(() -> Sops.decrypt(docs.subList(0, 1), aliceKeys())).as("a document left out")
                .hasMessageContaining("MAC does not match");
    }

    @Test
    void aFileForNoKeyWeHoldNamesTheRecipientsItFound() throws Exception {
        String encrypted = sops.encrypt("values.yaml", VALUES, List.of(mallory), List.of(pgp));
        assertThatThrownBy(() -> open("values.yaml", encrypted, aliceKeys()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("values.yaml:")
                .hasMessageContaining(mallory.recipient()).hasMessageContaining("PGP " + pgp.fingerprint())
                .hasMessageContaining("the release's keys (" + alice.recipient() + ") open none of them");
        assertThatThrownBy(() -> open("values.yaml", encrypted, Keyring.NONE))
                .hasMessageContaining("this release has no decryption keys");
    }

    @Test
    void aFileChangedAfterEncryptionIsRefusedWholeNamingTheKey() throws Exception {
        String encrypted = sops.encrypt("values.yaml", VALUES, List.of(alice), List.of());
        Keyring keys = aliceKeys();
        String visible = encrypted.replace("plain-visible", "changed-by-hand");
        assertThatThrownBy(() -> open("values.yaml", visible, keys)).hasMessageContaining("sops.mac")
                .hasMessageContaining("MAC does not match");
        String partly = encrypted.replaceFirst("password: ENC\\[[^\\]]*]", "password: typed-in-plain");
        assertThatThrownBy(() -> open("values.yaml", partly, keys))
                .hasMessageContaining("values.yaml:3: server.database.password: is not encrypted")
                .hasMessageNotContaining("typed-in-plain");
        String moved = encrypted.replaceFirst("port: (ENC\\[[^\\]]*])", "porte: $1");
        assertThatThrownBy(() -> open("values.yaml", moved, keys))
                .hasMessageContaining("server.database.porte: does not decrypt");
        String badBase64 = encrypted.replaceFirst("(password: ENC\\[AES256_GCM,data:)", "$1!!");
        assertThatThrownBy(() -> open("values.yaml", badBase64, keys)).hasMessageContaining("not a SOPS value");
        String badMac = encrypted.replaceFirst("(mac: ENC\\[AES256_GCM,data:)(.)", "$1A$2");
        assertThatThrownBy(() -> open("values.yaml", badMac, keys)).hasMessageContaining("sops.mac");
        String badDataKey = encrypted.replaceFirst("(-----BEGIN AGE ENCRYPTED FILE-----\\s+)(\\S)", "$1B");
        assertThatThrownBy(() -> open("values.yaml", badDataKey, keys)).hasMessageContaining("sops.age")
                .hasMessageContaining("the data key does not open");
        for (String broken : List.of(visible, partly, moved, badBase64, badMac, badDataKey)) {
            assertThatThrownBy(() -> open("values.yaml", broken, keys)).hasMessageNotContaining(MARKER);
        }
    }
}
