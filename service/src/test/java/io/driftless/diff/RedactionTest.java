package io.driftless.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void aRedactedValueIsAKeyedHashThatAGuessCannotConfirm() throws Exception {
        Redaction.useKey("one installation's key, 32 bytes".getBytes(StandardCharsets.UTF_8));
        String shown = Redaction.redact("prefect");
        String unkeyed = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("prefect".getBytes(StandardCharsets.UTF_8)), 0, 4);
        assertThat(shown).startsWith("<redacted hmac:").doesNotContain(unkeyed);
        assertThat(Redaction.redact("prefect")).as("equal values show as equal").isEqualTo(shown);
        assertThat(Redaction.redact("prefect2")).isNotEqualTo(shown);
        Redaction.useKey("another installation's key, 32 b".getBytes(StandardCharsets.UTF_8));
        assertThat(Redaction.redact("prefect")).as("another installation shows another hash").isNotEqualTo(shown);
    }

    @Test
    void credentialEnvVarsAreRedactedWhereverTheyAppear() {
        Object container = Map.of("name", "app", "env", List.of(
                Map.of("name", "PREFECT_API_DATABASE_PASSWORD", "value", "pw1"),
                Map.of("name", "HASURA_GRAPHQL_ADMIN_SECRET", "value", "pw2"),
                Map.of("name", "PREFECT_API_DATABASE_CONNECTION_URL", "value", "postgresql+asyncpg://u:pw3@db/x"),
                Map.of("name", "LOG_LEVEL", "value", "INFO")));
        assertThat(String.valueOf(Redaction.credentialsRedacted(container)))
                .doesNotContain("pw1", "pw2", "pw3").contains("LOG_LEVEL", "INFO");
    }
}
