package io.driftless.cluster;

import java.io.Closeable;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;

import io.driftless.config.ClusterSpec;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/** One Kubernetes client per cluster; starts in-memory API servers for {@code embedded} clusters. */
public final class ClusterConnections implements Closeable {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ClusterConnections.class);

    private final Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    private final Map<String, KubernetesMockServer> embedded = new LinkedHashMap<>();

    public ClusterConnections(List<ClusterSpec> clusters) {
        for (ClusterSpec spec : clusters) {
            clients.put(spec.name(), connect(spec));
        }
    }

    public KubernetesClient client(String cluster) {
        KubernetesClient c = clients.get(cluster);
        if (c == null) {
            throw new IllegalArgumentException("unknown cluster '" + cluster + "'");
        }
        return c;
    }

    /** API server URLs of the embedded clusters, by name. */
    public Map<String, String> embeddedUrls() {
        Map<String, String> out = new LinkedHashMap<>();
        embedded.keySet().forEach(name -> out.put(name, clients.get(name).getMasterUrl().toString()));
        return out;
    }

    private KubernetesClient connect(ClusterSpec spec) {
        switch (spec.connection()) {
            case EMBEDDED: {
                KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
                        new HashMap<>(), new KubernetesCrudDispatcher(), false);
                server.init(InetAddress.getLoopbackAddress(), 0);
                embedded.put(spec.name(), server);
                return server.createClient();
            }
            case IN_CLUSTER:
                return new KubernetesClientBuilder().withConfig(withRetries(Config.autoConfigure(null))).build();
            default:
                return new KubernetesClientBuilder().withConfig(withRetries(kubeconfig(spec))).build();
        }
    }

    /**
     * Throttled (429) and unavailable (5xx) answers and connection errors are retried by the client with
     * exponential backoff: 200 ms, 400 ms, ... five times (about 6 s), then the object's apply fails and is
     * retried by the next sync. Every write carries a precondition, so a retried write is safe.
     */
    static Config withRetries(Config config) {
        config.setRequestRetryBackoffLimit(5);
        config.setRequestRetryBackoffInterval(200);
        return config;
    }

    private static Config kubeconfig(ClusterSpec spec) {
        try {
            if (spec.kubeconfig() == null) {
                return Config.autoConfigure(spec.context());
            }
            String text = Files.readString(Path.of(spec.kubeconfig()));
            return Config.fromKubeconfig(spec.context(), text, spec.kubeconfig());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cluster '" + spec.name() + "': cannot read kubeconfig "
                    + spec.kubeconfig() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        clients.values().forEach(KubernetesClient::close);
        embedded.forEach((name, server) -> {
            try {
                server.destroy();
            } catch (RuntimeException e) {
                LOG.debug("embedded cluster {} did not stop cleanly", name, e);
            }
        });
    }
}
