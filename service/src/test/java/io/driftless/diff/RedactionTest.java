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

    /** Issue 26: common credentials that were shown as they are, by name and by the shape of their value. */
    @Test
    void commonCredentialsAreRedactedByNameAndByShape() {
        Object container = Map.of("name", "app", "env", List.of(
                Map.of("name", "REDIS_URL", "value", "redis://:redis-pw-1@redis.prod:6379/0"),
                Map.of("name", "MONGODB_URI", "value", "mongodb+srv://app:mongo-pw-2@cluster0.example.net/db"),
                Map.of("name", "DB_PASS", "value", "db-pass-3"),
                Map.of("name", "MYSQL_PWD", "value", "mysql-pwd-4"),
                Map.of("name", "SIGNING_KEY", "value", "signing-key-5"),
                Map.of("name", "SLACK_WEBHOOK_URL", "value", "https://hooks.slack.com/services/T0/B0/slack-path-6"),
                Map.of("name", "ALERTS", "value", "https://hooks.slack.com/services/T1/B1/slack-path-7"),
                Map.of("name", "LOG_LEVEL", "value", "INFO")),
                "args", List.of("serve", "--password=arg-pw-8", "--token", "arg-token-9", "--port", "8080"),
                "command", List.of("sh", "-c", "exec app --db-password 'cmd-pw-10' --api-key=cmd-key-11 --verbose"));
        String shown = String.valueOf(Redaction.credentialsRedacted(container));
        assertThat(shown).doesNotContain("redis-pw-1", "mongo-pw-2", "db-pass-3", "mysql-pwd-4", "signing-key-5",
                "slack-path-6", "slack-path-7", "arg-pw-8", "arg-token-9", "cmd-pw-10", "cmd-key-11");
        assertThat(shown).as("the shape stays readable").contains("redis://:<redacted hmac:", "@redis.prod:6379/0",
                "mongodb+srv://app:<redacted hmac:", "@cluster0.example.net/db", "https://hooks.slack.com/services/"
                        + "<redacted hmac:", "--password=<redacted hmac:", "--token, <redacted hmac:", "--port, 8080",
                "--db-password <redacted hmac:", "--api-key=<redacted hmac:", "--verbose", "LOG_LEVEL", "INFO");
    }

    @Test
    void secretsAreRecognisedByTheirShapeInAnyText() {
        assertThat(Redaction.shapesRedacted("postgresql://prefect:p@ss:w0rd@db:5432/prefect?sslmode=require"))
                .startsWith("postgresql://prefect:<redacted hmac:").endsWith("@db:5432/prefect?sslmode=require")
                .doesNotContain("p@ss", "w0rd");
        assertThat(Redaction.shapesRedacted("jdbc:mysql://db/x?user=app&password=qs-pw&ssl=true"))
                .contains("user=app", "&password=<redacted hmac:", "&ssl=true").doesNotContain("qs-pw");
        assertThat(Redaction.shapesRedacted("https://discord.com/api/webhooks/123/discord-token"))
                .startsWith("https://discord.com/api/webhooks/<redacted hmac:").doesNotContain("discord-token");
        assertThat(Redaction.shapesRedacted("https://example.webhook.office.com/webhookb2/teams-secret"))
                .doesNotContain("teams-secret");
        assertThat(Redaction.shapesRedacted("cli --verbose --password secret-1 --name x"))
                .isEqualTo("cli --verbose --password " + Redaction.redact("secret-1") + " --name x");
        assertThat(Redaction.shapesRedacted("https://example.com/path?page=2 and ssh://git@host/repo.git"))
                .as("nothing secret: left alone").isEqualTo("https://example.com/path?page=2 and ssh://git@host/repo.git");
        assertThat(Redaction.shapesRedacted("redis://:same@h")).as("a keyed hash: equal stays equal")
                .isEqualTo(Redaction.shapesRedacted("redis://:same@h"))
                .isNotEqualTo(Redaction.shapesRedacted("redis://:other@h"));
    }

    /** Drift is where every surface (status, API, Events, notifications, diff, preview) takes its values from. */
    @Test
    void driftOfHandRotatedValuesShowsNoSecret() {
        Map<String, Object> desired = deployment(List.of(
                Map.of("name", "REDIS_URL", "value", "redis://:git-redis@redis:6379"),
                Map.of("name", "DB_PASS", "value", "git-db-pass")),
                List.of("serve", "--token", "git-token", "--password=git-pw"));
        Map<String, Object> live = deployment(List.of(
                Map.of("name", "REDIS_URL", "value", "redis://:rotated-redis@redis:6379"),
                Map.of("name", "DB_PASS", "value", "rotated-db-pass"),
                Map.of("name", "MYSQL_PWD", "value", "hand-added-pwd")),
                List.of("serve", "--token", "rotated-token", "--password=rotated-pw"));
        ObjectDiff diff = Differ.diff(new io.driftless.model.ObjectRef("apps/v1", "Deployment", "prod", "web"), desired,
                live);
        String shown = diff.drifts().toString();
        assertThat(diff.drifts()).hasSize(5);
        assertThat(shown).doesNotContain("git-redis", "rotated-redis", "git-db-pass", "rotated-db-pass",
                "hand-added-pwd", "git-token", "rotated-token", "git-pw", "rotated-pw")
                .contains("redis://:<redacted hmac:", "/args/2: live <redacted hmac:", "--password=<redacted hmac:");

        Map<String, Object> config = Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "env", "namespace", "prod"),
                "data", Map.of("DB_PASSWORD", "git-cm-pw", "MODE", "fast"));
        Map<String, Object> rotated = Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "env", "namespace", "prod"),
                "data", Map.of("DB_PASSWORD", "rotated-cm-pw", "MODE", "slow"));
        String configDrift = Differ.diff(new io.driftless.model.ObjectRef("v1", "ConfigMap", "prod", "env"), config,
                rotated).drifts().toString();
        assertThat(configDrift).doesNotContain("git-cm-pw", "rotated-cm-pw").contains("live slow, desired fast");
    }

    private static Map<String, Object> deployment(List<Object> env, List<Object> args) {
        return Map.of("apiVersion", "apps/v1", "kind", "Deployment", "metadata", Map.of("name", "web",
                "namespace", "prod"), "spec", Map.of("template", Map.of("spec", Map.of("containers",
                List.of(Map.of("name", "app", "env", env, "args", args))))));
    }

    /** Values opened from SOPS files: redacted wherever they show, for as long as a render of their owner uses them. */
    @Test
    void valuesOpenedFromSopsFilesAreSecretsWhileTheirOwnerUsesThem() {
        String owner = "test/values-opened";
        Redaction.remember(owner, List.of("first-opened-value-1", "DEBUG"), true);
        assertThat(Redaction.secretsRedacted("dsn://u:first-opened-value-1@db")).doesNotContain("first-opened-value-1")
                .startsWith("dsn://u:<redacted hmac:");
        assertThat(Redaction.secretsRedacted("DEBUG")).as("a short value, whole").startsWith("<redacted hmac:");
        assertThat(Redaction.secretsRedacted("level DEBUG or INFO")).as("a short value inside text stays")
                .isEqualTo("level DEBUG or INFO");
        ObjectDiff diff = Differ.diff(new io.driftless.model.ObjectRef("v1", "ConfigMap", "ns", "cm"),
                Map.of("data", Map.of("dsn", "x-first-opened-value-1")), Map.of("data", Map.of("dsn", "typed-by-hand")));
        assertThat(diff.drifts()).singleElement().satisfies(d -> {
            assertThat(String.valueOf(d.desired())).startsWith("<redacted hmac:");
            assertThat(String.valueOf(d.live())).as("the live side of a field Git sets from a secret")
                    .startsWith("<redacted hmac:");
        });

        Redaction.remember(owner, List.of("rotated-opened-value-2"), true);
        assertThat(Redaction.holdsSecret("first-opened-value-1")).as("one render longer").isTrue();
        Redaction.remember(owner, List.of(), false);
        assertThat(Redaction.holdsSecret("rotated-opened-value-2")).as("a failed render forgets nothing").isTrue();
        Redaction.remember(owner, List.of("rotated-opened-value-2"), true);
        assertThat(Redaction.holdsSecret("first-opened-value-1")).as("two renders without it").isFalse();
        Redaction.remember(owner, List.of(), true);
        Redaction.remember(owner, List.of(), true);
        assertThat(Redaction.holdsSecret("rotated-opened-value-2")).as("no file encrypts it any more").isFalse();
        assertThat(Redaction.secretsRedacted("DEBUG")).isEqualTo("DEBUG");
    }
}
