package io.driftless.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Who may call the mutating endpoints: an auth string {@code user:password} (HTTP basic) or a bearer token,
 * from {@code DRIFTLESS_API_AUTH} or {@code --api-auth-file}; a value with a colon is an auth string. Compared
 * in constant time and never logged. Without credentials, mutating endpoints are disabled.
 */
public final class ApiCredentials {

    public static final ApiCredentials NONE = new ApiCredentials(null);

    private final String secret;

    private ApiCredentials(String secret) {
        this.secret = secret;
    }

    public static ApiCredentials of(String value) {
        return value == null || value.isBlank() ? NONE : new ApiCredentials(value.strip());
    }

    public boolean configured() {
        return secret != null;
    }

    /** @return empty when the Authorization header proves the credentials, else why not */
    Optional<String> check(String authorization) {
        if (secret == null) {
            return Optional.of("mutating endpoints are disabled: set DRIFTLESS_API_AUTH or --api-auth-file");
        }
        if (authorization == null) {
            return Optional.of("credentials required (HTTP basic or bearer)");
        }
        String presented;
        if (secret.contains(":") && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                presented = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.of("malformed basic credentials");
            }
        } else if (!secret.contains(":") && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).strip();
        } else {
            return Optional.of("credentials required (" + (secret.contains(":") ? "HTTP basic" : "bearer token") + ")");
        }
        return MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))
                ? Optional.empty() : Optional.of("wrong credentials");
    }

    @Override
    public String toString() {
        return configured() ? "ApiCredentials[set]" : "ApiCredentials[none]";
    }
}
