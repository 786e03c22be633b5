package io.driftless.plan;

/** Why an object the release no longer renders stays in the cluster; its label is a metric label value. */
public enum PruneBlock {
    /** The prune would remove more than syncPolicy.maxPrunePercent of what the target held. */
    MAX_SHARE("max_share"),
    /** The release renders nothing at all and allowEmpty is false. */
    EMPTY_RENDER("empty_render"),
    /** The object lost this target's ownership label or annotation. */
    NOT_OWNED("not_owned"),
    /** Annotated driftless.io/prune: disabled. */
    ANNOTATION("annotation"),
    /** syncPolicy.prune is false. */
    PRUNE_DISABLED("prune_disabled"),
    /** A PersistentVolumeClaim keeps its data unless prunePersistentVolumeClaims. */
    PVC("pvc");

    private final String label;

    PruneBlock(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether people should be told (a PruneBlocked notice): the other reasons are what they asked for. */
    public boolean worthTelling() {
        return this == MAX_SHARE || this == NOT_OWNED;
    }
}
