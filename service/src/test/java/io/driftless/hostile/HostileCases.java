package io.driftless.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HexFormat;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The index of the hostile-input corpus ({@code src/test/resources/hostile/cases.yaml}): its cases, the files
 * they name, and the inputs too big or too binary to commit, built here by name. The index itself is checked
 * strictly (unknown fields, unknown generators, missing or unreferenced files), so a typo in it cannot turn a
 * case into one that proves nothing.
 */
final class HostileCases {

    enum Kind { VALUES, FLEET, WEBHOOK }

    /** What a case expects to happen besides its error message; see cases.yaml. */
    enum Outcome { FAILS, APPLIES, REJECTED, LOADS, CONNECT_FAILS, SYNC_FAILS }

    /** Generators that change the repository rather than a file's bytes, or need the running test's resources. */
    static final Set<String> TEST_GENERATORS = Set.of("symlink-out-of-repository", "symlinked-values-folder",
            "values-path-is-a-folder", "values-file-deleted", "kubeconfig-is-a-secret-file", "cluster-on-a-closed-port",
            "oversized-chunked-body", "oversized-signature-header", "repeated-from-one-client");
    private static final Set<String> BYTE_GENERATORS = Set.of("latin1-bytes", "utf16-bytes", "nul-byte", "alias-bomb",
            "many-nodes", "huge-file", "deep-flow-nesting", "deep-block-nesting", "fleet-latin1-bytes",
            "fleet-alias-bomb", "fleet-huge-file", "fleet-10000-releases", "fleet-10000-releases-last-repeated",
            "oversized-body");
    private static final Set<String> FIELDS = Set.of("name", "kind", "input", "generator", "expect", "absent",
            "release", "outcome", "targets", "target", "source", "headers", "status", "counts");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z0-9-]+)(?::([^}]*))?}");
    private static final int MIB = 1024 * 1024;
    /** Twenty times what a values or fleet file may hold. */
    static final int HUGE = 20 * MIB;
    /** Just over what a webhook body may hold. */
    static final int OVERSIZED_WEBHOOK = MIB + 1;

    /** One entry of cases.yaml, with the defaults of its kind filled in. */
    record Case(String name, Kind kind, String input, String generator, List<String> expect, List<String> absent,
                String release, Outcome outcome, Integer targets, String target, String source,
                Map<String, String> headers, Integer status, String counts) {

        @Override
        public String toString() {
            return name;
        }
    }

    private HostileCases() {
    }

    static List<Case> load() {
        Map<String, Object> index;
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (InputStream in = resource("cases.yaml")) {
            index = new Yaml(new SafeConstructor(options)).load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Case> cases = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> inputs = new TreeSet<>();
        for (Object item : (List<?>) index.get("cases")) {
            Case c = parse(item);
            check(names.add(c.name()), "duplicate case name '" + c.name() + "'");
            if (c.input() != null) {
                inputs.add(c.input());
                file(c.input()); // fails when the file is missing
            }
            cases.add(c);
        }
        Set<String> files = new TreeSet<>(committedInputs());
        files.removeAll(inputs);
        files.removeIf(f -> cases.stream().anyMatch(c -> c.headers().values().stream()
                .anyMatch(h -> h.contains("${hmac-of:" + f + "}"))));
        check(files.isEmpty(), "inputs no case uses: " + files);
        return cases;
    }

    @SuppressWarnings("unchecked")
    private static Case parse(Object item) {
        Map<String, Object> m = (Map<String, Object>) item;
        String name = (String) m.get("name");
        Set<String> unknown = new TreeSet<>(m.keySet());
        unknown.removeAll(FIELDS);
        check(unknown.isEmpty(), name + ": unknown fields " + unknown);
        Kind kind = Kind.valueOf(String.valueOf(m.get("kind")).toUpperCase(java.util.Locale.ROOT));
        String input = (String) m.get("input");
        String generator = (String) m.get("generator");
        check((input == null) != (generator == null), name + ": give exactly one of input and generator");
        check(generator == null || BYTE_GENERATORS.contains(generator) || TEST_GENERATORS.contains(generator)
                        || SopsCorpus.GENERATORS.contains(generator),
                name + ": unknown generator '" + generator + "'");
        Outcome outcome = m.get("outcome") == null ? (kind == Kind.FLEET ? Outcome.REJECTED : Outcome.FAILS)
                : Outcome.valueOf(String.valueOf(m.get("outcome")).replaceAll("([a-z])([A-Z])", "$1_$2")
                .toUpperCase(java.util.Locale.ROOT));
        List<String> expect = texts(m.get("expect"));
        check(!expect.isEmpty() || outcome == Outcome.LOADS || kind == Kind.WEBHOOK, name + ": nothing to expect");
        check(kind != Kind.WEBHOOK || m.get("status") != null, name + ": a webhook case needs a status");
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) m.getOrDefault("headers", Map.of()))
                .forEach((k, v) -> headers.put(k, String.valueOf(v)));
        return new Case(name, kind, input, generator, expect, texts(m.get("absent")),
                (String) m.getOrDefault("release", "victim"), outcome, (Integer) m.get("targets"),
                (String) m.get("target"), (String) m.getOrDefault("source", "hooked"), headers,
                (Integer) m.get("status"), (String) m.get("counts"));
    }

    private static List<String> texts(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(value));
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalStateException("hostile/cases.yaml: " + problem);
        }
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = HostileCases.class.getResourceAsStream("/hostile/" + path);
        if (in == null) {
            throw new IOException("hostile/cases.yaml names hostile/" + path + ", which does not exist");
        }
        return in;
    }

    /** The committed input files (values/, fleet/, webhook/), by path under hostile/. */
    private static List<String> committedInputs() {
        try {
            Path root = Path.of(HostileCases.class.getResource("/hostile").toURI());
            try (Stream<Path> walk = Files.walk(root)) {
                return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                        .filter(p -> !p.equals("cases.yaml")).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A committed input's bytes. */
    static byte[] file(String path) {
        try (InputStream in = resource(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The input a byte generator builds. */
    static byte[] generate(String generator) {
        return switch (generator) {
            case "latin1-bytes" -> "# saved by an editor set to Latin-1\ncommonAnnotations:\n  owner: \"J\u00fcrgen\"\n"
                    .getBytes(StandardCharsets.ISO_8859_1);
            case "utf16-bytes" -> withBom("server:\n  loggingLevel: INFO\n".getBytes(StandardCharsets.UTF_16LE));
            case "nul-byte" -> "# a NUL byte at the end of the level\nserver:\n  loggingLevel: INFO\u0000\n"
                    .getBytes(StandardCharsets.UTF_8);
            case "alias-bomb" -> laughs("").getBytes(StandardCharsets.UTF_8);
            case "many-nodes" -> ("# 300,000 items, no alias\nserver:\n  extraArgs: [" + "0,".repeat(300_000)
                    + "0]\n").getBytes(StandardCharsets.UTF_8);
            case "huge-file" -> padded("server:\n  loggingLevel: INFO\n", HUGE);
            case "deep-flow-nesting" -> ("commonLabels: {deep: " + "[".repeat(10_000) + "]".repeat(10_000) + "}\n")
                    .getBytes(StandardCharsets.UTF_8);
            case "deep-block-nesting" -> deepBlock(100).getBytes(StandardCharsets.UTF_8);
            case "fleet-latin1-bytes" -> fleet(1, "").replace("releases:\n", "releases:\n  # \u00e9quipe plateforme\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            case "fleet-alias-bomb" -> (fleet(1, "") + laughs("x-")).getBytes(StandardCharsets.UTF_8);
            case "fleet-huge-file" -> padded(fleet(1, ""), HUGE);
            case "fleet-10000-releases" -> fleet(10_000, "").getBytes(StandardCharsets.UTF_8);
            case "fleet-10000-releases-last-repeated" -> fleet(10_000, release(0)).getBytes(StandardCharsets.UTF_8);
            case "oversized-body" -> padded("{\"ref\": \"refs/heads/main\", \"padding\": \"", OVERSIZED_WEBHOOK, "\"}");
            default -> throw new IllegalArgumentException("not a byte generator: " + generator);
        };
    }

    /**
     * A header value of a webhook case with its placeholders filled in: {@code ${hmac}} (HMAC-SHA256 of the body
     * with the source's secret), {@code ${hmac:KEY}} (with KEY), {@code ${hmac-of:FILE}} (with the secret, over
     * another input), {@code ${hmac-sha1}} and {@code ${secret}}.
     */
    static String header(String template, byte[] body, String secret) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "hmac" -> hmac(m.group(2) == null ? secret : m.group(2), body, "HmacSHA256");
                case "hmac-of" -> hmac(secret, file(m.group(2)), "HmacSHA256");
                case "hmac-sha1" -> hmac(secret, body, "HmacSHA1");
                case "secret" -> secret;
                default -> throw new IllegalArgumentException("unknown placeholder " + m.group());
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        return m.appendTail(sb).toString();
    }

    private static String hmac(String key, byte[] body, String algorithm) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] withBom(byte[] utf16le) {
        byte[] out = new byte[utf16le.length + 2];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xFE;
        System.arraycopy(utf16le, 0, out, 2, utf16le.length);
        return out;
    }

    /** Nine levels of ten aliases each: a billion "lol"s once expanded. */
    private static String laughs(String prefix) {
        StringBuilder sb = new StringBuilder(prefix + "lol0: &lol0 [lol]\n");
        for (int level = 1; level <= 9; level++) {
            sb.append(prefix).append("lol").append(level).append(": &lol").append(level).append(" [");
            for (int i = 0; i < 10; i++) {
                sb.append(i == 0 ? "" : ", ").append("*lol").append(level - 1);
            }
            sb.append("]\n");
        }
        return sb.toString();
    }

    /** One-space indentation, {@code levels} mappings deep. */
    private static String deepBlock(int levels) {
        StringBuilder sb = new StringBuilder("commonLabels:\n");
        for (int i = 1; i < levels; i++) {
            sb.append(" ".repeat(i)).append("level").append(i).append(":\n");
        }
        return sb.append(" ".repeat(levels)).append("bottom: true\n").toString();
    }

    /** A fleet of {@code releases} releases on one embedded cluster, then {@code extra} release lines. */
    static String fleet(int releases, String extra) {
        StringBuilder sb = new StringBuilder("sources: [{name: values, url: https://git.example.com/values.git}]\n"
                + "clusters: [{name: dev, embedded: true}]\nreleases:\n");
        for (int i = 0; i < releases; i++) {
            sb.append(release(i));
        }
        return sb.append(extra).toString();
    }

    private static String release(int i) {
        return "  - {name: r" + i + ", namespace: r" + i + ", chart: {name: prefect-server, version: 2026.8.18172642},"
                + " source: values, values: [r" + i + "/values.yaml]}\n";
    }

    /** {@code head}, then comment lines up to {@code size} bytes. */
    private static byte[] padded(String head, int size) {
        byte[] out = new byte[size];
        byte[] start = head.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, out, 0, start.length);
        for (int i = start.length; i < size; i++) {
            int column = (i - start.length) % 80;
            out[i] = (byte) (column == 0 ? '#' : column == 79 ? '\n' : 'x');
        }
        out[size - 1] = '\n';
        return out;
    }

    /** {@code head}, then filler characters, then {@code tail}: {@code size} bytes in all. */
    private static byte[] padded(String head, int size, String tail) {
        byte[] out = new byte[size];
        byte[] start = head.getBytes(StandardCharsets.UTF_8);
        byte[] end = tail.getBytes(StandardCharsets.UTF_8);
        java.util.Arrays.fill(out, (byte) 'x');
        System.arraycopy(start, 0, out, 0, start.length);
        System.arraycopy(end, 0, out, size - end.length, end.length);
        return out;
    }
}
