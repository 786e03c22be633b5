package io.driftless.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout tells the architecture: read from the main sources' imports (and fully qualified names), the packages
 * form no circle, the pipeline's stages never reach back into the glue that schedules them, the pure stages do no
 * I/O, and no file grows past what one reader keeps in mind.
 */
class PackageStructureTest {

    private static final Path ROOT = Path.of("src/main/java/io/driftless");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.driftless\\.([a-z]+)\\.");
    /** Stages of the pipeline and their adapters: scheduled by the glue, never calling it. */
    private static final Set<String> STAGES = Set.of("source", "decrypt", "render", "diff", "plan", "apply", "cluster", "health",
            "reconcile", "rollout", "status", "model", "notify", "telemetry");
    private static final Set<String> GLUE = Set.of("fleet", "app", "api", "cli", "demo");
    /** Data in, data out: no network, no files, no Kubernetes client, no event loop. */
    private static final Set<String> PURE = Set.of("decrypt", "diff", "plan", "apply", "health", "rollout", "model", "telemetry");
    private static final Pattern IO = Pattern.compile("^import (io\\.fabric8\\.kubernetes\\.client\\.(?!utils\\.)"
            + "|io\\.vertx\\.|org\\.eclipse\\.jgit\\.|java\\.net\\.|java\\.nio\\.file\\.|java\\.io\\.File)",
            Pattern.MULTILINE);
    private static final int MAX_LINES = 400;

    private static final Map<String, Set<String>> USES = new TreeMap<>();
    private static final Map<Path, String> SOURCES = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                SOURCES.put(file, text);
                String pkg = ROOT.relativize(file).getName(0).toString();
                Set<String> uses = USES.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(text.replaceAll("(?m)^\\s*(\\*|//).*$", ""));
                while (m.find()) {
                    if (!m.group(1).equals(pkg) && !m.group(1).equals("config")) {
                        uses.add(m.group(1));
                    }
                }
            }
        }
        assertThat(USES).as("packages read").containsKeys("fleet", "reconcile", "cluster");
    }

    @Test
    void thePackagesFormNoCircle() {
        List<List<String>> circles = new ArrayList<>();
        for (String start : USES.keySet()) {
            List<String> path = circle(start, start, new ArrayList<>(List.of(start)), new TreeSet<>());
            if (path != null) {
                circles.add(path);
            }
        }
        assertThat(circles).as("package circles (each a path back to its start)").isEmpty();
    }

    private static List<String> circle(String start, String at, List<String> path, Set<String> seen) {
        for (String next : USES.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> found = new ArrayList<>(path);
                found.add(start);
                return found;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = circle(start, next, path, seen);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    @Test
    void noStageReachesBackIntoTheGlueThatSchedulesIt() {
        Map<String, Set<String>> backArrows = new TreeMap<>();
        USES.forEach((pkg, uses) -> {
            if (STAGES.contains(pkg)) {
                Set<String> back = new TreeSet<>(uses);
                back.retainAll(GLUE);
                if (!back.isEmpty()) {
                    backArrows.put(pkg, back);
                }
            }
        });
        assertThat(backArrows).isEmpty();
        assertThat(USES.keySet()).as("every package is a stage or glue").allMatch(p -> STAGES.contains(p)
                || GLUE.contains(p));
    }

    @Test
    void thePureStagesDoNoIo() {
        Map<Path, String> io = new TreeMap<>();
        SOURCES.forEach((file, text) -> {
            String pkg = ROOT.relativize(file).getName(0).toString();
            Matcher m = IO.matcher(text);
            if (PURE.contains(pkg) && m.find()) {
                io.put(file, m.group());
            }
        });
        assertThat(io).isEmpty();
    }

    @Test
    void noFileIsLongerThanOneReaderKeepsInMind() {
        Map<Path, Long> long_ = new TreeMap<>();
        SOURCES.forEach((file, text) -> {
            long lines = text.lines().count();
            if (lines > MAX_LINES) {
                long_.put(file, lines);
            }
        });
        assertThat(long_).as("main files over " + MAX_LINES + " lines").isEmpty();
    }
}
