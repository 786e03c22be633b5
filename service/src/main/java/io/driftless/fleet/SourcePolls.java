package io.driftless.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The fleet's Git fetches: each source on its interval (plus up to 10 % jitter) and at once when asked (a webhook,
 * a refresh, a forced sync), on the fetch pool, never two of one source at a time. A request made while a fetch
 * runs does not start one of its own: it joins the fetch that runs right after it (the one in flight may have read
 * the remote before the push that prompted the request), which every request made meanwhile shares, so a burst of
 * forced syncs, webhooks and refreshes during a slow fetch costs one more fetch, not one each. It counts the fetches
 * (metrics), keeps each source's last state for the API and the newest snapshot of each, which queued work of its
 * targets uses, and hands every poll's fetch (or its failure) on. Its state changes on the event loop only.
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
    private final Map<String, Long> timers = new ConcurrentHashMap<>();
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, FleetVerticle.SourceState> states = new ConcurrentHashMap<>();
    /** Orders requests and fetches: a fetch serves the requests made before it started. */
    private final AtomicLong ticks = new AtomicLong();
    /** The latest fetch of each source (under way or done), and when it started. */
    private final Map<String, Running> latest = new ConcurrentHashMap<>();
    /** The fetch of each source that runs once the one under way ends, for the requests made meanwhile. */
    private final Map<String, Promise<Snapshot>> queued = new ConcurrentHashMap<>();
    /** Polls asked for while one ran: when the first was (the poll that runs after the one running is for it). */
    private final Map<String, Long> repoll = new ConcurrentHashMap<>();

    private record Running(long startedAt, Future<Snapshot> fetch) {
    }

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
        poll(name, ticks.incrementAndGet());
    }

    /** @param askedAt when the poll was asked for: a fetch started after that serves it */
    private void poll(String name, long askedAt) {
        if (stopping.getAsBoolean() || !sources.containsKey(name)) {
            return; // shutting down, or the source left the fleet
        }
        if (!polling.add(name)) {
            repoll.putIfAbsent(name, askedAt);
            return;
        }
        Long timer = timers.remove(name);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        GitSource source = sources.get(name);
        fetch(name, askedAt)
                .compose(snapshot -> fetched.accept(name, snapshot, null),
                        failure -> fetched.accept(name, null, message(name, failure)))
                .onComplete(done -> {
                    polling.remove(name);
                    Long again = repoll.remove(name);
                    if (again != null) {
                        poll(name, again);
                    } else {
                        schedule(source);
                    }
                });
    }

    /**
     * A fetch of the source that started after {@code askedAt}: the latest one when it did (under way or done), else
     * the one queued behind the fetch in flight (shared by every request made meanwhile), else a new one.
     */
    private Future<Snapshot> fetch(String name, long askedAt) {
        Running now = latest.get(name);
        if (now != null && now.startedAt() > askedAt) {
            return now.fetch();
        }
        Promise<Snapshot> next = queued.get(name);
        if (next != null) {
            return next.future();
        }
        if (now == null || now.fetch().isComplete()) {
            return start(name);
        }
        Promise<Snapshot> later = Promise.promise();
        queued.put(name, later);
        return later.future();
    }

    /** Starts a fetch of the source on the fetch pool, records it (metrics, state, newest snapshot) when it ends. */
    private Future<Snapshot> start(String name) {
        GitSource source = sources.get(name);
        if (source == null) {
            return Future.failedFuture(new SourceException("source " + name + " is no longer in the fleet"));
        }
        Instant started = clock.instant();
        Future<Snapshot> fetch = workers.run(source::fetch).andThen(done -> {
            if (done.succeeded()) {
                Snapshot snapshot = done.result();
                metrics.fetchFinished(name, "success", Duration.between(started, clock.instant()));
                metrics.fetchedAt(name, clock.instant().getEpochSecond());
                metrics.sourceRevision(name, snapshot.shortCommit());
                states.put(name, new FleetVerticle.SourceState(snapshot.commit(), clock.instant(), null));
                remember(snapshot);
            } else {
                metrics.fetchFinished(name, "failure", Duration.between(started, clock.instant()));
                String message = message(name, done.cause());
                LOG.warn("source={} fetch failed, clusters left untouched: {}", name, message);
                states.compute(name, (k, was) -> new FleetVerticle.SourceState(was == null ? null
                        : was.revision(), was == null ? null : was.lastFetch(), message));
            }
        });
        latest.put(name, new Running(ticks.incrementAndGet(), fetch));
        fetch.onComplete(done -> {
            Promise<Snapshot> next = queued.remove(name);
            if (next != null) {
                start(name).onComplete(next);
            }
        });
        return fetch;
    }

    private static String message(String name, Throwable failure) {
        return failure instanceof SourceException ? failure.getMessage() : "source " + name + ": " + failure;
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
     * threads): its snapshot, remembered as the newest, or the failure. A fetch already under way is not repeated
     * for it: it joins the next one (see the class comment).
     */
    Future<Snapshot> fetchNow(String name) {
        return fetch(name, ticks.incrementAndGet());
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

    /** A source that left the fleet or was replaced: no timer, no snapshot, no fetch of the old one to join. */
    void forget(String name) {
        Long timer = timers.remove(name);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        snapshots.remove(name);
        latest.remove(name);
    }

    void stop() {
        timers.values().forEach(vertx::cancelTimer);
    }
}
