package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WebhooksTest {

    private static final String SECRET = "s3cret";
    private static final byte[] BODY = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    private static final String HMAC = Webhooks.hmacHex(BODY, SECRET.getBytes(StandardCharsets.UTF_8));

    private static Webhooks.Verdict verify(String header, String value) {
        return Webhooks.verify(Map.of(header, value), BODY, SECRET);
    }

    @Test
    void acceptsEachHostsWayOfSigningWithTheRightSecret() {
        assertThat(verify("x-hub-signature-256", "sha256=" + HMAC).accepted()).isTrue();
        assertThat(verify("x-driftless-signature", "sha256=" + HMAC.toUpperCase()).accepted()).isTrue();
        assertThat(verify("x-gitea-signature", HMAC).accepted()).isTrue();
        assertThat(verify("x-gogs-signature", HMAC).accepted()).isTrue();
        assertThat(verify("x-gitlab-token", SECRET).accepted()).isTrue();
    }

    @Test
    void refusesAWrongOrMissingProofWithoutEchoingTheSecret() {
        String other = Webhooks.hmacHex(BODY, "guess".getBytes(StandardCharsets.UTF_8));
        assertThat(verify("x-hub-signature-256", "sha256=" + other))
                .isEqualTo(new Webhooks.Verdict(false, "X-Hub-Signature-256 does not match the source's webhook secret"));
        assertThat(verify("x-hub-signature-256", HMAC).accepted()).as("the sha256= prefix is required").isFalse();
        assertThat(verify("x-gitea-signature", other).accepted()).isFalse();
        assertThat(verify("x-gitlab-token", "s3cre").accepted()).isFalse();
        Webhooks.Verdict none = Webhooks.verify(Map.of("content-type", "application/json"), BODY, SECRET);
        assertThat(none.accepted()).isFalse();
        assertThat(none.reason()).startsWith("no signature").doesNotContain(SECRET);
        assertThat(Webhooks.verify(Map.of("x-hub-signature-256", "sha256=" + HMAC), "{}".getBytes(StandardCharsets.UTF_8),
                SECRET).accepted()).as("a changed body").isFalse();
    }
}
