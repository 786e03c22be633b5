package io.driftless.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.cluster.ClusterConnections;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * Asks every cluster that has not answered for a probe interval for its version, so reachability (status and
 * metric) stays current for clusters nothing else talks to, and retries unreachable ones once their backoff
 * ends. A cluster that answers again is reported by {@link ClusterConnections#onReturn}. Busy clusters are not
 * probed.
 */
final class ClusterProbes {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterProbes.class);
    static final Duration INTERVAL = Duration.ofSeconds(15);

    private final ClusterConnections clusters;
    private final Clock clock;
    private final WorkerExecutor probes;
    private final BooleanSupplier stopping;

    ClusterProbes(Vertx vertx, ClusterConnections clusters, Clock clock, BooleanSupplier stopping) {
        this.clusters = clusters;
        this.clock = clock;
        this.stopping = stopping;
        this.probes = vertx.createSharedWorkerExecutor("driftless-probe", 2);
        vertx.setPeriodic(INTERVAL.toMillis(), id -> probe());
    }

    private void probe() {
        if (stopping.getAsBoolean()) {
            return;
        }
        Instant now = clock.instant();
        Instant due = now.minus(INTERVAL);
        for (ClusterConnections.Reachability r : clusters.reachability()) {
            boolean idle = r.reachable() && (r.lastContact() == null || r.lastContact().isBefore(due))
                    && !clusters.watches().watching(r.cluster());
            boolean retry = !r.reachable() && !r.backingOff(now);
            if (idle || retry) {
                probes.executeBlocking(() -> {
                    try {
                        clusters.client(r.cluster()).getKubernetesVersion();
                    } catch (RuntimeException e) {
                        LOG.debug("cluster={} probe failed: {}", r.cluster(), e.toString());
                    }
                    return null;
                }, false);
            }
        }
    }

    void close() {
        probes.close();
    }
}
