package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ManifestsTest {

    @Test
    void quotesStringsThatKubectlWouldReadAsNumbersOrBooleans() {
        Map<String, Object> probe = Tree.map("path", "/health");
        Map<String, Object> o = Tree.map("kind", "ConfigMap", "data", Tree.map(
                "a", "1e+06", "b", "yes", "c", "0755", "d", "1.5", "e", "null", "f", "plain text", "g", "0x1F",
                "h", "on", "i", "12:30"), "x", probe, "y", probe);
        String yaml = Manifests.toYaml(List.of(o));
        assertThat(yaml).contains("a: '1e+06'", "b: 'yes'", "c: '0755'", "d: '1.5'", "e: 'null'", "f: plain text",
                "g: '0x1F'", "h: 'on'", "i: '12:30'");
        assertThat(yaml).as("no anchors for shared subtrees").doesNotContain("&", "*id");
    }

    @Test
    void printsNumbersAsHelmTemplatesDo() {
        assertThat(ValueReader.scalar(5432)).isEqualTo("5432");
        assertThat(ValueReader.scalar(123456)).isEqualTo("123456");
        assertThat(ValueReader.scalar(1000000)).isEqualTo("1e+06");
        assertThat(ValueReader.scalar(1234567)).isEqualTo("1.234567e+06");
        assertThat(ValueReader.scalar(30.5)).isEqualTo("30.5");
        assertThat(ValueReader.scalar(0.00001)).isEqualTo("1e-05");
        assertThat(ValueReader.scalar(-2.0)).isEqualTo("-2");
        assertThat(ValueReader.scalar(true)).isEqualTo("true");
    }
}
