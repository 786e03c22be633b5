package io.driftless.decrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Reads files of the age format (age-encryption.org/v1): X25519 recipients, for the data keys of SOPS files, and
 * scrypt (a passphrase), for identity files kept encrypted. Armored or binary. Built on Bouncy Castle's
 * primitives (X25519, HKDF-SHA-256, ChaCha20-Poly1305, HMAC-SHA-256, scrypt). Errors never carry key material.
 */
final class Age {

    private static final String VERSION_LINE = "age-encryption.org/v1";
    private static final String ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
    private static final String ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
    private static final int MAX_STANZAS = 64;
    private static final int CHUNK = 64 * 1024;
    /** The largest scrypt work factor accepted (age's own limit): 2^22 rounds. */
    private static final int MAX_SCRYPT_LOG_N = 22;

    private Age() {
    }

    /** An X25519 identity ({@code AGE-SECRET-KEY-1...}) and its recipient ({@code age1...}). */
    static final class Identity {
        private final byte[] scalar;
        private final byte[] publicKey;
        private final String recipient;

        Identity(byte[] scalar) {
            this.scalar = scalar.clone();
            this.publicKey = new byte[32];
            X25519.scalarMultBase(this.scalar, 0, publicKey, 0);
            this.recipient = Bech32.encode("age", publicKey);
        }

        String recipient() {
            return recipient;
        }

        @Override
        public String toString() {
            return recipient;
        }
    }

    /**
     * The identities of an identity file ({@code age-keygen}'s output: comments, blank lines, one
     * {@code AGE-SECRET-KEY-1...} per line).
     *
     * @throws IllegalArgumentException naming the line that is not an identity (never quoting it)
     */
    static List<Identity> identities(String text) {
        List<Identity> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("AGE-PLUGIN-")) {
                throw new IllegalArgumentException("line " + (i + 1) + " is an age plugin identity, which Driftless "
                        + "does not run; give X25519 identities (AGE-SECRET-KEY-1...)");
            }
            Bech32.Decoded decoded;
            try {
                decoded = Bech32.decode(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not an age identity (" + e.getMessage()
                        + ")");
            }
            if (!decoded.hrp().equals("age-secret-key-") || decoded.data().length != 32) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not an age X25519 identity "
                        + "(AGE-SECRET-KEY-1...)");
            }
            out.add(new Identity(decoded.data()));
        }
        return out;
    }

    /** Whether the bytes are an age file (armored or binary), such as an identity file kept encrypted. */
    static boolean isAgeFile(byte[] file) {
        String start = new String(file, 0, Math.min(file.length, 64), StandardCharsets.US_ASCII).strip();
        return start.startsWith(ARMOR_BEGIN) || start.startsWith(VERSION_LINE);
    }

    /**
     * The plaintext of an age file whose file key one of the identities unwraps.
     *
     * @return null when the file has no X25519 stanza for any of them
     * @throws IllegalArgumentException when the file is malformed or fails its checks
     */
    static byte[] decrypt(byte[] file, List<Identity> identities) {
        Header header = Header.parse(dearmored(file));
        for (Stanza s : header.stanzas) {
            if (!s.type.equals("X25519")) {
                continue; // another recipient type (scrypt, ssh, a plugin's): not ours
            }
            byte[] share = s.argument(0, 32);
            for (Identity id : identities) {
                byte[] shared = new byte[32];
                if (!X25519.calculateAgreement(id.scalar, 0, share, 0, shared, 0)) {
                    throw new IllegalArgumentException("an X25519 stanza has a low-order share");
                }
                byte[] salt = concat(share, id.publicKey);
                byte[] wrapKey = hkdf(shared, salt, "age-encryption.org/v1/X25519");
                byte[] fileKey = unwrap(wrapKey, s.body);
                if (fileKey != null) {
                    return header.payload(fileKey);
                }
            }
        }
        return null;
    }

    /** The plaintext of an age file encrypted with a passphrase (scrypt). */
    static byte[] decryptWithPassphrase(byte[] file, char[] passphrase) {
        Header header = Header.parse(dearmored(file));
        if (header.stanzas.size() != 1 || !header.stanzas.get(0).type.equals("scrypt")) {
            throw new IllegalArgumentException("it is an age file but not encrypted with a passphrase (scrypt)");
        }
        Stanza s = header.stanzas.get(0);
        byte[] salt = s.argument(0, 16);
        String logN = s.args.size() == 2 ? s.args.get(1) : "";
        if (!logN.matches("[1-9][0-9]?") || Integer.parseInt(logN) > MAX_SCRYPT_LOG_N) {
            throw new IllegalArgumentException("its scrypt work factor is missing or above 2^" + MAX_SCRYPT_LOG_N);
        }
        byte[] label = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
        byte[] wrapKey = SCrypt.generate(new String(passphrase).getBytes(StandardCharsets.UTF_8), concat(label, salt),
                1 << Integer.parseInt(logN), 8, 1, 32);
        byte[] fileKey = unwrap(wrapKey, s.body);
        if (fileKey == null) {
            throw new IllegalArgumentException("the passphrase does not open it");
        }
        return header.payload(fileKey);
    }

    private static byte[] dearmored(byte[] file) {
        String text = new String(file, StandardCharsets.US_ASCII).strip();
        if (!text.startsWith(ARMOR_BEGIN)) {
            return file;
        }
        if (!text.endsWith(ARMOR_END)) {
            throw new IllegalArgumentException("its age armor has no end line");
        }
        String body = text.substring(ARMOR_BEGIN.length(), text.length() - ARMOR_END.length()).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its age armor is not base64");
        }
    }

    /** A stanza's wrapped file key, or null when the key does not open it. */
    private static byte[] unwrap(byte[] wrapKey, byte[] body) {
        if (body.length != 32) {
            throw new IllegalArgumentException("a stanza's body is " + body.length + " bytes, not 32");
        }
        return chacha(wrapKey, new byte[12], body);
    }

    private static byte[] chacha(byte[] key, byte[] nonce, byte[] sealed) {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(false, new AEADParameters(new KeyParameter(key), 128, nonce));
        return open(aead, sealed);
    }

    /** What an AEAD cipher set up to decrypt opens the sealed bytes (ciphertext and tag) to; null when they fail. */
    static byte[] open(AEADCipher aead, byte[] sealed) {
        byte[] out = new byte[aead.getOutputSize(sealed.length)];
        try {
            int n = aead.processBytes(sealed, 0, sealed.length, out, 0);
            aead.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            return null;
        }
    }

    private static byte[] hkdf(byte[] ikm, byte[] salt, String info) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info.getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[32];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private record Stanza(String type, List<String> args, byte[] body) {
        byte[] argument(int index, int length) {
            byte[] value = index < args.size() ? raw(args.get(index)) : null;
            if (value == null || value.length != length) {
                throw new IllegalArgumentException("a " + type + " stanza's argument " + (index + 1) + " is not "
                        + length + " bytes of base64");
            }
            return value;
        }
    }

    private static byte[] raw(String base64) {
        try {
            return base64.endsWith("=") ? null : Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An age header: its stanzas, the bytes its MAC covers and the MAC, then where the payload starts. */
    private record Header(List<Stanza> stanzas, byte[] file, int macCovers, byte[] mac, int payload) {

        static Header parse(byte[] file) {
            int at = 0;
            List<Stanza> stanzas = new ArrayList<>();
            String first = line(file, at);
            if (first == null || !first.equals(VERSION_LINE)) {
                throw new IllegalArgumentException("it is not an age file (age-encryption.org/v1)");
            }
            at += first.length() + 1;
            while (true) {
                String line = line(file, at);
                if (line == null) {
                    throw new IllegalArgumentException("its age header has no end (---)");
                }
                if (line.startsWith("--- ")) {
                    byte[] mac = raw(line.substring(4));
                    if (mac == null || mac.length != 32) {
                        throw new IllegalArgumentException("its age header MAC is not 32 bytes of base64");
                    }
                    return new Header(stanzas, file, at + 3, mac, at + line.length() + 1);
                }
                if (!line.startsWith("-> ") || stanzas.size() == MAX_STANZAS) {
                    throw new IllegalArgumentException("its age header is malformed (or has more than " + MAX_STANZAS
                            + " recipients)");
                }
                at += line.length() + 1;
                List<String> words = List.of(line.substring(3).split(" ", -1));
                StringBuilder body = new StringBuilder();
                while (true) {
                    String b = line(file, at);
                    if (b == null || b.length() > 64) {
                        throw new IllegalArgumentException("an age stanza's body is malformed");
                    }
                    at += b.length() + 1;
                    body.append(b);
                    if (b.length() < 64) {
                        break;
                    }
                }
                byte[] decoded = raw(body.toString());
                if (decoded == null || words.isEmpty() || words.get(0).isEmpty()) {
                    throw new IllegalArgumentException("an age stanza is not base64");
                }
                stanzas.add(new Stanza(words.get(0), words.subList(1, words.size()), decoded));
            }
        }

        /** The line of text starting at {@code at}, without its newline; null when none ends there. */
        private static String line(byte[] file, int at) {
            for (int i = at; i < file.length && i - at <= 4096; i++) {
                if (file[i] == '\n') {
                    return new String(file, at, i - at, StandardCharsets.US_ASCII);
                }
            }
            return null;
        }

        /** Checks the header's MAC under the file key, then opens the payload's chunks. */
        byte[] payload(byte[] fileKey) {
            HMac hmac = new HMac(new SHA256Digest());
            hmac.init(new KeyParameter(hkdf(fileKey, new byte[0], "header")));
            hmac.update(file, 0, macCovers);
            byte[] expected = new byte[32];
            hmac.doFinal(expected, 0);
            if (!MessageDigest.isEqual(expected, mac)) {
                throw new IllegalArgumentException("its age header MAC does not match (tampered)");
            }
            if (file.length < payload + 16) {
                throw new IllegalArgumentException("its age payload has no nonce");
            }
            byte[] key = hkdf(fileKey, Arrays.copyOfRange(file, payload, payload + 16), "payload");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int at = payload + 16;
            long counter = 0;
            while (true) {
                int length = Math.min(CHUNK + 16, file.length - at);
                boolean last = at + length == file.length;
                if (length < 16 || length == 16 && counter > 0) {
                    throw new IllegalArgumentException("its age payload is truncated");
                }
                byte[] nonce = new byte[12];
                for (int i = 0; i < 8; i++) {
                    nonce[10 - i] = (byte) (counter >>> (8 * i));
                }
                nonce[11] = (byte) (last ? 1 : 0);
                byte[] chunk = chacha(key, nonce, Arrays.copyOfRange(file, at, at + length));
                if (chunk == null) {
                    throw new IllegalArgumentException("its age payload does not open (tampered or truncated)");
                }
                out.writeBytes(chunk);
                at += length;
                counter++;
                if (last) {
                    return out.toByteArray();
                }
            }
        }
    }
}
