package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.Target;

class FleetChangeTest {

    private static Fleet fleet(String clusters, String releases, String extra) {
        return FleetLoader.parse("fleet.yaml", ("""
                sources: [{name: values, url: https://git.example.com/v.git}]
                clusters: [%s]
                releases:
                %s
                %s""".formatted(clusters, releases, extra)).getBytes(StandardCharsets.UTF_8), Path.of("/fleets"));
    }

    private static final String PREFECT = "  - {name: prefect, namespace: prefect, chart: {name: prefect-server, "
            + "version: 1}, source: values, values: [v.yaml]}";

    @Test
    void namesWhatWasAddedRemovedAndChangedAndNothingElse() {
        Fleet before = fleet("{name: dev, embedded: true}, {name: prod, embedded: true, labels: {env: prod}}",
                PREFECT, "");
        Fleet after = fleet("{name: dev, embedded: true}, {name: prod, embedded: true, labels: {env: production}}, "
                + "{name: lab, embedded: true}", PREFECT.replace("v.yaml", "w.yaml"), "");
        FleetChange change = FleetChange.between(before, after);
        assertThat(change.addedClusters()).containsExactly("lab");
        assertThat(change.changedClusters()).containsExactly("prod");
        assertThat(change.removedClusters()).isEmpty();
        assertThat(change.addedTargets()).extracting(Target::id).containsExactly("lab/prefect");
        assertThat(change.changedTargets()).extracting(Target::id).containsExactly("dev/prefect", "prod/prefect");
        assertThat(change.summary()).isEqualTo("clusters added: lab; clusters changed: prod; targets added: "
                + "lab/prefect; targets changed: dev/prefect, prod/prefect");

        FleetChange back = FleetChange.between(after, before);
        assertThat(back.removedClusters()).containsExactly("lab");
        assertThat(back.removedTargets()).extracting(Target::id).containsExactly("lab/prefect");
    }

    @Test
    void theSameFleetWrittenElsewhereInTheFileIsNoChange() {
        Fleet before = fleet("{name: dev, embedded: true}", PREFECT, "");
        Fleet moved = fleet("\n\n{name: dev, embedded: true}", "\n" + PREFECT, "# moved\n");
        assertThat(FleetChange.between(before, moved).isEmpty()).isTrue();
        assertThat(FleetChange.between(before, moved).summary()).isEqualTo("no change");
    }

    @Test
    void settingsReadOnceAtStartAreReportedNotApplied() {
        Fleet before = fleet("{name: dev, embedded: true}", PREFECT, "");
        Fleet after = fleet("{name: dev, embedded: true}", PREFECT, "highAvailability: {cluster: dev}\n");
        FleetChange change = FleetChange.between(before, after);
        assertThat(change.needRestart()).singleElement().asString().startsWith("highAvailability changed");
        assertThat(change.addedTargets()).isEmpty();
        assertThat(change.changedTargets()).isEmpty();
    }
}
