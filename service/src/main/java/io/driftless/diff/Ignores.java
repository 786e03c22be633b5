package io.driftless.diff;

import java.util.List;

import io.driftless.config.ReleaseSpec.IgnoreRule;

/** A release's {@code ignoreDifferences}: drifts they cover are not drift (not reported, never patched). */
public final class Ignores {

    private Ignores() {
    }

    public static ObjectDiff apply(List<IgnoreRule> rules, ObjectDiff diff) {
        if (rules.isEmpty() || diff.inSync()) {
            return diff;
        }
        List<IgnoreRule> applicable = rules.stream()
                .filter(r -> r.appliesTo(diff.ref().kind(), diff.ref().name())).toList();
        if (applicable.isEmpty()) {
            return diff;
        }
        return new ObjectDiff(diff.ref(), diff.drifts().stream()
                .filter(d -> applicable.stream().noneMatch(r -> ignores(r, d))).toList());
    }

    private static boolean ignores(IgnoreRule rule, FieldDrift drift) {
        if (rule.coversPath(drift.path()) || rule.coversPath(drift.desiredPath())) {
            return true;
        }
        return drift.lastWriter() != null && rule.managedFieldsManagers().contains(drift.lastWriter().manager());
    }
}
