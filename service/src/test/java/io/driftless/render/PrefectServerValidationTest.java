package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.driftless.config.SafeYaml;

/** One test per message the prefect-server chart gives for values it cannot render. */
class PrefectServerValidationTest {

    private static Chart.Rendered render(String version, String values) {
        return ChartRegistry.builtin().render("prefect-server", new Chart.Release("prefect-server", "prefect", version),
                List.of(SafeYaml.parse("values.yaml", values)));
    }

    private static Chart.Rendered render(String values) {
        return render("2026.8.18172642", values);
    }

    @Test
    void rejectsAnUnknownLoggingLevelNamingTheKeyAndLine() {
        assertThatThrownBy(() -> render("server:\n  loggingLevel: VERBOSE\n"))
                .hasMessage("values.yaml:2: server.loggingLevel: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL; "
                        + "found 'VERBOSE'");
    }

    @Test
    void explainsTheApiUrlSettingTheUpstreamReadmeGetsWrong() {
        assertThatThrownBy(() -> render("server:\n  prefectApiUrl: http://prefect:4200/api\n"))
                .hasMessage("values.yaml:2: server.prefectApiUrl: is not a setting of this chart; the API URL the UI "
                        + "uses is server.uiConfig.prefectUiApiUrl");
    }

    @Test
    void rejectsRemovedGlobalKeys() {
        assertThatThrownBy(() -> render("global:\n  prefect:\n    prefectApiUrl: x\n    prefectApiHost: y\n"))
                .isInstanceOf(RenderException.class)
                .satisfies(e -> assertThat(((RenderException) e).messages()).containsExactly(
                        "values.yaml:3: global.prefect.prefectApiUrl: has been removed; use server.uiConfig.prefectUiApiUrl instead",
                        "values.yaml:4: global.prefect.prefectApiHost: has been removed; use server.uiConfig.prefectUiApiUrl instead"));
        assertThatThrownBy(() -> render("server:\n  uiConfig:\n    prefectUiUrl: x\n"))
                .hasMessage("values.yaml:3: server.uiConfig.prefectUiUrl: has been removed; the UI URL is derived from "
                        + "server.uiConfig.prefectUiApiUrl");
    }

    @Test
    void requiresTheConnectionFieldsWithoutBundledPostgresql() {
        assertThatThrownBy(() -> render("postgresql:\n  enabled: false\nsecret:\n  username: prefect\n"))
                .isInstanceOf(RenderException.class)
                .satisfies(e -> assertThat(((RenderException) e).messages()).containsExactly(
                        "values.yaml:3: secret.password: is required", "values.yaml:3: secret.host: is required",
                        "values.yaml:3: secret.port: is required", "values.yaml:3: secret.database: is required"));
    }

    @Test
    void requiresAnExistingSecretForASecretKeyConnectionString() {
        assertThatThrownBy(() -> render("externalDatabase:\n  connectionStringSecretKey: url\n"))
                .hasMessage("values.yaml:1: externalDatabase.existingSecret: is required when using database secret keys");
    }

    @Test
    void rejectsAnUnknownChartVersion() {
        assertThatThrownBy(() -> render("2020.1.1", ""))
                .hasMessage("chart.version: prefect-server version '2020.1.1' is not known to this Driftless; "
                        + "known: [0.0.0, 2026.8.18172642]");
    }

    @Test
    void rejectsTemplateExpressionsItCannotEvaluate() {
        assertThatThrownBy(() -> render("server:\n  uiConfig:\n    prefectUiApiUrl: '{{ include \"x\" . }}'\n"))
                .hasMessageStartingWith("values.yaml:3: server.uiConfig.prefectUiApiUrl: unsupported template expression");
    }

    @Test
    void warnsWhenTheUiApiUrlPortDiffersFromTheServicePort() {
        assertThat(render("service:\n  port: 8080\n").warnings()).containsExactly(
                "server.uiConfig.prefectUiApiUrl uses port 4200 but service.port is 8080; a browser going through "
                        + "`kubectl port-forward` to the Service will not reach the API");
        assertThat(render("").warnings()).isEmpty();
    }
}
