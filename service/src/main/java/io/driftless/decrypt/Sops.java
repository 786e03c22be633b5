package io.driftless.decrypt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

import io.driftless.config.ConfigException;
import io.driftless.config.SafeYaml;

/**
 * Files encrypted with SOPS (version 3 format, YAML or JSON): the data key is opened with a {@link Keyring} (age or
 * OpenPGP), every value the file's rules encrypt ({@code encrypted_regex}, {@code unencrypted_regex},
 * {@code encrypted_suffix}, {@code unencrypted_suffix}) is opened with AES-256-GCM under its key path, and the
 * file's MAC (SHA-512 over the values, itself encrypted under the modification time) must match, or nothing of the
 * file is used. Pure: documents and keys in, documents out; everything happens in memory, and no error quotes a
 * value of the file.
 */
public final class Sops {

    static final String METADATA = "sops";
    /** What SOPS hashes first when {@code mac_only_encrypted} is set. */
    private static final byte[] MAC_ONLY_ENCRYPTED = {(byte) 0x8a, 0x3f, (byte) 0xd2, (byte) 0xad, 0x54, (byte) 0xce,
        0x66, 0x52, 0x7b, 0x10, 0x34, (byte) 0xf3, (byte) 0xd1, 0x47, (byte) 0xbe, 0x0b, 0x0b, (byte) 0x97, 0x5b, 0x3b,
        (byte) 0xf4, 0x4f, 0x72, (byte) 0xc6, (byte) 0xfd, (byte) 0xad, (byte) 0xec, (byte) 0x81, 0x76, (byte) 0xf2,
        0x7d, 0x69};
    private static final int MAX_DATA_KEY_TEXT = 64 * 1024;
    private static final List<String> OTHER_KEY_TYPES = List.of("kms", "gcp_kms", "azure_kv", "hc_vault", "hckms");

    private Sops() {
    }

    /** A file's documents with every value opened, and the opened values (secrets wherever they show). */
    public record Decrypted(List<SafeYaml.Document> documents, Set<String> secrets) {
    }

    /** Whether a parsed document is SOPS-encrypted: a top-level {@code sops} mapping with a MAC. */
    public static boolean isEncrypted(SafeYaml.Document document) {
        return document.value() instanceof Map<?, ?> m && m.get(METADATA) instanceof Map<?, ?> sops
                && sops.containsKey("mac") && sops.containsKey("lastmodified");
    }

    /**
     * Opens the documents of one SOPS file (a multi-document YAML file carries the same metadata in each, and one MAC
     * covers them all).
     *
     * @throws ConfigException naming the file and key: no key of the keyring opens the data key (listing the
     *                         recipients found), a value or the MAC does not open, the MAC does not match
     */
    public static Decrypted decrypt(List<SafeYaml.Document> documents, Keyring keys) {
        SafeYaml.Document first = documents.get(0);
        Metadata meta = Metadata.of(first);
        byte[] dataKey = dataKey(first, meta, keys);
        MessageDigest mac = sha512();
        if (meta.macOnlyEncrypted) {
            mac.update(MAC_ONLY_ENCRYPTED);
        }
        Walk walk = new Walk(meta, dataKey, mac, new LinkedHashSet<>());
        List<SafeYaml.Document> out = new ArrayList<>();
        for (SafeYaml.Document doc : documents) {
            Map<String, Object> tree = new LinkedHashMap<>(doc.asMap());
            tree.remove(METADATA);
            walk.doc = doc;
            Map<String, Object> opened = walk.map(tree, new ArrayList<>(), "");
            Map<String, Integer> lines = new LinkedHashMap<>(doc.lines());
            lines.keySet().removeIf(p -> p.equals(METADATA) || p.startsWith(METADATA + ".")
                    || p.startsWith(METADATA + "["));
            out.add(new SafeYaml.Document(doc.file(), opened, lines, doc.numerals()));
        }
        String expected = meta.mac(first, dataKey);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), java.util.HexFormat.of()
                .withUpperCase().formatHex(mac.digest()).getBytes(StandardCharsets.US_ASCII))) {
            throw new ConfigException(first.problem(METADATA + ".mac", "the file's MAC does not match its content: "
                    + "it was changed after SOPS encrypted it (edit it with sops, or encrypt it again); nothing of it "
                    + "is used"));
        }
        return new Decrypted(out, Set.copyOf(walk.secrets));
    }

    /** The data key, opened by the first recipient entry a key of the keyring opens. */
    private static byte[] dataKey(SafeYaml.Document doc, Metadata meta, Keyring keys) {
        List<String> found = new ArrayList<>();
        for (Map<?, ?> group : meta.groups) {
            for (Map<?, ?> entry : entries(group.get("age"))) {
                String recipient = String.valueOf(entry.get("recipient"));
                found.add(recipient);
                if (keys.ageIdentities().stream().anyMatch(id -> id.recipient().equals(recipient))) {
                    byte[] key = open(doc, "age", entry, enc -> Age.decrypt(enc.getBytes(StandardCharsets.US_ASCII),
                            keys.ageIdentities()));
                    if (key != null) {
                        return key;
                    }
                }
            }
            for (Map<?, ?> entry : entries(group.get("pgp"))) {
                found.add("PGP " + entry.get("fp"));
                for (OpenPgp pgp : keys.pgpKeys()) {
                    byte[] key = open(doc, "pgp", entry, pgp::decrypt);
                    if (key != null) {
                        return key;
                    }
                }
            }
            for (String other : OTHER_KEY_TYPES) {
                entries(group.get(other)).forEach(e -> found.add(other + " key (not read by Driftless)"));
            }
        }
        String held = keys.isEmpty() ? "this release has no decryption keys (set decryption on its source or release)"
                : "the release's keys (" + String.join(", ", keys.describe()) + ") open none of them";
        List<String> shown = found.stream().limit(10).map(r -> r.length() > 120 ? r.substring(0, 120) + "..." : r)
                .toList(); // the file's words: a few, and short
        throw new ConfigException(doc.problem(METADATA, "is encrypted with SOPS for "
                + (found.isEmpty() ? "no recipient" : String.join(", ", shown)
                + (found.size() > shown.size() ? " and " + (found.size() - shown.size()) + " more" : "")) + "; "
                + held));
    }

    private static byte[] open(SafeYaml.Document doc, String type, Map<?, ?> entry,
                               java.util.function.Function<String, byte[]> decrypt) {
        if (!(entry.get("enc") instanceof String enc) || enc.length() > MAX_DATA_KEY_TEXT) {
            throw new ConfigException(doc.problem(METADATA + "." + type, "an entry has no enc (the encrypted data "
                    + "key), or one longer than " + MAX_DATA_KEY_TEXT + " characters"));
        }
        try {
            byte[] key = decrypt.apply(enc);
            if (key != null && key.length != 32) {
                throw new IllegalArgumentException("its data key is " + key.length + " bytes, not 32");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(doc.problem(METADATA + "." + type, "the data key does not open: "
                    + e.getMessage()));
        }
    }

    private static List<Map<?, ?>> entries(Object list) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            l.stream().filter(Map.class::isInstance).forEach(m -> out.add((Map<?, ?>) m));
        }
        return out;
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** AES-256-GCM as SOPS uses it: the nonce as long as written (32 bytes), the tag apart, the AAD given. */
    static byte[] aesGcm(byte[] key, byte[] iv, byte[] data, byte[] tag, String aad) {
        org.bouncycastle.crypto.modes.GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(false, new AEADParameters(new KeyParameter(key), 128, iv, aad.getBytes(StandardCharsets.UTF_8)));
        byte[] sealed = new byte[data.length + tag.length];
        System.arraycopy(data, 0, sealed, 0, data.length);
        System.arraycopy(tag, 0, sealed, data.length, tag.length);
        return Age.open(gcm, sealed);
    }

    /** {@code ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]}, parsed without quoting it in any error. */
    record Encrypted(byte[] data, byte[] iv, byte[] tag, String type) {

        /** @return null when the text is not of that form or its parts are not base64 */
        static Encrypted parse(String text) {
            String prefix = "ENC[AES256_GCM,data:";
            if (!text.startsWith(prefix) || !text.endsWith("]")) {
                return null;
            }
            int iv = text.indexOf(",iv:", prefix.length());
            int tag = iv < 0 ? -1 : text.indexOf(",tag:", iv);
            int type = tag < 0 ? -1 : text.indexOf(",type:", tag);
            if (type < 0) {
                return null;
            }
            try {
                Base64.Decoder b64 = Base64.getDecoder();
                return new Encrypted(b64.decode(text.substring(prefix.length(), iv)), b64.decode(text.substring(iv + 4,
                        tag)), b64.decode(text.substring(tag + 5, type)), text.substring(type + 6, text.length() - 1));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /** The value as SOPS hashes it into the MAC (Go's formatting of numbers and booleans). */
    static byte[] macBytes(Object value) {
        String text;
        if (value instanceof Boolean b) {
            text = b ? "True" : "False";
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            text = Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "+Inf" : "-Inf")
                    : new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        } else {
            text = String.valueOf(value);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A decrypted value of the type SOPS wrote: {@code str}, {@code int}, {@code float}, {@code bool}, ... */
    static Object typed(String text, String type) {
        switch (type) {
            case "str", "bytes", "time", "comment" -> {
                return text;
            }
            case "int" -> {
                BigInteger i = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
                return i.bitLength() < 32 ? (Object) i.intValue() : i.bitLength() < 64 ? (Object) i.longValue() : i;
            }
            case "float" -> {
                return Double.parseDouble(text.replace("Inf", "Infinity"));
            }
            case "bool" -> {
                return switch (text) {
                    case "1", "t", "T", "TRUE", "true", "True" -> true;
                    case "0", "f", "F", "FALSE", "false", "False" -> false;
                    default -> throw new IllegalArgumentException("not a boolean");
                };
            }
            default -> throw new IllegalArgumentException("unknown type " + type);
        }
    }

    /** The walk over one file's documents: opens the values its rules encrypt and feeds the MAC in order. */
    private static final class Walk {
        private final Metadata meta;
        private final byte[] dataKey;
        private final MessageDigest mac;
        private final Set<String> secrets;
        private SafeYaml.Document doc;

        Walk(Metadata meta, byte[] dataKey, MessageDigest mac, Set<String> secrets) {
            this.meta = meta;
            this.dataKey = dataKey;
            this.mac = mac;
            this.secrets = secrets;
        }

        Map<String, Object> map(Map<?, ?> in, List<String> keys, String path) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : in.entrySet()) {
                String key = String.valueOf(e.getKey());
                keys.add(key);
                out.put(key, value(e.getValue(), keys, path.isEmpty() ? key : path + "." + key));
                keys.remove(keys.size() - 1);
            }
            return out;
        }

        Object value(Object in, List<String> keys, String path) {
            if (in instanceof Map<?, ?> m) {
                return map(m, keys, path);
            }
            if (in instanceof List<?> l) {
                List<Object> out = new ArrayList<>(l.size());
                for (int i = 0; i < l.size(); i++) {
                    out.add(value(l.get(i), keys, path + "[" + i + "]"));
                }
                return out;
            }
            if (in == null) {
                return null;
            }
            boolean encrypted = meta.encrypts(doc, keys, path);
            Object value = encrypted ? open(in, keys, path) : in;
            if (!meta.macOnlyEncrypted || encrypted) {
                mac.update(macBytes(value));
            }
            return value;
        }

        private Object open(Object in, List<String> keys, String path) {
            if (in instanceof String s && s.isEmpty()) {
                return s; // SOPS leaves empty strings as they are
            }
            Encrypted enc = in instanceof String s ? Encrypted.parse(s) : null;
            if (enc == null) {
                throw new ConfigException(doc.problem(path, "is not encrypted (or not a SOPS value), though the file's "
                        + "rules encrypt it: the file was edited by hand after SOPS encrypted it; nothing of it is "
                        + "used"));
            }
            byte[] plain = aesGcm(dataKey, enc.iv(), enc.data(), enc.tag(), String.join(":", keys) + ":");
            if (plain == null) {
                throw new ConfigException(doc.problem(path, "does not decrypt under the file's data key at this key "
                        + "path (tampered, or moved from another key or file); nothing of the file is used"));
            }
            String text = new String(plain, StandardCharsets.UTF_8);
            try {
                Object value = typed(text, enc.type());
                secrets.add(text);
                return value;
            } catch (IllegalArgumentException e) { // the message names the type, never the value
                throw new ConfigException(doc.problem(path, "decrypts to a value that is not of its type "
                        + enc.type() + (e instanceof NumberFormatException ? "" : " (" + e.getMessage() + ")")));
            }
        }
    }
}
