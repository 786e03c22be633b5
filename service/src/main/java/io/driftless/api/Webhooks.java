package io.driftless.api;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a push webhook against the source's shared secret, in constant time, the way each Git host
 * signs it: GitHub ({@code X-Hub-Signature-256: sha256=<hmac>}), Gitea and Gogs ({@code X-Gitea-Signature} /
 * {@code X-Gogs-Signature: <hmac>}), GitLab ({@code X-Gitlab-Token: <secret>}) and any other sender
 * ({@code X-Driftless-Signature: sha256=<hmac>}). The HMAC is SHA-256 over the raw body.
 */
final class Webhooks {

    /** @param accepted whether the request proved the secret; {@code reason} says why not (never the secret) */
    record Verdict(boolean accepted, String reason) {
    }

    /** The headers that carry a proof, lower case: the secret itself, an HMAC after {@code sha256=}, a bare HMAC. */
    private static final String TOKEN = "x-gitlab-token";
    private static final List<String> PREFIXED = List.of("x-hub-signature-256", "x-driftless-signature");
    private static final List<String> BARE = List.of("x-gitea-signature", "x-gogs-signature");

    private Webhooks() {
    }

    /** @param headers request headers with lower-case names */
    static Verdict verify(Map<String, String> headers, byte[] body, String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (headers.containsKey(TOKEN)) {
            return verdict(MessageDigest.isEqual(key, headers.get(TOKEN).getBytes(StandardCharsets.UTF_8)),
                    display(TOKEN));
        }
        for (String header : PREFIXED) {
            if (headers.containsKey(header)) {
                String value = headers.get(header);
                return verdict(value.startsWith("sha256=") && matches(value.substring(7), body, key), display(header));
            }
        }
        for (String header : BARE) {
            if (headers.containsKey(header)) {
                return verdict(matches(headers.get(header), body, key), display(header));
            }
        }
        return new Verdict(false, "no signature: expected X-Hub-Signature-256, X-Gitea-Signature, X-Gogs-Signature, "
                + "X-Gitlab-Token or X-Driftless-Signature");
    }

    /** Whether the request offers a proof at all (a wrong one is a guess at the secret; none is not). */
    static boolean hasProof(Map<String, String> headers) {
        return headers.containsKey(TOKEN) || PREFIXED.stream().anyMatch(headers::containsKey)
                || BARE.stream().anyMatch(headers::containsKey);
    }

    /** A header's name as senders write it ({@code x-hub-signature-256} is {@code X-Hub-Signature-256}). */
    private static String display(String lowerCase) {
        StringBuilder out = new StringBuilder();
        for (String part : lowerCase.split("-")) {
            out.append(out.isEmpty() ? "" : "-").append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }

    static String hmacHex(byte[] body, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(String hex, byte[] body, byte[] key) {
        byte[] expected = hmacHex(body, key).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, hex.trim().toLowerCase(java.util.Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII));
    }

    private static Verdict verdict(boolean ok, String header) {
        return new Verdict(ok, ok ? null : header + " does not match the source's webhook secret");
    }
}
