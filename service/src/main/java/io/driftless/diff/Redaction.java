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
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How secret values are shown: {@code <redacted hmac:1a2b3c4d>}, a keyed hash (HMAC-SHA256) under a key of this
 * installation, so equal values still show as equal and a change shows as a change, but nobody who reads the
 * API can confirm a guessed password offline. Env vars whose name says they hold a credential are secrets too,
 * wherever they appear (a container's env list, a whole container, a whole object).
 */
public final class Redaction {

    /** Env var names that hold credentials: passwords, tokens, auth strings, keys, connection URLs. */
    private static final Pattern CREDENTIAL_NAME = Pattern.compile(
            "(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|AUTH_STRING|AUTHSTRING|CREDENTIAL|API_?KEY|PRIVATE_?KEY"
                    + "|ACCESS_?KEY|CONNECTION_URL|CONNECTION_STRING|DATABASE_URL|DSN).*");

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

    /** Whether an env var of this name holds a credential. */
    public static boolean isCredentialName(Object name) {
        return name instanceof String s && CREDENTIAL_NAME.matcher(s).matches();
    }

    /**
     * A copy of any value with the value of every credential env entry ({@code {name: ..._PASSWORD, value: x}})
     * redacted, however deep; other values are returned as they are.
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
            l.forEach(i -> out.add(credentialsRedacted(i)));
            return out;
        }
        return value;
    }
}
