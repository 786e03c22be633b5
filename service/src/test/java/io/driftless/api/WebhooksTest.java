package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.driftless.telemetry.Metrics;

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

    /**
     * Like the fetch counters, a configured source's webhook counters exist at 0 from the start, one per result,
     * so the first rejected push already shows as an increase(); a source that leaves the fleet takes them along.
     */
    @Test
    void everyConfiguredSourceCountsItsWebhooksFromZero() {
        try (Metrics metrics = new Metrics()) {
            metrics.source("values");
            metrics.source("charts");
            String scrape = metrics.scrape();
            for (String source : List.of("values", "charts")) {
                for (String result : List.of("accepted", "rejected", "unknown", "unavailable")) {
                    assertThat(scrape).contains("driftless_webhook_requests_total{result=\"" + result + "\",source=\""
                            + source + "\"} 0.0");
                }
            }
            metrics.webhook("values", "rejected");
            assertThat(metrics.scrape()).contains("driftless_webhook_requests_total{result=\"rejected\",source=\"values\"} 1.0");
            metrics.forgetSource("charts");
            assertThat(metrics.scrape()).doesNotContain("source=\"charts\"")
                    .contains("driftless_webhook_requests_total{result=\"accepted\",source=\"values\"} 0.0");
        }
    }
}
