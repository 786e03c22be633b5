package io.driftless.diff;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/** Equivalences the API server introduces, so that they are never reported as drift. */
final class Normalize {

    private Normalize() {
    }

    /**
     * Kubernetes's plain (not pointer) booleans with {@code omitempty}: false is never stored, so a desired false
     * is what an absent field means (Helm charts write {@code hostNetwork: false}).
     */
    private static final java.util.Set<String> PLAIN_BOOLEANS = java.util.Set.of("hostNetwork", "hostPID", "hostIPC",
            "hostUsers", "stdin", "stdinOnce", "tty", "readOnly", "publishNotReadyAddresses");

    /** The API server drops empty strings, maps and lists and false booleans in many places. */
    static boolean emptyEqualsAbsent(String path, Object desired) {
        return desired instanceof String s && s.isEmpty()
                || desired instanceof Map<?, ?> m && m.isEmpty()
                || desired instanceof Collection<?> c && c.isEmpty()
                || zeroNumber(desired)
                || Boolean.FALSE.equals(desired) && PLAIN_BOOLEANS.contains(path.substring(path.lastIndexOf('/') + 1));
    }

    /**
     * The API server leaves out number fields whose value is 0 ({@code omitempty}, e.g. a probe's
     * {@code initialDelaySeconds}); a number field it defaults to something else (a Deployment's {@code replicas},
     * {@code terminationGracePeriodSeconds}) is always present, so an absent number stands for 0. Not so for
     * booleans: {@code automountServiceAccountToken: false} removed by hand means true, and is drift.
     */
    private static boolean zeroNumber(Object desired) {
        return desired instanceof Number n && new BigDecimal(n.toString()).signum() == 0;
    }

    static boolean scalarsEqual(String path, Object desired, Object live) {
        if (java.util.Objects.equals(desired, live)) {
            return true;
        }
        if (desired instanceof Number a && live instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        if (isQuantity(path)) {
            return Quantities.equal(desired, live);
        }
        return false;
    }

    /** Resource requests/limits, HPA quantities and storage sizes are quantities. */
    static boolean isQuantity(String path) {
        return path.contains("/resources/requests/") || path.contains("/resources/limits/")
                || path.endsWith("/storage") || path.contains("/hard/") || path.endsWith("/sizeLimit");
    }
}
