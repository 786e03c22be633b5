package io.driftless.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.driftless.config.ConfigException;
import io.driftless.config.Decryption;
import io.driftless.config.Origin;
import io.driftless.decrypt.Keyring;

/**
 * Reads the keys a fleet's {@code decryption} names (files and environment variables of this host) into a
 * {@link Keyring}; read again when a key file changes (its size or time), so a rotated key needs no restart. A key
 * that cannot be read fails the releases that need it, at the fleet's key, without quoting the file.
 */
public final class DecryptionKeys implements Function<Decryption, Keyring> {

    private static final int MAX_KEY_FILE = 1024 * 1024;

    private final Map<String, String> env;
    private final Map<Decryption, Loaded> loaded = new ConcurrentHashMap<>();

    public DecryptionKeys(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    private record Loaded(List<String> stamps, Keyring keys) {
    }

    /**
     * The keys of files given on a command line (age identity files, OpenPGP secret key exports), with the
     * passphrase in an environment variable when one is named.
     *
     * @throws ConfigException naming the option and file that holds no usable key
     */
    public Keyring fromFiles(List<java.nio.file.Path> ageFiles, List<java.nio.file.Path> pgpFiles,
                             String passphraseEnv) {
        Keyring keys = Keyring.NONE;
        for (java.nio.file.Path f : ageFiles) {
            keys = keys.plus(apply(new Decryption(f.toAbsolutePath().toString(), null, null, passphraseEnv,
                    new Origin("--age-key-file", 0, ""))));
        }
        for (java.nio.file.Path f : pgpFiles) {
            keys = keys.plus(apply(new Decryption(null, null, f.toAbsolutePath().toString(), passphraseEnv,
                    new Origin("--pgp-key-file", 0, ""))));
        }
        return keys;
    }

    /** @throws ConfigException naming the fleet key whose file or variable does not hold usable keys */
    @Override
    public Keyring apply(Decryption d) {
        if (d.isNone()) {
            return Keyring.NONE;
        }
        List<String> stamps = new ArrayList<>();
        stamps.add(d.ageKeysFile() == null ? "" : stamp(d, "ageKeysFile", d.ageKeysFile()));
        stamps.add(d.pgpKeysFile() == null ? "" : stamp(d, "pgpKeysFile", d.pgpKeysFile()));
        Loaded cached = loaded.get(d);
        if (cached != null && cached.stamps().equals(stamps)) {
            return cached.keys();
        }
        Keyring keys = load(d);
        loaded.put(d, new Loaded(stamps, keys));
        return keys;
    }

    private Keyring load(Decryption d) {
        char[] passphrase = null;
        if (d.passphraseEnv() != null) {
            String value = env.get(d.passphraseEnv());
            if (value == null) {
                throw problem(d.origin(), "passphraseEnv", "the environment variable " + d.passphraseEnv()
                        + " is not set");
            }
            passphrase = value.toCharArray();
        }
        Keyring keys = Keyring.NONE;
        if (d.ageKeysFile() != null) {
            keys = keys.plus(parse(d.origin(), "ageKeysFile", d.ageKeysFile(), read(d, "ageKeysFile", d.ageKeysFile()),
                    passphrase,
                    true));
        }
        if (d.ageKeysEnv() != null) {
            String value = env.get(d.ageKeysEnv());
            if (value == null) {
                throw problem(d.origin(), "ageKeysEnv", "the environment variable " + d.ageKeysEnv() + " is not set");
            }
            keys = keys.plus(parse(d.origin(), "ageKeysEnv", "the environment variable " + d.ageKeysEnv(),
                    value.getBytes(StandardCharsets.UTF_8), passphrase, true));
        }
        if (d.pgpKeysFile() != null) {
            keys = keys.plus(parse(d.origin(), "pgpKeysFile", d.pgpKeysFile(), read(d, "pgpKeysFile", d.pgpKeysFile()),
                    passphrase,
                    false));
        }
        return keys;
    }

    private static Keyring parse(Origin origin, String key, String what, byte[] content, char[] passphrase,
                                 boolean age) {
        try {
            return age ? Keyring.age(content, passphrase) : Keyring.pgp(content, passphrase);
        } catch (IllegalArgumentException e) { // messages name lines and kinds, never key material
            throw problem(origin, key, what + " holds no usable " + (age ? "age identities" : "OpenPGP secret keys")
                    + ": " + e.getMessage());
        }
    }

    /** @param key the fleet key that names the file */
    private static byte[] read(Decryption d, String key, String file) {
        try {
            Path path = Path.of(file);
            if (Files.size(path) > MAX_KEY_FILE) {
                throw problem(d.origin(), key, file + " is larger than " + MAX_KEY_FILE + " bytes");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw unreadable(d, key, file, e);
        }
    }

    /** What tells a changed key file: its size, time and inode. */
    private static String stamp(Decryption d, String key, String file) {
        try {
            BasicFileAttributes a = Files.readAttributes(Path.of(file), BasicFileAttributes.class);
            return a.size() + "@" + a.lastModifiedTime().toMillis() + "#" + a.fileKey();
        } catch (IOException e) {
            throw unreadable(d, key, file, e);
        }
    }

    private static ConfigException unreadable(Decryption d, String key, String file, IOException e) {
        return problem(d.origin(), key, file + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }

    private static ConfigException problem(Origin origin, String key, String message) {
        return new ConfigException(new io.driftless.config.Problem(origin.file(), origin.line(),
                origin.key().isEmpty() ? "" : origin.key() + "." + key, message));
    }
}
