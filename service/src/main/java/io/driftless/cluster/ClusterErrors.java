package io.driftless.cluster;

import java.util.Optional;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What went wrong talking to a cluster, as the one line a target's status shows: the API server's answer (HTTP
 * status and its message), what the connection ran into when nothing answered, or why the client refused to make
 * the request. Keeps the Kubernetes client's exceptions inside this package.
 */
public final class ClusterErrors {

    private ClusterErrors() {
    }

    /** The line for an error of a cluster's client or inventory, or empty when {@code e} is neither. */
    public static Optional<String> describe(String cluster, Throwable e) {
        if (e instanceof KubernetesClientException k) {
            return Optional.of("cluster " + cluster + ": " + describe(k));
        }
        if (e instanceof InventoryException) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
        return Optional.empty();
    }

    static String describe(KubernetesClientException e) {
        if (e.getCode() <= 0 && !answerless(e)) { // the client refused the request itself: its own reason
            return "the request was not made: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        if (e.getCode() <= 0) { // no answer: what the connection ran into says more than the operation tried
            Throwable cause = null; // the deepest cause that says something, else the deepest
            for (Throwable t = e.getCause(); t != null && t != cause; t = t.getCause()) {
                if (cause == null || t.getMessage() != null || cause.getMessage() == null) {
                    cause = t;
                }
            }
            return "no answer from the API server" + (cause == null ? "" : " (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage().lines().findFirst().orElse(""))
                    + ")");
        }
        String m = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        return "HTTP " + e.getCode() + ": " + (m == null ? "no message" : m.lines().findFirst().orElse(""));
    }

    /** Whether an exception without an HTTP status came from the connection (refused, timed out, TLS). */
    static boolean answerless(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
