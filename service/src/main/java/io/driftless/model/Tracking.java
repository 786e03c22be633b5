package io.driftless.model;

import io.driftless.config.Target;

/** The metadata Driftless adds to the objects it owns (object metadata only, never pod templates). */
public final class Tracking {

    /** Label selecting every object of a target in its cluster; the value is the release name. */
    /** The field manager of Driftless's writes, as managedFields record it. */
    public static final String FIELD_MANAGER = "driftless";

    public static final String TARGET_LABEL = "driftless.io/target";
    /** Annotation naming the owning target as {@code namespace/release}; checked before any delete. */
    public static final String OWNER_ANNOTATION = "driftless.io/owner";
    /** Annotation that protects an object from pruning. */
    public static final String PRUNE_ANNOTATION = "driftless.io/prune";
    /**
     * Annotation ordering an object's apply: lower waves first (default 0, negative allowed), kind order within
     * a wave; prune runs in the reverse order.
     */
    public static final String SYNC_WAVE_ANNOTATION = "driftless.io/sync-wave";

    private Tracking() {
    }

    public static String labelValue(Target target) {
        return target.release().name();
    }

    public static String owner(Target target) {
        return target.release().namespace() + "/" + target.release().name();
    }
}
