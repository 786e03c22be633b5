package io.driftless.plan;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.driftless.model.Tracking;
import io.driftless.render.Tree;

/**
 * Helm hook and sync-wave annotations. A hook (the migration Job) is not a release object: it is not kept
 * in sync, inventoried or pruned; it runs when the release's content changes, before the other objects
 * (pre-install, pre-upgrade) or after them (post-install, post-upgrade), lower {@code helm.sh/hook-weight}
 * first.
 */
public final class Hooks {

    public static final String HOOK = "helm.sh/hook";
    public static final String WEIGHT = "helm.sh/hook-weight";
    public static final String DELETE_POLICY = "helm.sh/hook-delete-policy";
    /** Helm's default when no delete policy is given. */
    public static final String BEFORE_HOOK_CREATION = "before-hook-creation";
    public static final String HOOK_SUCCEEDED = "hook-succeeded";

    private Hooks() {
    }

    public static boolean isHook(Map<String, Object> object) {
        return object != null && annotations(object).containsKey(HOOK);
    }

    /** e.g. {@code [post-install, pre-upgrade]} */
    public static Set<String> phases(Map<String, Object> object) {
        return split(annotations(object).get(HOOK));
    }

    public static Set<String> deletePolicies(Map<String, Object> object) {
        Set<String> policies = split(annotations(object).get(DELETE_POLICY));
        return policies.isEmpty() ? Set.of(BEFORE_HOOK_CREATION) : policies;
    }

    public static int weight(Map<String, Object> object) {
        return integer(annotations(object).get(WEIGHT));
    }

    public static int wave(Map<String, Object> object) {
        return integer(annotations(object).get(Tracking.SYNC_WAVE_ANNOTATION));
    }

    /** Whether a wave or weight annotation is present but not an integer (checked before anything is written). */
    static String invalidInteger(Map<String, Object> object) {
        for (String key : new String[] {Tracking.SYNC_WAVE_ANNOTATION, WEIGHT}) {
            Object v = annotations(object).get(key);
            if (v != null && !String.valueOf(v).strip().matches("[-+]?\\d{1,9}")) {
                return "annotation " + key + " '" + v + "' is not an integer";
            }
        }
        return null;
    }

    private static int integer(Object value) {
        try {
            return value == null ? 0 : Integer.parseInt(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Set<String> split(Object value) {
        return value == null ? Set.of() : Arrays.stream(String.valueOf(value).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    private static Map<String, Object> annotations(Map<String, Object> object) {
        return Tree.asMap(Tree.asMap(object.get("metadata")).get("annotations"));
    }
}
