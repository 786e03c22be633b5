package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.Decryption;
import io.driftless.config.Origin;
import io.driftless.testing.SopsTools;

/** The keys a fleet names: from a file or a variable, read again when the file changes, refused at the fleet's key. */
class DecryptionKeysTest {

    private static final Origin AT = new Origin("fleet.yaml", 7, "sources[0].decryption");

    @TempDir
    Path tmp;

    @Test
    void keysComeFromAFileOrAVariableAndAChangedFileIsReadAgain() throws Exception {
        SopsTools sops = new SopsTools(tmp);
        SopsTools.AgeKey first = sops.ageKey("first");
        SopsTools.AgeKey second = sops.ageKey("second");
        DecryptionKeys keys = new DecryptionKeys(Map.of("TEAM_AGE_KEYS", Files.readString(second.file())));

        Path file = Files.copy(first.file(), tmp.resolve("team.agekey"));
        Decryption fromFile = new Decryption(file.toString(), null, null, null, AT);
        assertThat(keys.apply(fromFile).describe()).containsExactly(first.recipient());
        assertThat(keys.apply(fromFile)).as("read once while unchanged").isSameAs(keys.apply(fromFile));
        Files.copy(second.file(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(keys.apply(fromFile).describe()).as("a rotated key file").containsExactly(second.recipient());

        assertThat(keys.apply(new Decryption(null, "TEAM_AGE_KEYS", null, null, AT)).describe())
                .containsExactly(second.recipient());
        assertThat(keys.apply(Decryption.NONE).isEmpty()).isTrue();
    }

    @Test
    void keysThatCannotBeReadAreRefusedAtTheFleetsKeyWithoutQuotingThem() throws Exception {
        DecryptionKeys keys = new DecryptionKeys(Map.of("NOT_KEYS", "AGE-SECRET-KEY-1TOPSECRETMARKER"));
        assertThatThrownBy(() -> keys.apply(new Decryption(null, "UNSET", null, null, AT)))
                .hasMessage("fleet.yaml:7: sources[0].decryption.ageKeysEnv: the environment variable UNSET is not set");
        assertThatThrownBy(() -> keys.apply(new Decryption(null, "NOT_KEYS", null, null, AT)))
                .hasMessageContaining("sources[0].decryption.ageKeysEnv: the environment variable NOT_KEYS holds no "
                        + "usable age identities: line 1 is not an age identity")
                .hasMessageNotContaining("TOPSECRETMARKER");
        Path missing = tmp.resolve("missing.asc");
        assertThatThrownBy(() -> keys.apply(new Decryption(null, null, missing.toString(), null, AT)))
                .hasMessage("fleet.yaml:7: sources[0].decryption.pgpKeysFile: " + missing + " cannot be read "
                        + "(NoSuchFileException)");
        Path notPgp = Files.writeString(tmp.resolve("not.asc"), "password: TOPSECRETMARKER\n");
        assertThatThrownBy(() -> keys.apply(new Decryption(null, null, notPgp.toString(), null, AT)))
                .hasMessageContaining("pgpKeysFile: " + notPgp + " holds no usable OpenPGP secret keys")
                .hasMessageNotContaining("TOPSECRETMARKER");
        assertThatThrownBy(() -> keys.apply(new Decryption(notPgp.toString(), null, null, "NO_PASSPHRASE", AT)))
                .hasMessage("fleet.yaml:7: sources[0].decryption.passphraseEnv: the environment variable NO_PASSPHRASE "
                        + "is not set");
    }
}
