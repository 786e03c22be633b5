package io.driftless.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import io.driftless.config.NoticeType;
import io.driftless.config.Target;
import io.driftless.status.Ledger;
import io.driftless.status.Notice;
import io.driftless.telemetry.Metrics;

/**
 * One notice per rollout, not per target: when a release with waves starts taking a commit, when its rollout
 * halts, and when it completes (with the time each wave took, also a metric). The replica that holds the release's
 * first target tells; what it told last is kept in the rollout ledger, so a restart or a shard move does not tell
 * it again.
 */
final class RolloutNotices {

    /** Where the rollout of the commit was when this replica saw it last: since when, and how many waves done. */
    private record Progress(String commit, Instant started, Instant lastWaveDone, List<String> waveTimes) {
    }

    /** How a held target's reason names what halted the rollout. */
    private static final String HALTED = "the rollout halted: ";

    private final Ledger ledger;
    private final Metrics metrics;
    private final BiConsumer<Target, Notice> announce;
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();

    /** @param announce logs a notice, records it as an Event in the target's cluster and sends it on */
    RolloutNotices(Ledger ledger, Metrics metrics, BiConsumer<Target, Notice> announce) {
        this.ledger = ledger;
        this.metrics = metrics;
        this.announce = announce;
    }

    private static String key(String release) {
        return release + "#told";
    }

    /**
     * Looks at the rollout after a status of one of its targets changed, and tells what is new (on a worker: the
     * ledger and the Events write).
     *
     * @param current where the rollout of the release's newest commit stands now
     * @param first   the release's first target, whose cluster the Events are recorded in
     */
    synchronized void observe(java.util.function.Supplier<Rollouts.View> current, Target first, Instant at) {
        Rollouts.View view = current.get(); // under this lock: views are told in the order they were taken
        String commit = view.commit();
        if (commit == null) {
            return;
        }
        String[] told = ledger.get(key(view.release())).map(v -> v.split(" ", 2)).orElse(new String[] {"", ""});
        boolean started = view.waves().stream().flatMap(w -> w.targets().stream())
                .anyMatch(m -> commit.equals(m.revision()));
        if (!commit.equals(told[0])) {
            if (!started) {
                return;
            }
            progress.put(view.release(), new Progress(commit, at, at, List.of()));
            tell(first, view, NoticeType.RolloutStarted, "rollout of commit " + commit.substring(0, 12) + " started",
                    List.of(), at);
            told = new String[] {commit, "Progressing"};
        }
        Progress p = progress.get(view.release());
        if (p != null && p.commit().equals(commit)) {
            List<String> times = new ArrayList<>(p.waveTimes());
            Instant last = p.lastWaveDone();
            for (int i = times.size(); i < view.waves().size() && view.waves().get(i).done(); i++) {
                Duration took = Duration.between(last, at);
                metrics.waveFinished(view.release(), view.waves().get(i).name(), took);
                times.add(view.waves().get(i).name() + " " + took.toSeconds() + " s");
                last = at;
            }
            p = new Progress(commit, p.started(), last, List.copyOf(times));
            progress.put(view.release(), p);
        }
        metrics.rolloutState(view.release(), view.state());
        if (view.state().equals(told[1])) {
            return;
        }
        switch (view.state()) {
            case "Halted" -> tell(first, view, NoticeType.RolloutHalted, "rollout of commit " + commit.substring(0, 12)
                    + " halted: " + view.waves().stream().flatMap(w -> w.targets().stream())
                    .map(Rollouts.Member::waiting).filter(w -> w != null && w.contains(HALTED))
                    .map(w -> w.substring(w.indexOf(HALTED) + HALTED.length())).findFirst().orElse("a target is Degraded or failing"),
                    List.of(), at);
            case "Complete" -> {
                boolean timed = p != null && p.commit().equals(commit);
                tell(first, view, NoticeType.RolloutCompleted, "rollout of commit " + commit.substring(0, 12)
                        + " complete: every target Synced and Healthy" + (timed ? " after "
                        + Duration.between(p.started(), at).toSeconds() + " s" : ""),
                        timed ? p.waveTimes() : List.of(), at);
                progress.remove(view.release());
            }
            default -> ledger.put(key(view.release()), commit + " " + view.state()); // resumed, aborted: no notice
        }
    }

    private void tell(Target first, Rollouts.View view, NoticeType type, String message, List<String> details,
                      Instant now) {
        ledger.put(key(view.release()), view.commit() + " " + (type == NoticeType.RolloutStarted ? "Progressing"
                : view.state()));
        announce.accept(first, new Notice(type, "*", view.release(), first.release().namespace(), view.commit(),
                message, details, now));
    }
}
