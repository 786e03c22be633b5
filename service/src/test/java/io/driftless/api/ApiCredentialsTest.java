package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.api.ApiCredentials.Role;

class ApiCredentialsTest {

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> refusal(ApiCredentials c, String authorization, Role needed) {
        return c.check(authorization, needed).map(r -> r.status() + " " + r.message());
    }

    @Test
    void theSingleCredentialIsAnAdminByBasicAuthOrToken() {
        ApiCredentials admin = ApiCredentials.of("admin:letmein\n");
        assertThat(refusal(admin, basic("admin:letmein"), Role.admin)).isEmpty();
        assertThat(refusal(admin, basic("admin:guess"), Role.operator)).contains("401 wrong credentials");
        assertThat(refusal(admin, "Bearer admin:letmein", Role.operator)).contains("401 wrong credentials");
        assertThat(refusal(admin, "Basic %%%", Role.operator)).contains("401 wrong credentials");
        assertThat(refusal(admin, null, Role.viewer)).contains("401 credentials required (HTTP basic or bearer)");
        assertThat(admin.toString()).doesNotContain("letmein");
        ApiCredentials token = ApiCredentials.of("t0ken");
        assertThat(refusal(token, "bearer t0ken", Role.admin)).as("scheme names are case-insensitive").isEmpty();
        assertThat(refusal(token, basic("x:t0ken"), Role.viewer)).contains("401 wrong credentials");
    }

    @Test
    void usersHaveRolesAndHashedSecrets(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("users");
        Files.writeString(file, "# name role hash\n"
                + "vera viewer " + ApiCredentials.hash("v-pass", 1000) + "\n"
                + "otto operator " + ApiCredentials.hash("o-token-1234", 1000) + "\n");
        assertThat(Files.readString(file)).doesNotContain("v-pass", "o-token-1234");
        ApiCredentials users = ApiCredentials.NONE.withUsers(ApiCredentials.readUsers(file));
        assertThat(refusal(users, basic("vera:v-pass"), Role.viewer)).isEmpty();
        assertThat(refusal(users, basic("vera:v-pass"), Role.operator)).contains("403 the role viewer may not do "
                + "this; it needs operator");
        assertThat(refusal(users, basic("otto:v-pass"), Role.viewer)).as("another user's password")
                .contains("401 wrong credentials");
        assertThat(refusal(users, "Bearer o-token-1234", Role.operator)).isEmpty();
        assertThat(refusal(users, "Bearer o-token-1234", Role.admin)).contains("403 the role operator may not do "
                + "this; it needs admin");
        assertThat(refusal(users, null, Role.viewer)).contains("401 credentials required (HTTP basic or bearer)");
        assertThat(refusal(users.withAnonymousRead(true), null, Role.viewer)).isEmpty();
        assertThat(refusal(users.withAnonymousRead(true), null, Role.operator)).isPresent();

        Files.writeString(file, "vera viewer plaintext-password\n");
        assertThatThrownBy(() -> ApiCredentials.readUsers(file)).hasMessage(file + ":1: expected NAME ROLE HASH "
                + "(ROLE viewer, operator or admin; HASH from driftless hash-password; NAME without ':')");
    }

    /**
     * Only a users-file credential neither verified nor refused lately costs a key derivation (the API makes those
     * on workers); a wrong one is remembered, so guessing it again costs nothing, until the credentials are reloaded.
     */
    @Test
    void onlyUnknownUserCredentialsCostAKeyDerivationAndWrongOnesAreRemembered(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("users");
        Files.writeString(file, "otto operator " + ApiCredentials.hash("o-token-1234", 1000) + "\n");
        ApiCredentials users = ApiCredentials.of("admin:pw").withUsers(ApiCredentials.readUsers(file));
        assertThat(users.costly(null, Role.viewer)).isFalse();
        assertThat(users.costly("Basic %%%", Role.viewer)).as("unreadable").isFalse();
        assertThat(users.costly(basic("admin:pw"), Role.admin)).as("the admin credential").isFalse();
        assertThat(users.costly(basic("nobody:pw"), Role.viewer)).as("no such user: as costly as a user").isTrue();
        assertThat(users.costly(basic("no-colon"), Role.viewer)).as("no user named").isFalse();
        assertThat(users.costly(basic("otto:guess"), Role.viewer)).isTrue();
        assertThat(users.costly("Bearer guess", Role.viewer)).isTrue();
        assertThat(users.withAnonymousRead(true).costly("Bearer guess", Role.viewer)).isFalse();

        assertThat(refusal(users, "Bearer guess", Role.viewer)).contains("401 wrong credentials");
        assertThat(users.costly("Bearer guess", Role.viewer)).as("remembered as wrong").isFalse();
        assertThat(refusal(users, "Bearer guess", Role.viewer)).contains("401 wrong credentials");
        assertThat(refusal(users, "Bearer o-token-1234", Role.operator)).isEmpty();
        assertThat(users.costly("Bearer o-token-1234", Role.operator)).as("remembered as verified").isFalse();

        ApiCredentials reloaded = ApiCredentials.of("admin:pw").withUsers(ApiCredentials.readUsers(file));
        assertThat(reloaded.costly("Bearer guess", Role.viewer)).as("a reload forgets").isTrue();
        assertThat(ApiCredentials.REJECTED_FOR).isEqualTo(java.time.Duration.ofSeconds(60));
    }

    /**
     * Issue 26, item 3: a user name could be told apart by the time a wrong password took (150 ms for a known user,
     * whose hash was derived, against 4 ms for an unknown one). An unknown user's password is now derived against a
     * dummy hash, on a worker ({@link ApiCredentials#costly}) and remembered as wrong, as a known user's is. Prints
     * the times (asserts nothing about them).
     */
    @Test
    void anUnknownUserIsCheckedAsAKnownUserIs(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("users");
        Files.writeString(file, "alice operator " + ApiCredentials.hash("alice-pass", ApiCredentials.ITERATIONS) + "\n");
        ApiCredentials users = ApiCredentials.of("admin:pw").withUsers(ApiCredentials.readUsers(file));
        for (String name : List.of("alice", "nobody")) {
            String wrong = basic(name + ":wrong");
            assertThat(users.costly(wrong, Role.viewer)).as(name + ": derived on a worker").isTrue();
            long t0 = System.nanoTime();
            assertThat(refusal(users, wrong, Role.viewer)).as(name).contains("401 wrong credentials");
            System.out.printf("ApiCredentialsTest: a wrong password for %s took %.1f ms%n", name,
                    (System.nanoTime() - t0) / 1e6);
            assertThat(users.costly(wrong, Role.viewer)).as(name + ": remembered as wrong").isFalse();
        }
    }

    @Test
    void withoutCredentialsReadsAndWritesAreRefusedWithWhatToSet() {
        assertThat(ApiCredentials.of(null).configured()).isFalse();
        assertThat(refusal(ApiCredentials.of("  "), "Bearer anything", Role.operator)).contains("403 mutating "
                + "endpoints are disabled: set DRIFTLESS_API_AUTH, --api-auth-file or --api-users");
        assertThat(refusal(ApiCredentials.NONE, null, Role.viewer)).contains("403 reading the API needs credentials: "
                + "give users with --api-users, or allow anonymous reads with --anonymous-read");
        assertThat(List.of(Role.values())).containsExactly(Role.viewer, Role.operator, Role.admin);
    }
}
