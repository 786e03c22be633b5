package io.driftless.app;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.slf4j.LoggerFactory;

import io.driftless.cluster.ClusterConnections;
import io.driftless.cluster.ShardLeases;
import io.driftless.cluster.SharedLedger;
import io.driftless.cluster.SharedStatuses;
import io.driftless.cluster.SharedSuspensions;
import io.driftless.config.Fleet;
import io.driftless.fleet.FleetVerticle;
import io.driftless.fleet.Shards;
import io.driftless.status.Ledger;
import io.driftless.status.StatusBoard;
import io.driftless.status.Suspensions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What the service keeps beyond its memory: operators' suspensions and decisions in the state folder for one
 * replica; under high availability in ConfigMaps of the Leases' cluster (what the files held is carried over), with
 * the statuses of the targets each replica holds, so every replica follows a target's shard and shows the whole
 * fleet. Closes what it opened.
 */
final class Sharing implements AutoCloseable {

    private final Fleet fleet;
    private final ClusterConnections clusters;
    private final java.nio.file.Path stateDir;
    private final List<AutoCloseable> opened = new ArrayList<>();

    Sharing(Fleet fleet, ClusterConnections clusters, java.nio.file.Path stateDir) {
        this.fleet = fleet;
        this.clusters = clusters;
        this.stateDir = stateDir;
    }

    private boolean shared() {
        return fleet.highAvailability().enabled();
    }

    /** Which targets operators suspended. */
    Suspensions suspensions() {
        Suspensions inFile = Suspensions.inFile(stateDir);
        if (!shared()) {
            return inFile;
        }
        var open = SharedSuspensions.open(fleet.highAvailability(), clusters, inFile.all());
        opened.add(open.store());
        return open.suspensions();
    }

    /**
     * What operators decided, by key: in {@code <stateDir>/NAME.json} for one replica, in ConfigMap
     * {@code driftless-NAME} of the Leases' cluster under high availability.
     */
    Ledger ledger(String name) {
        Ledger inFile = Ledger.inFile(stateDir.resolve(name + ".json"));
        if (!shared()) {
            return inFile;
        }
        var open = SharedLedger.open(fleet.highAvailability(), clusters, "driftless-" + name, inFile.all());
        opened.add(open.store());
        return open.ledger();
    }

    /**
     * Under high availability, every replica shows every target: the statuses of the targets this replica holds go
     * to the other replicas through the cluster (see {@link SharedStatuses}), and theirs come here, each followed
     * by the event the web UI refreshes on. Nothing without high availability.
     */
    void statuses(ShardLeases leases, StatusBoard board, Vertx vertx) {
        if (!shared()) {
            return;
        }
        Predicate<String> held = id -> leases.holds(Shards.of(id, leases.shards()));
        // this replica's own statuses stay its own
        SharedStatuses statuses = new SharedStatuses(fleet.highAvailability(), clusters, held, status -> {
            if (!held.test(status.id())) {
                board.adopt(status);
                vertx.eventBus().publish(FleetVerticle.SYNCED, new JsonObject()
                        .put("changed", true).put("cluster", status.cluster()).put("release", status.release())
                        .put(FleetVerticle.FROM_PEER, true));
            }
        });
        opened.add(statuses);
        board.listen(status -> {
            if (held.test(status.id())) {
                statuses.publish(status);
            }
        }, statuses::remove);
    }

    @Override
    public void close() {
        for (AutoCloseable part : opened) {
            try {
                part.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(Sharing.class).warn("shutdown: {} did not close: {}",
                        part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
