package io.driftless.decrypt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * OpenPGP secret keys (an export such as {@code gpg --export-secret-keys --armor}, passphrase-protected or not) and
 * the messages they open: the data keys of SOPS files, encrypted to a key's encryption subkey. Bouncy Castle does
 * the OpenPGP; errors never carry key material.
 */
final class OpenPgp {

    /** The largest plaintext read from a message: a SOPS data key is 32 bytes. */
    private static final int MAX_PLAINTEXT = 1024;

    private final PGPSecretKeyRingCollection rings;
    private final char[] passphrase;

    private OpenPgp(PGPSecretKeyRingCollection rings, char[] passphrase) {
        this.rings = rings;
        this.passphrase = passphrase == null ? new char[0] : passphrase.clone();
    }

    /** @throws IllegalArgumentException when the bytes hold no OpenPGP secret key */
    static OpenPgp read(byte[] keys, char[] passphrase) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(keys))) {
            PGPSecretKeyRingCollection rings = new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
            if (rings.size() == 0) {
                throw new IllegalArgumentException("it holds no OpenPGP secret key");
            }
            return new OpenPgp(rings, passphrase);
        } catch (IOException | PGPException | RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException("it is not an OpenPGP secret key export (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /** The fingerprints of the primary keys, upper-case hex as SOPS writes them ({@code fp}). */
    List<String> fingerprints() {
        List<String> out = new ArrayList<>();
        for (PGPSecretKeyRing ring : rings) {
            out.add(HexFormat.of().formatHex(ring.getPublicKey().getFingerprint()).toUpperCase(Locale.ROOT));
        }
        return out;
    }

    /**
     * The plaintext of an armored OpenPGP message encrypted to one of these keys.
     *
     * @return null when it is encrypted to none of them
     * @throws IllegalArgumentException when it is malformed, fails its integrity check, or the key's passphrase
     *                                  does not open the key
     */
    byte[] decrypt(String armored) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(
                armored.getBytes(StandardCharsets.US_ASCII)))) {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
            Object first = factory.nextObject();
            PGPEncryptedDataList list = first instanceof PGPEncryptedDataList l ? l
                    : factory.nextObject() instanceof PGPEncryptedDataList l2 ? l2 : null; // after a marker packet
            if (list == null) {
                throw new IllegalArgumentException("its OpenPGP data key is not an encrypted message");
            }
            for (Object o : list) {
                if (!(o instanceof PGPPublicKeyEncryptedData data)) {
                    continue;
                }
                PGPSecretKey key = secretKey(data.getKeyIdentifier());
                if (key == null) {
                    continue;
                }
                PGPPrivateKey privateKey;
                try {
                    privateKey = key.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(
                            new BcPGPDigestCalculatorProvider()).build(passphrase));
                } catch (PGPException e) {
                    throw new IllegalArgumentException("the passphrase does not open OpenPGP key "
                            + Long.toHexString(key.getKeyID()).toUpperCase(Locale.ROOT));
                }
                byte[] plain = literal(data.getDataStream(new BcPublicKeyDataDecryptorFactory(privateKey)));
                if (data.isIntegrityProtected() && !data.verify()) {
                    throw new IllegalArgumentException("its OpenPGP data key fails its integrity check (tampered)");
                }
                return plain;
            }
            return null;
        } catch (IOException | PGPException | RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException("its OpenPGP data key is malformed (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /** The secret key a message names as its recipient (a hidden, wildcard recipient names none). */
    private PGPSecretKey secretKey(KeyIdentifier recipient) {
        for (PGPSecretKeyRing ring : rings) {
            Iterator<PGPSecretKey> keys = ring.getSecretKeys();
            while (keys.hasNext()) {
                PGPSecretKey key = keys.next();
                if (key.getKeyIdentifier().matchesExplicit(recipient) && !key.isPrivateKeyEmpty()) {
                    return key;
                }
            }
        }
        return null;
    }

    private static byte[] literal(InputStream clear) throws IOException, PGPException {
        Object message = new BcPGPObjectFactory(clear).nextObject();
        if (message instanceof PGPCompressedData compressed) {
            message = new BcPGPObjectFactory(compressed.getDataStream()).nextObject();
        }
        if (!(message instanceof PGPLiteralData literal)) {
            throw new IllegalArgumentException("its OpenPGP data key holds no literal data");
        }
        byte[] out = literal.getInputStream().readNBytes(MAX_PLAINTEXT + 1);
        if (out.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("its OpenPGP data key is larger than " + MAX_PLAINTEXT + " bytes");
        }
        return out;
    }
}
