package io.driftless.api;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the authorization code flow with PKCE (RFC 7636) needs of a client: secrets, their challenge, forms. */
public final class Pkce {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The provider's answer to a code exchange.
     *
     * @param idToken the ID token, or null when the provider refused (then {@code status} and {@code error} say why)
     */
    public record Exchange(int status, String idToken, String error) {
    }

    private Pkce() {
    }

    /** 32 random bytes, base64url: a state, a nonce, half a verifier. */
    public static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A verifier: 86 characters of base64url. */
    public static String verifier() {
        return random() + random();
    }

    /** The S256 challenge of a verifier. */
    public static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code application/x-www-form-urlencoded}, in the map's order. */
    public static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(URLEncoder.encode(k,
                StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }

    /** Exchanges an authorization code at the provider's token endpoint ({@code fields}: the form to post). */
    public static Exchange exchange(HttpClient http, String tokenEndpoint, Map<String, String> fields,
                                    Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(tokenEndpoint)).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(answer.body());
        boolean ok = answer.statusCode() == 200 && body.hasNonNull("id_token");
        return new Exchange(answer.statusCode(), ok ? body.get("id_token").asText() : null,
                body.path("error").asText(""));
    }
}
