package io.driftless.fleet;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.Target;
import io.driftless.rollout.Pin;
import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.status.Ledger;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncResult;
import io.driftless.status.TargetStatus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Rollbacks that leave automation on: a pinned target is synced, and healed, to the earlier commit it is pinned
 * to instead of its source's newest, until an operator unpins it (or, for a pin that lifts at a newer commit, until
 * the source has one). The pins are kept in a {@link Ledger} by target id. Asked on the event bus
 * ({@link FleetVerticle#PIN}).
 */
final class Pins {

    private static final Logger LOG = LoggerFactory.getLogger(Pins.class);

    private final LiveFleet live;
    private final Map<String, GitSource> sources;
    private final StatusBoard board;
    private final Ledger ledger;
    private final Workers workers;
    private final Function<String, Snapshot> latest;
    private final Consumer<Target> resync;
    private final Clock clock;

    /**
     * @param latest the newest snapshot of a source, by name (null before its first fetch)
     * @param resync asks the gates again, and syncs, a target whose pin changed (on the verticle's context)
     */
    Pins(LiveFleet live, Map<String, GitSource> sources, StatusBoard board, Ledger ledger, Workers workers,
         Function<String, Snapshot> latest, Consumer<Target> resync, Clock clock) {
        this.live = live;
        this.sources = sources;
        this.board = board;
        this.ledger = ledger;
        this.workers = workers;
        this.latest = latest;
        this.resync = resync;
        this.clock = clock;
    }

    /** The pin on a target now, if any (no I/O: the API shows it). */
    Pin shown(String targetId) {
        return Pin.parse(ledger.get(targetId).orElse(null));
    }

    /**
     * The pin that holds the target when its source's newest commit is {@code newest}; one that a newer commit
     * lifts is removed here (on a worker: the ledger may write).
     */
    Pin holding(Target target, String newest) {
        Pin pin = shown(target.id());
        if (pin != null && !pin.holdsAt(newest)) {
            ledger.put(target.id(), null);
            LOG.info("target={} unpinned: commit {} is newer than those it was pinned among", target.id(),
                    newest.substring(0, 12));
            return null;
        }
        return pin;
    }

    /** What the target is synced to: its pinned commit, or the source's newest snapshot (on a worker). */
    Snapshot desired(Target target, Snapshot newest) {
        Pin pin = holding(target, newest.commit());
        return pin == null || pin.revision().equals(newest.commit()) ? newest
                : sources.get(target.release().source()).at(pin.revision());
    }

    /**
     * Pins or unpins a target ({@code target}) or every target of a release ({@code release}): body
     * {@code {target | release, revision, untilNewer, unpin}}. Every target must have synced the revision, or
     * none is pinned. Replies with the ids of the targets, each then synced again.
     */
    void handle(Message<JsonObject> msg) {
        JsonObject body = msg.body();
        List<Target> targets = body.containsKey("target")
                ? live.target(body.getString("target")).map(List::of).orElse(List.of())
                : live.ofRelease(body.getString("release"));
        if (targets.isEmpty()) {
            msg.fail(404, body.containsKey("target") ? "no such target '" + body.getString("target") + "'"
                    : "no such release '" + body.getString("release") + "'");
            return;
        }
        boolean unpin = body.getBoolean("unpin", false);
        workers.<List<Target>>run(() -> {
            Map<String, String> next = new java.util.LinkedHashMap<>();
            for (Target t : targets) {
                if (unpin) {
                    next.put(t.id(), null);
                    continue;
                }
                Snapshot newest = latest.apply(t.release().source());
                if (newest == null) {
                    throw new Refused(409, "the source of " + t.id() + " is not fetched yet");
                }
                String revision;
                try {
                    revision = Pin.choose(body.getString("revision"), synced(board.get(t.id())), t.id());
                } catch (IllegalArgumentException e) {
                    throw new Refused(422, e.getMessage());
                }
                next.put(t.id(), new Pin(revision, body.getBoolean("untilNewer", false), newest.commit(),
                        clock.instant()).json());
            }
            next.forEach(ledger::put);
            next.forEach((id, pin) -> LOG.info("target={} {}", id, pin == null ? "unpinned"
                    : "pinned to commit " + Pin.parse(pin).revision().substring(0, 12)));
            return targets;
        }).onComplete(done -> {
            if (done.failed()) {
                msg.fail(done.cause() instanceof Refused r ? r.code : 500, String.valueOf(done.cause().getMessage()));
                return;
            }
            done.result().forEach(resync);
            msg.reply(new JsonArray(done.result().stream().map(Target::id).toList()));
        });
    }

    /**
     * The commits a target synced, newest first: its revision and those of the successful syncs of its history
     * (kept in the cluster under high availability, so across restarts).
     */
    static List<String> synced(TargetStatus status) {
        Set<String> out = new LinkedHashSet<>();
        if (status == null) {
            return List.of();
        }
        if (status.revision() != null) {
            out.add(status.revision());
        }
        status.history().stream().filter(r -> r.result() == SyncResult.SUCCESS && r.revision() != null)
                .forEach(r -> out.add(r.revision()));
        return new ArrayList<>(out);
    }

    /** A pin refused, with the HTTP status to answer. */
    private static final class Refused extends RuntimeException {
        private final int code;

        Refused(int code, String message) {
            super(message);
            this.code = code;
        }
    }
}
