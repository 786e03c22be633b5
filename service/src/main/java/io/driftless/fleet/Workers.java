package io.driftless.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.driftless.config.Fleet;
import io.driftless.config.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * The threads blocking work runs on: one pool for Git fetches and one per cluster, so a slow or dead cluster
 * can only hold its own. Work is remembered until it ends, so a shutdown can wait for it.
 */
final class Workers {

    private final WorkerExecutor fetches;
    private final Map<String, WorkerExecutor> byCluster = new ConcurrentHashMap<>();
    private final Set<Future<?>> inFlight = ConcurrentHashMap.newKeySet();

    private final Vertx vertx;
    private final int parallelism;

    Workers(Vertx vertx, Fleet fleet, int parallelism) {
        this.vertx = vertx;
        this.parallelism = parallelism;
        fetches = vertx.createSharedWorkerExecutor("driftless-fetch", parallelism);
        fleet.clusters().forEach(c -> add(c.name()));
    }

    /** A pool for a cluster that joined the fleet. */
    void add(String cluster) {
        byCluster.computeIfAbsent(cluster, c -> vertx.createSharedWorkerExecutor("driftless-sync-" + c, parallelism));
    }

    /** Closes the pool of a cluster that left the fleet (work in progress on it ends first). */
    void remove(String cluster) {
        WorkerExecutor pool = byCluster.remove(cluster);
        if (pool != null) {
            pool.close();
        }
    }

    /** Fetch work (and anything that is no cluster's). */
    <T> Future<T> run(Callable<T> work) {
        return run(fetches, work);
    }

    /** Work on the target's cluster, on that cluster's pool. */
    <T> Future<T> run(Target target, Callable<T> work) {
        WorkerExecutor pool = byCluster.get(target.cluster().name());
        return pool == null ? Future.failedFuture("cluster " + target.cluster().name() + " left the fleet")
                : run(pool, work);
    }

    private <T> Future<T> run(WorkerExecutor pool, Callable<T> work) {
        Future<T> f = pool.executeBlocking(work, false);
        inFlight.add(f);
        f.onComplete(done -> inFlight.remove(f));
        return f;
    }

    /** Waits (at most {@code grace}) for the work in progress, then closes the pools. */
    Future<?> drainAndClose(Duration grace) {
        Future<?> drained = Future.join(List.copyOf(inFlight)).timeout(grace.toMillis(), TimeUnit.MILLISECONDS)
                .otherwiseEmpty();
        return drained.eventually(() -> {
            List<Future<?>> closing = new ArrayList<>();
            byCluster.values().forEach(w -> closing.add(w.close()));
            closing.add(fetches.close());
            return Future.join(closing);
        });
    }
}
