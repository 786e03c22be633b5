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
}
