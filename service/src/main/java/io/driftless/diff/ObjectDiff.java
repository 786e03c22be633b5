package io.driftless.diff;

import java.util.List;

import io.driftless.model.ObjectRef;

/** How one live object differs from its desired state; empty drifts means in sync. */
public record ObjectDiff(ObjectRef ref, List<FieldDrift> drifts) {

    public boolean inSync() {
        return drifts.isEmpty();
    }
}
