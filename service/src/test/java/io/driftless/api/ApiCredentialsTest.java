package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class ApiCredentialsTest {

    private static String basic(String userPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAuthStringAcceptsOnlyThoseBasicCredentials() {
        ApiCredentials admin = ApiCredentials.of("admin:letmein\n");
        assertThat(admin.check(basic("admin:letmein"))).isEmpty();
        assertThat(admin.check(basic("admin:guess"))).contains("wrong credentials");
        assertThat(admin.check("Bearer admin:letmein")).contains("credentials required (HTTP basic)");
        assertThat(admin.check("Basic %%%")).contains("malformed basic credentials");
        assertThat(admin.check(null)).contains("credentials required (HTTP basic or bearer)");
        assertThat(admin.toString()).doesNotContain("letmein");
    }

    @Test
    void aTokenAcceptsOnlyThatBearerToken() {
        ApiCredentials token = ApiCredentials.of("t0ken");
        assertThat(token.check("Bearer t0ken")).isEmpty();
        assertThat(token.check("bearer t0ken")).as("scheme names are case-insensitive").isEmpty();
        assertThat(token.check("Bearer t0ke")).contains("wrong credentials");
        assertThat(token.check(basic("x:t0ken"))).contains("credentials required (bearer token)");
    }

    @Test
    void withoutCredentialsMutatingEndpointsAreDisabled() {
        assertThat(ApiCredentials.of(null).configured()).isFalse();
        assertThat(ApiCredentials.of("  ").check("Bearer anything"))
                .contains("mutating endpoints are disabled: set DRIFTLESS_API_AUTH or --api-auth-file");
    }
}
