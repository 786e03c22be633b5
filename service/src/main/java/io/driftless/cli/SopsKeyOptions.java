package io.driftless.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.driftless.decrypt.Keyring;
import io.driftless.source.DecryptionKeys;
import picocli.CommandLine.Option;

/** The keys an offline verb opens SOPS-encrypted files with, given on its command line (a picocli mixin). */
public final class SopsKeyOptions {

    @Option(names = "--age-key-file", paramLabel = "FILE", description = "An age identity file that opens "
            + "SOPS-encrypted files (repeatable).")
    List<Path> ageKeyFiles = new ArrayList<>();
    @Option(names = "--pgp-key-file", paramLabel = "FILE", description = "OpenPGP secret keys (an armored export) "
            + "that open SOPS-encrypted files (repeatable).")
    List<Path> pgpKeyFiles = new ArrayList<>();
    @Option(names = "--passphrase-env", paramLabel = "NAME", description = "The environment variable holding the "
            + "passphrase of a protected age identity file or OpenPGP key.")
    String passphraseEnv;

    /** Whether any key was given. */
    public boolean given() {
        return !ageKeyFiles.isEmpty() || !pgpKeyFiles.isEmpty();
    }

    /**
     * The keys given, read now.
     *
     * @throws io.driftless.config.ConfigException naming the option whose file holds no usable key
     */
    public Keyring keyring(DecryptionKeys reader) {
        return reader.fromFiles(ageKeyFiles, pgpKeyFiles, passphraseEnv);
    }
}
