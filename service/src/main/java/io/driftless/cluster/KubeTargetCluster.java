package io.driftless.cluster;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.apply.ChangeSet;
import io.driftless.config.ReleaseSpec;
import io.driftless.health.Health;
import io.driftless.model.ObjectNames;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.status.Notice;
import io.driftless.plan.Plan;
import io.driftless.render.Chart;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A {@link TargetCluster} on a Kubernetes API server, through the fabric8 client and the watches. With a
 * {@code user} (a tenant's ServiceAccount), everything the release's objects need (reads, watches, writes, hooks,
 * namespaces, the Secrets a chart reuses, pods for health) and the release's inventory (a ConfigMap in its namespace)
 * are requested as that user, so Driftless itself needs no right to write ConfigMaps outside its own namespace;
 * Events and discovery are its own.
 */
public final class KubeTargetCluster implements TargetCluster {

    private static final Logger LOG = LoggerFactory.getLogger(KubeTargetCluster.class);

    private final String name;
    private final ClusterConnections clusters;
    private final String user;
    /** One per cluster and user, so what it read lately answers again for a moment. */
    private final PodReader pods;

    public KubeTargetCluster(String name, ClusterConnections clusters) {
        this(name, clusters, null);
    }

    /** @param user whom the release's requests are made as, or null for Driftless itself */
    public KubeTargetCluster(String name, ClusterConnections clusters, String user) {
        this.name = name;
        this.clusters = clusters;
        this.user = user;
        this.pods = new PodReader(this::objects, java.time.Clock.systemUTC());
    }

    /**
     * Each target's cluster as its tenant sees it: its requests made as the tenant's ServiceAccount where it has
     * one, else as Driftless itself; one per cluster and user.
     */
    public static java.util.function.Function<io.driftless.config.Target, TargetCluster> forTargets(
            ClusterConnections clusters) {
        Map<String, TargetCluster> sides = new java.util.concurrent.ConcurrentHashMap<>();
        return target -> {
            var account = target.release().tenant().serviceAccount();
            String user = account == null ? null : account.username();
            return sides.computeIfAbsent(target.cluster().name() + "|" + user,
                    k -> new KubeTargetCluster(target.cluster().name(), clusters, user));
        };
    }

    /** Driftless's own client: its records and discovery. */
    private KubernetesClient client() {
        return clusters.client(name);
    }

    /** The client of the release's objects: as the tenant's user, where it has one. */
    private KubernetesClient objects() {
        return clusters.client(name, user);
    }

    @Override
    public String unavailable(Instant now) {
        ClusterConnections.Reachability reach = clusters.reachability(name);
        return reach.backingOff(now) ? "cluster " + name + ": unreachable since " + reach.unreachableSince() + " ("
                + reach.lastError() + "); retried with backoff, see /api/v1/clusters" : null;
    }

    @Override
    public InventoryStore.Inventory loadInventory(String namespace, String release) {
        return new InventoryStore(objects()).load(namespace, release);
    }

    @Override
    public void saveInventory(String namespace, String release, String revision, InventoryStore.Inventory inventory,
                              boolean recorded) {
        new InventoryStore(objects()).save(namespace, release, revision, inventory, recorded);
    }

    @Override
    public void watch(String release, Collection<ObjectRef> refs) {
        clusters.watches().watch(name, user, release, refs);
    }

    /** Asked as Driftless itself: a tenant's account may read no cluster-scoped object. */
    @Override
    public Set<String> absentNamespaces(Collection<ObjectRef> refs) {
        return new LiveReader(client(), cache()).absentNamespaces(refs);
    }

    @Override
    public Map<ObjectRef, Map<String, Object>> read(Collection<ObjectRef> refs, String labelValue, Set<String> absent) {
        return new LiveReader(objects(), cache()).read(refs, Tracking.TARGET_LABEL, labelValue, absent);
    }

    @Override
    public LiveReader.Cache cache() {
        return clusters.watches().cache(name, user);
    }

    @Override
    public boolean covers(String release) {
        return clusters.watches().covers(name, release);
    }

    /** The first ask of a cluster waits this long at most for its owned objects' watches to fill. */
    private static final java.time.Duration FIRST_TREE = java.time.Duration.ofSeconds(5);

    @Override
    public io.driftless.health.Owned.Lookup owned(Collection<String> namespaces) {
        return clusters.owned().lookup(name, user, namespaces, FIRST_TREE);
    }

    @Override
    public List<String> unwatchedOwned() {
        return clusters.owned().unwatched(name);
    }

    @Override
    public Health.Pods pods() {
        return pods;
    }

    @Override
    public Chart.Lookup secrets() {
        KubernetesClient client = objects();
        return (namespace, secret, key) -> !ObjectNames.isDnsSubdomain(namespace)
                || !ObjectNames.isDnsSubdomain(secret) ? Optional.empty() : Optional.ofNullable(
                client.secrets().inNamespace(namespace).withName(secret).get())
                .map(s -> s.getData() == null ? null : s.getData().get(key))
                .map(b64 -> new String(java.util.Base64.getDecoder().decode(b64),
                        java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The cluster's discovery answers {@code group/version[/Kind]} questions, asked only when a chart needs one. */
    @Override
    public Chart.Capabilities capabilities() {
        KubernetesClient client = client();
        return new Chart.Capabilities() {
            @Override
            public Optional<Boolean> has(String apiVersion) {
                String[] parts = apiVersion.split("/");
                String groupVersion = parts.length > 2 ? parts[0] + "/" + parts[1] : apiVersion;
                try {
                    var resources = client.getApiResources(groupVersion);
                    return Optional.of(resources != null && (parts.length <= 2 || resources.getResources().stream()
                            .anyMatch(res -> res.getKind().equals(parts[2]))));
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        return Optional.of(false);
                    }
                    throw e;
                }
            }

            @Override
            public Optional<String> kubeVersion() {
                return clusters.kubeVersion(name);
            }
        };
    }

    @Override
    public io.driftless.model.KindScopes scopes() {
        return (apiVersion, kind) -> clusters.clusterScoped(name, apiVersion, kind);
    }

    /** Created as the tenant, where it has an account: creating a namespace is its request. */
    @Override
    public void createNamespaces(String target, Set<String> namespaces) {
        KubernetesClient client = objects();
        for (String namespace : namespaces) {
            try {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                        .endMetadata().build()).create();
                LOG.info("target={} object=Namespace/{} action=created", target, namespace);
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409) { // 409: another target of the namespace created it a moment ago
                    throw e;
                }
            }
        }
    }

    @Override
    public ChangeSet apply(String target, Plan plan, List<ReleaseSpec.IgnoreRule> ignores, boolean serverSideApply,
                           BooleanSupplier stopping) {
        Applier applier = new Applier(objects(), ignores, serverSideApply, stopping)
                .telling((ref, version) -> clusters.watches().wrote(name, ref, version));
        ChangeSet changes = applier.apply(target, plan);
        if (changes.entries().stream().anyMatch(e -> "CustomResourceDefinition".equals(e.ref().kind())
                && (e.outcome() == ChangeSet.Outcome.CREATED || e.outcome() == ChangeSet.Outcome.CONFIGURED))) {
            clusters.watches().retryUnwatchable(name); // its resources' kind is served now
        }
        return changes;
    }

    @Override
    public void record(Notice notice) {
        if (clusters.reachability(name).reachable()) {
            new SyncEvents(client()).record(notice);
        }
    }
}
