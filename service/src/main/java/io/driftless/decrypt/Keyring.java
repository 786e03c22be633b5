package io.driftless.decrypt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys a release decrypts its SOPS files with: age X25519 identities and OpenPGP secret keys. Built from the
 * bytes of key files (the caller reads them); shows only public parts (recipients, fingerprints).
 */
public final class Keyring {

    public static final Keyring NONE = new Keyring(List.of(), List.of());

    private final List<Age.Identity> age;
    private final List<OpenPgp> pgp;

    private Keyring(List<Age.Identity> age, List<OpenPgp> pgp) {
        this.age = List.copyOf(age);
        this.pgp = List.copyOf(pgp);
    }

    /**
     * The identities of an age identity file, or of one kept encrypted with a passphrase ({@code age -p}).
     *
     * @param passphrase null when none is given
     * @throws IllegalArgumentException what is wrong with the file (never quoting it)
     */
    public static Keyring age(byte[] identityFile, char[] passphrase) {
        byte[] file = identityFile;
        if (Age.isAgeFile(identityFile)) {
            if (passphrase == null) {
                throw new IllegalArgumentException("it is encrypted (age -p): give its passphrase (passphraseEnv)");
            }
            file = Age.decryptWithPassphrase(identityFile, passphrase);
        }
        List<Age.Identity> identities = Age.identities(new String(file, StandardCharsets.UTF_8));
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("it holds no age identity (AGE-SECRET-KEY-1...)");
        }
        return new Keyring(identities, List.of());
    }

    /**
     * The secret keys of an OpenPGP export.
     *
     * @param passphrase null when the keys are not protected
     */
    public static Keyring pgp(byte[] secretKeys, char[] passphrase) {
        return new Keyring(List.of(), List.of(OpenPgp.read(secretKeys, passphrase)));
    }

    public Keyring plus(Keyring other) {
        List<Age.Identity> a = new ArrayList<>(age);
        a.addAll(other.age);
        List<OpenPgp> p = new ArrayList<>(pgp);
        p.addAll(other.pgp);
        return new Keyring(a, p);
    }

    public boolean isEmpty() {
        return age.isEmpty() && pgp.isEmpty();
    }

    List<Age.Identity> ageIdentities() {
        return age;
    }

    List<OpenPgp> pgpKeys() {
        return pgp;
    }

    /** The public side of every key: age recipients and OpenPGP fingerprints. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        age.forEach(id -> out.add(id.recipient()));
        pgp.forEach(k -> k.fingerprints().forEach(fp -> out.add("PGP " + fp)));
        return out;
    }

    @Override
    public String toString() {
        return "Keyring" + describe();
    }
}
