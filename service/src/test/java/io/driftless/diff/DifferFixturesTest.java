package io.driftless.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.driftless.config.SafeYaml;
import io.driftless.plan.Planner;

/**
 * One folder per rule under {@code src/test/resources/diff/}: {@code desired.yaml}, {@code live.yaml} and
 * {@code expected.txt} (one drift per line; empty when in sync). Also proves that the JSON Patch built from
 * the drift makes the live object contain the desired one.
 */
class DifferFixturesTest {

    /** Redacted values in the fixtures are keyed hashes under this key. */
    static final byte[] FIXTURE_KEY = "driftless-fixture-redaction-key".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @org.junit.jupiter.api.BeforeEach
    void useTheFixtureKey() {
        Redaction.useKey(FIXTURE_KEY);
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        Path root = Path.of(DifferFixturesTest.class.getResource("/diff").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    private static Map<String, Object> load(String dir, String file) throws IOException {
        try (var in = DifferFixturesTest.class.getResourceAsStream("/diff/" + dir + "/" + file)) {
            return SafeYaml.parse(file, in.readAllBytes()).asMap();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsExactlyTheExpectedDrift(String dir) throws IOException {
        Map<String, Object> desired = load(dir, "desired.yaml");
        Map<String, Object> live = load(dir, "live.yaml");
        String expected;
        try (var in = DifferFixturesTest.class.getResourceAsStream("/diff/" + dir + "/expected.txt")) {
            expected = new String(in.readAllBytes()).strip();
        }
        ObjectDiff diff = Differ.diff(Planner.refOf(desired), desired, live);
        List<String> lines = diff.drifts().stream().map(FieldDrift::toString).toList();
        assertThat(String.join("\n", lines)).isEqualTo(expected);

        Map<String, Object> patched = JsonPatchApply.apply(live, Patches.patch(diff, desired, null));
        assertThat(Differ.diff(Planner.refOf(desired), desired, patched).drifts()).as("after the patch").isEmpty();
    }
}
