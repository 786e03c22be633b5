package io.driftless.status;

import com.fasterxml.jackson.annotation.JsonValue;

/** How one sync attempt ended; its label is the {@code result} of {@code driftless_sync_total}. */
public enum SyncResult {
    SUCCESS("success"), FAILURE("failure"), REFUSED("refused");

    private final String label;

    SyncResult(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }
}
