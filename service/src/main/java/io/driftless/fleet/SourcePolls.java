package io.driftless.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The fleet's Git fetches: each source on its interval (plus up to 10 % jitter) and at once when asked (a webhook,
 * a refresh), never two of one source at a time (one asked meanwhile runs after, since it may have read the remote
 * before the push), on the fetch pool. It counts them (metrics), keeps each source's last state for the API and
 * the newest snapshot of each, which queued work of its targets uses, and hands every fetch (or its failure) on.
 * Its state changes on the event loop only.
 */
final class SourcePolls {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePolls.class);

    /** What is done with a fetch: its snapshot, or the error of one that failed. */
    @FunctionalInterface
    interface Fetched {
        Future<Void> accept(String source, Snapshot snapshot, String error);
    }

    private final Vertx vertx;
    private final Map<String, GitSource> sources;
    private final Workers workers;
    private final Metrics metrics;
    private final Clock clock;
    private final BooleanSupplier stopping;
    private final Fetched fetched;
    private final Set<String> polling = ConcurrentHashMap.newKeySet();
    private final Set<String> repoll = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> timers = new ConcurrentHashMap<>();
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, FleetVerticle.SourceState> states = new ConcurrentHashMap<>();

    /** @param sources the fleet's sources by name (the fleet's reloads add and remove them) */
    SourcePolls(Vertx vertx, Map<String, GitSource> sources, Workers workers, Metrics metrics, Clock clock,
                BooleanSupplier stopping, Fetched fetched) {
        this.vertx = vertx;
        this.sources = sources;
        this.workers = workers;
        this.metrics = metrics;
        this.clock = clock;
        this.stopping = stopping;
        this.fetched = fetched;
    }

    /** Fetches a source now (or after the fetch running), then on its interval again. */
    void poll(String name) {
        if (stopping.getAsBoolean() || !sources.containsKey(name)) {
            return; // shutting down, or the source left the fleet
        }
        if (!polling.add(name)) {
            repoll.add(name);
            return;
        }
        Long timer = timers.remove(name);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        GitSource source = sources.get(name);
        Instant started = clock.instant();
        workers.run(source::fetch)
                .compose(snapshot -> {
                    metrics.fetchFinished(name, "success", Duration.between(started, clock.instant()));
                    metrics.fetchedAt(name, clock.instant().getEpochSecond());
                    metrics.sourceRevision(name, snapshot.shortCommit());
                    states.put(name, new FleetVerticle.SourceState(snapshot.commit(), clock.instant(), null));
                    remember(snapshot);
                    return fetched.accept(name, snapshot, null);
                }, failure -> {
                    metrics.fetchFinished(name, "failure", Duration.between(started, clock.instant()));
                    String message = failure instanceof SourceException ? failure.getMessage()
                            : "source " + name + ": " + failure;
                    LOG.warn("source={} fetch failed, clusters left untouched: {}", name, message);
                    states.compute(name, (k, was) -> new FleetVerticle.SourceState(was == null ? null
                            : was.revision(), was == null ? null : was.lastFetch(), message));
                    return fetched.accept(name, null, message);
                })
                .onComplete(done -> {
                    polling.remove(name);
                    if (repoll.remove(name)) {
                        poll(name);
                    } else {
                        schedule(source);
                    }
                });
    }

    private void schedule(GitSource source) {
        if (sources.get(source.spec().name()) != source) {
            return; // the source left the fleet, or was replaced, while it was fetched
        }
        long interval = source.spec().pollInterval().toMillis();
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, interval / 10));
        timers.put(source.spec().name(), vertx.setTimer(interval + jitter, id -> poll(source.spec().name())));
    }

    /**
     * A fetch for one target's forced sync, on the fetch pool (so a slow Git server never holds a cluster's sync
     * threads): its snapshot, remembered as the newest, or the failure.
     */
    Future<Snapshot> fetchNow(String name) {
        GitSource source = sources.get(name);
        return workers.run(source::fetch).onSuccess(this::remember);
    }

    /** Keeps a source's newest fetch (by fetch order): what queued syncs of its targets use once they run. */
    private void remember(Snapshot snapshot) {
        snapshots.merge(snapshot.source(), snapshot, Snapshot::later);
    }

    /** The newest fetch of the snapshot's source: the snapshot itself unless a later fetch was remembered. */
    Snapshot newest(Snapshot snapshot) {
        return Snapshot.later(snapshot, snapshots.get(snapshot.source()));
    }

    /** A source's newest fetch, or null before its first. */
    Snapshot latest(String name) {
        return snapshots.get(name);
    }

    /** The last fetch of each source, by name. */
    Map<String, FleetVerticle.SourceState> states() {
        return Map.copyOf(states);
    }

    /** A source that left the fleet or was replaced: no timer, no snapshot. */
    void forget(String name) {
        Long timer = timers.remove(name);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        snapshots.remove(name);
    }

    void stop() {
        timers.values().forEach(vertx::cancelTimer);
    }
}
