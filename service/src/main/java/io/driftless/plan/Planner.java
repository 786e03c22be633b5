package io.driftless.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.driftless.config.ReleaseSpec;
import io.driftless.diff.Differ;
import io.driftless.diff.Ignores;
import io.driftless.diff.ObjectDiff;
import io.driftless.model.KindScopes;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.render.Tree;

/**
 * Decides what to do for one target from its desired objects, the live objects and the previous
 * inventory. Enforces the safety rules: prune only what the inventory lists AND the object's own
 * ownership label and annotation confirm; never take over another target's objects; refuse an empty
 * desired set or an oversized prune unless the release allows it. Pure.
 */
public final class Planner {

    /**
     * Owner value and label value of the target being planned, and whether its release takes over live objects it
     * renders that Driftless did not create ({@code adopt: true}).
     */
    public record Owner(String labelValue, String annotationValue, boolean adopt) {
        public Owner(String labelValue, String annotationValue) {
            this(labelValue, annotationValue, false);
        }
    }

    private Planner() {
    }

    /**
     * @param desired   rendered objects, already stamped with tracking metadata
     * @param live      live objects by ref (desired ones that exist, and inventory ones that exist)
     * @param inventory refs applied by the previous sync
     */
    public static Plan plan(Owner owner, List<Map<String, Object>> desired, Map<ObjectRef, Map<String, Object>> live,
                            Set<ObjectRef> inventory, ReleaseSpec.SyncPolicy policy) {
        return plan(owner, desired, live, inventory, policy, List.of());
    }

    /** @param ignores the release's {@code ignoreDifferences}: what they cover is neither drift nor patched */
    public static Plan plan(Owner owner, List<Map<String, Object>> desired, Map<ObjectRef, Map<String, Object>> live,
                            Set<ObjectRef> inventory, ReleaseSpec.SyncPolicy policy,
                            List<ReleaseSpec.IgnoreRule> ignores) {
        return plan(owner, desired, live, inventory, inventory, true, policy, ignores);
    }

    /**
     * @param held what the target held before a prune a safety rule blocked (else the inventory): the share of
     *             a prune is the share of these objects it removes, so objects created since (by the change that
     *             was blocked) neither dilute it nor count against a revert
     * @param hooksDue whether this commit's hooks have yet to run: false when they ran (or were not needed) at
     *                 this commit before, so a drift heal never runs a migration again
     */
    public static Plan plan(Owner owner, List<Map<String, Object>> desired, Map<ObjectRef, Map<String, Object>> live,
                            Set<ObjectRef> inventory, Set<ObjectRef> held, boolean hooksDue,
                            ReleaseSpec.SyncPolicy policy, List<ReleaseSpec.IgnoreRule> ignores) {
        List<Map<String, Object>> hooks = desired.stream().filter(Hooks::isHook).toList();
        if (hooks.size() == desired.size() && !policy.allowEmpty()) {
            return new Plan(List.of(), new Refusal(Refusal.Reason.EMPTY_RENDER, "the release renders no objects; "
                    + "refusing to sync (and prune) an empty desired set because syncPolicy.allowEmpty is false"));
        }
        desired = desired.stream().map(Planner::foldStringData).toList();
        Plan invalid = refuseInvalid(desired);
        if (invalid != null) {
            return invalid;
        }
        List<PlannedChange> apply = new ArrayList<>();
        Set<String> desiredKeys = new java.util.HashSet<>();
        List<Refusal.RefusedObject> notOurs = new ArrayList<>();
        for (Map<String, Object> d : desired) {
            ObjectRef ref = refOf(d);
            desiredKeys.add(ref.key());
            if (!Hooks.isHook(d)) {
                Map<String, Object> l = live.get(ref);
                String takeover = l == null ? null : Adoption.refusal(owner, l, inventory.contains(ref));
                if (takeover != null) {
                    notOurs.add(new Refusal.RefusedObject(ref, Refusal.Rule.NOT_OWNED, takeover));
                } else {
                    apply.add(decide(owner, ref, d, l, policy, ignores));
                }
            }
        }
        if (!notOurs.isEmpty()) {
            return new Plan(List.of(), Refusal.of(Refusal.Reason.NOT_OWNED, "objects Driftless did not create exist "
                    + "in the cluster; nothing written (set adopt: true on the release to take them over): ",
                    notOurs));
        }
        apply.sort(Comparator.comparing((PlannedChange c) -> Hooks.wave(c.desired()))
                .thenComparing(c -> KindOrder.rank(c.ref().kind())).thenComparing(PlannedChange::ref));
        List<PlannedChange> prune = prunes(owner, desiredKeys, live, inventory, held, policy);

        // hooks run when the release's content changes: a first install, or an upgrade of an installed release
        boolean install = inventory.isEmpty() && apply.stream().allMatch(c -> c.action() == Action.CREATE);
        boolean changes = hooksDue && (apply.stream().anyMatch(Planner::changesContent)
                || prune.stream().anyMatch(c -> c.action() == Action.PRUNE));
        List<PlannedChange> all = new ArrayList<>(hookRuns(changes ? hooks : List.of(), live,
                install ? "pre-install" : "pre-upgrade"));
        all.addAll(apply);
        all.addAll(prune);
        all.addAll(hookRuns(changes ? hooks : List.of(), live, install ? "post-install" : "post-upgrade"));
        return new Plan(List.copyOf(all), null);
    }

    /** What to do with one rendered object, given its live state (null when it does not exist). */
    private static PlannedChange decide(Owner owner, ObjectRef ref, Map<String, Object> d, Map<String, Object> l,
                                        ReleaseSpec.SyncPolicy policy, List<ReleaseSpec.IgnoreRule> ignores) {
        if (l == null) {
            return new PlannedChange(ref, Action.CREATE, "not in the cluster", d, null, null);
        }
        String otherOwner = foreignOwner(owner, l);
        if (otherOwner != null) {
            return new PlannedChange(ref, Action.SKIP, "owned by target " + otherOwner
                    + "; two releases render the same object", d, l, null);
        }
        ObjectDiff diff = Ignores.apply(ignores, Differ.diff(ref, d, l));
        if (diff.inSync()) {
            return new PlannedChange(ref, Action.UNCHANGED, "in sync", d, l, diff);
        }
        String immutable = Immutable.changedField(diff);
        if (immutable == null) {
            return new PlannedChange(ref, Action.UPDATE, diff.drifts().size() + " field(s) differ", d, l, diff);
        }
        return policy.recreateOnImmutableChange()
                ? new PlannedChange(ref, Action.RECREATE, "immutable field " + immutable + " changed", d, l, diff)
                : new PlannedChange(ref, Action.BLOCKED, "immutable field " + immutable + " changed and the API "
                + "server refuses to update it; set syncPolicy.recreateOnImmutableChange: true to delete and "
                + "recreate the object, or change it back", d, l, diff);
    }

    /**
     * What happens to the objects of the inventory the release no longer renders, in reverse order: pruned, or
     * kept by a safety rule; all kept when they are more than maxPrunePercent of what the target held.
     */
    private static List<PlannedChange> prunes(Owner owner, Set<String> desiredKeys,
                                              Map<ObjectRef, Map<String, Object>> live, Set<ObjectRef> inventory,
                                              Set<ObjectRef> held, ReleaseSpec.SyncPolicy policy) {
        List<PlannedChange> prune = new ArrayList<>();
        for (ObjectRef ref : inventory) {
            Map<String, Object> l = live.get(ref);
            if (!desiredKeys.contains(ref.key()) && l != null) { // else still rendered, or already gone
                prune.add(pruneDecision(owner, ref, l, policy));
            }
        }
        long pruning = prune.stream().filter(c -> c.action() == Action.PRUNE && held.contains(c.ref())).count();
        int total = Math.max(held.size(), 1);
        if (!policy.allowEmpty() && pruning * 100 > (long) policy.maxPrunePercent() * total) {
            String reason = "prune of " + pruning + " of the " + held.size() + " objects held before this change exceeds "
                    + "syncPolicy.maxPrunePercent " + policy.maxPrunePercent() + "%";
            prune.replaceAll(c -> c.action() == Action.PRUNE
                    ? PlannedChange.notPruned(c.ref(), reason, c.live(), true, PruneBlock.MAX_SHARE) : c);
        }
        prune.sort(Comparator.comparing((PlannedChange c) -> -Hooks.wave(c.live()))
                .thenComparing(c -> -KindOrder.rank(c.ref().kind())).thenComparing(PlannedChange::ref));
        return prune;
    }

    /** The hooks of one phase ({@code pre-install}, {@code post-upgrade}, ...), lower hook-weight first. */
    private static List<PlannedChange> hookRuns(List<Map<String, Object>> hooks, Map<ObjectRef, Map<String, Object>> live,
                                                String phase) {
        String why = phase.startsWith("pre-") ? phase + " hook: must succeed before anything else changes"
                : phase + " hook: runs once everything else is applied";
        return hooks.stream().filter(h -> Hooks.phases(h).contains(phase))
                .map(h -> new PlannedChange(refOf(h), Action.HOOK, why, h, live.get(refOf(h)), null))
                .sorted(Comparator.comparing((PlannedChange c) -> Hooks.weight(c.desired()))
                        .thenComparing(PlannedChange::ref))
                .toList();
    }

    /**
     * A refusal when any desired object breaks the API server's rules (names, labels, annotations), else null:
     * checked before the cluster is read, so a malformed name never reaches an API request.
     */
    public static Plan refuseInvalid(List<Map<String, Object>> desired) {
        List<String> invalid = Validation.problems(desired);
        return invalid.isEmpty() ? null
                : new Plan(List.of(), new Refusal(Refusal.Reason.INVALID_OBJECTS, "invalid objects, nothing written: "
                        + String.join("; ", invalid)));
    }

    private static PlannedChange pruneDecision(Owner owner, ObjectRef ref, Map<String, Object> live,
                                               ReleaseSpec.SyncPolicy policy) {
        Map<String, Object> labels = metadataMap(live, "labels");
        Map<String, Object> annotations = metadataMap(live, "annotations");
        if (!owner.labelValue().equals(labels.get(Tracking.TARGET_LABEL))
                || !owner.annotationValue().equals(annotations.get(Tracking.OWNER_ANNOTATION))) {
            return PlannedChange.notPruned(ref, "not pruned: no longer carries this target's ownership "
                    + "label and annotation", live, false, PruneBlock.NOT_OWNED);
        }
        if ("disabled".equals(annotations.get(Tracking.PRUNE_ANNOTATION))) {
            return PlannedChange.notPruned(ref, "not pruned: annotated " + Tracking.PRUNE_ANNOTATION
                    + "=disabled", live, true, PruneBlock.ANNOTATION);
        }
        if (!policy.prune()) {
            return PlannedChange.notPruned(ref, "no longer rendered; syncPolicy.prune is false", live, true,
                    PruneBlock.PRUNE_DISABLED);
        }
        if ("PersistentVolumeClaim".equals(ref.kind()) && !policy.prunePersistentVolumeClaims()) {
            // released from the inventory, so it is reported once and then left alone with its data
            return PlannedChange.notPruned(ref, "kept with its data and no longer tracked (set "
                    + "syncPolicy.prunePersistentVolumeClaims: true to delete claims the release stops rendering)",
                    live, false, PruneBlock.PVC);
        }
        return new PlannedChange(ref, Action.PRUNE, "no longer rendered", null, live, null);
    }

    /**
     * A Secret's {@code stringData} is write-only: the API server merges it into {@code data} (base64) and
     * never returns it. Folding it the same way before the diff keeps such Secrets from drifting forever.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> foldStringData(Map<String, Object> object) {
        if (!"Secret".equals(object.get("kind")) || !(object.get("stringData") instanceof Map<?, ?> plain)) {
            return object;
        }
        Map<String, Object> folded = new LinkedHashMap<>(object);
        Map<String, Object> data = object.get("data") instanceof Map<?, ?> d
                ? new LinkedHashMap<>((Map<String, Object>) d) : new LinkedHashMap<>();
        plain.forEach((k, v) -> data.put(String.valueOf(k), Tree.base64(v == null ? "" : String.valueOf(v))));
        folded.remove("stringData");
        folded.put("data", data);
        return folded;
    }

    /** Objects upstream installs as Helm hooks. */
    public static boolean isHook(Map<String, Object> object) {
        return Hooks.isHook(object);
    }

    /**
     * Whether a change alters what the release runs, as opposed to only Driftless's (or anyone's) labels and
     * annotations: adopting a Helm release changes metadata only and runs no hooks.
     */
    private static boolean changesContent(PlannedChange c) {
        return switch (c.action()) {
            case CREATE, RECREATE -> true;
            case UPDATE -> c.diff().drifts().stream().anyMatch(d -> !d.path().startsWith("/metadata/"));
            default -> false;
        };
    }

    /** The owner recorded on a live object when it is another target, else null. */
    private static String foreignOwner(Owner owner, Map<String, Object> live) {
        Object theirs = metadataMap(live, "annotations").get(Tracking.OWNER_ANNOTATION);
        return theirs != null && !owner.annotationValue().equals(theirs) ? theirs.toString() : null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadataMap(Map<String, Object> object, String field) {
        Object md = object.get("metadata");
        if (md instanceof Map<?, ?> m && m.get(field) instanceof Map<?, ?> f) {
            return (Map<String, Object>) f;
        }
        return Map.of();
    }

    @SuppressWarnings("unchecked")
    public static ObjectRef refOf(Map<String, Object> object) {
        Map<String, Object> md = (Map<String, Object>) object.get("metadata");
        return new ObjectRef(String.valueOf(object.get("apiVersion")), String.valueOf(object.get("kind")),
                (String) md.get("namespace"), (String) md.get("name"));
    }

    /** As {@link #inNamespace(String, Map, KindScopes)} with Kubernetes's own kinds only. */
    public static Map<String, Object> inNamespace(String namespace, Map<String, Object> object) {
        return inNamespace(namespace, object, KindScopes.BUILTIN);
    }

    /**
     * Puts a namespaced object that names no namespace into the release's, as {@code helm install -n} does; takes
     * the namespace off a cluster-scoped one (the API server ignores it, and its identity has none).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> inNamespace(String namespace, Map<String, Object> object, KindScopes scopes) {
        Map<String, Object> md = (Map<String, Object>) object.get("metadata");
        if (scopes.isClusterScoped(String.valueOf(object.get("apiVersion")), String.valueOf(object.get("kind")))) {
            md.remove("namespace");
            return object;
        }
        Object current = md.get("namespace");
        if (current == null || "".equals(current)) {
            md.put("namespace", namespace);
        }
        return object;
    }

    /** Adds the target's label and owner annotation to object metadata (never to pod templates). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> stamp(Owner owner, Map<String, Object> object) {
        Map<String, Object> md = (Map<String, Object>) object.get("metadata");
        Map<String, Object> labels = md.get("labels") instanceof Map<?, ?> l
                ? new LinkedHashMap<>((Map<String, Object>) l) : new LinkedHashMap<>();
        labels.put(Tracking.TARGET_LABEL, owner.labelValue());
        md.put("labels", labels);
        Map<String, Object> annotations = md.get("annotations") instanceof Map<?, ?> a
                ? new LinkedHashMap<>((Map<String, Object>) a) : new LinkedHashMap<>();
        annotations.put(Tracking.OWNER_ANNOTATION, owner.annotationValue());
        md.put("annotations", annotations);
        return object;
    }
}
