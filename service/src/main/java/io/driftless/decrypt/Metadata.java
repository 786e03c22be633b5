package io.driftless.decrypt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.driftless.config.ConfigException;
import io.driftless.config.SafeYaml;

/**
 * A SOPS file's {@code sops} block: who the data key is encrypted for (one key group), which values are encrypted
 * (the file's rules), and its MAC. The rules' regular expressions come from the file, so each match is given a
 * budget of steps: a pattern that backtracks without end is refused, not run for ever.
 */
final class Metadata {

    private static final int REGEX_STEPS = 200_000;

    final List<Map<?, ?>> groups;
    final boolean macOnlyEncrypted;
    private final String encryptedSuffix;
    private final String unencryptedSuffix;
    private final Pattern encryptedRegex;
    private final Pattern unencryptedRegex;
    private final String mac;
    private final String lastModified;

    private Metadata(List<Map<?, ?>> groups, boolean macOnlyEncrypted, String encryptedSuffix,
                     String unencryptedSuffix, Pattern encryptedRegex, Pattern unencryptedRegex, String mac,
                     String lastModified) {
        this.groups = groups;
        this.macOnlyEncrypted = macOnlyEncrypted;
        this.encryptedSuffix = encryptedSuffix;
        this.unencryptedSuffix = unencryptedSuffix;
        this.encryptedRegex = encryptedRegex;
        this.unencryptedRegex = unencryptedRegex;
        this.mac = mac;
        this.lastModified = lastModified;
    }

    static Metadata of(SafeYaml.Document doc) {
        Map<?, ?> m = (Map<?, ?>) doc.asMap().get(Sops.METADATA);
        String version = m.get("version") instanceof Number number ? number.toString() : text(doc, m, "version", false);
        if (version != null && !version.startsWith("3.")) {
            throw problem(doc, "version", "is SOPS format " + version + "; Driftless reads version 3 files");
        }
        for (String unsupported : List.of("encrypted_comment_regex", "unencrypted_comment_regex")) {
            if (m.get(unsupported) != null) {
                throw problem(doc, unsupported, "is not supported: which values it encrypts depends on comments, which "
                        + "values files do not keep; use encrypted_regex or a suffix");
            }
        }
        List<Map<?, ?>> groups;
        if (m.get("key_groups") instanceof List<?> kg && !kg.isEmpty()) {
            if (kg.size() > 1) {
                throw problem(doc, "key_groups", "splits the data key into " + kg.size() + " key groups (Shamir's "
                        + "secret sharing); Driftless reads files with one key group");
            }
            if (!(kg.get(0) instanceof Map<?, ?> g)) {
                throw problem(doc, "key_groups", "is not a list of mappings");
            }
            groups = List.of(g);
        } else {
            groups = List.of(m);
        }
        String encryptedSuffix = text(doc, m, "encrypted_suffix", false);
        String unencryptedSuffix = text(doc, m, "unencrypted_suffix", false);
        Pattern encryptedRegex = regex(doc, m, "encrypted_regex");
        Pattern unencryptedRegex = regex(doc, m, "unencrypted_regex");
        if (encryptedSuffix == null && unencryptedSuffix == null && encryptedRegex == null && unencryptedRegex == null) {
            unencryptedSuffix = "_unencrypted"; // SOPS's default
        }
        return new Metadata(groups, Boolean.TRUE.equals(m.get("mac_only_encrypted")), encryptedSuffix,
                unencryptedSuffix, encryptedRegex, unencryptedRegex, text(doc, m, "mac", true),
                text(doc, m, "lastmodified", true));
    }

    /** Whether the file's rules encrypt the value at these keys (SOPS's order: suffixes, then regexes). */
    boolean encrypts(SafeYaml.Document doc, List<String> keys, String path) {
        boolean encrypted = true;
        if (unencryptedSuffix != null && keys.stream().anyMatch(k -> k.endsWith(unencryptedSuffix))) {
            encrypted = false;
        }
        if (encryptedSuffix != null) {
            encrypted = keys.stream().anyMatch(k -> k.endsWith(encryptedSuffix));
        }
        if (unencryptedRegex != null && keys.stream().anyMatch(k -> finds(doc, unencryptedRegex, k, path,
                "unencrypted_regex"))) {
            encrypted = false;
        }
        if (encryptedRegex != null) {
            encrypted = keys.stream().anyMatch(k -> finds(doc, encryptedRegex, k, path, "encrypted_regex"));
        }
        return encrypted;
    }

    /** The MAC written in the file, opened under the data key (its AAD is the modification time). */
    String mac(SafeYaml.Document doc, byte[] dataKey) {
        Sops.Encrypted enc = Sops.Encrypted.parse(mac);
        byte[] plain = enc == null ? null : Sops.aesGcm(dataKey, enc.iv(), enc.data(), enc.tag(), lastModified);
        if (plain == null) {
            throw problem(doc, "mac", "does not decrypt under the file's data key and modification time (tampered); "
                    + "nothing of the file is used");
        }
        return new String(plain, StandardCharsets.US_ASCII);
    }

    private static boolean finds(SafeYaml.Document doc, Pattern pattern, String key, String path, String rule) {
        try {
            return pattern.matcher(new Budget(key)).find();
        } catch (Budget.Exhausted e) {
            throw problem(doc, rule, "takes more than " + REGEX_STEPS + " steps to match the key at " + path
                    + "; simplify the pattern");
        }
    }

    private static Pattern regex(SafeYaml.Document doc, Map<?, ?> m, String key) {
        String text = text(doc, m, key, false);
        try {
            return text == null ? null : Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw problem(doc, key, "is not a valid regular expression (" + e.getDescription() + ")");
        }
    }

    private static String text(SafeYaml.Document doc, Map<?, ?> m, String key, boolean required) {
        Object v = m.get(key);
        if (v == null && !required || v instanceof String s && !s.isEmpty()) {
            return (String) v;
        }
        throw problem(doc, key, required && v == null ? "is missing" : "is not a string");
    }

    private static ConfigException problem(SafeYaml.Document doc, String key, String message) {
        return new ConfigException(doc.problem(Sops.METADATA + "." + key, message));
    }

    /** A key's characters, read at most {@link #REGEX_STEPS} times by one match. */
    private static final class Budget implements CharSequence {
        private final String text;
        private int steps;

        Budget(String text) {
            this.text = text;
        }

        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        @Override
        public char charAt(int index) {
            if (++steps > REGEX_STEPS) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
