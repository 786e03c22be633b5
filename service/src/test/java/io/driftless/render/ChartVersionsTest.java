package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChartVersionsTest {

    private static final List<String> PUBLISHED = List.of("2026.8.18172642", "2026.7.9212806", "2026.8.7211611",
            "2026.7.31163938", "2026.10.1000000", "2026.8.13185342");

    @Test
    void versionsSortByTheirNumbersNotTheirText() {
        assertThat(PUBLISHED.stream().sorted(java.util.Comparator.comparing(ChartVersions::key)).toList())
                .containsExactly("2026.7.9212806", "2026.7.31163938", "2026.8.7211611", "2026.8.13185342",
                        "2026.8.18172642", "2026.10.1000000");
    }

    @Test
    void theNearestSurroundWhereTheMissingVersionWouldBe() {
        assertThat(ChartVersions.nearest("2026.8.1", PUBLISHED, 2)).containsExactly("2026.7.31163938",
                "2026.8.7211611");
        assertThat(ChartVersions.nearest("2020.1.1", PUBLISHED, 2)).containsExactly("2026.7.9212806",
                "2026.7.31163938");
        assertThat(ChartVersions.nearest("2027.1.1", PUBLISHED, 3)).containsExactly("2026.8.13185342",
                "2026.8.18172642", "2026.10.1000000");
        assertThat(ChartVersions.nearest("1.0.0", List.of("1.0.0"), 5)).containsExactly("1.0.0");
    }
}
