package io.driftless.cluster;

import java.util.Optional;
import java.util.ServiceLoader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * In-memory API servers for a fleet's {@code embedded} clusters. The demo build provides them (found with
 * {@link ServiceLoader}); the server jar and the image leave them out, so an embedded cluster there is a clear
 * error instead of a mock in production.
 */
public interface EmbeddedApiServers extends AutoCloseable {

    /** Starts an API server for the cluster and answers a client of it that passes every request to the observer. */
    KubernetesClient start(String cluster, Interceptor observer);

    /** Stops the cluster's API server, if it runs. */
    void stop(String cluster);

    /** Stops them all. */
    @Override
    void close();

    /** The provider in this build, if it has one. */
    static Optional<EmbeddedApiServers> provided() {
        return ServiceLoader.load(EmbeddedApiServers.class).findFirst();
    }
}
