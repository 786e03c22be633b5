package io.driftless.diff;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How secret values are shown: {@code <redacted hmac:1a2b3c4d>}, a keyed hash (HMAC-SHA256) under a key of this
 * installation, so equal values still show as equal and a change shows as a change, but nobody who reads the
 * API can confirm a guessed password offline. Secrets are recognised three ways:
 * <ul>
 *   <li>by name: env vars (and ConfigMap keys) whose name says they hold a credential ({@link #isCredentialName}),
 *       wherever they appear (a container's env list, a whole container, a whole object); their whole value is
 *       redacted;</li>
 *   <li>by shape, in any text: the password of a URL's user part ({@code redis://:pw@host},
 *       {@code mongodb://user:pw@host}; the rest of the URL stays readable), the value of a command-line flag named
 *       like a credential ({@code --password=pw}, {@code --token pw}, also as two list entries), the secret path of
 *       a well-known webhook URL (Slack, Discord, Microsoft Teams, Mattermost, ...) and URL query parameters named
 *       like a credential ({@code ?token=...}, {@code &sig=...});</li>
 *   <li>by value: the values SOPS files opened to ({@link #remember}), as whole values and inside any text.</li>
 * </ul>
 * Values are compared unredacted; redaction only changes what is shown.
 */
public final class Redaction {

    /**
     * Env var names that hold credentials: passwords, tokens, auth strings, keys, connection strings and URLs, and
     * names that end in PASS, PWD or KEY ({@code DB_PASS}, {@code MYSQL_PWD}, {@code SIGNING_KEY}).
     */
    private static final Pattern CREDENTIAL_NAME = Pattern.compile(
            "(?i).*(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|AUTH_STRING|AUTHSTRING|CREDENTIAL|API_?KEY|PRIVATE_?KEY"
                    + "|ACCESS_?KEY|CONNECTION_URL|CONNECTION_STRING|DATABASE_URL|DSN|WEBHOOK).*"
                    + "|(?i).*(PASS|PWD|KEY)");

    /**
     * A URL's user part with a password: {@code scheme://user:password@}; the user may be empty, and the password
     * runs to the last {@code @} before the host (an unescaped {@code @} in a password is common).
     */
    private static final Pattern URL_PASSWORD = Pattern.compile(
            "(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*://)([^\\s/?#@:'\"]*):([^\\s/?#'\"]+)@");

    /** A command-line flag in text: {@code --password}, {@code -token}; its value follows after = or blanks. */
    private static final Pattern FLAG = Pattern.compile("(?<![A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9_.-]*");

    /**
     * Webhook URLs of well-known services, whose path is the secret: what the first group matches is kept, the
     * rest of the URL (up to whitespace or a quote) is redacted.
     */
    private static final Pattern WEBHOOK_URL = Pattern.compile("(?i)(https?://(?:"
            + "hooks\\.slack\\.com/(?:services|workflows|triggers)/"
            + "|(?:[a-z0-9-]+\\.)?discord(?:app)?\\.com/api/webhooks/"
            + "|[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/"
            + "|[a-z0-9.-]+\\.logic\\.azure\\.com(?::\\d+)?/workflows/"
            + "|chat\\.googleapis\\.com/v1/spaces/"
            + "|api\\.telegram\\.org/bot"
            + "|events\\.pagerduty\\.com/integration/"
            + "|hooks\\.zapier\\.com/hooks/catch/"
            + "|[a-z0-9.-]+(?::\\d+)?/hooks/(?=[a-z0-9]{20,})"               // Mattermost: /hooks/<26 characters>
            + "))([^\\s'\"<>]+)");

    /** A URL query parameter named like a credential: {@code ?token=...}, {@code &sig=...}, {@code &api_key=...}. */
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "(?i)([?&](?:[a-z0-9_.-]*(?:token|secret|password|passwd|pwd|apikey|api_key|key)|sig|signature|code|auth)=)"
                    + "([^&#\\s'\"]+)");

    /**
     * Known secrets shorter than this are redacted where they are a whole value only, not inside other text: a short
     * value a file happens to encrypt ({@code DEBUG}, {@code 5432}) must not blank out every message that holds it.
     */
    static final int MIN_SECRET_IN_TEXT = 8;
    /** Values known to be secret wherever they show (opened from SOPS files), longest first. */
    private static volatile List<String> known = List.of();
    /** Per owner (a target, or its preview), the values its last render opened, then those of the render before. */
    private static final Map<String, List<java.util.Set<String>>> OPENED = new java.util.HashMap<>();

    /** A random key until the service installs its own: equal within a process, useless to a guesser. */
    private static volatile byte[] key = random();

    private Redaction() {
    }

    /** Uses this installation's key (kept by the service in its state folder) from now on. */
    public static void useKey(byte[] installationKey) {
        if (installationKey.length < 16) {
            throw new IllegalArgumentException("a redaction key needs at least 16 bytes");
        }
        key = installationKey.clone();
    }

    public static byte[] newKey() {
        return random();
    }

    private static byte[] random() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** A stable, non-reversible stand-in for a secret value, so users can see that it changed. */
    public static String redact(Object value) {
        if (value == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] hash = mac.doFinal(Objects.toString(value).getBytes(StandardCharsets.UTF_8));
            return "<redacted hmac:" + HexFormat.of().formatHex(hash, 0, 4) + ">";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Treats the values a render of this owner opened (from SOPS files) as secrets wherever they show: as whole
     * values, and inside any text when at least {@value #MIN_SECRET_IN_TEXT} characters long. A render that succeeded
     * replaces the owner's values, and those of its render before stay known one render longer (a live object may
     * still hold a value rotated away); a failed render only adds what it opened.
     */
    public static void remember(String owner, java.util.Collection<String> secrets, boolean succeeded) {
        java.util.Set<String> opened = new java.util.HashSet<>(secrets);
        opened.removeIf(v -> v == null || v.isEmpty());
        synchronized (OPENED) {
            if (opened.isEmpty() && !OPENED.containsKey(owner)) {
                return; // a render that opened nothing, of an owner that holds nothing: most renders
            }
            List<java.util.Set<String>> generations = OPENED.getOrDefault(owner, List.of());
            java.util.Set<String> current = generations.isEmpty() ? java.util.Set.of() : generations.get(0);
            List<java.util.Set<String>> next;
            if (!succeeded) {
                java.util.Set<String> merged = new java.util.HashSet<>(current);
                merged.addAll(opened);
                next = new ArrayList<>(generations.isEmpty() ? List.of(merged) : generations);
                next.set(0, merged);
            } else {
                next = List.of(opened, current);
            }
            if (next.equals(generations)) {
                return; // nothing changed
            }
            if (next.stream().allMatch(java.util.Set::isEmpty)) {
                OPENED.remove(owner);
            } else {
                OPENED.put(owner, List.copyOf(next));
            }
            republish();
        }
    }

    /** Forgets the values an owner's renders opened (a target that left the fleet, a service that stopped). */
    public static void forget(String owner) {
        synchronized (OPENED) {
            if (OPENED.remove(owner) != null) {
                republish();
            }
        }
    }

    /** Every owner's values, longest first, as the redaction reads them; called holding the lock of OPENED. */
    private static void republish() {
        java.util.Set<String> all = new java.util.HashSet<>();
        OPENED.values().forEach(g -> g.forEach(all::addAll));
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(java.util.Comparator.comparingInt(String::length).reversed());
        known = List.copyOf(sorted);
    }

    /** Whether the value is, or (as text) holds, a known secret ({@link #remember}). */
    public static boolean holdsSecret(Object value) {
        if (!(value instanceof String text) || known.isEmpty()) {
            return false;
        }
        for (String secret : known) {
            if (text.equals(secret) || secret.length() >= MIN_SECRET_IN_TEXT && text.contains(secret)) {
                return true;
            }
        }
        return false;
    }

    /** The text with every known secret in it ({@link #remember}) replaced by its keyed hash. */
    public static String secretsRedacted(String text) {
        List<String> secrets = known;
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.equals(secret)) {
                return redact(secret);
            }
            if (secret.length() >= MIN_SECRET_IN_TEXT && out.contains(secret)) {
                out = out.replace(secret, redact(secret));
            }
        }
        return out;
    }

    /** Whether an env var of this name holds a credential. */
    public static boolean isCredentialName(Object name) {
        return name instanceof String s && CREDENTIAL_NAME.matcher(s).matches();
    }

    /**
     * Whether a command-line argument is a flag named like a credential whose value follows ({@code --password},
     * {@code --api-key}, {@code -token}); {@code --password=x} is a flag with its value, not this.
     */
    public static boolean isCredentialFlag(Object argument) {
        return argument instanceof String s && s.matches("--?[A-Za-z][A-Za-z0-9_.-]*")
                && isCredentialName(s.replaceFirst("^-+", "").replace('-', '_').replace('.', '_'));
    }

    /**
     * The text with every secret recognised by its shape redacted (see the class comment); other text is kept as it
     * is, so a connection URL still shows its scheme, user, host and database.
     */
    public static String shapesRedacted(String text) {
        if (text == null || text.length() < 4) {
            return secretsRedacted(text);
        }
        String out = secretsRedacted(text);
        if (out.contains("://")) {
            out = replace(URL_PASSWORD, out, m -> m.group(1) + m.group(2) + ":" + redact(m.group(3)) + "@");
            out = replace(WEBHOOK_URL, out, m -> m.group(1) + redact(m.group(2)));
        }
        if (out.indexOf('=') >= 0) {
            out = replace(QUERY_SECRET, out, m -> m.group(1) + (m.group(2).startsWith("<redacted") ? m.group(2)
                    : redact(m.group(2))));
        }
        if (out.indexOf('-') >= 0) {
            out = flagValuesRedacted(out);
        }
        return out;
    }

    /**
     * Text with the value of every credential flag redacted: {@code --password=pw}, {@code --token pw},
     * {@code --token 'a b'}; the flag itself stays.
     */
    private static String flagValuesRedacted(String text) {
        Matcher flag = FLAG.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        int from = 0;
        while (from < text.length() && flag.find(from)) {
            from = flag.end();
            if (!isCredentialFlag(flag.group())) {
                continue;
            }
            int at = flag.end();
            if (at < text.length() && text.charAt(at) == '=') {
                at++;
            } else {
                int blanks = at;
                while (blanks < text.length() && (text.charAt(blanks) == ' ' || text.charAt(blanks) == '\t')) {
                    blanks++;
                }
                if (blanks == at || blanks < text.length() && text.charAt(blanks) == '-') {
                    continue; // no value, or another flag follows
                }
                at = blanks;
            }
            int end = valueEnd(text, at);
            String value = text.substring(at, end);
            if (value.isEmpty() || value.startsWith("<redacted")) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, at).append(redact(unquoted(value)));
            copied = end;
            from = end;
        }
        return out == null ? text : out.append(text.substring(copied)).toString();
    }

    /** Where a flag's value that starts at {@code at} ends: after its closing quote, else before a blank. */
    private static int valueEnd(String text, int at) {
        if (at < text.length() && (text.charAt(at) == '\'' || text.charAt(at) == '"')) {
            int close = text.indexOf(text.charAt(at), at + 1);
            return close < 0 ? text.length() : close + 1;
        }
        int end = at;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return end;
    }

    private static String unquoted(String value) {
        return value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
                || value.startsWith("\"") && value.endsWith("\"")) ? value.substring(1, value.length() - 1) : value;
    }

    private static String replace(Pattern pattern, String text, java.util.function.Function<Matcher, String> with) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A copy of any value with every secret redacted, however deep: the value of every credential env entry
     * ({@code {name: ..._PASSWORD, value: x}}), the entry after a credential flag in a list of arguments
     * ({@code [--token, x]}), and secrets recognised by their shape in any text ({@link #shapesRedacted}); other
     * values are returned as they are.
     */
    @SuppressWarnings("unchecked")
    public static Object credentialsRedacted(Object value) {
        if (value instanceof Map<?, ?> m) {
            boolean credential = isCredentialName(m.get("name")) && m.containsKey("value");
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> out.put(k, credential && k.equals("value") ? redact(v)
                    : credentialsRedacted(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                out.add(i > 0 && isCredentialFlag(l.get(i - 1)) && !(l.get(i) instanceof Map || l.get(i) instanceof List)
                        ? redact(l.get(i)) : credentialsRedacted(l.get(i)));
            }
            return out;
        }
        if (value instanceof String s) {
            return shapesRedacted(s);
        }
        return value;
    }
}
