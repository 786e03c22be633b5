package io.driftless.fleet;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.driftless.cluster.ClusterConnections;
import io.driftless.config.ClusterSpec;
import io.driftless.config.Fleet;
import io.driftless.config.Target;
import io.driftless.reconcile.TargetSyncer;
import io.driftless.source.GitSource;
import io.driftless.status.StatusBoard;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Future;

/**
 * One reload of the fleet applied to the running service, on the fleet's event loop (connecting and closing
 * clusters and sources on workers): removed targets stop (and, when the new fleet says {@code pruneRemovedTargets},
 * their objects are pruned first, while their cluster is still connected), the new fleet is what polls, live
 * changes, previews and the API see from then on, sources and clusters join and leave, and the sources of every
 * added or changed target are fetched now; a changed target's cached render is dropped and its next sync applies it
 * in full, even at the commit it already runs. Other targets go on as they were.
 */
final class Reconfiguration {

    private final LiveFleet live;
    private final StatusBoard board;
    private final Metrics metrics;
    private final ClusterConnections clusters;
    private final Workers workers;
    private final Map<String, GitSource> sources;
    private final SourcePolls polls;
    private final LiveChanges changes;
    private final TargetSyncer syncer;
    private final Predicate<Target> mine;
    private final Consumer<String> poll;

    Reconfiguration(LiveFleet live, StatusBoard board, Metrics metrics, ClusterConnections clusters, Workers workers,
                    Map<String, GitSource> sources, SourcePolls polls, LiveChanges changes, TargetSyncer syncer,
                    Predicate<Target> mine, Consumer<String> poll) {
        this.live = live;
        this.board = board;
        this.metrics = metrics;
        this.clusters = clusters;
        this.workers = workers;
        this.sources = sources;
        this.polls = polls;
        this.changes = changes;
        this.syncer = syncer;
        this.mine = mine;
        this.poll = poll;
    }

    /** @return one line per removed target: what became of its objects */
    Future<List<String>> apply(Fleet next, FleetChange change, Map<String, GitSource> opened) {
        List<Future<String>> removals = new ArrayList<>();
        for (Target t : change.removedTargets()) {
            if (!next.pruneRemovedTargets()) {
                removals.add(Future.succeededFuture(t.id() + ": removed from the fleet; its objects are left "
                        + "in place (pruneRemovedTargets is false)"));
            } else if (!mine.test(t)) {
                removals.add(Future.succeededFuture(t.id() + ": removed from the fleet; the replica holding its "
                        + "shard prunes it"));
            } else {
                removals.add(workers.run(t, () -> t.id() + ": removed from the fleet; " + syncer.retire(t)));
            }
        }
        live.set(next);
        board.follow(next.targets());
        change.addedTargets().forEach(t -> metrics.target(t.cluster().name(), t.release().name()));
        List<String> replaced = new ArrayList<>(change.removedSources());
        replaced.addAll(change.changedSources());
        for (String name : replaced) {
            polls.forget(name);
            GitSource old = sources.remove(name);
            if (old != null) {
                workers.run(() -> {
                    old.close(); // after a fetch in progress
                    return null;
                });
            }
        }
        change.removedSources().forEach(metrics::forgetSource);
        opened.forEach((name, source) -> {
            sources.put(name, source);
            metrics.source(name);
        });
        change.addedClusters().forEach(workers::add);
        List<String> connecting = new ArrayList<>(change.addedClusters());
        connecting.addAll(change.changedClusters());
        Future<Void> connected = workers.run(() -> { // a connect reads files and may start servers: off the loop
            connecting.forEach(name -> clusters.add(cluster(next, name)));
            return null;
        });
        return Future.join(connected, Future.join(removals)).transform(r -> {
            List<String> report = new ArrayList<>();
            for (int i = 0; i < removals.size(); i++) {
                Target t = change.removedTargets().get(i);
                report.add(removals.get(i).succeeded() ? removals.get(i).result()
                        : t.id() + ": removed from the fleet; pruning failed: " + removals.get(i).cause());
                syncer.forget(t);
                metrics.removeTarget(t.cluster().name(), t.release().name());
                changes.forget(t);
            }
            for (String name : change.removedClusters()) {
                workers.remove(name);
                metrics.forgetCluster(name);
            }
            // a release that left the fleet altogether takes its rollout's series with it
            change.removedTargets().stream().map(t -> t.release().name()).distinct()
                    .filter(release -> next.targets().stream().noneMatch(t -> t.release().name().equals(release)))
                    .forEach(metrics::forgetRelease);
            List<Target> touched = new ArrayList<>(change.addedTargets());
            touched.addAll(change.changedTargets());
            change.addedTargets().forEach(changes::markDirty);
            // what fed a changed target's render may have changed at the same commit: render and apply it again
            change.changedTargets().forEach(t -> {
                syncer.reconfigured(t);
                changes.markReconfigured(t);
            });
            Set<String> fetch = new LinkedHashSet<>(opened.keySet());
            touched.forEach(t -> fetch.add(t.release().source()));
            return workers.run(() -> { // closing a cluster stops its informers and client: off the loop
                change.removedClusters().forEach(clusters::remove);
                return null;
            }).map(v -> {
                fetch.forEach(poll);
                return report;
            });
        });
    }

    private static ClusterSpec cluster(Fleet fleet, String name) {
        return fleet.clusters().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
