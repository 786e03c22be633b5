package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TemplateTest {

    private final Template template = new Template(
            new Template.Scope("prefect", "data", "prefect-server", "2026.8.18172642", "3.8.3"),
            Map.of("server", Map.of("apiBasePath", "/api", "port", 4200), "list", List.of(1)));

    @Test
    void evaluatesReleaseChartAndValuesExpressions() {
        assertThat(template.render("{{ .Values.server.apiBasePath }}/health")).isEqualTo("/api/health");
        assertThat(template.render("http://{{ .Release.Name }}.{{ .Release.Namespace }}:{{.Values.server.port}}"))
                .isEqualTo("http://prefect.data:4200");
        assertThat(template.render("{{ .Chart.Name }}-{{ .Chart.Version }} v{{ .Chart.AppVersion }}"))
                .isEqualTo("prefect-server-2026.8.18172642 v3.8.3");
        assertThat(template.render("a  {{- .Release.Name -}}  b")).isEqualTo("aprefectb");
        assertThat(template.render("{{ .Values.missing.key }}")).isEmpty();
    }

    @Test
    void aValueThatLooksLikeATemplateIsInsertedAsTextNotEvaluatedAgain() {
        Template tpl = new Template(new Template.Scope("prefect", "data", "prefect-server", "1", "3"),
                Map.of("greeting", "{{ .Release.Name }}"));
        assertThat(tpl.render("hello {{ .Values.greeting }}")).as("Helm's tpl evaluates once")
                .isEqualTo("hello {{ .Release.Name }}");
    }

    @Test
    void rendersEveryStringOfATree() {
        assertThat(template.renderTree(Map.of("{{ .Release.Name }}-key", List.of("{{ .Release.Namespace }}", 3))))
                .isEqualTo(Map.of("prefect-key", List.of("data", 3)));
    }

    @Test
    void rejectsWhatItCannotEvaluateInsteadOfGuessing() {
        assertThatThrownBy(() -> template.render("{{ include \"x\" . }}"))
                .hasMessageContaining("unsupported template expression '{{ include \"x\" . }}'");
        assertThatThrownBy(() -> template.render("{{ .Values.server }}")).hasMessageContaining("names a mapping or list");
    }
}
