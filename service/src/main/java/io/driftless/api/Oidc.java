package io.driftless.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Single sign-on with an OpenID Connect provider: its discovery document (read at the first need, and again after a
 * failure), its keys (JWKS, cached; a key id it has not seen makes it read them again, so a rotation needs no
 * restart), and the verification of the ID tokens the UI and the CLI present as bearer tokens: signature, issuer,
 * audience (the client id), expiry and not-before with a minute of clock skew. Roles come from a claim (groups by
 * default) through the configured grants: a group may be an admin, operator or viewer of everything, or of one
 * tenant's releases.
 */
public final class Oidc {

    /** How far the clocks of the provider and of this service may disagree. */
    static final int CLOCK_SKEW_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED = 10_000;

    /**
     * A role given to the members of a group.
     *
     * @param tenant the tenant whose releases the role acts on, or null for every release
     */
    public record Grant(String group, ApiCredentials.Role role, String tenant) {

        /** {@code GROUP=ROLE} or {@code GROUP=ROLE@TENANT}. */
        public static Grant parse(String text) {
            int eq = text.indexOf('=');
            String rolePart = eq < 0 ? "" : text.substring(eq + 1);
            int at = rolePart.indexOf('@');
            String roleName = at < 0 ? rolePart : rolePart.substring(0, at);
            ApiCredentials.Role role = null;
            for (ApiCredentials.Role r : ApiCredentials.Role.values()) {
                role = r.name().equals(roleName) ? r : role;
            }
            if (eq <= 0 || role == null || at == rolePart.length() - 1) {
                throw new IllegalArgumentException("--oidc-role " + text + ": expected GROUP=ROLE or GROUP=ROLE@TENANT "
                        + "(ROLE viewer, operator or admin)");
            }
            return new Grant(text.substring(0, eq), role, at < 0 ? null : rolePart.substring(at + 1));
        }
    }

    /**
     * How the service signs users in.
     *
     * @param clientId     the client registered with the provider: the audience of the tokens
     * @param clientSecret its secret, for a confidential client (the UI's code exchange), or null (PKCE alone)
     * @param rolesClaim   the claim that lists a user's groups
     */
    public record Settings(String issuer, String clientId, String clientSecret, String rolesClaim,
                           List<String> scopes, List<Grant> grants) {
        public Settings {
            issuer = issuer.replaceAll("/+$", "");
            scopes = List.copyOf(scopes);
            grants = List.copyOf(grants);
        }
    }

    /**
     * Who a verified token says the caller is, and what the grants make of its groups.
     *
     * @param role    the role over every release (viewer at least, when any grant matched), or null
     * @param tenants the roles over one tenant's releases, by tenant
     */
    public record Principal(String name, ApiCredentials.Role role, Map<String, ApiCredentials.Role> tenants,
                            long expiresAt) {
    }

    /** A token that does not verify, and why (safe to tell: it names no secret). */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message);
        }
    }

    /** The provider's endpoints, from its discovery document. */
    public record Endpoints(String authorization, String token, String jwks) {
    }

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private volatile Endpoints endpoints;
    private volatile DefaultJWTProcessor<SecurityContext> processor;
    private final Map<String, Principal> verified = new ConcurrentHashMap<>();

    public Oidc(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Whether a bearer token is a JWT (three base64url parts), which only the provider can have issued. */
    static boolean isJwt(String token) {
        return token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    }

    /** The principal of a token verified before and not expired yet, without any work; else null. */
    Principal remembered(String digest) {
        Principal p = verified.get(digest);
        if (p != null && p.expiresAt() < System.currentTimeMillis() / 1000) {
            verified.remove(digest);
            return null;
        }
        return p;
    }

    /**
     * Verifies an ID token (may read the discovery document and the keys: call it off the event loop).
     *
     * @param digest the key it is remembered under until it expires
     */
    Principal verify(String token, String digest) throws Rejected {
        Principal known = remembered(digest);
        if (known != null) {
            return known;
        }
        JWTClaimsSet claims;
        try {
            claims = processor().process(token, null);
        } catch (java.text.ParseException e) {
            throw new Rejected("not a token of " + settings.issuer());
        } catch (com.nimbusds.jose.proc.BadJOSEException e) {
            String why = String.valueOf(e.getMessage());
            throw new Rejected("token refused: " + (why.contains(" aud ") ? "not issued for this service (audience)"
                    : why.contains(" iss ") ? "issued by another provider (issuer)"
                    : why.toLowerCase(java.util.Locale.ROOT).contains("expired") ? "expired" : why));
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new Rejected("token not verified: " + e.getMessage());
        }
        Principal principal = principal(claims);
        if (verified.size() > REMEMBERED) {
            verified.clear();
        }
        verified.put(digest, principal);
        return principal;
    }

    /** The role of each group, by the grants: the highest wins, over every release and per tenant. */
    Principal principal(JWTClaimsSet claims) {
        List<String> groups = new ArrayList<>();
        Object claim = claims.getClaim(settings.rolesClaim());
        if (claim instanceof List<?> list) {
            list.forEach(g -> groups.add(String.valueOf(g)));
        } else if (claim instanceof String s) {
            groups.add(s);
        }
        ApiCredentials.Role global = null;
        Map<String, ApiCredentials.Role> tenants = new TreeMap<>();
        for (Grant grant : settings.grants()) {
            if (!groups.contains(grant.group())) {
                continue;
            }
            if (grant.tenant() == null) {
                global = max(global, grant.role());
            } else {
                tenants.merge(grant.tenant(), grant.role(), Oidc::max);
            }
        }
        if (global == null && !tenants.isEmpty()) {
            global = ApiCredentials.Role.viewer; // a tenant's member reads the fleet as any viewer does
        }
        String name = firstString(claims, "preferred_username", "email", "sub");
        long expires = claims.getExpirationTime() == null ? 0 : claims.getExpirationTime().getTime() / 1000;
        return new Principal(name, global, Map.copyOf(tenants), expires);
    }

    private static ApiCredentials.Role max(ApiCredentials.Role a, ApiCredentials.Role b) {
        return a == null ? b : b == null ? a : a.covers(b) ? a : b;
    }

    private static String firstString(JWTClaimsSet claims, String... names) {
        for (String n : names) {
            if (claims.getClaim(n) instanceof String s && !s.isBlank()) {
                return s;
            }
        }
        return "unknown";
    }

    private DefaultJWTProcessor<SecurityContext> processor() throws Rejected {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p != null) {
            return p;
        }
        Endpoints e = endpoints();
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(URI.create(e.jwks()).toURL()).retrying(true).build();
        } catch (java.net.MalformedURLException ex) {
            throw new Rejected("the provider's jwks_uri is not a URL");
        }
        p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
                JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384), keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(settings.clientId(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("sub", "exp", "iat"));
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        p.setJWTClaimsSetVerifier(claims);
        processor = p;
        return p;
    }

    /** The provider's endpoints, read from its discovery document at the first need (and after a failure). */
    public Endpoints endpoints() throws Rejected {
        Endpoints e = endpoints;
        if (e != null) {
            return e;
        }
        String url = settings.issuer() + "/.well-known/openid-configuration";
        JsonNode doc;
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new Rejected("the provider's discovery document " + url + " answered HTTP "
                        + answer.statusCode());
            }
            doc = JSON.readTree(answer.body());
        } catch (java.io.IOException ex) {
            throw new Rejected("the provider's discovery document " + url + " cannot be read: " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Rejected("interrupted");
        }
        if (!settings.issuer().equals(doc.path("issuer").asText().replaceAll("/+$", ""))) {
            throw new Rejected("the provider at " + url + " names another issuer: " + doc.path("issuer").asText());
        }
        e = new Endpoints(doc.path("authorization_endpoint").asText(), doc.path("token_endpoint").asText(),
                doc.path("jwks_uri").asText());
        endpoints = e;
        return e;
    }

    /** What a client needs to sign users in ({@code GET /api/v1/auth}): no secret. */
    Map<String, Object> clientConfig() throws Rejected {
        Endpoints e = endpoints();
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("issuer", settings.issuer());
        out.put("clientId", settings.clientId());
        out.put("authorizationEndpoint", e.authorization());
        out.put("tokenEndpoint", e.token());
        out.put("scopes", settings.scopes());
        return out;
    }

    /** The roles a principal holds, as its sign-in shows them: {@code operator; admin of team-a}. */
    static String describe(Principal p) {
        Map<ApiCredentials.Role, List<String>> byRole = new EnumMap<>(ApiCredentials.Role.class);
        p.tenants().forEach((tenant, role) -> byRole.computeIfAbsent(role, r -> new ArrayList<>()).add(tenant));
        StringBuilder out = new StringBuilder(p.role() == null ? "no role" : p.role().name());
        byRole.forEach((role, tenants) -> out.append("; ").append(role).append(" of ").append(String.join(", ",
                tenants)));
        return out.toString();
    }
}
