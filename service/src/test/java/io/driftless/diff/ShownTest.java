package io.driftless.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.driftless.model.ObjectRef;
import io.driftless.render.Tree;

/** A whole object as the object view shows it: no secret in it, managed fields listed apart. */
class ShownTest {

    private static final String PASSWORD = "hunter2-shown";
    private static final String ENCODED = Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8));

    @Test
    void aSecretShowsNoValueAnywhere() {
        Map<String, Object> secret = Tree.map("apiVersion", "v1", "kind", "Secret",
                "metadata", Tree.map("name", "db", "annotations", Tree.map(
                        "kubectl.kubernetes.io/last-applied-configuration", "{\"data\":{\"pw\":\"" + ENCODED + "\"}}",
                        "team", "data"),
                        "managedFields", List.of(Tree.map("manager", "kubectl-edit", "operation", "Update",
                                "time", "2026-12-07T08:00:00Z", "fieldsV1", Tree.map("f:data", Tree.map())))),
                "data", Tree.map("pw", ENCODED), "stringData", Tree.map("token", PASSWORD), "type", "Opaque");
        Map<String, Object> shown = Differ.shown(new ObjectRef("v1", "Secret", "p", "db"), secret);
        assertThat(shown.toString()).doesNotContain(PASSWORD).doesNotContain(ENCODED).contains("<redacted hmac:")
                .contains("team=data").contains("type=Opaque");
        assertThat(Tree.asMap(shown.get("metadata"))).doesNotContainKey("managedFields");
        assertThat(Tree.asMap(shown.get("data")).get("pw")).isEqualTo(Redaction.redact(ENCODED));
        assertThat(Differ.writers(secret)).extracting(Object::toString)
                .containsExactly("kubectl-edit (Update) at 2026-12-07T08:00:00Z");
    }

    @Test
    void credentialsInOtherKindsAreRedactedTheRestIsKept() {
        Map<String, Object> configMap = Tree.map("apiVersion", "v1", "kind", "ConfigMap", "metadata",
                Tree.map("name", "env"), "data", Tree.map("DB_PASSWORD", PASSWORD, "LOG_LEVEL", "debug",
                        "URL", "postgres://u:" + PASSWORD + "@db/x"));
        String cm = Differ.shown(new ObjectRef("v1", "ConfigMap", "p", "env"), configMap).toString();
        assertThat(cm).doesNotContain(PASSWORD).contains("LOG_LEVEL=debug").contains("postgres://u:<redacted hmac:");
        Map<String, Object> deployment = Tree.map("apiVersion", "apps/v1", "kind", "Deployment", "metadata",
                Tree.map("name", "web"), "spec", Tree.map("template", Tree.map("spec", Tree.map("containers", List.of(
                        Tree.map("name", "web", "args", List.of("--token", PASSWORD), "env", List.of(
                                Tree.map("name", "API_KEY", "value", PASSWORD),
                                Tree.map("name", "MODE", "value", "fast"))))))));
        String d = Differ.shown(new ObjectRef("apps/v1", "Deployment", "p", "web"), deployment).toString();
        assertThat(d).doesNotContain(PASSWORD).contains("value=fast").contains("--token");
        assertThat(Differ.writers(deployment)).isEmpty();
    }
}
