package io.driftless.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.ReleaseSpec.SyncPolicy;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.render.Tree;

@SuppressWarnings("unchecked")
class PlannerTest {

    private static final Planner.Owner OWNER = new Planner.Owner("prefect", "data/prefect");
    private static final SyncPolicy POLICY = SyncPolicy.DEFAULT;

    private static Map<String, Object> object(String apiVersion, String kind, String name) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", name);
        md.put("namespace", "data");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", md);
        return o;
    }

    private static Map<String, Object> desired(String apiVersion, String kind, String name) {
        return Planner.stamp(OWNER, object(apiVersion, kind, name));
    }

    /** A live object as this target left it. */
    private static Map<String, Object> owned(String apiVersion, String kind, String name) {
        return desired(apiVersion, kind, name);
    }

    private static ObjectRef ref(Map<String, Object> o) {
        return Planner.refOf(o);
    }

    private static Map<ObjectRef, Map<String, Object>> live(List<Map<String, Object>> objects) {
        Map<ObjectRef, Map<String, Object>> out = new LinkedHashMap<>();
        objects.forEach(o -> out.put(ref(o), o));
        return out;
    }

    private static List<String> actions(Plan plan) {
        List<String> out = new ArrayList<>();
        plan.changes().forEach(c -> out.add(c.action() + " " + c.ref()));
        return out;
    }

    @Test
    void ordersCreatesByKindAndPrunesInReverse() {
        List<Map<String, Object>> want = List.of(desired("networking.k8s.io/v1", "Ingress", "web"),
                desired("apps/v1", "Deployment", "web"), desired("v1", "Service", "web"), desired("v1", "Secret", "db"),
                desired("v1", "ServiceAccount", "web"), desired("batch/v1", "Job", "migrate"));
        List<Map<String, Object>> gone = List.of(owned("v1", "ConfigMap", "old"), owned("apps/v1", "StatefulSet", "old"));
        Set<ObjectRef> inventory = new LinkedHashSet<>();
        gone.forEach(g -> inventory.add(ref(g)));
        want.forEach(w -> inventory.add(ref(w)));
        Plan plan = Planner.plan(OWNER, want, live(gone), inventory, POLICY);
        assertThat(actions(plan)).containsExactly(
                "CREATE ServiceAccount/data/web", "CREATE Secret/data/db", "CREATE Service/data/web",
                "CREATE Deployment/data/web", "CREATE Job/data/migrate", "CREATE Ingress/data/web",
                "PRUNE StatefulSet/data/old", "PRUNE ConfigMap/data/old");
    }

    @Test
    void prunesOnlyInventoryObjectsThatStillCarryTheTargetsLabelAndAnnotation() {
        Map<String, Object> relabelled = object("v1", "ConfigMap", "taken-over");
        Map<String, Object> notInInventory = owned("v1", "ConfigMap", "someone-elses");
        Map<String, Object> protectedOne = owned("v1", "ConfigMap", "keep");
        ((Map<String, Object>) ((Map<String, Object>) protectedOne.get("metadata")).get("annotations"))
                .put(Tracking.PRUNE_ANNOTATION, "disabled");
        List<Map<String, Object>> want = List.of(desired("v1", "Service", "a"), desired("v1", "Service", "b"),
                desired("v1", "Service", "c"), desired("v1", "Service", "d"));
        Set<ObjectRef> inventory = new LinkedHashSet<>(List.of(ref(relabelled), ref(protectedOne)));
        Plan plan = Planner.plan(OWNER, want, live(List.of(relabelled, notInInventory, protectedOne)), inventory, POLICY);
        assertThat(plan.changes()).filteredOn(c -> c.desired() == null).extracting(c -> c.action() + " " + c.ref() + ": " + c.reason())
                .containsExactlyInAnyOrder(
                        "SKIP ConfigMap/data/taken-over: not pruned: no longer carries this target's ownership label and annotation",
                        "SKIP ConfigMap/data/keep: not pruned: annotated driftless.io/prune=disabled");
        assertThat(plan.nextInventory(Set.of())).as("a taken-over object leaves the inventory")
                .doesNotContain(ref(relabelled)).contains(ref(protectedOne));
    }

    @Test
    void refusesAnEmptyDesiredSetUnlessAllowed() {
        Set<ObjectRef> inventory = Set.of(ref(owned("v1", "Service", "a")));
        Plan refused = Planner.plan(OWNER, List.of(), live(List.of(owned("v1", "Service", "a"))), inventory, POLICY);
        assertThat(refused.isRefused()).isTrue();
        assertThat(refused.changes()).isEmpty();
        Plan allowed = Planner.plan(OWNER, List.of(), live(List.of(owned("v1", "Service", "a"))), inventory,
                new SyncPolicy(true, false, true, false, true, 50, false, false));
        assertThat(actions(allowed)).containsExactly("PRUNE Service/data/a");
    }

    @Test
    void aBlockedPruneStaysBlockedWhenTheObjectsItsChangeCreatedJoinTheInventory() {
        // a rename: three old objects are no longer rendered, three new ones were created by the blocked sync
        List<Map<String, Object>> old = List.of(owned("v1", "Service", "a"), owned("v1", "Service", "b"),
                owned("v1", "Service", "c"));
        Map<String, Object> kept = owned("v1", "ConfigMap", "k");
        List<Map<String, Object>> renamed = List.of(owned("v1", "Service", "a2"), owned("v1", "Service", "b2"),
                owned("v1", "Service", "c2"));
        Set<ObjectRef> held = new LinkedHashSet<>(List.of(ref(old.get(0)), ref(old.get(1)), ref(old.get(2)), ref(kept)));
        Set<ObjectRef> inventory = new LinkedHashSet<>(held);
        renamed.forEach(r -> inventory.add(ref(r)));
        List<Map<String, Object>> all = new java.util.ArrayList<>(old);
        all.addAll(renamed);
        all.add(kept);
        List<Map<String, Object>> desired = new java.util.ArrayList<>(renamed);
        desired.add(kept);
        // 3 of 7 would pass a 50% limit; 3 of the 4 held before the change must not
        Plan heal = Planner.plan(OWNER, desired, live(all), inventory, held, true, POLICY, List.of());
        assertThat(heal.changes()).filteredOn(c -> c.desired() == null).hasSize(3)
                .allSatisfy(c -> assertThat(c.pruneBlocked()).isEqualTo(PruneBlock.MAX_SHARE));
        // reverting the change prunes what it created: none of that was held before
        List<Map<String, Object>> original = new java.util.ArrayList<>(old);
        original.add(kept);
        Plan revert = Planner.plan(OWNER, original, live(all), inventory, held, true, POLICY, List.of());
        assertThat(revert.changes()).filteredOn(c -> c.action() == Action.PRUNE).extracting(PlannedChange::ref)
                .containsExactlyInAnyOrderElementsOf(renamed.stream().map(PlannerTest::ref).toList());
    }

    @Test
    void blocksAPruneLargerThanTheAllowedShare() {
        List<Map<String, Object>> gone = List.of(owned("v1", "Service", "a"), owned("v1", "Service", "b"));
        Map<String, Object> kept = desired("v1", "Service", "c");
        Set<ObjectRef> inventory = new LinkedHashSet<>(List.of(ref(gone.get(0)), ref(gone.get(1)), ref(kept)));
        Plan plan = Planner.plan(OWNER, List.of(kept), live(List.of(gone.get(0), gone.get(1), kept)), inventory, POLICY);
        assertThat(plan.changes()).filteredOn(c -> c.desired() == null)
                .allSatisfy(c -> {
                    assertThat(c.action()).isEqualTo(Action.SKIP);
                    assertThat(c.reason()).isEqualTo("prune of 2 of the 3 objects held before this change exceeds syncPolicy.maxPrunePercent 50%");
                });
        assertThat(plan.nextInventory(Set.of())).as("blocked prunes are retried later").hasSize(3);
    }

    @Test
    void keepsAClaimTheReleaseNoLongerRendersUnlessItOptsIn() {
        Map<String, Object> claim = owned("v1", "PersistentVolumeClaim", "prefect-server-sqlite");
        Map<String, Object> kept = desired("v1", "Service", "b");
        Set<ObjectRef> inventory = Set.of(ref(claim), ref(kept));
        Plan plan = Planner.plan(OWNER, List.of(kept), live(List.of(claim, kept)), inventory,
                new SyncPolicy(true, false, false, false, true, 100, false, false));
        assertThat(plan.changes()).filteredOn(c -> c.desired() == null).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.SKIP);
            assertThat(c.reason()).startsWith("kept with its data and no longer tracked");
        });
        assertThat(plan.nextInventory(Set.of())).as("reported once, then released").containsExactly(ref(kept));
        Plan optIn = Planner.plan(OWNER, List.of(kept), live(List.of(claim, kept)), inventory,
                new SyncPolicy(true, false, false, false, true, 100, true, false));
        assertThat(actions(optIn)).contains("PRUNE PersistentVolumeClaim/data/prefect-server-sqlite");
    }

    @Test
    void keepsObjectsWhenPruneIsOffButReportsThem() {
        Map<String, Object> gone = owned("v1", "Service", "a");
        Map<String, Object> kept = desired("v1", "Service", "b");
        Plan plan = Planner.plan(OWNER, List.of(kept), live(List.of(gone, kept)), Set.of(ref(gone), ref(kept)),
                new SyncPolicy(false, false, false, false, true, 100, false, false));
        assertThat(plan.changes()).filteredOn(c -> c.desired() == null).singleElement()
                .satisfies(c -> assertThat(c.reason()).isEqualTo("no longer rendered; syncPolicy.prune is false"));
    }

    @Test
    void neverTakesOverAnotherTargetsObject() {
        Map<String, Object> theirs = Planner.stamp(new Planner.Owner("other", "data/other"), object("v1", "Service", "web"));
        Plan plan = Planner.plan(OWNER, List.of(desired("v1", "Service", "web")), live(List.of(theirs)), Set.of(), POLICY);
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.SKIP);
            assertThat(c.reason()).startsWith("owned by target data/other");
        });
    }

    @Test
    void adoptsTheSameReleaseInstalledByHelmByAddingOnlyTrackingMetadata() {
        Map<String, Object> helmInstalled = helmInstalled(object("v1", "Service", "web"));
        Plan plan = Planner.plan(OWNER, List.of(desired("v1", "Service", "web")), live(List.of(helmInstalled)), Set.of(), POLICY);
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.diff().drifts()).extracting(d -> d.path()).containsExactly("/metadata/labels",
                    "/metadata/annotations/driftless.io~1owner");
        });
    }

    /** As {@code helm install prefect -n data} leaves an object: annotated with its release. */
    private static Map<String, Object> helmInstalled(Map<String, Object> object) {
        Tree.asMap(object.get("metadata")).put("annotations", new LinkedHashMap<>(Map.of(
                "meta.helm.sh/release-name", "prefect", "meta.helm.sh/release-namespace", "data")));
        return object;
    }

    private static Map<String, Object> hook(String image) {
        Map<String, Object> job = desired("batch/v1", "Job", "migrate");
        annotate(job, Hooks.HOOK, "post-install,pre-upgrade");
        job.put("spec", new LinkedHashMap<>(Map.of("image", image)));
        return job;
    }

    private static Map<String, Object> annotate(Map<String, Object> object, String key, String value) {
        ((Map<String, Object>) ((Map<String, Object>) object.get("metadata")).get("annotations")).put(key, value);
        return object;
    }

    private static Map<String, Object> withSpec(Map<String, Object> object, Map<String, Object> spec) {
        object.put("spec", spec);
        return object;
    }

    @Test
    void runsPostInstallHooksAfterEverythingOnAFirstInstall() {
        Plan install = Planner.plan(OWNER, List.of(hook("v1"), desired("apps/v1", "Deployment", "web")), live(List.of()),
                Set.of(), POLICY);
        assertThat(actions(install)).containsExactly("CREATE Deployment/data/web", "HOOK Job/data/migrate");
        assertThat(install.outOfSync()).as("a hook run is not drift").isEqualTo(1);
        assertThat(install.nextInventory(Set.of())).as("hooks are not release objects")
                .containsExactly(ref(desired("apps/v1", "Deployment", "web")));
    }

    @Test
    void runsPreUpgradeHooksBeforeWorkloadsChangeOnAnUpgrade() {
        Map<String, Object> liveDeployment = withSpec(owned("apps/v1", "Deployment", "web"), Map.of("replicas", 1));
        Map<String, Object> newDeployment = withSpec(desired("apps/v1", "Deployment", "web"), Map.of("replicas", 2));
        Plan upgrade = Planner.plan(OWNER, List.of(newDeployment, hook("v2")), live(List.of(liveDeployment, hook("v1"))),
                Set.of(ref(liveDeployment), ref(hook("v1"))), POLICY);
        assertThat(actions(upgrade)).containsExactly("HOOK Job/data/migrate", "UPDATE Deployment/data/web");
        assertThat(upgrade.nextInventory(Set.of())).containsExactly(ref(liveDeployment));
    }

    @Test
    void runsNoHookWhenNothingChangesEvenIfTheLastRunWasDeleted() {
        Map<String, Object> deployment = withSpec(owned("apps/v1", "Deployment", "web"), Map.of("replicas", 1));
        Plan plan = Planner.plan(OWNER, List.of(withSpec(desired("apps/v1", "Deployment", "web"), Map.of("replicas", 1)),
                hook("v1")), live(List.of(deployment)), Set.of(ref(deployment)), POLICY);
        assertThat(actions(plan)).containsExactly("UNCHANGED Deployment/data/web");
        assertThat(plan.outOfSync()).isZero();
    }

    @Test
    void adoptingAnInstalledReleaseChangesOnlyMetadataAndRunsNoHook() {
        Map<String, Object> helmInstalled = helmInstalled(withSpec(object("apps/v1", "Deployment", "web"),
                Map.of("replicas", 1)));
        Plan plan = Planner.plan(OWNER, List.of(withSpec(desired("apps/v1", "Deployment", "web"), Map.of("replicas", 1)),
                hook("v1")), live(List.of(helmInstalled)), Set.of(), POLICY);
        assertThat(actions(plan)).containsExactly("UPDATE Deployment/data/web");
    }

    @Test
    void runsPreHooksByWeightAndOnlyThoseOfTheCurrentPhase() {
        Map<String, Object> first = annotate(annotate(desired("batch/v1", "Job", "b-first"), Hooks.HOOK, "pre-install"),
                Hooks.WEIGHT, "-5");
        Map<String, Object> second = annotate(desired("batch/v1", "Job", "a-second"), Hooks.HOOK, "pre-install");
        Map<String, Object> upgradeOnly = annotate(desired("batch/v1", "Job", "upgrade-only"), Hooks.HOOK, "post-upgrade");
        Plan plan = Planner.plan(OWNER, List.of(second, upgradeOnly, desired("v1", "Service", "web"), first),
                live(List.of()), Set.of(), POLICY);
        assertThat(actions(plan)).containsExactly("HOOK Job/data/b-first", "HOOK Job/data/a-second",
                "CREATE Service/data/web");
    }

    @Test
    void appliesLowerSyncWavesFirstAndPrunesHigherWavesFirst() {
        Map<String, Object> early = annotate(desired("apps/v1", "Deployment", "db"), Tracking.SYNC_WAVE_ANNOTATION, "-1");
        Map<String, Object> late = annotate(desired("v1", "ConfigMap", "settings"), Tracking.SYNC_WAVE_ANNOTATION, "2");
        Map<String, Object> oldEarly = annotate(owned("v1", "Service", "old-early"), Tracking.SYNC_WAVE_ANNOTATION, "-3");
        Map<String, Object> oldLate = annotate(owned("apps/v1", "Deployment", "old-late"),
                Tracking.SYNC_WAVE_ANNOTATION, "4");
        Set<ObjectRef> inventory = new LinkedHashSet<>(List.of(ref(oldEarly), ref(oldLate), ref(early), ref(late)));
        Plan plan = Planner.plan(OWNER, List.of(late, desired("v1", "Service", "web"), early),
                live(List.of(oldEarly, oldLate)), inventory, POLICY);
        assertThat(actions(plan)).containsExactly("CREATE Deployment/data/db", "CREATE Service/data/web",
                "CREATE ConfigMap/data/settings", "PRUNE Deployment/data/old-late", "PRUNE Service/data/old-early");
    }

    @Test
    void refusesAWaveThatIsNotAnInteger() {
        Plan plan = Planner.plan(OWNER, List.of(annotate(desired("v1", "Service", "web"), Tracking.SYNC_WAVE_ANNOTATION,
                "first")), live(List.of()), Set.of(), POLICY);
        assertThat(plan.refused().message()).isEqualTo("invalid objects, nothing written: Service/data/web: annotation "
                + "driftless.io/sync-wave 'first' is not an integer");
    }

    @Test
    void unchangedObjectsAreNotWritten() {
        Map<String, Object> d = desired("v1", "Service", "web");
        Plan plan = Planner.plan(OWNER, List.of(d), live(List.of(owned("v1", "Service", "web"))), Set.of(ref(d)), POLICY);
        assertThat(plan.outOfSync()).isZero();
        assertThat(actions(plan)).containsExactly("UNCHANGED Service/data/web");
    }

    @Test
    void putsObjectsWithoutANamespaceIntoTheReleaseNamespaceButLeavesClusterScopedKindsAlone() {
        Map<String, Object> service = object("v1", "Service", "web");
        ((Map<String, Object>) service.get("metadata")).remove("namespace");
        assertThat(Planner.refOf(Planner.inNamespace("prefect", service)).namespace()).isEqualTo("prefect");
        assertThat(Planner.refOf(Planner.inNamespace("prefect", object("v1", "Service", "web"))).namespace())
                .as("an explicit namespace wins").isEqualTo("data");
        Map<String, Object> role = object("rbac.authorization.k8s.io/v1", "ClusterRole", "reader");
        ((Map<String, Object>) role.get("metadata")).remove("namespace");
        assertThat(Planner.refOf(Planner.inNamespace("prefect", role)).namespace()).isNull();
    }

    @Test
    void ignoresDifferencesTheReleaseDeclaresButNoOthers() {
        Map<String, Object> want = desired("apps/v1", "Deployment", "web");
        want.put("spec", new LinkedHashMap<>(Map.of("replicas", 2, "paused", false)));
        Map<String, Object> scaled = owned("apps/v1", "Deployment", "web");
        scaled.put("spec", new LinkedHashMap<>(Map.of("replicas", 7, "paused", false)));
        Map<String, Object> edited = owned("apps/v1", "Deployment", "web");
        edited.put("spec", new LinkedHashMap<>(Map.of("replicas", 2, "paused", true)));
        ((Map<String, Object>) edited.get("metadata")).put("managedFields", List.of(Map.of("manager", "rollout-tool",
                "operation", "Update", "fieldsV1", Map.of("f:spec", Map.of("f:paused", Map.of())))));
        List<ReleaseSpec.IgnoreRule> rules = List.of(
                new ReleaseSpec.IgnoreRule("Deployment", "web", List.of("/spec/replicas"), List.of()),
                new ReleaseSpec.IgnoreRule(null, null, List.of(), List.of("rollout-tool")));

        assertThat(actions(Planner.plan(OWNER, List.of(want), live(List.of(scaled)), Set.of(), POLICY, rules)))
                .containsExactly("UNCHANGED Deployment/data/web");
        assertThat(actions(Planner.plan(OWNER, List.of(want), live(List.of(edited)), Set.of(), POLICY, rules)))
                .containsExactly("UNCHANGED Deployment/data/web");
        assertThat(actions(Planner.plan(OWNER, List.of(want), live(List.of(scaled)), Set.of(), POLICY,
                List.of(new ReleaseSpec.IgnoreRule("Deployment", "other", List.of("/spec/replicas"), List.of())))))
                .containsExactly("UPDATE Deployment/data/web");
    }

    @Test
    void refusesTheWholeSyncWhenAnyObjectIsInvalidNamingEveryProblem() {
        Map<String, Object> good = desired("v1", "Service", "web");
        Map<String, Object> badName = desired("v1", "Service", "Web_1");
        Map<String, Object> badLabel = desired("v1", "ConfigMap", "settings");
        ((Map<String, Object>) ((Map<String, Object>) badLabel.get("metadata")).get("labels")).put("tier", "front end");
        Map<String, Object> twice = desired("v1", "Service", "web");
        Plan plan = Planner.plan(OWNER, List.of(good, badName, badLabel, twice), Map.of(), Set.of(), POLICY);
        assertThat(plan.isRefused()).isTrue();
        assertThat(plan.changes()).isEmpty();
        assertThat(plan.refused().message()).isEqualTo("invalid objects, nothing written: "
                + "Service/data/Web_1: metadata.name 'Web_1' is not a valid DNS-1035 label (lower case letters, digits "
                + "and '-', starting with a letter, at most 63 characters); "
                + "ConfigMap/data/settings: label tier: value 'front end' is not a valid label value (a string of at "
                + "most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric); "
                + "Service/data/web: rendered twice");
    }

    @Test
    void checksEachKindsNamesByTheApiServersRuleForThatKind() {
        Map<String, Object> clusterRole = desired("rbac.authorization.k8s.io/v1", "ClusterRole", "system:foo");
        ((Map<String, Object>) clusterRole.get("metadata")).remove("namespace");
        Map<String, Object> clusterBinding = desired("rbac.authorization.k8s.io/v1", "ClusterRoleBinding",
                "system:foo:Viewer_1");
        ((Map<String, Object>) clusterBinding.get("metadata")).remove("namespace");
        List<Map<String, Object>> accepted = List.of(clusterRole, clusterBinding,
                desired("rbac.authorization.k8s.io/v1", "RoleBinding", "system:existing"),
                desired("rbac.authorization.k8s.io/v1", "Role", "system::leader-locking@x"),
                desired("v1", "ConfigMap", "kube-root-ca.crt"), desired("v1", "Secret", "tls.example.com"),
                desired("v1", "ServiceAccount", "a.b"), desired("apps/v1", "Deployment", "web.v2"),
                desired("v1", "Service", "web-2"));
        Plan plan = Planner.plan(OWNER, accepted, Map.of(), Set.of(), POLICY);
        assertThat(plan.isRefused()).as("%s", plan.refused()).isFalse();

        Plan refused = Planner.plan(OWNER, List.of(desired("rbac.authorization.k8s.io/v1", "RoleBinding", "a/b"),
                desired("rbac.authorization.k8s.io/v1", "Role", ".."),
                desired("rbac.authorization.k8s.io/v1", "Role", "100%"),
                desired("rbac.authorization.k8s.io/v1", "RoleBinding", "victim?dryRun=All"),
                desired("rbac.authorization.k8s.io/v1", "ClusterRole", "victim#x"),
                desired("rbac.authorization.k8s.io/v1", "Role", "a b"),
                desired("v1", "ConfigMap", "system:x"), desired("apps/v1", "Deployment", "system:x"),
                desired("example.com/v1", "Role", "system:x"), desired("v1", "Service", "1web"),
                desired("v1", "Service", "web.v2")), Map.of(), Set.of(), POLICY);
        assertThat(refused.refused().message()).isEqualTo("invalid objects, nothing written: "
                + "RoleBinding/data/a/b: metadata.name 'a/b' is not a valid name for RBAC (any characters but '/' and "
                + "'%'; not '.' or '..'); "
                + "Role/data/..: metadata.name '..' is not a valid name for RBAC (any characters but '/' and '%'; not "
                + "'.' or '..'); "
                + "Role/data/100%: metadata.name '100%' is not a valid name for RBAC (any characters but '/' and '%'; "
                + "not '.' or '..'); "
                + "RoleBinding/data/victim?dryRun=All: metadata.name 'victim?dryRun=All' is not a valid name here: the "
                + "API server takes it, but its '?' would change the request path it is sent in (use letters, digits "
                + "and -._~!$&'()*+,;=:@); "
                + "ClusterRole/data/victim#x: metadata.name 'victim#x' is not a valid name here: the API server takes "
                + "it, but its '#' would change the request path it is sent in (use letters, digits and "
                + "-._~!$&'()*+,;=:@); "
                + "Role/data/a b: metadata.name 'a b' is not a valid name here: the API server takes it, but its "
                + "character U+0020 would change the request path it is sent in (use letters, digits and "
                + "-._~!$&'()*+,;=:@); "
                + "ConfigMap/data/system:x: metadata.name 'system:x' is not a valid DNS subdomain (lower case "
                + "letters, digits, '-' and '.', at most 253 characters); "
                + "Deployment/data/system:x: metadata.name 'system:x' is not a valid DNS subdomain (lower case "
                + "letters, digits, '-' and '.', at most 253 characters); "
                + "Role/data/system:x: metadata.name 'system:x' is not a valid DNS subdomain (lower case letters, "
                + "digits, '-' and '.', at most 253 characters); "
                + "Service/data/1web: metadata.name '1web' is not a valid DNS-1035 label (lower case letters, digits "
                + "and '-', starting with a letter, at most 63 characters); "
                + "Service/data/web.v2: metadata.name 'web.v2' is not a valid DNS-1035 label (lower case letters, "
                + "digits and '-', starting with a letter, at most 63 characters)");
    }

    @Test
    void comparesASecretsStringDataWithTheDataTheServerKeeps() {
        Map<String, Object> want = desired("v1", "Secret", "auth");
        want.put("stringData", new LinkedHashMap<>(Map.of("auth-string", "admin:pass")));
        Map<String, Object> stored = owned("v1", "Secret", "auth");
        stored.put("data", new LinkedHashMap<>(Map.of("auth-string", Tree.base64("admin:pass"))));
        assertThat(actions(Planner.plan(OWNER, List.of(want), live(List.of(stored)), Set.of(), POLICY)))
                .containsExactly("UNCHANGED Secret/data/auth");
        stored.put("data", new LinkedHashMap<>(Map.of("auth-string", Tree.base64("admin:old"))));
        Plan plan = Planner.plan(OWNER, List.of(want), live(List.of(stored)), Set.of(), POLICY);
        assertThat(actions(plan)).containsExactly("UPDATE Secret/data/auth");
        assertThat(plan.changes().get(0).diff().drifts()).singleElement().asString()
                .startsWith("/data/auth-string: live <redacted hmac:").doesNotContain("admin");
    }

    @Test
    void refusesToTakeOverAnObjectDriftlessDidNotCreateAndNamesWhoHasIt() {
        Map<String, Object> theirs = object("apps/v1", "Deployment", "coredns");
        Tree.asMap(theirs.get("metadata")).put("labels", Map.of("app.kubernetes.io/managed-by", "kubeadm"));
        Tree.asMap(theirs.get("metadata")).put("managedFields", List.of(Map.of("manager", "kubeadm"),
                Map.of("manager", "kubectl-edit")));
        List<Map<String, Object>> want = List.of(desired("apps/v1", "Deployment", "coredns"),
                desired("v1", "ConfigMap", "mine"));
        Plan plan = Planner.plan(OWNER, want, live(List.of(theirs)), Set.of(), POLICY);
        assertThat(plan.changes()).as("nothing of the sync is written").isEmpty();
        assertThat(plan.refused().reason()).isEqualTo(Refusal.Reason.NOT_OWNED);
        assertThat(plan.refused().objects()).singleElement().satisfies(o -> {
            assertThat(o.ref().toString()).isEqualTo("Deployment/data/coredns");
            assertThat(o.rule()).isEqualTo(Refusal.Rule.NOT_OWNED);
            assertThat(o.detail()).isEqualTo("exists and Driftless did not create it (app.kubernetes.io/managed-by="
                    + "kubeadm, written by kubeadm, kubectl-edit)");
        });
        assertThat(plan.refused().message()).contains("set adopt: true on the release");

        Plan adopted = Planner.plan(new Planner.Owner("prefect", "data/prefect", true), want, live(List.of(theirs)),
                Set.of(), POLICY);
        assertThat(actions(adopted)).containsExactly("CREATE ConfigMap/data/mine", "UPDATE Deployment/data/coredns");
    }

    @Test
    void takesOverTheSameReleaseInstalledByHelmAndItsOwnObjectsWhoseMarksWereRemoved() {
        Map<String, Object> helm = object("v1", "Service", "web");
        Tree.asMap(helm.get("metadata")).put("annotations", Map.of("meta.helm.sh/release-name", "prefect",
                "meta.helm.sh/release-namespace", "data"));
        Map<String, Object> otherHelm = object("v1", "Service", "api");
        Tree.asMap(otherHelm.get("metadata")).put("annotations", Map.of("meta.helm.sh/release-name", "other",
                "meta.helm.sh/release-namespace", "data"));
        Map<String, Object> unmarked = object("v1", "ConfigMap", "config"); // ours, its marks removed by hand
        Tree.asMap(unmarked.get("metadata")).put("managedFields", List.of(Map.of("manager", Tracking.FIELD_MANAGER)));
        List<Map<String, Object>> want = List.of(desired("v1", "Service", "web"), desired("v1", "ConfigMap", "config"));
        assertThat(actions(Planner.plan(OWNER, want, live(List.of(helm, unmarked)), Set.of(ref(unmarked)), POLICY)))
                .containsExactly("UPDATE ConfigMap/data/config", "UPDATE Service/data/web");
        assertThat(Planner.plan(OWNER, want, live(List.of(helm, unmarked)), Set.of(), POLICY).refused().objects())
                .as("not in the inventory: not known to be ours").extracting(o -> o.ref().name()).containsExactly("config");
        assertThat(Planner.plan(OWNER, List.of(desired("v1", "Service", "api")), live(List.of(otherHelm)), Set.of(),
                POLICY).refused().objects()).as("another Helm release's").hasSize(1);
    }
}
