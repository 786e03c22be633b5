package io.driftless.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.ConfigException;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.FleetSource;
import io.driftless.config.Problem;
import io.driftless.fleet.FleetChange;
import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.telemetry.Metrics;

/**
 * Keeps the running fleet equal to its file, or to the fleet file in Git its {@code fleetSource} names: checks
 * on an interval and when asked (SIGHUP), and applies a fleet that changed. A fleet that fails validation (or
 * cannot be read) changes nothing: the running fleet stays, and every problem is reported with its file and line
 * ({@code GET /api/v1/fleet}, the {@code driftless_fleet_reload_failing} gauge, the log).
 */
final class FleetReloads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetReloads.class);
    /** What checks a fleet's chart references when it is loaded. */
    private static final io.driftless.render.ChartCatalogue CHARTS = io.driftless.render.ChartCatalogue.standard();

    /** Where the fleet is read from. */
    interface Origin extends AutoCloseable {
        /** For people: the file, or the repository and path. */
        String describe();

        /** How often to look for a change. */
        Duration interval();

        /** The current content's revision (a hash, a commit) and the bytes; throws what reading throws. */
        Read read();

        /** Parses what {@link #read} answered; a {@link ConfigException} names the file and line. */
        Fleet parse(Read read);

        @Override
        default void close() {
        }
    }

    record Read(String revision, String fileName, byte[] content) {
    }

    /** The fleet file on disk (a ConfigMap's mount, say): its content's hash is its revision. */
    static Origin file(Path file, Duration interval) {
        return new Origin() {
            @Override
            public String describe() {
                return file.toString();
            }

            @Override
            public Duration interval() {
                return interval;
            }

            @Override
            public Read read() {
                try {
                    byte[] content = Files.readAllBytes(file);
                    return new Read(io.driftless.model.Sha256.hex(content), file.toString(), content);
                } catch (IOException e) {
                    throw new ConfigException(new Problem(file.toString(), 0, "", "cannot read: " + e.getMessage()));
                }
            }

            @Override
            public Fleet parse(Read read) {
                return CHARTS.requireKnownCharts(FleetLoader.parse(read.fileName(), read.content(),
                        file.toAbsolutePath().getParent()));
            }
        };
    }

    /**
     * The fleet file in Git: fetched on the source's poll interval, its commit is its revision. Local paths in it
     * (kubeconfig files) resolve against the folder of the file that points to it; what it may name on the host is
     * what {@code trust} allows.
     */
    static Origin git(FleetSource pointer, Path pointerFile, Path cacheRoot, Map<String, String> env,
                      io.driftless.config.FleetTrust trust) {
        GitSource source = new GitSource(pointer.source(), cacheRoot, env);
        return new Origin() {
            @Override
            public String describe() {
                return source.redactedUrl() + "//" + pointer.path() + " (" + pointer.source().ref() + ")";
            }

            @Override
            public Duration interval() {
                return pointer.source().pollInterval();
            }

            @Override
            public Read read() {
                Snapshot snapshot = source.fetch();
                String name = pointer.path() + "@" + snapshot.shortCommit();
                byte[] content = snapshot.read(pointer.path()).orElseThrow(() -> new ConfigException(new Problem(
                        name, 0, "", "no such file at commit " + snapshot.shortCommit() + " of " + describe())));
                return new Read(snapshot.commit(), name, content);
            }

            @Override
            public Fleet parse(Read read) {
                return CHARTS.requireKnownCharts(FleetLoader.parse(read.fileName(), read.content(),
                        pointerFile.toAbsolutePath().getParent(), trust));
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }

    /**
     * The last reload: {@code result} applied, unchanged or failed; {@code problems} file:line messages of a
     * failed one; {@code change} what an applied one changed; {@code removed} what became of removed targets;
     * {@code needRestart} what only a restart changes.
     */
    record Attempt(String at, String result, String revision, List<String> problems, String change,
                   List<String> removed, List<String> needRestart) {
    }

    private final Origin origin;
    private final DriftlessService service;
    private final Metrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "driftless-fleet-reload");
        t.setDaemon(true);
        return t;
    });
    private volatile String revision;
    private volatile Instant loadedAt;
    private volatile Attempt last;
    /** What {@link #status} shows, taken together when a reload is recorded (no new fleet beside an old result). */
    private volatile Map<String, Object> shown;

    /** @param revision the revision of the fleet the service started with */
    FleetReloads(Origin origin, String revision, DriftlessService service, Clock clock) {
        this.origin = origin;
        this.revision = revision;
        this.service = service;
        this.metrics = service.metrics();
        this.clock = clock;
        this.loadedAt = clock.instant();
        publish();
        service.reportFleet(this::status);
    }

    /** Checks on the origin's interval from now on. */
    FleetReloads start() {
        long every = Math.max(1, origin.interval().toMillis());
        checks.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Checks now, in the background (SIGHUP). */
    void checkSoon() {
        checks.execute(this::check);
    }

    /**
     * Reads the origin and applies its fleet when it changed. Never throws, whatever goes wrong (a scheduled task
     * that throws is never run again, which would stop every later reload): an unexpected exception or error is a
     * failed reload with its reason, logged once with its stack trace.
     */
    void check() {
        Instant at = clock.instant();
        try {
            checkOnce(at);
        } catch (Throwable e) { // NOPMD: the reload loop must survive anything a fleet makes the loader throw
            unexpected(at, null, origin.describe(), e);
        }
    }

    private void checkOnce(Instant at) {
        Read read;
        try {
            read = origin.read();
        } catch (ConfigException e) {
            failed(at, null, e.problems().stream().map(Problem::toString).toList());
            return;
        } catch (RuntimeException e) { // the Git server, the disk
            failed(at, null, List.of(origin.describe() + ": " + e.getMessage()));
            return;
        }
        if (read.revision().equals(revision)) {
            if (last != null && "failed".equals(last.result())) { // back to the running fleet after a failed edit
                record(new Attempt(at.toString(), "unchanged", read.revision(), List.of(), "back to the running fleet",
                        List.of(), List.of()));
            }
            return;
        }
        if (last != null && "failed".equals(last.result()) && read.revision().equals(last.revision())) {
            return; // the same broken fleet: reported once
        }
        Fleet next;
        try {
            next = origin.parse(read);
        } catch (ConfigException e) {
            failed(at, read.revision(), e.problems().stream().map(Problem::toString).toList());
            return;
        } catch (Throwable e) { // NOPMD: a loader bug a fleet file can reach must not stop the reloads
            unexpected(at, read.revision(), read.fileName(), e);
            return;
        }
        try {
            DriftlessService.Reloaded done = service.reload(next);
            revision = read.revision();
            loadedAt = at;
            FleetChange change = done.change();
            record(new Attempt(at.toString(), change.isEmpty() ? "unchanged" : "applied", read.revision(), List.of(),
                    change.summary(), done.removed(), change.needRestart()));
            LOG.info("fleet reloaded from {} ({}): {}", read.fileName(), shortRevision(read.revision()),
                    change.summary());
            done.removed().forEach(line -> LOG.info("fleet reload: {}", line));
            change.needRestart().forEach(line -> LOG.warn("fleet reload: {}", line));
        } catch (RuntimeException e) { // a kubeconfig or key file of the new fleet that cannot be opened
            failed(at, read.revision(), List.of(read.fileName() + ": " + e.getMessage()));
        }
    }

    /** A failed reload whose cause nobody expected: its reason is the exception, its stack trace is logged once. */
    private void unexpected(Instant at, String badRevision, String where, Throwable e) {
        List<String> problems = List.of(where + ": unexpected error while reloading the fleet: " + e);
        boolean repeated = repeats(badRevision, problems);
        failed(at, badRevision, problems);
        if (!repeated) {
            LOG.error("fleet reload from {}: unexpected error; the running fleet stays and reloads go on",
                    origin.describe(), e);
        }
    }

    /** Whether the last reload failed with exactly these problems (then it is not logged again). */
    private boolean repeats(String badRevision, List<String> problems) {
        Attempt was = last;
        return was != null && "failed".equals(was.result()) && java.util.Objects.equals(was.revision(), badRevision)
                && was.problems().equals(problems);
    }

    private void failed(Instant at, String badRevision, List<String> problems) {
        boolean repeated = repeats(badRevision, problems);
        record(new Attempt(at.toString(), "failed", badRevision, problems, null, List.of(), List.of()));
        if (!repeated) { // the same failure on every check is logged once
            LOG.warn("fleet reload from {} failed; the running fleet stays:", origin.describe());
            problems.forEach(p -> LOG.warn("  {}", p));
        }
    }

    private void record(Attempt attempt) {
        last = attempt;
        metrics.fleetReload(attempt.result());
        publish();
    }

    private void publish() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("origin", origin.describe());
        out.put("revision", revision);
        out.put("loadedAt", loadedAt.toString());
        out.put("targets", service.fleet().targets().size());
        out.put("checkInterval", origin.interval().toString());
        out.put("lastReload", last);
        shown = java.util.Collections.unmodifiableMap(out);
    }

    /** {@code GET /api/v1/fleet}: where the fleet comes from, what runs, and how the last reload went. */
    Map<String, Object> status() {
        return shown;
    }

    private static String shortRevision(String revision) {
        return revision.length() > 12 ? revision.substring(0, 12) : revision;
    }

    @Override
    public void close() {
        checks.shutdownNow();
        origin.close();
    }
}
