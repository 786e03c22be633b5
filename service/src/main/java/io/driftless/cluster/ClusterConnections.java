package io.driftless.cluster;

import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;

import io.driftless.config.ClusterSpec;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * One Kubernetes client per cluster; starts in-memory API servers for {@code embedded} clusters (where the build
 * has them, see {@link EmbeddedApiServers}). Clusters join and leave with the fleet ({@link #add}, {@link #remove}). Every
 * request any client makes is seen by the {@link RequestObservers} (metrics) and updates the cluster's
 * {@link Reachability}.
 */
public final class ClusterConnections implements Closeable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterConnections.class);
    /**
     * Whether a cluster's API server answers.
     *
     * @param reachable        false once there is evidence nothing answers: a connection refused, a name that does
     *                         not resolve or a TLS failure at once, else {@link #EVIDENCE} requests in a row without an
     *                         answer (one slow answer given up on is no outage)
     * @param lastContact      when it last answered anything, or null
     * @param lastError        why the last request got no answer, while unreachable
     * @param unreachableSince when it stopped answering, while unreachable
     * @param retryAt          before this, syncs of its targets fail at once instead of waiting for timeouts;
     *                         the wait doubles with the outage, from 15 s up to 5 minutes
     * @param unanswered       requests in a row that got no answer
     */
    public record Reachability(String cluster, boolean reachable, Instant lastContact, String lastError,
                               Instant unreachableSince, Instant retryAt, int unanswered) {

        static final Duration MIN_BACKOFF = Duration.ofSeconds(15);
        static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
        static final int EVIDENCE = 3;

        static Reachability answered(String cluster, Instant at) {
            return new Reachability(cluster, true, at, null, null, null, 0);
        }

        /** A request that got no answer, definitive evidence (a refused connection, say). */
        Reachability failed(String error, Instant at) {
            return failed(error, at, true);
        }

        /** @param definitive whether this one failure shows the server is not there (else it takes a few) */
        Reachability failed(String error, Instant at, boolean definitive) {
            if (reachable && !definitive && unanswered + 1 < EVIDENCE) {
                return new Reachability(cluster, true, lastContact, null, null, null, unanswered + 1);
            }
            Instant since = reachable ? at : unreachableSince;
            Duration outage = Duration.between(since, at);
            Duration wait = outage.compareTo(MIN_BACKOFF) < 0 ? MIN_BACKOFF
                    : outage.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : outage;
            return new Reachability(cluster, false, lastContact, error, since, at.plus(wait), unanswered + 1);
        }

        /** Whether a sync should skip this cluster now rather than wait for its requests to time out. */
        public boolean backingOff(Instant now) {
            return !reachable && retryAt != null && now.isBefore(retryAt);
        }
    }

    /** In fleet order; guarded by itself. */
    private final Map<String, KubernetesClient> clients = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, ClusterSpec> specs = new ConcurrentHashMap<>();
    /** When each cluster's trust was last read again after a certificate failure. */
    private final Map<String, Instant> trustChecked = new ConcurrentHashMap<>();
    static final Duration TRUST_RECHECK = Duration.ofSeconds(30);
    /** Impersonating clients, by cluster|user. */
    private final Map<String, KubernetesClient> impersonating = new ConcurrentHashMap<>();
    private final java.util.Set<String> embedded = ConcurrentHashMap.newKeySet();
    private EmbeddedApiServers embeddedServers;
    private final Map<String, Reachability> reachability = new ConcurrentHashMap<>();
    private final RequestObservers observers = new RequestObservers();
    private final Watches watches = new Watches(this);
    private final OwnedWatches owned = new OwnedWatches(this);
    private final Map<String, Discovery> discovery = new ConcurrentHashMap<>();

    private volatile Consumer<String> returned = cluster -> { };
    private final boolean allowExec;

    public ClusterConnections(List<ClusterSpec> clusters) {
        this(clusters, false);
    }

    /**
     * @param allowExec whether kubeconfig files may run commands for credentials (exec plugins) or use auth
     *                  providers; without it such a kubeconfig is refused (the operator's explicit choice)
     */
    public ClusterConnections(List<ClusterSpec> clusters, boolean allowExec) {
        this.allowExec = allowExec;
        try {
            clusters.forEach(this::add);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Connects a cluster that joined the fleet (or replaces the connection of one whose settings changed). */
    public void add(ClusterSpec spec) {
        if (clients.containsKey(spec.name())) {
            remove(spec.name());
        }
        KubernetesClient client = connect(spec);
        specs.put(spec.name(), spec);
        reachability.put(spec.name(), new Reachability(spec.name(), true, null, null, null, null, 0));
        clients.put(spec.name(), client);
    }

    /**
     * Throws what connecting the cluster would throw (an unreadable kubeconfig; an embedded cluster in a build
     * without them), connecting nothing: a reloaded fleet is checked before any of it is applied.
     */
    public void check(ClusterSpec spec) {
        switch (spec.connection()) {
            case EMBEDDED -> {
                if (EmbeddedApiServers.provided().isEmpty()) {
                    throw notInThisBuild(spec);
                }
            }
            case IN_CLUSTER -> new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build().close();
            default -> new KubernetesClientBuilder().withConfig(Kubeconfigs.config(spec, allowExec)).build().close();
        }
    }

    private static IllegalStateException notInThisBuild(ClusterSpec spec) {
        return new IllegalStateException("cluster '" + spec.name() + "' is embedded (in memory): embedded clusters are "
                + "part of the demo build (driftless-all.jar), not of the server jar or the image; connect a real "
                + "cluster with kubeconfig or inCluster");
    }

    /** Disconnects a cluster that left the fleet: its informers stop, its client closes. */
    public void remove(String cluster) {
        KubernetesClient client = clients.remove(cluster);
        specs.remove(cluster);
        discovery.remove(cluster);
        reachability.remove(cluster);
        disconnect(cluster);
        if (client != null) {
            client.close();
        }
        if (embedded.remove(cluster)) {
            embeddedServers.stop(cluster);
        }
    }

    /** Closes the clients that act as a cluster's tenants and stops its informers. */
    private void disconnect(String cluster) {
        impersonating.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(cluster + "|")) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        watches.forget(cluster);
        owned.forget(cluster);
    }

    /** A cluster's Kubernetes version from its discovery, asked again at most every few seconds. */
    public java.util.Optional<String> kubeVersion(String cluster) {
        return discovery.computeIfAbsent(cluster, c -> new Discovery()).kubeVersion(client(cluster));
    }

    /** Whether a cluster serves a kind outside namespaces, from its discovery (empty when it does not say). */
    public java.util.Optional<Boolean> clusterScoped(String cluster, String apiVersion, String kind) {
        return discovery.computeIfAbsent(cluster, c -> new Discovery()).clusterScoped(client(cluster), apiVersion,
                kind);
    }

    /** The informers of all clusters. */
    public Watches watches() {
        return watches;
    }

    /**
     * A client of its own for a cluster's shard leases: its requests neither queue behind sync traffic nor are
     * retried, and each gives up after {@code timeout}, so a lease round ends within a lease's duration even while
     * the API server does not answer (the shared clients retry for about a minute). The caller closes it.
     */
    public KubernetesClient leaseClient(String cluster, Duration timeout) {
        Config config = new io.fabric8.kubernetes.client.ConfigBuilder(client(cluster).getConfiguration())
                .withRequestTimeout((int) timeout.toMillis()).withConnectionTimeout((int) timeout.toMillis())
                .withRequestRetryBackoffLimit(0).build();
        return build(cluster, config);
    }

    /** The informers of what managed objects own, for object trees. */
    public OwnedWatches owned() {
        return owned;
    }

    /** Adds an observer of every request (the metrics'; a benchmark's count). */
    public void observe(RequestObservers.Observer observer) {
        observers.add(observer);
    }

    /** Called with a cluster's name when it answers again after it was unreachable. */
    public void onReturn(Consumer<String> listener) {
        this.returned = listener;
    }

    public Reachability reachability(String cluster) {
        return reachability.get(cluster);
    }

    /** Reachability of every cluster, in fleet order. */
    public List<Reachability> reachability() {
        synchronized (clients) {
            return clients.keySet().stream().map(reachability::get).filter(java.util.Objects::nonNull).toList();
        }
    }

    private Interceptor watching(String cluster) {
        return new Interceptor() {
            @Override
            public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
                Reachability[] before = new Reachability[1];
                reachability.computeIfPresent(cluster, (c, was) -> {
                    before[0] = was;
                    return Reachability.answered(cluster, Instant.now());
                });
                observers.tell(cluster, request, response.code());
                if (before[0] != null && !before[0].reachable()) {
                    returned.accept(cluster); // whichever request saw it first (a probe, an informer's relist)
                }
            }

            @Override
            public void afterConnectionFailure(HttpRequest request, Throwable failure) {
                if (Kubeconfigs.untrusted(failure)) {
                    rereadTrust(cluster);
                }
                reachability.computeIfPresent(cluster, (c, before) -> before.failed(failure.getClass().getSimpleName()
                        + (failure.getMessage() == null ? "" : ": " + failure.getMessage().lines().findFirst().orElse("")),
                        Instant.now(), nobodyThere(failure)));
                observers.tell(cluster, request, null);
            }
        };
    }

    /**
     * A server certificate failed to verify: reads the cluster's kubeconfig (or in-cluster CA) again, at most every
     * {@link #TRUST_RECHECK}, and when the CA it names changed (a rotation), reconnects with it; the informers start
     * again at the next sync. A CA that did not change keeps failing, as it should.
     */
    private void rereadTrust(String cluster) {
        ClusterSpec spec = specs.get(cluster);
        if (spec == null || embedded.contains(cluster)) {
            return;
        }
        synchronized (trustChecked) {
            Instant now = Instant.now();
            Instant last = trustChecked.get(cluster);
            if (last != null && last.plus(TRUST_RECHECK).isAfter(now)) {
                return;
            }
            trustChecked.put(cluster, now);
        }
        Thread reader = new Thread(() -> {
            try {
                Config fresh = spec.connection() == ClusterSpec.Connection.IN_CLUSTER ? Config.autoConfigure(null)
                        : Kubeconfigs.config(spec, allowExec);
                KubernetesClient current = clients.get(cluster);
                if (current == null || Kubeconfigs.caOf(current.getConfiguration()).equals(Kubeconfigs.caOf(fresh))) {
                    return;
                }
                KubernetesClient next = build(cluster, withRetries(fresh));
                clients.put(cluster, next);
                disconnect(cluster);
                current.close();
                LOG.warn("cluster={} its certificate authority changed: reconnected with the new one", cluster);
            } catch (RuntimeException e) {
                LOG.warn("cluster={} cannot read its kubeconfig again after a certificate failure: {}", cluster,
                        e.getMessage());
            }
        }, "driftless-trust-" + cluster);
        reader.setDaemon(true);
        reader.start();
    }

    /** A failure that shows the server is not there: refused, unresolvable, unroutable, or a TLS handshake. */
    static boolean nobodyThere(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t instanceof javax.net.ssl.SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    public KubernetesClient client(String cluster) {
        KubernetesClient c = clients.get(cluster);
        if (c == null) {
            throw new IllegalArgumentException("unknown cluster '" + cluster + "'");
        }
        return c;
    }

    /**
     * A client of the cluster whose every request is made as {@code user} (Kubernetes impersonation:
     * {@code Impersonate-User}), so the API server applies that user's RBAC; Driftless's own client when null.
     * Made once per cluster and user, and seen by the same observer and reachability as the cluster's own.
     */
    public KubernetesClient client(String cluster, String user) {
        if (user == null) {
            return client(cluster);
        }
        KubernetesClient own = client(cluster);
        return impersonating.computeIfAbsent(cluster + "|" + user, k -> build(cluster,
                new io.fabric8.kubernetes.client.ConfigBuilder(own.getConfiguration()).withImpersonateUsername(user)
                        .withImpersonateGroups().build()));
    }

    /** API server URLs of the embedded clusters, by name. */
    public Map<String, String> embeddedUrls() {
        Map<String, String> out = new LinkedHashMap<>();
        synchronized (clients) {
            clients.forEach((name, client) -> {
                if (embedded.contains(name)) {
                    out.put(name, client.getMasterUrl().toString());
                }
            });
        }
        return out;
    }

    private KubernetesClient connect(ClusterSpec spec) {
        switch (spec.connection()) {
            case EMBEDDED: {
                synchronized (embedded) {
                    if (embeddedServers == null) {
                        embeddedServers = EmbeddedApiServers.provided().orElseThrow(() -> notInThisBuild(spec));
                    }
                }
                KubernetesClient client = embeddedServers.start(spec.name(), watching(spec.name()));
                embedded.add(spec.name());
                return client;
            }
            case IN_CLUSTER:
                return build(spec.name(), withRetries(Config.autoConfigure(null)));
            default:
                return build(spec.name(), withRetries(Kubeconfigs.config(spec, allowExec)));
        }
    }

    /** A client of the cluster with the shared serialization, its requests seen by the observers. */
    private KubernetesClient build(String cluster, Config config) {
        return new KubernetesClientBuilder().withKubernetesSerialization(ClientSerialization.SHARED).withConfig(config)
                .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("driftless-observer",
                        watching(cluster))).build();
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

    @Override
    public void close() {
        watches.close();
        owned.close();
        impersonating.values().forEach(KubernetesClient::close);
        synchronized (clients) {
            clients.values().forEach(KubernetesClient::close);
        }
        if (embeddedServers != null) {
            embeddedServers.close();
        }
    }
}
