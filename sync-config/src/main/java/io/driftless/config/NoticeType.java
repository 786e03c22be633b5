package io.driftless.config;

import java.util.Arrays;
import java.util.List;

/**
 * What a notice tells about a target. Its name is the Kubernetes Event reason, the {@code type} of JSON
 * payloads and what a notifier's {@code events} list selects.
 */
public enum NoticeType {
    DriftDetected, DriftResolved, SyncFailed, SyncRecovered, SyncRefused, PruneBlocked, Synced,
    /** A release with rollout waves started taking a commit (one notice per rollout, not per target). */
    RolloutStarted,
    /** A rollout halted at a Degraded or failing target. */
    RolloutHalted,
    /** Every target of a rollout is Synced and Healthy at its commit. */
    RolloutCompleted;

    /** What a notifier sends when its {@code events} are not given: every type but {@link #Synced}. */
    public static final List<NoticeType> DEFAULTS = Arrays.stream(values()).filter(t -> t != Synced).toList();

    /** Types that report a problem (a Warning Event, a firing alert). */
    public boolean warning() {
        return this == DriftDetected || this == SyncFailed || this == SyncRefused || this == PruneBlocked
                || this == RolloutHalted;
    }

    /** The problem this type ends, or null: a firing alert for it is resolved. */
    public NoticeType resolves() {
        return switch (this) {
            case DriftResolved -> DriftDetected;
            case SyncRecovered -> SyncFailed;
            case RolloutCompleted -> RolloutHalted;
            default -> null;
        };
    }

    /** The type of this name, or null. */
    public static NoticeType named(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
