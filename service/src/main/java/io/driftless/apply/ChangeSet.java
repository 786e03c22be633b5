package io.driftless.apply;

import java.util.List;

import io.driftless.model.ObjectRef;

/**
 * What an apply did: one entry per object with its outcome and reason.
 *
 * @param leftForNextStart objects not applied because Driftless began shutting down (the apply stopped at an
 *                         object boundary; the next start applies them)
 */
public record ChangeSet(List<Entry> entries, int leftForNextStart) {

    public ChangeSet(List<Entry> entries) {
        this(entries, 0);
    }

    /** Whether a shutdown stopped this apply before its end. */
    public boolean interrupted() {
        return leftForNextStart > 0;
    }

    public enum Outcome {
        CREATED, CONFIGURED, UNCHANGED, PRUNED, SKIPPED, FAILED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Entry(ObjectRef ref, Outcome outcome, String reason) {
        @Override
        public String toString() {
            return ref + " " + outcome.label() + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")");
        }
    }

    public long count(Outcome outcome) {
        return entries.stream().filter(e -> e.outcome() == outcome).count();
    }

    public boolean failed() {
        return entries.stream().anyMatch(e -> e.outcome() == Outcome.FAILED);
    }

    /** {@code 2 created, 1 configured, 5 unchanged, 0 pruned} (+ skipped/failed when any). */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(count(Outcome.CREATED)).append(" created, ")
                .append(count(Outcome.CONFIGURED)).append(" configured, ")
                .append(count(Outcome.UNCHANGED)).append(" unchanged, ")
                .append(count(Outcome.PRUNED)).append(" pruned");
        if (count(Outcome.SKIPPED) > 0) {
            sb.append(", ").append(count(Outcome.SKIPPED)).append(" skipped");
        }
        if (count(Outcome.FAILED) > 0) {
            sb.append(", ").append(count(Outcome.FAILED)).append(" failed");
        }
        return sb.toString();
    }
}
