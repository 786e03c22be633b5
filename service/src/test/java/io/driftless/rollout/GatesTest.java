package io.driftless.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.Target;

/** Every gate and their order, with a fixed clock. */
class GatesTest {

    private static final String C = "c2";
    private static final String OLD = "c1";
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** Six clusters, three waves; prefect-server depends on postgres (same cluster) and on ingress everywhere. */
    private static final String FLEET = """
            sources: [{name: values, url: https://git.example.com/values.git}]
            clusters:
              - {name: dev-1, embedded: true, labels: {env: dev}}
              - {name: stage-1, embedded: true, labels: {env: staging}}
              - {name: stage-2, embedded: true, labels: {env: staging}}
              - {name: prod-1, embedded: true, labels: {env: prod}}
              - {name: prod-2, embedded: true, labels: {env: prod}}
              - {name: prod-3, embedded: true, labels: {env: prod}}
            releases:
              - name: postgres
                namespace: db
                chart: {manifests: db}
                source: values
              - name: ingress
                namespace: ingress
                chart: {manifests: ingress}
                source: values
                clusters: {names: [dev-1, prod-1]}
              - name: prefect-server
                namespace: prefect
                chart: {manifests: prefect}
                source: values
                %s
            syncWindows:
              - {kind: deny, schedule: "0 17 * * 5", duration: 64h, timeZone: Europe/Berlin, manualSync: true,
                 clusters: {matchLabels: {env: prod}}}
              - {kind: allow, schedule: "0 9 * * 1-4", duration: 8h, timeZone: Europe/Berlin,
                 releases: [postgres], clusters: {names: [stage-1]}}
            """;

    private static final String ROLLOUT = """
            rollout:
                  waves:
                    - {name: canary, clusters: {matchLabels: {env: dev}}}
                    - {name: staging, clusters: {matchLabels: {env: staging}}, maxParallel: 1}
                    - {name: prod, clusters: {matchLabels: {env: prod}}, maxParallel: 50%}
                  healthyFor: 2m
            """;

    private final Map<String, Gates.Peer> peers = new HashMap<>();

    private static Fleet fleet(String extra) {
        return FleetLoader.parse("fleet.yaml", FLEET.formatted(extra).getBytes(StandardCharsets.UTF_8), Path.of("."));
    }

    private static Target target(Fleet fleet, String id) {
        return fleet.targets().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    /** A Wednesday noon in Berlin: no window is open but postgres's allow window on stage-1. */
    private static Instant wednesdayNoon() {
        return ZonedDateTime.of(2026, 12, 2, 12, 0, 0, 0, BERLIN).toInstant();
    }

    private Gate gate(Fleet fleet, String id, Instant now, boolean manual, boolean resumed) {
        return gate(fleet, id, now, manual, resumed, false);
    }

    private Gate gate(Fleet fleet, String id, Instant now, boolean manual, boolean resumed, boolean aborted) {
        return Gates.evaluate(new Gates.Facts(target(fleet, id), C, manual, now, fleet.syncWindows(),
                fleet.targets(), peers::get, release -> C, resumed, aborted));
    }

    private Gate gate(Fleet fleet, String id, Instant now) {
        return gate(fleet, id, now, false, false);
    }

    private static Gates.Peer healthy(String commit, Instant since) {
        return new Gates.Peer(commit, commit, true, false, "Healthy", since, List.of());
    }

    private static Gates.Peer progressing(String commit) {
        return new Gates.Peer(commit, commit, true, false, "Progressing", null, List.of());
    }

    private static Gates.Peer degraded(String commit) {
        return new Gates.Peer(commit, commit, true, false, "Degraded", null,
                List.of("Deployment/prefect/prefect-server Degraded: pod prefect-server-x CrashLoopBackOff"));
    }

    @Test
    void aDenyWindowHoldsAutomaticSyncsUntilItsEndInItsTimeZoneAndLetsManualOnesThroughWhenItSaysSo() {
        Fleet fleet = fleet("");
        Instant fridayEvening = ZonedDateTime.of(2026, 12, 4, 17, 30, 0, 0, BERLIN).toInstant();
        Instant mondayEnd = ZonedDateTime.of(2026, 12, 7, 9, 0, 0, 0, BERLIN).toInstant();
        Gate held = gate(fleet, "prod-1/postgres", fridayEvening);
        assertThat(held.kind()).isEqualTo(Gate.Kind.WINDOW);
        assertThat(held.recheckAt()).isEqualTo(mondayEnd);
        assertThat(held.reason()).isEqualTo("in a deny window until " + mondayEnd);
        assertThat(gate(fleet, "prod-1/postgres", mondayEnd.minusSeconds(1)).kind()).isEqualTo(Gate.Kind.WINDOW);
        assertThat(gate(fleet, "prod-1/postgres", mondayEnd).open()).as("it closes after 64h").isTrue();
        assertThat(gate(fleet, "prod-1/postgres", ZonedDateTime.of(2026, 12, 4, 17, 0, 0, 0, BERLIN).toInstant())
                .kind()).as("it opens on the minute, Berlin time").isEqualTo(Gate.Kind.WINDOW);
        assertThat(gate(fleet, "prod-1/postgres", ZonedDateTime.of(2026, 12, 4, 16, 59, 0, 0, BERLIN).toInstant())
                .open()).isTrue();
        assertThat(gate(fleet, "prod-1/postgres", fridayEvening, true, false).open())
                .as("manualSync: true lets an operator's sync through").isTrue();
        assertThat(gate(fleet, "dev-1/postgres", fridayEvening).open()).as("the window selects prod only").isTrue();
    }

    @Test
    void whereAllowWindowsExistATargetSyncsAutomaticallyOnlyWhileOneIsOpen() {
        Fleet fleet = fleet("");
        Instant tuesdayEarly = ZonedDateTime.of(2026, 12, 1, 7, 0, 0, 0, BERLIN).toInstant();
        Gate held = gate(fleet, "stage-1/postgres", tuesdayEarly);
        Instant opens = ZonedDateTime.of(2026, 12, 1, 9, 0, 0, 0, BERLIN).toInstant();
        assertThat(held.kind()).isEqualTo(Gate.Kind.WINDOW);
        assertThat(held.recheckAt()).isEqualTo(opens);
        assertThat(held.reason()).isEqualTo("outside its allow windows; the next opens at " + opens);
        assertThat(gate(fleet, "stage-1/postgres", opens).open()).isTrue();
        assertThat(gate(fleet, "stage-1/postgres", opens.plus(Duration.ofHours(8))).kind())
                .isEqualTo(Gate.Kind.WINDOW);
        assertThat(gate(fleet, "stage-1/postgres", tuesdayEarly, true, false).kind())
                .as("its allow window does not let manual syncs through").isEqualTo(Gate.Kind.WINDOW);
        assertThat(gate(fleet, "stage-2/postgres", tuesdayEarly).open()).as("only stage-1's").isTrue();
    }

    @Test
    void aDependencyHoldsTheTargetUntilItIsSyncedAndHealthyAtItsNewestCommitWhereItSays() {
        Fleet fleet = fleet("dependsOn: [{release: postgres}, {release: ingress, cluster: \"*\"}]");
        Instant now = wednesdayNoon();
        Gate none = gate(fleet, "dev-1/prefect-server", now);
        assertThat(none.kind()).isEqualTo(Gate.Kind.DEPENDENCY);
        assertThat(none.reason()).isEqualTo("waiting for dev-1/postgres (not synced yet), dev-1/ingress (not synced "
                + "yet), prod-1/ingress (not synced yet)");
        assertThat(none.recheckAt()).as("another target's change opens it, not time").isNull();

        peers.put("dev-1/postgres", progressing(C));
        peers.put("dev-1/ingress", healthy(C, now));
        peers.put("prod-1/ingress", healthy(OLD, now));
        assertThat(gate(fleet, "dev-1/prefect-server", now).reason()).isEqualTo("waiting for dev-1/postgres "
                + "(Progressing), prod-1/ingress (not at its newest commit)");

        peers.put("dev-1/postgres", healthy(C, now));
        peers.put("prod-1/ingress", healthy(C, now));
        assertThat(gate(fleet, "dev-1/prefect-server", now).open()).isTrue();
        assertThat(gate(fleet, "stage-1/prefect-server", now).reason())
                .as("the same cluster's postgres, every cluster's ingress").isEqualTo("waiting for stage-1/postgres "
                        + "(not synced yet)");
    }

    @Test
    void wavesGoInOrderEachAfterThePreviousStayedHealthyForHealthyForWithinMaxParallel() {
        Fleet fleet = fleet(ROLLOUT);
        Instant now = wednesdayNoon();
        assertThat(gate(fleet, "dev-1/prefect-server", now).open()).as("the canary starts at once").isTrue();
        Gate staging = gate(fleet, "stage-1/prefect-server", now);
        assertThat(staging.kind()).isEqualTo(Gate.Kind.WAVE);
        assertThat(staging.reason()).isEqualTo("wave staging waits for the waves before it: dev-1/prefect-server");
        assertThat(staging.recheckAt()).isNull();

        peers.put("dev-1/prefect-server", progressing(C));
        assertThat(gate(fleet, "stage-1/prefect-server", now).kind()).isEqualTo(Gate.Kind.WAVE);
        peers.put("dev-1/prefect-server", healthy(C, now.minusSeconds(30)));
        Gate settling = gate(fleet, "stage-1/prefect-server", now);
        assertThat(settling.kind()).isEqualTo(Gate.Kind.WAVE);
        assertThat(settling.recheckAt()).as("only time holds it now").isEqualTo(now.plusSeconds(90));
        assertThat(settling.reason()).isEqualTo("wave staging waits for the waves before it: dev-1/prefect-server "
                + "(Healthy for 2m at " + now.plusSeconds(90) + ")");
        assertThat(gate(fleet, "stage-1/prefect-server", now.plusSeconds(90)).open()).isTrue();

        Instant later = now.plusSeconds(90);
        peers.put("stage-1/prefect-server", progressing(C));
        Gate full = gate(fleet, "stage-2/prefect-server", later);
        assertThat(full.reason()).isEqualTo("wave staging: 1 of its targets on their way (maxParallel 1)");
        assertThat(gate(fleet, "stage-1/prefect-server", later).open()).as("the one on its way goes on").isTrue();
        peers.put("stage-1/prefect-server", healthy(C, later));
        assertThat(gate(fleet, "stage-2/prefect-server", later).open()).isTrue();
        assertThat(gate(fleet, "prod-1/prefect-server", later).kind()).isEqualTo(Gate.Kind.WAVE);

        peers.put("stage-2/prefect-server", healthy(C, later));
        Instant prodTime = later.plus(Duration.ofMinutes(2));
        assertThat(gate(fleet, "prod-1/prefect-server", prodTime).open()).isTrue();
        peers.put("prod-1/prefect-server", progressing(C));
        assertThat(gate(fleet, "prod-2/prefect-server", prodTime).reason())
                .as("50% of three is one").isEqualTo("wave prod: 1 of its targets on their way (maxParallel 1)");
        peers.put("prod-2/prefect-server", healthy(OLD, now));
        assertThat(gate(fleet, "prod-2/prefect-server", prodTime).kind())
                .as("a target still on the old commit is not on its way").isEqualTo(Gate.Kind.WAVE);
    }

    @Test
    void aDegradedTargetHaltsTheRolloutUntilResumedOrWhenTheReleaseSaysContinueTheRolloutGoesPastIt() {
        Instant now = wednesdayNoon();
        Fleet halting = fleet(ROLLOUT);
        peers.put("dev-1/prefect-server", degraded(C));
        Gate halted = gate(halting, "stage-1/prefect-server", now);
        assertThat(halted.kind()).isEqualTo(Gate.Kind.HALTED);
        assertThat(halted.reason()).isEqualTo("the rollout halted: dev-1/prefect-server is Degraded "
                + "(Deployment/prefect/prefect-server Degraded: pod prefect-server-x CrashLoopBackOff)");
        assertThat(gate(halting, "prod-3/prefect-server", now).kind()).isEqualTo(Gate.Kind.HALTED);
        assertThat(gate(halting, "stage-1/prefect-server", now, false, true).open())
                .as("resumed: the rollout goes past the Degraded canary").isTrue();
        Gate aborted = gate(halting, "stage-1/prefect-server", now, false, true, true);
        assertThat(aborted.kind()).isEqualTo(Gate.Kind.HALTED);
        assertThat(aborted.reason()).isEqualTo("the rollout of this commit was aborted; a newer commit starts a new "
                + "one");
        assertThat(gate(halting, "stage-1/prefect-server", now, true, false, true).open())
                .as("an operator's own sync of a target still goes").isTrue();

        peers.put("dev-1/prefect-server", new Gates.Peer(OLD, C, false, true, "Healthy", now, List.of()));
        assertThat(gate(halting, "stage-1/prefect-server", now).reason())
                .isEqualTo("the rollout halted: dev-1/prefect-server is failing");
        assertThat(gate(halting, "dev-1/prefect-server", now).open())
                .as("the failing target itself may try again").isTrue();

        peers.put("dev-1/prefect-server", degraded(C));
        Fleet continuing = fleet(ROLLOUT.replace("healthyFor: 2m", "healthyFor: 2m\n      onDegraded: continue"));
        assertThat(gate(continuing, "stage-1/prefect-server", now).open()).isTrue();
        peers.put("stage-1/prefect-server", degraded(C));
        assertThat(gate(continuing, "stage-2/prefect-server", now).open())
                .as("a Degraded target is not on its way: it does not fill the wave").isTrue();
    }

    @Test
    void theWindowIsAskedFirstThenTheDependenciesThenTheWaves() {
        Fleet fleet = fleet(ROLLOUT.replace("rollout:", "dependsOn: [{release: postgres}]\n    rollout:"));
        Instant fridayEvening = ZonedDateTime.of(2026, 12, 4, 17, 30, 0, 0, BERLIN).toInstant();
        assertThat(gate(fleet, "prod-1/prefect-server", fridayEvening).kind()).isEqualTo(Gate.Kind.WINDOW);
        assertThat(gate(fleet, "prod-1/prefect-server", wednesdayNoon()).kind()).isEqualTo(Gate.Kind.DEPENDENCY);
        assertThat(gate(fleet, "prod-1/prefect-server", wednesdayNoon(), true, false).open())
                .as("an operator's sync meets the windows only").isTrue();
        peers.put("prod-1/postgres", healthy(C, wednesdayNoon()));
        assertThat(gate(fleet, "prod-1/prefect-server", wednesdayNoon()).kind()).isEqualTo(Gate.Kind.WAVE);
    }

    @Test
    void thePlanListsTheWavesInOrderHowManyGoAtOnceAndWhatWouldHoldEachTargetNow() {
        Fleet fleet = fleet(ROLLOUT + "    dependsOn: [{release: postgres}]");
        Instant fridayEvening = ZonedDateTime.of(2026, 12, 4, 17, 30, 0, 0, BERLIN).toInstant();
        fleet.targets().stream().filter(t -> t.release().name().equals("postgres"))
                .forEach(t -> peers.put(t.id(), healthy(C, fridayEvening.minusSeconds(600))));
        peers.put("stage-2/postgres", degraded(C));
        List<Target> prefect = fleet.targets().stream().filter(t -> t.release().name().equals("prefect-server"))
                .toList();
        List<Gates.Plan> plans = Gates.plan("c3", prefect, t -> new Gates.Facts(t, "c3", false, fridayEvening,
                fleet.syncWindows(), fleet.targets(), peers::get, release -> C, false, false));
        assertThat(plans).hasSize(1);
        Gates.Plan plan = plans.get(0);
        assertThat(plan.healthyFor()).isEqualTo("2m");
        assertThat(plan.onDegraded()).isEqualTo("halt");
        assertThat(plan.dependsOn()).containsExactly("postgres");
        assertThat(plan.waves()).extracting(Gates.PlanWave::name, Gates.PlanWave::atOnce)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("canary", 1),
                        org.assertj.core.groups.Tuple.tuple("staging", 1),
                        org.assertj.core.groups.Tuple.tuple("prod", 1));
        assertThat(plan.waves().get(0).targets()).containsExactly(new Gates.PlanTarget("dev-1/prefect-server", null,
                null));
        assertThat(plan.waves().get(1).targets()).containsExactly(new Gates.PlanTarget("stage-1/prefect-server", null,
                null), new Gates.PlanTarget("stage-2/prefect-server", "dependency",
                "waiting for stage-2/postgres (Degraded)"));
        Instant mondayEnd = ZonedDateTime.of(2026, 12, 7, 9, 0, 0, 0, BERLIN).toInstant();
        assertThat(plan.waves().get(2).targets()).hasSize(3).allSatisfy(t -> {
            assertThat(t.gate()).isEqualTo("window");
            assertThat(t.reason()).isEqualTo("in a deny window until " + mondayEnd);
        });
    }
}
