package io.driftless.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

import io.driftless.demo.LocalControlPlanes;

/**
 * The real {@code sops} and {@code age} tools, built from their Go modules by {@code service/src/test/sops/build.sh}
 * (once, in {@code ~/.cache/driftless}), making the encrypted fixtures of the tests: keys as users make them
 * ({@code age-keygen}; an OpenPGP key made here, since sops reads a binary public keyring without GnuPG) and files
 * encrypted by {@code sops encrypt}. Every process is waited for, and killed if it outlives its time.
 */
public final class SopsTools {

    private static Path bin;

    private final Path dir;

    public SopsTools(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        synchronized (SopsTools.class) {
            if (bin == null) {
                Path script = List.of(Path.of("src/test/sops/build.sh"), Path.of("service/src/test/sops/build.sh"))
                        .stream().filter(Files::isRegularFile).findFirst()
                        .orElseThrow(() -> new IllegalStateException("service/src/test/sops/build.sh not found"));
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                bin = LocalControlPlanes.build(script, new PrintStream(log, true, StandardCharsets.UTF_8))
                        .resolve("bin");
            }
        }
    }

    /** An age identity made by {@code age-keygen}: its file and its recipient. */
    public record AgeKey(Path file, String recipient) {
    }

    public AgeKey ageKey(String name) throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".agekey");
        run(Map.of(), null, bin.resolve("age-keygen").toString(), "-o", file.toString());
        String recipient = Files.readAllLines(file).stream().filter(l -> l.startsWith("# public key: "))
                .map(l -> l.substring("# public key: ".length())).findFirst().orElseThrow();
        return new AgeKey(file, recipient);
    }

    /** An age identity file kept encrypted with a passphrase by {@code age -p} (typed at its terminal). */
    public Path passphraseProtected(AgeKey key, String passphrase) throws IOException, InterruptedException {
        Path out = dir.resolve(key.file().getFileName() + ".age");
        // age reads a passphrase from its terminal only: script(1) gives it one, fed from our stdin
        String input = passphrase + "\n" + passphrase + "\n";
        run(Map.of(), input, "script", "-qec", bin.resolve("age") + " -p -a -o " + out + " " + key.file(),
                "/dev/null");
        return out;
    }

    /** An OpenPGP key: an RSA signing primary key with an RSA encryption subkey. */
    public record PgpKeys(String fingerprint, Path secretKeys, Path gnupgHome) {
    }

    /**
     * Makes an OpenPGP key; its armored secret keys (protected by the passphrase, when one is given) and a GnuPG
     * home holding its binary public keyring, which sops encrypts to.
     */
    public PgpKeys pgpKey(String name, String passphrase) throws Exception {
        PGPKeyPair primary = rsa(), encryption = rsa();
        PGPSignatureSubpacketGenerator primaryFlags = new PGPSignatureSubpacketGenerator();
        primaryFlags.setKeyFlags(false, KeyFlags.SIGN_DATA | KeyFlags.CERTIFY_OTHER);
        PGPSignatureSubpacketGenerator encryptionFlags = new PGPSignatureSubpacketGenerator();
        encryptionFlags.setKeyFlags(false, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
        PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary,
                name + " <" + name + "@driftless.invalid>", new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
                primaryFlags.generate(), null,
                new BcPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256),
                passphrase == null ? null : new BcPBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .build(passphrase.toCharArray()));
        rings.addSubKey(encryption, encryptionFlags.generate(), null);
        Path home = Files.createDirectories(dir.resolve(name + "-gnupg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Files.write(home.resolve("pubring.gpg"), rings.generatePublicKeyRing().getEncoded());
        ByteArrayOutputStream secret = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = new ArmoredOutputStream(secret)) {
            rings.generateSecretKeyRing().encode(armored);
        }
        Path secretKeys = Files.write(dir.resolve(name + ".pgp.asc"), secret.toByteArray());
        String fingerprint = HexFormat.of().formatHex(primary.getPublicKey().getFingerprint()).toUpperCase(Locale.ROOT);
        return new PgpKeys(fingerprint, secretKeys, home);
    }

    private static PGPKeyPair rsa() throws PGPException {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 12));
        return new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PGPPublicKey.RSA_GENERAL, generator.generateKeyPair(),
                new Date());
    }

    /**
     * {@code sops encrypt} of the plaintext (its format from the file name's extension: .yaml or .json) for these
     * recipients, with extra flags such as {@code --encrypted-regex} (or first {@code --config FILE}, a
     * {@code .sops.yaml} with creation rules); answers the encrypted text.
     */
    public String encrypt(String fileName, String plaintext, List<AgeKey> age, List<PgpKeys> pgp, String... flags)
            throws IOException, InterruptedException {
        Path plain = dir.resolve(fileName);
        Files.writeString(plain, plaintext);
        List<String> command = new ArrayList<>(List.of(bin.resolve("sops").toString()));
        List<String> rest = new ArrayList<>(List.of(flags));
        if (!rest.isEmpty() && rest.get(0).equals("--config")) { // a global flag: before the command
            command.addAll(rest.subList(0, 2));
            rest = rest.subList(2, rest.size());
        }
        command.add("encrypt");
        if (!age.isEmpty()) {
            command.addAll(List.of("--age", String.join(",", age.stream().map(AgeKey::recipient).toList())));
        }
        if (!pgp.isEmpty()) {
            command.addAll(List.of("--pgp", String.join(",", pgp.stream().map(PgpKeys::fingerprint).toList())));
        }
        command.addAll(rest);
        command.add(plain.toString());
        // sops reads pubring.gpg of GNUPGHOME (one home per key: the first's) and must not fall back to a gpg binary
        Map<String, String> env = pgp.isEmpty() ? Map.of() : Map.of("GNUPGHOME", pgp.get(0).gnupgHome().toString(),
                "SOPS_GPG_EXEC", "/nonexistent/gpg");
        try {
            return run(env, null, command.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(plain);
        }
    }

    private String run(Map<String, String> env, String input, String... command) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(env);
        builder.environment().remove("SOPS_AGE_KEY_FILE");
        Process process = builder.start();
        try {
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            process.destroyForcibly();
        }
    }
}
