package io.driftless.hostile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.driftless.testing.SopsTools;

/**
 * The SOPS-encrypted inputs of the corpus, made by the real {@code sops} at the start of the run for the victim's
 * key (or another), then broken the ways a file in Git can be: changed after encryption, partly decrypted by hand,
 * bad base64, a MAC or data key that does not open, a value moved to another key, split among key groups, huge,
 * deeply nested, or with a rule whose regular expression backtracks without end. Each carries {@link #MARKER},
 * which no error may quote.
 */
final class SopsCorpus {

    static final String MARKER = "corpus-sops-marker-5e2a";
    static final Set<String> GENERATORS = Set.of("sops-valid", "sops-for-another-key", "sops-changed-after-encryption",
            "sops-partially-encrypted", "sops-bad-base64", "sops-bad-mac", "sops-value-moved", "sops-key-groups",
            "sops-data-key-garbage", "sops-huge", "sops-deep", "sops-backtracking-regex");

    private final SopsTools sops;
    private final Path dir;
    private final SopsTools.AgeKey victim;
    private final SopsTools.AgeKey other;

    SopsCorpus(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.sops = new SopsTools(this.dir);
        this.victim = sops.ageKey("victim");
        this.other = sops.ageKey("other");
    }

    /** The victim release's identity file (its {@code decryption.ageKeysFile}). */
    Path victimKey() {
        return victim.file();
    }

    /** The input of a SOPS case over the good values of its release. */
    byte[] generate(String generator, String good) throws Exception {
        String plain = good + "commonAnnotations:\n  note: " + MARKER + "\n";
        String text = switch (generator) {
            case "sops-valid" -> sops.encrypt("values.yaml", good + "  env: [{name: CORPUS_NOTE, value: "
                    + "corpus-sops-applied-77}]\n", List.of(victim), List.of(), "--encrypted-regex", "^value$");
            case "sops-for-another-key" -> sops.encrypt("values.yaml", plain, List.of(other), List.of());
            case "sops-changed-after-encryption" -> encrypt(plain + "owner_unencrypted: platform\n")
                    .replace("owner_unencrypted: platform", "owner_unencrypted: intruder");
            case "sops-partially-encrypted" -> encrypt(plain).replaceFirst("note: ENC\\[[^\\]]*]", "note: " + MARKER);
            case "sops-bad-base64" -> encrypt(plain).replaceFirst("(note: ENC\\[AES256_GCM,data:)", "$1%%");
            case "sops-bad-mac" -> flipped(encrypt(plain), "mac: ENC[AES256_GCM,data:");
            case "sops-value-moved" -> encrypt(plain).replaceFirst("note: ", "moved: ");
            case "sops-key-groups" -> sops.encrypt("values.yaml", plain, List.of(), List.of(), "--config",
                    Files.writeString(dir.resolve("groups.sops.yaml"), "creation_rules:\n  - shamir_threshold: 2\n"
                            + "    key_groups:\n      - age: [" + victim.recipient() + "]\n      - age: ["
                            + other.recipient() + "]\n").toString());
            case "sops-data-key-garbage" -> encrypt(plain).replaceFirst(
                    "(-----BEGIN AGE ENCRYPTED FILE-----\\s+)\\S+", "$1bm90IGFuIGFnZSBmaWxl");
            case "sops-huge" -> encrypt(plain + "blob: " + "x".repeat(3 * 1024 * 1024) + "\n");
            case "sops-deep" -> encrypt(plain + nested(100));
            case "sops-backtracking-regex" -> sops.encrypt("values.yaml", plain + "a".repeat(30) + "!: x\n",
                    List.of(victim), List.of(), "--encrypted-regex", "^(.*a){20}$|^note$");
            default -> throw new IllegalArgumentException("not a SOPS generator: " + generator);
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The text with the character after {@code at} changed (a bit flipped in what it encodes). */
    private static String flipped(String text, String at) {
        int i = text.indexOf(at) + at.length();
        return text.substring(0, i) + (text.charAt(i) == 'A' ? 'B' : 'A') + text.substring(i + 1);
    }

    private String encrypt(String plain) throws Exception {
        return sops.encrypt("values.yaml", plain, List.of(victim), List.of());
    }

    private static String nested(int depth) {
        StringBuilder out = new StringBuilder("deep:\n");
        for (int i = 1; i <= depth; i++) {
            out.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        return out.append("  ".repeat(depth + 1)).append("leaf: 1\n").toString();
    }
}
