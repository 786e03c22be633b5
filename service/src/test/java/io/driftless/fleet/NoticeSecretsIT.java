package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.NotifierSpec;
import io.driftless.status.Notice;
import io.driftless.notify.Payloads;
import io.driftless.testing.OneTarget;
import io.fabric8.kubernetes.api.model.Secret;

/** A Secret edited in the cluster is reported as drift without its value, in notices and Kubernetes Events. */
class NoticeSecretsIT {

    private static final String PLANTED = "planted-by-hand-0451";

    @TempDir
    Path tmp;

    @Test
    void driftOfASecretIsToldWithoutItsValue() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect",
                "server:\n  basicAuth:\n    enabled: true\n    authString: admin:first-pass\n")) {
            assertThat(t.sync().syncState()).isEqualTo(SyncState.Synced);
            Secret secret = t.client().secrets().inNamespace("prefect").list().getItems().stream()
                    .filter(s -> s.getData() != null && !s.getMetadata().getName().startsWith("driftless"))
                    .findFirst().orElseThrow();
            String key = secret.getData().keySet().iterator().next();
            t.client().secrets().inNamespace("prefect").withName(secret.getMetadata().getName()).edit(s -> {
                s.getData().put(key, Base64.getEncoder().encodeToString(PLANTED.getBytes(StandardCharsets.UTF_8)));
                return s;
            });

            TargetStatus drifted = t.compare();
            assertThat(drifted.syncState()).isEqualTo(SyncState.OutOfSync);
            Notice notice = t.notices().stream().filter(n -> n.type() == io.driftless.config.NoticeType.DriftDetected).findFirst().orElseThrow();
            assertThat(notice.details()).singleElement().asString()
                    .startsWith("Secret/prefect/" + secret.getMetadata().getName()).contains("<redacted");
            for (NotifierSpec.Format format : NotifierSpec.Format.values()) {
                assertThat(Payloads.body(format, notice)).doesNotContain(PLANTED, "first-pass",
                        Base64.getEncoder().encodeToString(PLANTED.getBytes(StandardCharsets.UTF_8)));
            }
            assertThat(t.client().v1().events().inNamespace("prefect").list().getItems())
                    .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("DriftDetected"))
                    .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(PLANTED, "first-pass"));
            assertThat(drifted.driftLines()).allSatisfy(line -> assertThat(line).doesNotContain(PLANTED));
        }
    }

    /** What the live side and Git hold; each must stay out of every surface. */
    private static final java.util.List<String> ROTATED = java.util.List.of("git-redis-pw", "live-redis-pw",
            "git-mongo-pw", "live-mongo-pw", "git-db-pass", "live-db-pass", "git-mysql-pwd", "live-mysql-pwd",
            "git-signing-key", "live-signing-key", "gitslackpath", "liveslackpath", "git-arg-pw", "live-arg-pw",
            "git-arg-token", "live-arg-token");

    /**
     * Issue 26: credentials rotated by hand in the cluster, never in Git, under names and in shapes the old rules
     * missed: none reaches the status (what the API and {@code get -o yaml} show), the notices and their payloads,
     * the Kubernetes Events, or a preview / diff; the shape of a connection URL stays readable.
     */
    @Test
    void handRotatedCredentialsOfCommonShapesAreToldWithoutTheirValues() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect", """
                server:
                  env:
                    - {name: REDIS_URL, value: "redis://:git-redis-pw@redis:6379/0"}
                    - {name: MONGODB_URI, value: "mongodb://app:git-mongo-pw@mongo:27017/db"}
                    - {name: DB_PASS, value: git-db-pass}
                    - {name: MYSQL_PWD, value: git-mysql-pwd}
                    - {name: SIGNING_KEY, value: git-signing-key}
                    - {name: SLACK_WEBHOOK_URL, value: "https://hooks.slack.com/services/T0/B0/gitslackpath"}
                  args: [prefect, server, start, --password=git-arg-pw, --token, git-arg-token]
                """)) {
            assertThat(t.sync().syncState()).isEqualTo(SyncState.Synced);
            t.client().apps().deployments().inNamespace("prefect").withName("prefect-server").edit(d -> {
                var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
                c.getEnv().forEach(e -> {
                    if (e.getValue() != null) {
                        e.setValue(e.getValue().replace("git-", "live-").replace("gitslack", "liveslack"));
                    }
                });
                c.setArgs(c.getArgs().stream().map(a -> a.replace("git-", "live-")).toList());
                return d;
            });

            TargetStatus drifted = t.compare();
            assertThat(drifted.syncState()).isEqualTo(SyncState.OutOfSync);
            assertThat(drifted.outOfSync()).isPositive();
            String status = drifted.drift().toString() + drifted.drift().stream().filter(d -> d.field() != null)
                    .map(d -> d.field().desired() + " " + d.field().live()).toList();
            assertThat(status).contains("redis://:<redacted hmac:", "@redis:6379/0", "--password=<redacted hmac:");
            for (String secret : ROTATED) {
                assertThat(status).as("status").doesNotContain(secret);
                assertThat(drifted.driftLines()).allSatisfy(line -> assertThat(line).doesNotContain(secret));
            }
            Notice notice = t.notices().stream().filter(n -> n.type() == io.driftless.config.NoticeType.DriftDetected)
                    .findFirst().orElseThrow();
            assertThat(notice.details()).isNotEmpty();
            for (NotifierSpec.Format format : NotifierSpec.Format.values()) {
                String body = Payloads.body(format, notice);
                ROTATED.forEach(secret -> assertThat(body).as(format.name()).doesNotContain(secret));
            }
            assertThat(t.client().v1().events().inNamespace("prefect").list().getItems())
                    .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("DriftDetected"))
                    .allSatisfy(e -> ROTATED.forEach(secret -> assertThat(e.getMessage()).doesNotContain(secret)));
            String preview = io.vertx.core.json.JsonObject.mapFrom(io.driftless.api.Views.PreviewOf.of(t.preview()))
                    .encode();
            assertThat(preview).contains("redacted hmac");
            ROTATED.forEach(secret -> assertThat(preview).as("preview").doesNotContain(secret));
        }
    }
}
