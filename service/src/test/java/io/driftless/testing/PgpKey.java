package io.driftless.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.transport.CredentialsProvider;

/** A fresh OpenPGP key that signs commits (as {@code git commit -S} would) and exports its public key. */
public final class PgpKey implements Signer {

    private final PGPKeyPair pair;

    public PgpKey() throws PGPException {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 12));
        pair = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PGPPublicKey.RSA_GENERAL, generator.generateKeyPair(),
                new Date());
    }

    /** Writes the armored public key ring (with a user id) to the file and returns it. */
    public Path exportPublicKey(Path file) throws IOException, PGPException {
        PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair,
                "Values Bot <bot@driftless.invalid>", new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
                null, null, new BcPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256), null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = new ArmoredOutputStream(bytes)) {
            rings.generatePublicKeyRing().encode(armored);
        }
        return Files.write(file, bytes.toByteArray());
    }

    @Override
    public GpgSignature sign(Repository repository, GpgConfig config, byte[] data, PersonIdent committer,
                             String signingKey, CredentialsProvider credentials) throws IOException {
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256), pair.getPublicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
            generator.update(data);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ArmoredOutputStream armored = new ArmoredOutputStream(bytes)) {
                generator.generate().encode(armored);
            }
            return new GpgSignature(bytes.toByteArray());
        } catch (PGPException e) {
            throw new IOException(e);
        }
    }

    @Override
    public boolean canLocateSigningKey(Repository repository, GpgConfig config, PersonIdent committer,
                                       String signingKey, CredentialsProvider credentials) {
        return true;
    }
}
