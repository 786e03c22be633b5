package io.driftless.config;

import java.util.Map;

/**
 * A Kubernetes cluster Driftless syncs into.
 *
 * @param connection how to reach it
 * @param kubeconfig kubeconfig file (for {@link Connection#KUBECONFIG}); null means the default
 * @param context    kubeconfig context; null means the file's current context
 */
public record ClusterSpec(String name, Connection connection, String kubeconfig, String context,
                          Map<String, String> labels, Origin origin) {

    public enum Connection {
        /** An in-memory API server started by Driftless itself: demo and tests only. */
        EMBEDDED,
        KUBECONFIG,
        IN_CLUSTER
    }
}
