package io.driftless.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the keys that open a release's SOPS-encrypted files come from, by reference only (never inline): an age
 * identity file or an environment variable holding identities, a file of OpenPGP secret keys, and the environment
 * variable holding the passphrase of a protected identity file or key. Declared on a source (for every release that
 * reads it) or on a release (for that release only).
 */
public record Decryption(String ageKeysFile, String ageKeysEnv, String pgpKeysFile, String passphraseEnv,
                         Origin origin) {

    public static final Decryption NONE = new Decryption(null, null, null, null, null);

    public boolean isNone() {
        return ageKeysFile == null && ageKeysEnv == null && pgpKeysFile == null;
    }

    /** What it names, each as {@code file PATH} or {@code env NAME}: the keys a tenant may not share. */
    public List<String> references() {
        List<String> out = new ArrayList<>();
        if (ageKeysFile != null) {
            out.add("file " + ageKeysFile);
        }
        if (pgpKeysFile != null) {
            out.add("file " + pgpKeysFile);
        }
        if (ageKeysEnv != null) {
            out.add("env " + ageKeysEnv);
        }
        return out;
    }

    static Decryption read(Cursor d, java.nio.file.Path base) {
        d.allowOnly("ageKeysFile", "ageKeysEnv", "pgpKeysFile", "passphraseEnv");
        String ageFile = d.string("ageKeysFile", null);
        String pgpFile = d.string("pgpKeysFile", null);
        Decryption out = new Decryption(ageFile == null ? null : FleetLoader.localPath(base, ageFile),
                d.string("ageKeysEnv", null), pgpFile == null ? null : FleetLoader.localPath(base, pgpFile),
                d.string("passphraseEnv", null), d.origin());
        if (out.isNone()) {
            d.problem(null, "name the keys: ageKeysFile (an age identity file), ageKeysEnv (an environment variable "
                    + "holding identities) or pgpKeysFile (OpenPGP secret keys); never the keys themselves");
        }
        return out;
    }
}
