package io.driftless.hostile;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.cluster.ClusterConnections;
import io.driftless.config.ClusterSpec;
import io.driftless.config.NotifierSpec;
import io.driftless.config.Origin;
import io.driftless.notify.Notifier;
import io.driftless.telemetry.Metrics;

/** Configuration that points at the wrong thing is refused by naming where it came from, never by quoting it. */
class SecretEchoTest {

    @TempDir
    Path tmp;

    @Test
    void aKubeconfigPathToAnotherFileIsRefusedWithoutEchoingTheFile() throws Exception {
        for (String content : List.of("root:TOPSECRET-MARKER:19000:0:99999\n", "password: TOPSECRET-MARKER\n",
                "{\"kind\": \"Config\", \"clusters\": \"TOPSECRET-MARKER\"}\n", "[TOPSECRET-MARKER\n")) {
            Path file = tmp.resolve("not-a-kubeconfig");
            Files.writeString(file, content);
            ClusterSpec spec = new ClusterSpec("prod", ClusterSpec.Connection.KUBECONFIG, file.toString(), null,
                    Map.of(), new Origin("fleet.yaml", 3, "clusters[0]"));
            assertThatThrownBy(() -> new ClusterConnections(List.of(spec)).close()).as(content)
                    .hasMessageContaining("cluster 'prod': " + file + " is not a readable kubeconfig")
                    .hasMessageNotContaining("TOPSECRET-MARKER");
        }
    }

    @Test
    void aNotifierUrlFromTheEnvironmentThatIsNotAUrlIsRefusedWithoutQuotingIt() {
        NotifierSpec spec = new NotifierSpec("slack", null, "SLACK_URL", NotifierSpec.Format.SLACK,
                NotifierSpec.DEFAULT_EVENTS, null, new Origin("fleet.yaml", 9, "notifications[0]"));
        for (String url : List.of("hooks.example.com/services/TOPSECRET-MARKER", "ftp://x/TOPSECRET-MARKER",
                "https://exa mple.com/TOPSECRET-MARKER", "https:///TOPSECRET-MARKER")) {
            assertThatThrownBy(() -> new Notifier(List.of(spec), Map.of("SLACK_URL", url), new Metrics()).close())
                    .as(url)
                    .hasMessageContaining("fleet.yaml:9: notifications[0]: the environment variable SLACK_URL of notifier "
                            + "'slack' is not an http:// or https:// URL")
                    .hasMessageNotContaining("TOPSECRET-MARKER");
        }
    }
}
