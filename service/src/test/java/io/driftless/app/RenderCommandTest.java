package io.driftless.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class RenderCommandTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new RenderCommand()).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void printsLayeredObjectsWithoutTrackingMetadata() throws Exception {
        Path base = Files.writeString(tmp.resolve("base.yaml"), "server:\n  replicaCount: 2\n");
        Path prod = Files.writeString(tmp.resolve("prod.yaml"), "server:\n  replicaCount: 4\nsqlite:\n  enabled: true\n");
        Run r = run("--chart", "prefect-server@2026.8.18172642", "--release", "data", "--namespace", "tools",
                "-f", base.toString(), "-f", prod.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("kind: PersistentVolumeClaim", "replicas: 1", "namespace: tools")
                .doesNotContain("driftless.io");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aVersionTheBuiltinDoesNotReproduceIsRenderedByHelmFromTheUpstreamRepository() throws Exception {
        Path values = Files.writeString(tmp.resolve("values.yaml"), "sqlite:\n  enabled: true\npostgresql:\n"
                + "  enabled: false\n");
        try (io.driftless.testing.PrefectChartRepository upstream = new io.driftless.testing.PrefectChartRepository()) {
            Run r = run("--chart", "prefect-server@2026.6.5172345", "--upstream-repository", upstream.url(),
                    "-f", values.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("helm.sh/chart: prefect-server-2026.6.5172345", "kind: PersistentVolumeClaim",
                    "image: prefecthq/prefect:3.7.4-python3.11");
            assertThat(r.err()).contains("warning: chart prefect-server version 2026.6.5172345 is not built into "
                    + "this Driftless", "rendered by the Helm engine");
            Run missing = run("--chart", "prefect-server@2026.8.1", "--upstream-repository", upstream.url());
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.err()).contains("error: chart " + upstream.url() + "/prefect-server@2026.8.1: the "
                    + "repository has no version 2026.8.1 of prefect-server (it has 3); the nearest: ");
        }
    }

    @Test
    void reportsInvalidValuesOnStderrAndFails() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "server:\n  loggingLevel: LOUD\n");
        Run r = run("-f", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(bad + ":2: server.loggingLevel: must be one of");
    }

    @Test
    void rendersTheLegacyChartInTheGenerationAskedFor() throws Exception {
        Path values = Files.writeString(tmp.resolve("values.yaml"), "agent:\n  enabled: true\n");
        Run r = run("--chart", "prefect-server-legacy@2022.04.14", "--release", "v1", "--namespace", "flows",
                "-f", values.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("name: v1-agent", "helm.sh/chart: prefect-server-2022.04.14",
                "key: postgresql-password", "image: prefecthq/prefect:1.2.0").doesNotContain("driftless.io");
        assertThat(r.err()).contains("warning: ui.apolloApiUrl is http://localhost:4200/graphql");
    }

    @Test
    void takesTheClustersApiVersionsForCapabilityChecks() throws Exception {
        Path values = Files.writeString(tmp.resolve("values.yaml"), "gateway:\n  enabled: true\n  className: eg\n");
        Run missing = run("-a", "networking.k8s.io/v1", "-f", values.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("gateway.enabled: Gateway API (gateway.networking.k8s.io/v1) is not available");
        Run served = run("--api-versions", "gateway.networking.k8s.io/v1", "-f", values.toString());
        assertThat(served.code()).isZero();
        assertThat(served.out()).contains("kind: Gateway");
        assertThat(served.err()).isEmpty();
    }

    /** SOPS values: refused without a key, opened with one, and shown redacted unless asked for as they are. */
    @Test
    void opensSopsValuesWithTheKeysGivenAndShowsThemRedactedByDefault() throws Exception {
        io.driftless.testing.SopsTools sops = new io.driftless.testing.SopsTools(tmp);
        io.driftless.testing.SopsTools.AgeKey key = sops.ageKey("render");
        String password = "render-db-password-58c1";
        Path values = Files.writeString(tmp.resolve("secrets.enc.yaml"), sops.encrypt("secrets.yaml",
                "postgresql: {enabled: false}\nsecret: {username: prefect, password: " + password + ", host: db, "
                        + "port: \"5432\", database: prefect}\nserver:\n  env: [{name: HINT, value: dsn-" + password
                        + "}]\n", java.util.List.of(key), java.util.List.of(), "--encrypted-regex", "^(password|value)$"));
        Run refused = run("-f", values.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains(values + ":").contains("this release has no decryption keys");

        Run redacted = run("-f", values.toString(), "--age-key-file", key.file().toString());
        assertThat(redacted.code()).as(redacted.err()).isZero();
        assertThat(redacted.out()).contains("kind: Secret", "name: HINT", "<redacted hmac:")
                .doesNotContain(password, java.util.Base64.getEncoder().encodeToString(("postgresql+asyncpg://prefect:"
                        + password).getBytes(StandardCharsets.UTF_8)).substring(0, 24));
        assertThat(redacted.err()).contains("--show-secrets");

        Run shown = run("-f", values.toString(), "--age-key-file", key.file().toString(), "--show-secrets");
        assertThat(shown.code()).isZero();
        assertThat(shown.out()).contains("value: dsn-" + password);
    }

    @Test
    void notesAreTheChartsNotesForTheValuesGiven() throws Exception {
        Path values = Files.writeString(tmp.resolve("lb.yaml"), "service: {type: LoadBalancer, port: 8080}\n");
        Run r = run("--notes", "--release", "data", "--namespace", "tools", "-f", values.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("\n     NOTE: It may take a few minutes for the LoadBalancer IP to be available.")
                .contains("kubectl get --namespace tools svc -w prefect-server")
                .endsWith("  echo http://$SERVICE_IP:8080\n")
                .doesNotContain("kind:");
    }
}
