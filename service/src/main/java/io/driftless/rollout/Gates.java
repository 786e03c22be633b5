package io.driftless.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.driftless.config.Delivery;
import io.driftless.config.SyncWindow;
import io.driftless.config.Target;

/**
 * Whether a target may take a new commit now: its sync windows, the releases it depends on, and its release's
 * rollout waves, in that order. Pure: the facts in, the {@link Gate} out, with the time to look again when only
 * time can open it. A gate that holds a target keeps it on the commit it has; nothing is pruned or rolled back.
 */
public final class Gates {

    private Gates() {
    }

    /**
     * What the gates know of another target of the fleet.
     *
     * @param revision     the commit it applied last
     * @param attempted    the commit it tried last
     * @param synced       whether its live state matches {@code revision} and its last attempt did not fail
     * @param failing      whether its last attempt failed
     * @param health       Healthy, Progressing, Degraded, Missing or Unknown
     * @param healthySince since when it has been Healthy without a break (null: it is not)
     * @param details      its objects that are not healthy
     */
    public record Peer(String revision, String attempted, boolean synced, boolean failing, String health,
                       Instant healthySince, List<String> details) {

        boolean at(String commit) {
            return commit.equals(revision) || commit.equals(attempted);
        }

        boolean done(String commit) {
            return commit.equals(revision) && synced && "Healthy".equals(health);
        }

        boolean degraded(String commit) {
            return at(commit) && (failing || "Degraded".equals(health));
        }
    }

    /**
     * The facts of one decision.
     *
     * @param target   the target that would sync
     * @param commit   the commit it would apply
     * @param manual   whether an operator asked for the sync
     * @param fleet    every target of the fleet, in declaration order
     * @param peers    what is known of each target (by id), null when nothing yet
     * @param commitOf the newest commit of each release's source, by release name (null: not fetched yet)
     * @param resumed  whether an operator resumed the release's rollout at this commit past a Degraded target
     * @param aborted  whether an operator aborted the release's rollout of this commit
     */
    public record Facts(Target target, String commit, boolean manual, Instant now, List<SyncWindow> windows,
                        List<Target> fleet, Function<String, Peer> peers, Function<String, String> commitOf,
                        boolean resumed, boolean aborted) {
    }

    /**
     * Windows, an abort, then dependencies, then waves: the first gate that holds the target. A sync an operator
     * asked for meets the windows only: the operator chose this target and this commit.
     */
    public static Gate evaluate(Facts f) {
        Gate window = windows(f);
        if (!window.open() || f.manual()) {
            return window;
        }
        if (f.aborted()) {
            return new Gate(Gate.Kind.HALTED, "the rollout of this commit was aborted; a newer commit starts a new "
                    + "one", null);
        }
        Gate dependencies = dependencies(f);
        return dependencies.open() ? waves(f) : dependencies;
    }

    /**
     * Deny windows keep automatic syncs away while open, and manual ones unless they allow them; where allow
     * windows exist, a target syncs automatically only while one is open.
     */
    static Gate windows(Facts f) {
        List<SyncWindow> mine = f.windows().stream()
                .filter(w -> w.appliesTo(f.target().release().name(), f.target().cluster())).toList();
        Instant closes = null;
        for (SyncWindow w : mine) {
            if (w.kind() != SyncWindow.Kind.DENY) {
                continue;
            }
            Optional<Instant> since = w.openSince(f.now());
            if (since.isPresent() && !(f.manual() && w.manualSync())) {
                Instant end = since.get().plus(w.duration());
                closes = closes == null || end.isAfter(closes) ? end : closes;
            }
        }
        if (closes != null) {
            return new Gate(Gate.Kind.WINDOW, "in a deny window until " + closes, closes);
        }
        List<SyncWindow> allows = mine.stream().filter(w -> w.kind() == SyncWindow.Kind.ALLOW).toList();
        if (allows.isEmpty() || allows.stream().anyMatch(w -> w.openSince(f.now()).isPresent())
                || f.manual() && allows.stream().anyMatch(SyncWindow::manualSync)) {
            return Gate.OPEN;
        }
        Instant opens = allows.stream().map(w -> w.nextOpening(f.now())).flatMap(Optional::stream)
                .min(Comparator.naturalOrder()).orElse(null);
        return new Gate(Gate.Kind.WINDOW, "outside its allow windows" + (opens == null ? ""
                : "; the next opens at " + opens), opens);
    }

    /** Every release it depends on is Synced and Healthy at its newest commit, where the dependency says. */
    static Gate dependencies(Facts f) {
        List<String> missing = new ArrayList<>();
        for (Delivery.Dependency d : f.target().release().delivery().dependsOn()) {
            String commit = f.commitOf().apply(d.release());
            for (Target t : f.fleet()) {
                if (!t.release().name().equals(d.release()) || !(d.cluster() == null
                        ? t.cluster().name().equals(f.target().cluster().name())
                        : d.cluster().equals(Delivery.Dependency.EVERY) || t.cluster().name().equals(d.cluster()))) {
                    continue;
                }
                Peer p = f.peers().apply(t.id());
                if (p == null || commit == null || !p.done(commit)) {
                    missing.add(t.id() + " (" + (p == null || commit == null ? "not synced yet"
                            : !commit.equals(p.revision()) ? "not at its newest commit"
                            : !p.synced() ? "not Synced" : p.health()) + ")");
                }
            }
        }
        return missing.isEmpty() ? Gate.OPEN : new Gate(Gate.Kind.DEPENDENCY,
                "waiting for " + String.join(", ", missing), null);
    }

    /**
     * The waves before the target's are done with the commit (Synced, Healthy, and so for {@code healthyFor}); in
     * its own wave, fewer than {@code maxParallel} targets are on their way; and no target of the rollout is
     * Degraded (or failed) at the commit, unless the release says continue or an operator resumed (then such a
     * target is gone past).
     */
    static Gate waves(Facts f) {
        Delivery delivery = f.target().release().delivery();
        int wave = delivery.waveOf(f.target().cluster());
        if (wave < 0) {
            return Gate.OPEN;
        }
        List<Target> release = f.fleet().stream()
                .filter(t -> t.release().name().equals(f.target().release().name())).toList();
        if (delivery.onDegraded() == Delivery.OnDegraded.HALT && !f.resumed()) {
            for (Target t : release) {
                Peer p = f.peers().apply(t.id());
                if (p != null && delivery.waveOf(t.cluster()) <= wave && !t.id().equals(f.target().id())
                        && p.degraded(f.commit())) {
                    return new Gate(Gate.Kind.HALTED, "the rollout halted: " + t.id() + " is "
                            + (p.failing() ? "failing" : "Degraded") + (p.details().isEmpty() ? ""
                            : " (" + String.join("; ", p.details()) + ")"), null);
                }
            }
        }
        Instant ready = null;
        List<String> pending = new ArrayList<>();
        int onTheirWay = 0;
        int inWave = 0;
        for (Target t : release) {
            int w = delivery.waveOf(t.cluster());
            Peer p = f.peers().apply(t.id());
            if (w < wave) {
                if (passes(f, p)) {
                    continue;
                }
                if (p == null || !p.done(f.commit())) {
                    pending.add(t.id());
                } else {
                    Instant settled = (p.healthySince() == null ? f.now() : p.healthySince())
                            .plus(delivery.healthyFor());
                    if (settled.isAfter(f.now())) {
                        pending.add(t.id() + " (Healthy for " + written(delivery.healthyFor()) + " at " + settled
                                + ")");
                        ready = ready == null || settled.isAfter(ready) ? settled : ready;
                    }
                }
            } else if (w == wave) {
                inWave++;
                if (!t.id().equals(f.target().id()) && p != null && p.at(f.commit()) && !p.done(f.commit())
                        && !passes(f, p)) {
                    onTheirWay++;
                }
            }
        }
        String name = delivery.waves().get(wave).name();
        if (!pending.isEmpty()) {
            boolean onlyTime = pending.stream().allMatch(s -> s.contains(" (Healthy for "));
            return new Gate(Gate.Kind.WAVE, "wave " + name + " waits for the waves before it: "
                    + String.join(", ", pending), onlyTime ? ready : null);
        }
        int limit = delivery.waves().get(wave).limit(inWave);
        if (onTheirWay >= limit) {
            return new Gate(Gate.Kind.WAVE, "wave " + name + ": " + onTheirWay + " of its targets on their way "
                    + "(maxParallel " + limit + ")", null);
        }
        return Gate.OPEN;
    }

    /**
     * A release's rollout of a commit as a preview shows it: its waves in order, with how many of each go at once,
     * how long each must stay Healthy before the next, the releases it waits for, and per target the window or
     * dependency that would hold it now.
     *
     * @param dependsOn its dependencies as written: {@code release} (same cluster), {@code release@cluster} or
     *                  {@code release@*}
     */
    public record Plan(String release, String commit, List<PlanWave> waves, String healthyFor, String onDegraded,
                       List<String> dependsOn) {
    }

    /** @param atOnce how many of its targets may be on their way at once */
    public record PlanWave(String name, int atOnce, List<PlanTarget> targets) {
    }

    /** @param gate {@code window} or {@code dependency} when one would hold it now, else null (with no reason) */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record PlanTarget(String target, String gate, String reason) {
    }

    /**
     * The rollout plan of each release of {@code targets} at {@code commit}: the facts are the fleet's now (windows,
     * the dependencies' states at their newest commits), as {@link #evaluate} would meet them.
     *
     * @param facts the facts of a decision about one target at the commit (not manual)
     */
    public static List<Plan> plan(String commit, List<Target> targets, Function<Target, Facts> facts) {
        java.util.Map<String, List<Target>> byRelease = new java.util.LinkedHashMap<>();
        targets.forEach(t -> byRelease.computeIfAbsent(t.release().name(), k -> new ArrayList<>()).add(t));
        List<Plan> out = new ArrayList<>();
        byRelease.forEach((release, members) -> {
            Delivery delivery = members.get(0).release().delivery();
            List<String> names = delivery.waves().isEmpty() ? List.of("all")
                    : delivery.waves().stream().map(Delivery.Wave::name).toList();
            List<PlanWave> waves = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                List<PlanTarget> in = new ArrayList<>();
                for (Target t : members) {
                    if (Math.max(0, delivery.waveOf(t.cluster())) == i) {
                        Facts f = facts.apply(t);
                        Gate window = windows(f);
                        Gate held = window.open() ? dependencies(f) : window;
                        in.add(new PlanTarget(t.id(), held.open() ? null
                                : held.kind().name().toLowerCase(java.util.Locale.ROOT), held.reason()));
                    }
                }
                waves.add(new PlanWave(names.get(i), delivery.waves().isEmpty() ? in.size()
                        : delivery.waves().get(i).limit(in.size()), in));
            }
            out.add(new Plan(release, commit, waves, written(delivery.healthyFor()),
                    delivery.onDegraded().name().toLowerCase(java.util.Locale.ROOT), delivery.dependsOn().stream()
                    .map(d -> d.release() + (d.cluster() == null ? "" : "@" + d.cluster())).toList()));
        });
        return out;
    }

    /** A Degraded (or failed) target the rollout goes past: the release says continue, or an operator resumed. */
    private static boolean passes(Facts f, Peer p) {
        return p != null && p.degraded(f.commit()) && (f.resumed()
                || f.target().release().delivery().onDegraded() == Delivery.OnDegraded.CONTINUE);
    }

    /** A duration as a fleet file writes it: 2m, 90s, 1h30m. */
    static String written(java.time.Duration d) {
        String text = (d.toHours() > 0 ? d.toHours() + "h" : "") + (d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" : "")
                + (d.toSecondsPart() > 0 ? d.toSecondsPart() + "s" : "") + (d.toMillisPart() > 0 ? d.toMillisPart()
                + "ms" : "");
        return text.isEmpty() ? "0s" : text;
    }
}
