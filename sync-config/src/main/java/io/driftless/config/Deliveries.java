package io.driftless.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The progressive-delivery parts of a fleet file: a release's {@code dependsOn} and {@code rollout}, the fleet's
 * {@code syncWindows}, and the checks that need the whole fleet (unknown names, cycles, clusters no wave holds),
 * each problem at its file:line.
 */
final class Deliveries {

    private static final Pattern PARALLEL = Pattern.compile("([0-9]{1,3})%");

    private Deliveries() {
    }

    /** A release's {@code dependsOn} and {@code rollout}. */
    static Delivery delivery(Cursor release) {
        List<Delivery.Dependency> dependsOn = new ArrayList<>();
        FleetLoader.eachItem(release, "dependsOn", d -> {
            d.allowOnly("release", "cluster");
            dependsOn.add(new Delivery.Dependency(d.required("release"), d.string("cluster", null), d.origin()));
        });
        Cursor r = release.child("rollout");
        if (r == null) {
            return new Delivery(List.copyOf(dependsOn), List.of(), Duration.ZERO, Delivery.OnDegraded.HALT);
        }
        r.allowOnly("waves", "healthyFor", "onDegraded");
        List<Delivery.Wave> waves = new ArrayList<>();
        FleetLoader.eachItem(r, "waves", w -> {
            w.allowOnly("name", "clusters", "maxParallel");
            String name = FleetLoader.dnsLabel(w, "name", 63);
            waves.add(maxParallel(w, name, FleetLoader.selector(w.child("clusters"))));
        });
        if (waves.isEmpty()) {
            r.problem("waves", "a rollout needs at least one wave, e.g. [{name: canary, clusters: {matchLabels: "
                    + "{env: dev}}}]");
        }
        Set<String> waveNames = new HashSet<>();
        for (int i = 0; i < waves.size(); i++) {
            if (waves.get(i).name() != null && !waveNames.add(waves.get(i).name())) {
                r.problem("waves[" + i + "].name", "duplicate name '" + waves.get(i).name() + "'");
            }
        }
        String onDegraded = r.string("onDegraded", "halt");
        if (!onDegraded.equals("halt") && !onDegraded.equals("continue")) {
            r.problem("onDegraded", "expected halt or continue, found '" + onDegraded + "'");
        }
        return new Delivery(List.copyOf(dependsOn), List.copyOf(waves), r.duration("healthyFor", Duration.ZERO),
                onDegraded.equals("continue") ? Delivery.OnDegraded.CONTINUE : Delivery.OnDegraded.HALT);
    }

    private static Delivery.Wave maxParallel(Cursor w, String name, ReleaseSpec.ClusterSelector clusters) {
        Object v = w.raw("maxParallel");
        if (v == null) {
            return new Delivery.Wave(name, clusters, 0, false, w.origin());
        }
        if (v instanceof String s) {
            Matcher m = PARALLEL.matcher(s.trim());
            int percent = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (percent < 1 || percent > 100) {
                w.problem("maxParallel", "expected a number of targets or a share from 1% to 100%, found '" + s + "'");
                return new Delivery.Wave(name, clusters, 0, false, w.origin());
            }
            return new Delivery.Wave(name, clusters, percent, true, w.origin());
        }
        Integer n = w.integer("maxParallel", 0, 1, 10_000);
        return new Delivery.Wave(name, clusters, n, false, w.origin());
    }

    /** The fleet's {@code syncWindows}. */
    static List<SyncWindow> windows(Cursor root) {
        List<SyncWindow> out = new ArrayList<>();
        FleetLoader.eachItem(root, "syncWindows", c -> {
            c.allowOnly("kind", "schedule", "duration", "timeZone", "manualSync", "releases", "clusters");
            String kind = c.required("kind");
            if (kind != null && !kind.equals("allow") && !kind.equals("deny")) {
                c.problem("kind", "expected allow or deny, found '" + kind + "'");
            }
            String schedule = c.required("schedule");
            if (schedule != null) {
                SyncWindow.scheduleProblem(schedule).ifPresent(p -> c.problem("schedule", p));
            }
            Duration duration = c.duration("duration", null);
            if (duration == null && c.raw("duration") == null) {
                c.problem("duration", "is required, e.g. 8h");
            } else if (duration != null && duration.isZero()) {
                c.problem("duration", "must be longer than 0");
            }
            ZoneId zone = ZoneOffset.UTC;
            String tz = c.string("timeZone", null);
            if (tz != null) {
                try {
                    zone = ZoneId.of(tz);
                } catch (DateTimeException e) {
                    c.problem("timeZone", "'" + tz + "' is not a time zone (e.g. Europe/Berlin or UTC)");
                }
            }
            out.add(new SyncWindow("allow".equals(kind) ? SyncWindow.Kind.ALLOW : SyncWindow.Kind.DENY, schedule,
                    duration, zone, c.bool("manualSync", false), List.copyOf(c.strings("releases")),
                    FleetLoader.selector(c.child("clusters")), c.origin()));
        });
        return out;
    }

    /**
     * What only the whole fleet shows: dependencies on releases that do not exist, do not run where they are
     * needed, or form a cycle; clusters of a release no wave holds, or two waves hold; windows naming unknown
     * releases or clusters.
     */
    static void check(SafeYaml.Document doc, List<Problem> problems, List<ReleaseSpec> releases,
                      List<ClusterSpec> clusters, List<SyncWindow> windows) {
        Map<String, ReleaseSpec> byName = new LinkedHashMap<>();
        releases.forEach(r -> byName.putIfAbsent(r.name(), r));
        Map<String, ClusterSpec> clusterByName = new HashMap<>();
        clusters.forEach(c -> clusterByName.putIfAbsent(c.name(), c));
        for (ReleaseSpec r : releases) {
            for (Delivery.Dependency d : r.delivery().dependsOn()) {
                ReleaseSpec on = d.release() == null ? null : byName.get(d.release());
                if (d.release() == null) {
                    continue;
                }
                if (on == null) {
                    problems.add(doc.problem(d.origin().key() + ".release", "unknown release '" + d.release() + "'; declared: "
                            + byName.keySet()));
                } else if (d.cluster() == null) {
                    clusters.stream().filter(c -> r.clusters().matches(c) && !on.clusters().matches(c)).findFirst()
                            .ifPresent(c -> problems.add(doc.problem(d.origin().key() + ".release", "'" + d.release()
                                    + "' does not run on cluster " + c.name() + ", which '" + r.name() + "' selects; "
                                    + "name the cluster it runs on (cluster: NAME) or \"*\"")));
                } else if (!d.cluster().equals(Delivery.Dependency.EVERY)) {
                    ClusterSpec c = clusterByName.get(d.cluster());
                    if (c == null) {
                        problems.add(doc.problem(d.origin().key() + ".cluster", "unknown cluster '" + d.cluster() + "'"));
                    } else if (!on.clusters().matches(c)) {
                        problems.add(doc.problem(d.origin().key() + ".cluster", "'" + d.release() + "' does not run on cluster "
                                + d.cluster()));
                    }
                }
            }
            List<Delivery.Wave> waves = r.delivery().waves();
            if (!waves.isEmpty()) {
                for (ClusterSpec c : clusters) {
                    if (!r.clusters().matches(c)) {
                        continue;
                    }
                    List<String> holding = waves.stream().filter(w -> w.clusters().matches(c))
                            .map(Delivery.Wave::name).toList();
                    if (holding.size() != 1) {
                        problems.add(new Problem(doc.file(), doc.lineOf(r.origin().key() + ".rollout.waves"),
                                r.origin().key() + ".rollout.waves", "cluster " + c.name() + ", which the release "
                                + "selects, is in " + (holding.isEmpty() ? "no wave" : "more than one wave "
                                + holding) + "; each of its clusters must be in exactly one"));
                    }
                }
            }
        }
        cycles(doc, problems, releases, byName);
        for (SyncWindow w : windows) {
            for (String name : w.releases()) {
                if (!byName.containsKey(name)) {
                    problems.add(doc.problem(w.origin().key() + ".releases", "unknown release '" + name + "'"));
                }
            }
            for (String name : w.clusters().names()) {
                if (!clusterByName.containsKey(name)) {
                    problems.add(doc.problem(w.origin().key() + ".clusters", "unknown cluster '" + name + "'"));
                }
            }
        }
    }

    /** Each dependency cycle once, at the first release of it in the file, with the whole cycle named. */
    private static void cycles(SafeYaml.Document doc, List<Problem> problems, List<ReleaseSpec> releases, Map<String, ReleaseSpec> byName) {
        Set<String> reported = new HashSet<>();
        for (ReleaseSpec start : releases) {
            List<String> path = new ArrayList<>();
            if (cycleFrom(start.name(), byName, path, new HashSet<>()) && path.get(0).equals(start.name())
                    && reported.addAll(path)) {
                ReleaseSpec r = byName.get(start.name());
                String key = r.delivery().dependsOn().stream().filter(d -> d.release() != null
                        && d.release().equals(path.size() > 1 ? path.get(1) : start.name())).findFirst()
                        .map(d -> d.origin().key() + ".release").orElse(r.origin().key() + ".dependsOn");
                problems.add(doc.problem(key, "a dependency cycle: " + String.join(" -> ", path) + " -> "
                        + start.name()));
            }
        }
    }

    private static boolean cycleFrom(String name, Map<String, ReleaseSpec> byName, List<String> path,
                                     Set<String> done) {
        if (!path.isEmpty() && path.get(0).equals(name)) {
            return true;
        }
        if (path.contains(name) || !done.add(name) || !byName.containsKey(name)) {
            return false;
        }
        path.add(name);
        for (Delivery.Dependency d : byName.get(name).delivery().dependsOn()) {
            if (d.release() != null && cycleFrom(d.release(), byName, path, done)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        return false;
    }
}
