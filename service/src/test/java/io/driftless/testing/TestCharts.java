package io.driftless.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The charts and manifest folders the project wrote for its tests, under src/test/resources/charts. */
public final class TestCharts {

    public static final Path DIR = Stream.of(Path.of("src/test/resources/charts"),
            Path.of("service/src/test/resources/charts")).filter(Files::isDirectory).findFirst().orElseThrow();

    private TestCharts() {
    }

    /** A folder's files by their path inside it, as a snapshot answers them. */
    public static SortedMap<String, byte[]> folder(String name) {
        Path dir = DIR.resolve(name);
        SortedMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** A manifest of one ConfigMap whose {@code data.version} is {@code version}. */
    public static String configMap(String name, String version) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\ndata: {version: \"" + version + "\"}\n";
    }

    /** A one-replica Deployment {@code web} whose pod template carries these annotations (a YAML flow mapping). */
    public static String webDeployment(String podAnnotations) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}, annotations: %s}
                    spec: {containers: [{name: web, image: "nginx:1.27"}]}
                """.formatted(podAnnotations);
    }
}
