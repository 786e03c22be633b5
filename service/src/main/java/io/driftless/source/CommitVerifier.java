package io.driftless.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Trusts a commit only when its OpenPGP signature verifies against one of the configured public keys (files
 * of ASCII-armored or binary keys, as {@code gpg --export --armor} writes them).
 */
public final class CommitVerifier {

    private final List<PGPPublicKeyRing> keyRings;

    private CommitVerifier(List<PGPPublicKeyRing> keyRings) {
        this.keyRings = keyRings;
    }

    /** @throws SourceException naming the file that cannot be read or holds no public key */
    public static CommitVerifier load(String source, List<String> keyFiles) {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        for (String file : keyFiles) {
            try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(Path.of(file)))) {
                PGPPublicKeyRingCollection collection = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
                collection.getKeyRings().forEachRemaining(rings::add);
            } catch (IOException | PGPException e) {
                throw new SourceException("source " + source + ": cannot read OpenPGP public keys from " + file + ": "
                        + e.getMessage(), e);
            }
        }
        if (rings.isEmpty()) {
            throw new SourceException("source " + source + ": no OpenPGP public key in " + keyFiles);
        }
        return new CommitVerifier(List.copyOf(rings));
    }

    /** Null when the commit carries a good signature by a trusted key, else why it is not trusted. */
    public String untrusted(RevCommit commit) {
        byte[] armored = commit.getRawGpgSignature();
        if (armored == null) {
            return "commit " + commit.getName() + " is not signed";
        }
        PGPSignature signature;
        try (InputStream in = new ArmoredInputStream(new java.io.ByteArrayInputStream(armored))) {
            Object first = new BcPGPObjectFactory(in).nextObject();
            if (!(first instanceof PGPSignatureList list) || list.isEmpty()) {
                return "commit " + commit.getName() + " carries no OpenPGP signature (SSH and X.509 signatures are "
                        + "not supported)";
            }
            signature = list.get(0);
        } catch (IOException e) {
            return "commit " + commit.getName() + " has an unreadable signature: " + e.getMessage();
        }
        PGPPublicKey key = null;
        for (PGPPublicKeyRing ring : keyRings) {
            key = ring.getPublicKey(signature.getKeyID());
            if (key != null) {
                break;
            }
        }
        if (key == null) {
            return "commit " + commit.getName() + " is signed by key " + String.format(Locale.ROOT, "%016X",
                    signature.getKeyID()) + ", which is not a trusted key";
        }
        try {
            signature.init(new BcPGPContentVerifierBuilderProvider(), key);
            signature.update(signedPayload(commit.getRawBuffer()));
            return signature.verify() ? null : "commit " + commit.getName() + " has a signature by key "
                    + String.format(Locale.ROOT, "%016X", signature.getKeyID()) + " that does not match its content";
        } catch (PGPException e) {
            return "commit " + commit.getName() + " signature cannot be checked: " + e.getMessage();
        }
    }

    /** The commit as it was signed: its raw bytes without the {@code gpgsig} header and its continuation lines. */
    static byte[] signedPayload(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        byte[] gpgsig = "gpgsig ".getBytes(StandardCharsets.US_ASCII);
        boolean inSignature = false;
        int i = 0;
        while (i < raw.length) {
            int end = i;
            while (end < raw.length && raw[end] != '\n') {
                end++;
            }
            int next = Math.min(end + 1, raw.length);
            if (end == i) { // the empty line ending the headers: the message follows unchanged
                out.write(raw, i, raw.length - i);
                break;
            }
            if (java.util.Arrays.equals(raw, i, Math.min(i + gpgsig.length, raw.length), gpgsig, 0, gpgsig.length)) {
                inSignature = true;
            } else if (!(inSignature && raw[i] == ' ')) {
                inSignature = false;
                out.write(raw, i, next - i);
            }
            i = next;
        }
        return out.toByteArray();
    }
}
