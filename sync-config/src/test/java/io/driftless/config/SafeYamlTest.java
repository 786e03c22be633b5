package io.driftless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SafeYamlTest {

    @Test
    void remembersTheLineOfEveryKey() {
        SafeYaml.Document doc = SafeYaml.parse("v.yaml", "a:\n  b:\n    - x: 1\n      y: 2\nc: 3\n");
        assertThat(doc.lineOf("a.b[0].y")).isEqualTo(4);
        assertThat(doc.lineOf("c")).isEqualTo(5);
        assertThat(doc.lineOf("a.b[0].missing")).as("falls back to the parent").isEqualTo(3);
    }

    @Test
    void reportsSyntaxErrorsWithFileAndLine() {
        assertThatThrownBy(() -> SafeYaml.parse("values.yaml", "server:\n  replicaCount: [3\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("values.yaml:3: invalid YAML");
    }

    @Test
    void refusesAliasBombs() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append(", *").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append("]\n");
        }
        assertThatThrownBy(() -> SafeYaml.parse("bomb.yaml", bomb.toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("aliases");
    }

    @Test
    void refusesOversizedFiles() {
        assertThatThrownBy(() -> SafeYaml.parse("big.yaml", new byte[SafeYaml.MAX_BYTES + 1]))
                .hasMessageContaining("big.yaml: file is " + (SafeYaml.MAX_BYTES + 1) + " bytes");
    }

    @Test
    void neverConstructsArbitraryTypes() {
        assertThatThrownBy(() -> SafeYaml.parse("evil.yaml", "x: !!javax.script.ScriptEngineManager []\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("evil.yaml:1");
    }

    @Test
    void keepsDatesAsStringsLikeHelm() {
        assertThat(SafeYaml.parse("v.yaml", "tag: 2024-01-02\n").asMap()).isEqualTo(Map.of("tag", "2024-01-02"));
    }

    @Test
    void requiresAMappingAtTheTop() {
        assertThatThrownBy(() -> SafeYaml.parse("v.yaml", "- a\n- b\n").asMap())
                .hasMessage("v.yaml:1: expected a mapping at the top level, found a list");
    }

    @Test
    void refusesAFewAliasesThatExpandToMillionsOfNodes() {
        // 406 bytes, 48 aliases (under the alias limit), 43 million nodes once expanded
        StringBuilder bomb = new StringBuilder("l0: &l0 [x,x,x]\n");
        for (int i = 1; i <= 16; i++) {
            bomb.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(",*l")
                    .append(i - 1).append(",*l").append(i - 1).append("]\n");
        }
        assertThatThrownBy(() -> SafeYaml.parse("values.yaml", bomb.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("values.yaml:")
                .hasMessageContaining("expands to more than " + SafeYaml.MAX_NODES + " nodes");
    }

    @Test
    void acceptsALargeDocumentWithoutAliasesUnderTheNodeBudget() {
        StringBuilder big = new StringBuilder("items:\n");
        for (int i = 0; i < 50_000; i++) {
            big.append("  - ").append(i).append('\n');
        }
        assertThat(SafeYaml.parse("v.yaml", big.toString()).asMap().get("items")).asList().hasSize(50_000);
    }

    @Test
    void tooManyAliasesAreReportedAtTheLineOfTheAliasOverTheLimit() {
        StringBuilder doc = new StringBuilder("base: &base [x]\n"); // line 1
        for (int i = 1; i <= 60; i++) {
            doc.append("k").append(i).append(": *base\n"); // alias i on line i + 1
        }
        assertThatThrownBy(() -> SafeYaml.parse("values.yaml", doc.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("values.yaml:52: ")
                .hasMessageContaining("Number of aliases for non-scalar nodes exceeds the specified max=50");
    }

    @Test
    void nestingDeeperThanTheLimitIsReportedAtTheLineWhereItGoesTooDeep() {
        StringBuilder block = new StringBuilder("top:\n"); // the mapping that starts on line N is N deep
        for (int i = 1; i < 100; i++) {
            block.append(" ".repeat(i)).append("level").append(i).append(":\n");
        }
        block.append(" ".repeat(100)).append("bottom: true\n");
        assertThatThrownBy(() -> SafeYaml.parse("values.yaml", block.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("values.yaml:65: invalid YAML: Nesting Depth exceeded max 64");
        String flow = "# deep\nlabels: {deep: " + "[".repeat(10_000) + "]".repeat(10_000) + "}\n";
        assertThatThrownBy(() -> SafeYaml.parse("values.yaml", flow))
                .hasMessage("values.yaml:2: invalid YAML: Nesting Depth exceeded max 64");
        assertThatThrownBy(() -> SafeYaml.parseAll("manifests.yaml", "a: 1\n---\n" + block, SafeYaml.MAX_BYTES))
                .hasMessage("manifests.yaml:67: invalid YAML: Nesting Depth exceeded max 64");
    }

    @Test
    void remembersTheTextOfNumbersThatYamlReadsOtherwiseThanWritten() {
        SafeYaml.Document doc = SafeYaml.parse("fleet.yaml", """
                octal: 0777
                hex: 0x1F
                sexagesimal: 1:30
                plus: +5
                underscored: 1_000
                plain: 8080
                negative: -3
                quoted: "0777"
                list: [0o17, 12, 017]
                """);
        assertThat(doc.asMap()).containsEntry("octal", 511).containsEntry("hex", 31).containsEntry("sexagesimal", 90)
                .containsEntry("quoted", "0777");
        assertThat(doc.writtenAs("octal")).contains("0777");
        assertThat(doc.writtenAs("hex")).contains("0x1F");
        assertThat(doc.writtenAs("sexagesimal")).contains("1:30");
        assertThat(doc.writtenAs("plus")).contains("+5");
        assertThat(doc.writtenAs("underscored")).contains("1_000");
        assertThat(doc.writtenAs("list[2]")).contains("017");
        assertThat(doc.writtenAs("plain")).as("a decimal reads as written").isEmpty();
        assertThat(doc.writtenAs("negative")).isEmpty();
        assertThat(doc.writtenAs("quoted")).isEmpty();
        assertThat(doc.writtenAs("list[1]")).isEmpty();
    }
}
