package io.driftless.demo;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.LoggerFactory;

import io.driftless.cluster.EmbeddedApiServers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/** The demo's embedded clusters: fabric8's in-memory CRUD API server, one per cluster, on a loopback port. */
public final class MockApiServers implements EmbeddedApiServers {

    private final Map<String, KubernetesMockServer> servers = new ConcurrentHashMap<>();

    @Override
    public KubernetesClient start(String cluster, Interceptor observer) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        servers.put(cluster, server);
        return server.createClient(builder -> builder.withHttpClientBuilderConsumer(http ->
                http.addOrReplaceInterceptor("driftless-observer", observer)));
    }

    @Override
    public void stop(String cluster) {
        KubernetesMockServer server = servers.remove(cluster);
        if (server != null) {
            try {
                server.destroy();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(MockApiServers.class).debug("embedded cluster {} did not stop cleanly", cluster, e);
            }
        }
    }

    @Override
    public void close() {
        servers.keySet().forEach(this::stop);
    }
}
