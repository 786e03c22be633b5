package io.driftless.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.driftless.config.ConfigException;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.render.ChartCatalogue;
import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;

/**
 * A fleet file worked on here, without a running service (validate, diff --fleet): the fleet, every chart
 * engine, and its sources fetched on demand (each once) into a cache folder, temporary unless one is given.
 * Closing it closes the sources and removes a temporary cache.
 */
final class LocalFleet implements AutoCloseable {

    final Fleet fleet;
    final ChartCatalogue charts;
    private final Path cache;
    private final boolean temporary;
    private final Map<String, String> env = System.getenv();
    private final Map<String, Snapshot> snapshots = new HashMap<>();
    private final List<GitSource> opened = new ArrayList<>();

    /**
     * @param cacheDir where to fetch, or null for a temporary folder
     * @throws ConfigException the fleet file is invalid (every problem, file:line)
     */
    LocalFleet(Path fleetFile, Path cacheDir) throws IOException {
        this.temporary = cacheDir == null;
        this.cache = temporary ? Files.createTempDirectory("driftless-") : cacheDir;
        Fleet[] loaded = new Fleet[1];
        this.charts = io.driftless.source.ChartRepositories.catalogue(cache.resolve("charts"), env,
                io.driftless.render.helm.HelmSandbox.shared(), () -> loaded[0].upstreamCharts());
        try {
            if (FleetLoader.fleetSource(fleetFile).isPresent()) {
                throw new CliException(fleetFile + " points to a fleet in Git (fleetSource): use that file, in a "
                        + "clone of its repository", 2);
            }
            loaded[0] = FleetLoader.load(fleetFile);
            this.fleet = charts.requireKnownCharts(loaded[0]);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The source fetched (at {@code ref}, or its own ref when null), once per source.
     *
     * @throws io.driftless.source.SourceException it cannot be fetched
     */
    Snapshot snapshot(String source, String ref) {
        Snapshot known = snapshots.get(source);
        if (known != null) {
            return known;
        }
        GitSource git = new GitSource(fleet.sources().stream().filter(s -> s.name().equals(source)).findFirst()
                .orElseThrow(), cache.resolve("git"), env);
        opened.add(git);
        Snapshot fetched = ref == null ? git.fetch() : git.fetch(ref);
        snapshots.put(source, fetched);
        return fetched;
    }

    @Override
    public void close() {
        opened.forEach(GitSource::close);
        if (temporary) {
            try (Stream<Path> files = Files.walk(cache)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + cache, e);
            }
        }
    }
}
