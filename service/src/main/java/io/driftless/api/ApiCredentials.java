package io.driftless.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Who may call the API, and with which role: {@code viewer} (reads), {@code operator} (sync, refresh, suspend,
 * resume, preview) or {@code admin} (everything). Users come from a file ({@code --api-users}): one per line,
 * {@code NAME ROLE HASH}, the hash a PBKDF2 of the user's password or token ({@code driftless hash-password});
 * they authenticate with HTTP basic ({@code NAME:password}) or a bearer token. The single credential of
 * {@code DRIFTLESS_API_AUTH} or {@code --api-auth-file} ({@code user:password} or a token) is an admin. Reads
 * need a viewer unless anonymous reads are allowed. Secrets are compared in constant time and never logged; a
 * credential once verified is remembered by its digest, so PBKDF2's cost is paid once, and one found wrong is
 * remembered for {@link #REJECTED_FOR}, so repeating a wrong guess costs nothing. Both are forgotten with this
 * object when the credentials are reloaded. A check that derives a key ({@link #costly}) takes a fraction of a
 * second of CPU: the HTTP API makes those on workers ({@link CredentialChecks}), never on its event loop. A basic
 * credential naming no user costs a derivation too (against a dummy hash), so the time of an answer does not tell
 * which names are users.
 */
public final class ApiCredentials {

    public enum Role {
        viewer, operator, admin;

        boolean covers(Role needed) {
            return ordinal() >= needed.ordinal();
        }
    }

    /** A user of the users file; {@code hash} is {@code pbkdf2-sha256$ITERATIONS$SALT$KEY} (Base64). */
    public record User(String name, Role role, String hash) {
        @Override
        public String toString() {
            return "User[" + name + ", " + role + "]";
        }
    }

    /**
     * Why a request is refused: 401 (no or wrong credentials) or 403 (a role that may not).
     *
     * @param tenants for a 403: the tenants whose releases the caller's role does cover (a team's operator), so the
     *                request passes when it acts on one of their releases
     */
    record Refusal(int status, String message, Set<String> tenants) {
        Refusal(int status, String message) {
            this(status, message, Set.of());
        }
    }

    public static final ApiCredentials NONE = new ApiCredentials(null, List.of(), false, null);
    static final int ITERATIONS = 600_000;
    /** How long a credential found wrong (after a key derivation) is answered 401 without deriving again. */
    static final Duration REJECTED_FOR = Duration.ofSeconds(60);
    /** At most this many verified, and as many rejected, credentials are remembered. */
    private static final int REMEMBERED = 10_000;

    private final String secret;
    private final List<User> users;
    /**
     * What a basic credential naming no user is compared with, so that it costs a key derivation as a known user's
     * does (the answer's time would otherwise tell which names are users); never matches. Null without users.
     */
    private final User nobody;
    private final boolean anonymousRead;
    private final Map<String, Role> verified = new ConcurrentHashMap<>();
    /** Credentials found wrong, by digest, with when that is forgotten ({@link System#nanoTime()}). */
    private final Map<String, Long> rejected = new ConcurrentHashMap<>();

    /** Single sign-on, or null. */
    private final Oidc oidc;

    private ApiCredentials(String secret, List<User> users, boolean anonymousRead, Oidc oidc) {
        this.oidc = oidc;
        this.secret = secret;
        this.users = List.copyOf(users);
        this.nobody = users.isEmpty() ? null : new User("", null, dummyHash(this.users));
        this.anonymousRead = anonymousRead;
    }

    /**
     * A hash no secret derives to (a random key), with as many iterations as most users' hashes have: checking a
     * secret against it costs what checking a user's does.
     */
    private static String dummyHash(List<User> users) {
        Map<String, Long> byIterations = users.stream().collect(Collectors.groupingBy(
                u -> u.hash().split("\\$")[1], Collectors.counting()));
        String iterations = byIterations.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        byte[] salt = new byte[16];
        byte[] key = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        random.nextBytes(key);
        return "pbkdf2-sha256$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(key);
    }

    /** The single admin credential ({@code user:password} or a token); none when blank. */
    public static ApiCredentials of(String value) {
        return value == null || value.isBlank() ? NONE : new ApiCredentials(value.strip(), List.of(), false, null);
    }

    public ApiCredentials withUsers(List<User> more) {
        return new ApiCredentials(secret, more, anonymousRead, oidc);
    }

    /** Reads without credentials (the demo on loopback, or {@code --anonymous-read}). */
    public ApiCredentials withAnonymousRead(boolean allowed) {
        return new ApiCredentials(secret, users, allowed, oidc);
    }

    /** ID tokens of an OpenID Connect provider as bearer tokens, besides the other credentials (null: none). */
    public ApiCredentials withOidc(Oidc provider) {
        return new ApiCredentials(secret, users, anonymousRead, provider);
    }

    /** The single sign-on provider, or null. */
    public Oidc oidc() {
        return oidc;
    }

    public boolean configured() {
        return secret != null || !users.isEmpty() || oidc != null;
    }

    /** The ID token of a bearer header, when single sign-on is on and the token is a JWT; else null. */
    private String idToken(String authorization) {
        if (oidc == null || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return Oidc.isJwt(token) ? token : null;
    }

    /** What an ID token proves, as {@link #check} answers it. */
    private Optional<Refusal> checkIdToken(String authorization, String token, Role needed) {
        Oidc.Principal p;
        try {
            p = oidc.verify(token, digest(authorization));
        } catch (Oidc.Rejected e) {
            return Optional.of(new Refusal(401, "wrong credentials: " + e.getMessage()));
        }
        if (p.role() != null && p.role().covers(needed)) {
            return Optional.empty();
        }
        Set<String> tenants = new java.util.TreeSet<>();
        p.tenants().forEach((tenant, role) -> {
            if (role.covers(needed)) {
                tenants.add(tenant);
            }
        });
        return Optional.of(new Refusal(403, p.name() + " (" + Oidc.describe(p) + ") may not do this; it needs "
                + needed, tenants));
    }

    /**
     * The users file.
     *
     * @throws IllegalArgumentException a line that is not {@code NAME ROLE HASH}, with its file and line
     */
    public static List<User> readUsers(Path file) {
        try {
            return parseUsers(file, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --api-users " + file + " (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /**
     * The users file's content.
     *
     * @throws IllegalArgumentException a line that is not {@code NAME ROLE HASH}, with its file and line
     */
    static List<User> parseUsers(Path file, byte[] content) {
        List<String> lines = new String(content, StandardCharsets.UTF_8).lines().toList();
        List<User> users = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            Role role = words.length == 3 ? roleOf(words[1]) : null;
            if (role == null || !words[2].matches("pbkdf2-sha256\\$\\d+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+")
                    || words[0].contains(":")) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected NAME ROLE HASH (ROLE viewer, "
                        + "operator or admin; HASH from driftless hash-password; NAME without ':')");
            }
            users.add(new User(words[0], role, words[2]));
        }
        return users;
    }

    private static Role roleOf(String word) {
        for (Role r : Role.values()) {
            if (r.name().equals(word)) {
                return r;
            }
        }
        return null;
    }

    /** @return empty when the Authorization header proves a role that covers {@code needed}, else why not */
    Optional<Refusal> check(String authorization, Role needed) {
        if (needed == Role.viewer && anonymousRead) {
            return Optional.empty();
        }
        if (!configured()) {
            return Optional.of(new Refusal(403, needed == Role.viewer ? "reading the API needs credentials: give "
                    + "users with --api-users, or allow anonymous reads with --anonymous-read"
                    : "mutating endpoints are disabled: set DRIFTLESS_API_AUTH, --api-auth-file or --api-users"));
        }
        if (authorization == null) {
            return Optional.of(new Refusal(401, "credentials required (HTTP basic or bearer)"));
        }
        String token = idToken(authorization);
        if (token != null) {
            return checkIdToken(authorization, token, needed);
        }
        Role role = role(authorization);
        if (role == null) {
            return Optional.of(new Refusal(401, "wrong credentials"));
        }
        return role.covers(needed) ? Optional.empty() : Optional.of(new Refusal(403, "the role " + role
                + " may not do this; it needs " + needed));
    }

    /**
     * Whether {@link #check} of this header would derive a key (PBKDF2): a well-formed credential of users-file
     * users that is neither the admin credential nor remembered as verified or as wrong.
     */
    boolean costly(String authorization, Role needed) {
        if (needed == Role.viewer && anonymousRead || !configured() || authorization == null) {
            return false;
        }
        String key = digest(authorization);
        if (idToken(authorization) != null) {
            return oidc.remembered(key) == null; // the provider's keys may have to be read
        }
        if (verified.containsKey(key) || rejectedLately(key, System.nanoTime())) {
            return false;
        }
        Presented presented = Presented.of(authorization);
        return presented != null && !admin(presented) && !candidates(presented).isEmpty();
    }

    /** The key under which a credential is remembered: the SHA-256 of its Authorization header. */
    static String digest(String authorization) {
        return io.driftless.model.Sha256.hex(authorization.getBytes(StandardCharsets.UTF_8));
    }

    /** What an Authorization header presents: a basic {@code user:password} (or other text), or a bearer token. */
    private record Presented(boolean basic, String value) {

        static Presented of(String authorization) {
            if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                try {
                    return new Presented(true, new String(Base64.getDecoder().decode(authorization.substring(6)
                            .strip()), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            return authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? new Presented(false, authorization.substring(7).strip()) : null;
        }

        /** The secret compared with a user's hash: the password of {@code user:password}, or the token. */
        String password() {
            return basic ? value.substring(value.indexOf(':') + 1) : value;
        }
    }

    /** Whether the credential is the admin's; compared by digest, so that the time taken says nothing of its length. */
    private boolean admin(Presented presented) {
        return secret != null && (presented.basic() == secret.contains(":")) && MessageDigest.isEqual(
                io.driftless.model.Sha256.hex(secret.getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
                io.driftless.model.Sha256.hex(presented.value().getBytes(StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The users whose hash the credential is compared with: the named one (basic), or every user (a token). A name
     * that is no user's is compared with {@link #nobody}, at the same cost.
     */
    private List<User> candidates(Presented presented) {
        if (!presented.basic()) {
            return users;
        }
        if (!presented.value().contains(":") || nobody == null) {
            return List.of();
        }
        String name = presented.value().substring(0, presented.value().indexOf(':'));
        List<User> named = users.stream().filter(u -> u.name().equals(name)).toList();
        return named.isEmpty() ? List.of(nobody) : named;
    }

    private Role role(String authorization) {
        String key = digest(authorization);
        Role known = verified.get(key);
        long now = System.nanoTime();
        if (known != null || rejectedLately(key, now)) {
            return known;
        }
        Presented presented = Presented.of(authorization);
        if (presented == null) {
            return null;
        }
        Role role = admin(presented) ? Role.admin : null;
        List<User> candidates = role == null ? candidates(presented) : List.of();
        if (role == null) {
            role = candidates.stream().filter(u -> matches(u.hash(), presented.password()) && u != nobody)
                    .map(User::role).findFirst().orElse(null);
        }
        if (role != null) {
            if (verified.size() > REMEMBERED) {
                verified.clear();
            }
            verified.put(key, role);
        } else if (!candidates.isEmpty()) {
            if (rejected.size() > REMEMBERED) {
                rejected.values().removeIf(until -> until - now < 0);
                if (rejected.size() > REMEMBERED) {
                    rejected.clear();
                }
            }
            rejected.put(key, now + REJECTED_FOR.toNanos());
        }
        return role;
    }

    private boolean rejectedLately(String key, long now) {
        Long until = rejected.get(key);
        return until != null && until - now > 0;
    }

    /** The users-file hash of a password or token: {@code pbkdf2-sha256$ITERATIONS$SALT$KEY}. */
    public static String hash(String secret, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return "pbkdf2-sha256$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(secret, salt, iterations));
    }

    private static boolean matches(String hash, String secret) {
        String[] parts = hash.split("\\$");
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, pbkdf2(secret, Base64.getDecoder().decode(parts[2]),
                Integer.parseInt(parts[1])));
    }

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(
                    secret.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ApiCredentials[" + (secret != null ? "admin credential, " : "") + users.size() + " user(s)"
                + (anonymousRead ? ", anonymous reads" : "") + "]";
    }
}
