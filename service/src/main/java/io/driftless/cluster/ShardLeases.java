package io.driftless.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.HighAvailability;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Which shards this replica holds. Without high availability it holds the only shard. With it, every replica
 * keeps a member Lease ({@code driftless-member-<identity>}) and the shards are Leases
 * ({@code driftless-shard-<n>}, {@code coordination.k8s.io/v1}); each round (a fifth of the lease duration) a
 * replica renews its shards, takes free or expired ones while it holds fewer than its fair share
 * (shards / live members, rounded up), and releases one when it holds more, so shards spread over the replicas
 * and move to the others when one stops. Every write carries the lease's resourceVersion, so two replicas never
 * both win a shard. A lease counts as expired when its renew time has not changed for a lease duration as seen
 * by this replica, so clocks need not agree.
 */
public final class ShardLeases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardLeases.class);
    private static final String KIND_LABEL = "driftless.io/lease";

    /** Who holds a shard, as the status API shows it. */
    public record Holding(int shard, String holder, boolean mine) {
    }

    /** When this replica first saw a lease's current renew time. */
    private record Seen(String holder, ZonedDateTime renewTime, Instant at) {
    }

    private final HighAvailability ha;
    private final String identity;
    private final IntConsumer acquired;
    private final KubernetesClient client;
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    /** Held shards this replica could not renew in time: it stopped acting on them (and said so through lost). */
    private final Set<Integer> lapsed = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> holders = new ConcurrentHashMap<>();
    private final Map<String, Seen> seen = new HashMap<>();
    private final ScheduledExecutorService rounds;

    private volatile IntConsumer lost = shard -> { };

    /**
     * Called with a shard this replica has just lost or handed back (its targets are another replica's now), or
     * could not renew in time (see {@link #holds}); a lapsed shard renewed later counts as acquired again.
     */
    public void onLoss(IntConsumer listener) {
        this.lost = listener;
    }

    /** When this replica last renewed each shard it holds, by its own monotonic clock. */
    private final Map<Integer, Long> renewedAt = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    /** How long after joining a replica takes its first shards, at most (a round period when shorter). */
    static final Duration JOIN = Duration.ofSeconds(2);

    /** @param acquired called with a shard this replica has just taken (its targets should sync now) */
    public ShardLeases(HighAvailability ha, String identity, ClusterConnections clusters, IntConsumer acquired) {
        this(ha, identity, clusters, acquired, System::nanoTime);
    }

    ShardLeases(HighAvailability ha, String identity, ClusterConnections clusters, IntConsumer acquired,
                LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.ha = ha;
        this.identity = identity;
        this.acquired = acquired;
        if (!ha.enabled()) {
            held.add(0);
            holders.put(0, identity);
            client = null;
            rounds = null;
            return;
        }
        // a round must end well within a lease's duration, whatever the API server does
        client = clusters.leaseClient(ha.cluster(), java.time.Duration.ofMillis(Math.max(1000,
                ha.leaseDuration().toMillis() / 2)));
        try {
            ensureNamespace();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        rounds = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "driftless-leases");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, ha.leaseDuration().toMillis() / 5);
        // the first round only joins: replicas started together see each other before any takes shards (else the
        // first to start takes them all, and the rest come to the others one per round, each synced in full again)
        rounds.execute(() -> joinSafely(Instant.now()));
        rounds.scheduleWithFixedDelay(this::roundSafely, Math.min(period, JOIN.toMillis()), period,
                TimeUnit.MILLISECONDS);
    }

    private void ensureNamespace() {
        try {
            if (client.namespaces().withName(ha.namespace()).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ha.namespace())
                        .endMetadata().build()).create();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private void roundSafely() {
        try {
            round(Instant.now());
        } catch (KubernetesClientException e) {
            LOG.warn("identity={} lease round failed: HTTP {}: {}", identity, e.getCode(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("identity={} lease round failed: {}", identity, e.toString());
        }
        lapses();
    }

    /**
     * Held shards whose renewal is older than {@link #validFor}: this replica no longer acts on them, and another
     * may take them soon, so it reports them as lost (its series of their targets go) until it renews them.
     */
    synchronized void lapses() {
        for (int s : List.copyOf(held)) {
            if (!holds(s) && lapsed.add(s)) {
                LOG.warn("shard={} identity={} lease not renewed in time; its targets are left alone", s, identity);
                lost.accept(s);
            }
        }
    }

    private void joinSafely(Instant now) {
        try {
            join(now);
        } catch (RuntimeException e) {
            LOG.warn("identity={} could not join the replicas yet: {}", identity, e.toString());
        }
    }

    /** Becomes (or stays) a member: this replica's member Lease, renewed. */
    private synchronized void join(Instant now) {
        String memberName = memberName();
        claim(memberName, "member", client.leases().inNamespace(ha.namespace()).withName(memberName).get(), now);
    }

    private String memberName() {
        return "driftless-member-" + dnsName(identity);
    }

    /** One round: stay a member, count the live members, then renew, take or release shards. */
    synchronized void round(Instant now) {
        join(now);
        String memberName = memberName();
        long members = 0;
        for (Lease member : leases("member")) {
            if (!expired(member, now)) {
                members++;
            } else if (!member.getMetadata().getName().equals(memberName)) {
                forget(member); // a replica that stopped without saying goodbye (identities differ per process)
            }
        }
        members = Math.max(1, members);
        int fair = (int) Math.ceil(ha.shards() / (double) members);
        Map<String, Lease> shards = new HashMap<>();
        leases("shard").forEach(l -> shards.put(l.getMetadata().getName(), l));
        boolean released = false;
        for (int s = 0; s < ha.shards(); s++) {
            String name = "driftless-shard-" + s;
            Lease lease = shards.get(name);
            String holder = lease == null ? null : lease.getSpec().getHolderIdentity();
            boolean mine = identity.equals(holder);
            if (mine && held.size() > fair && !released) {
                released = release(s, lease, "to balance the shards");
            } else if (mine) {
                keep(s, claim(name, "shard", lease, now));
            } else if ((lease == null || holder == null || expired(lease, now)) && held.size() < fair) {
                keep(s, claim(name, "shard", lease, now));
            } else {
                if (held.remove(s)) { // another replica took it (this one could not renew it), or it was freed
                    LOG.info("shard={} identity={} lease lost to {}", s, identity, holder == null ? "nobody" : holder);
                    if (!lapsed.remove(s)) {
                        lost.accept(s);
                    }
                }
                holders.put(s, holder == null ? "" : holder);
            }
        }
    }

    private void keep(int shard, boolean won) {
        if (won) {
            renewedAt.put(shard, nanoTime.getAsLong());
            holders.put(shard, identity);
            boolean renewedAfterLapse = lapsed.remove(shard);
            if (held.add(shard) || renewedAfterLapse) {
                LOG.info("shard={} identity={} lease acquired{}", shard, identity, renewedAfterLapse
                        ? " (renewed after a lapse)" : "");
                acquired.accept(shard);
            }
        } else if (held.remove(shard)) {
            LOG.info("shard={} identity={} lease lost", shard, identity);
            if (!lapsed.remove(shard)) {
                lost.accept(shard);
            }
        }
    }

    private List<Lease> leases(String kind) {
        return client.leases().inNamespace(ha.namespace()).withLabel(KIND_LABEL, kind).list().getItems();
    }

    /** Creates or renews the lease for this replica; false when another replica won it first. */
    private boolean claim(String name, String kind, Lease current, Instant now) {
        ZonedDateTime time = ZonedDateTime.ofInstant(now, ZoneOffset.UTC);
        try {
            if (current == null) {
                client.leases().inNamespace(ha.namespace()).resource(new LeaseBuilder().withNewMetadata().withName(name)
                        .withNamespace(ha.namespace()).addToLabels(KIND_LABEL, kind).endMetadata().withNewSpec()
                        .withHolderIdentity(identity).withLeaseDurationSeconds((int) ha.leaseDuration().toSeconds())
                        .withAcquireTime(time).withRenewTime(time).withLeaseTransitions(0).endSpec().build()).create();
                return true;
            }
            Lease next = new LeaseBuilder(current).editSpec().withHolderIdentity(identity).withRenewTime(time)
                    .withLeaseDurationSeconds((int) ha.leaseDuration().toSeconds()).endSpec().build();
            if (!identity.equals(current.getSpec().getHolderIdentity())) {
                next.getSpec().setAcquireTime(time);
                next.getSpec().setLeaseTransitions(Objects.requireNonNullElse(current.getSpec().getLeaseTransitions(), 0) + 1);
            }
            client.leases().inNamespace(ha.namespace()).resource(next).update(); // carries resourceVersion
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
    }

    private boolean release(int shard, Lease lease, String why) {
        try {
            client.leases().inNamespace(ha.namespace()).resource(new LeaseBuilder(lease).editSpec()
                    .withHolderIdentity(null).endSpec().build()).update();
            LOG.info("shard={} identity={} lease released {}", shard, identity, why);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        if (held.remove(shard) && !lapsed.remove(shard)) {
            lost.accept(shard);
        }
        holders.put(shard, "");
        return true;
    }

    private void forget(Lease member) {
        try {
            client.leases().inNamespace(ha.namespace()).resource(member).delete();
            seen.remove(member.getMetadata().getName());
        } catch (KubernetesClientException e) {
            LOG.debug("identity={} stale member lease {} not deleted: HTTP {}", identity, member.getMetadata().getName(),
                    e.getCode());
        }
    }

    /** Expired when its holder and renew time have not changed for a lease duration, as this replica saw it. */
    private boolean expired(Lease lease, Instant now) {
        String key = lease.getMetadata().getName();
        Seen before = seen.get(key);
        String holder = lease.getSpec().getHolderIdentity();
        ZonedDateTime renew = lease.getSpec().getRenewTime();
        if (before == null || !Objects.equals(before.holder(), holder) || !Objects.equals(before.renewTime(), renew)) {
            seen.put(key, new Seen(holder, renew, now));
            return false;
        }
        return Duration.between(before.at(), now).compareTo(ha.leaseDuration()) > 0;
    }

    private static String dnsName(String identity) {
        String name = identity.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return name.length() > 40 ? name.substring(0, 40) : name;
    }

    public int shards() {
        return ha.enabled() ? ha.shards() : 1;
    }

    /**
     * Whether this replica may sync the shard's targets: it holds the lease and renewed it less than a lease
     * duration minus a margin ago, by its own clock. A replica cut off from the lease cluster stops syncing
     * before any other replica can see the lease expire and take it.
     */
    public boolean holds(int shard) {
        if (!ha.enabled()) {
            return held.contains(shard);
        }
        Long renewed = renewedAt.get(shard);
        return held.contains(shard) && renewed != null
                && nanoTime.getAsLong() - renewed < validFor().toNanos();
    }

    /** How long a renewal lets this replica act: the lease duration less a fifth for clock rates and latency. */
    Duration validFor() {
        return ha.leaseDuration().minus(ha.leaseDuration().dividedBy(5));
    }

    public String identity() {
        return identity;
    }

    /** Every shard with its current holder (as last observed), in shard order. */
    public List<Holding> holdings() {
        List<Holding> out = new ArrayList<>();
        for (int s = 0; s < shards(); s++) {
            out.add(new Holding(s, holders.get(s), holds(s)));
        }
        return out;
    }

    /** Stops the rounds and hands the held shards and the membership back, so others take over at once. */
    @Override
    public void close() {
        if (rounds == null) {
            return;
        }
        rounds.shutdownNow();
        try {
            rounds.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                for (int s : List.copyOf(held)) {
                    Lease lease = client.leases().inNamespace(ha.namespace()).withName("driftless-shard-" + s).get();
                    if (lease != null && identity.equals(lease.getSpec().getHolderIdentity())) {
                        release(s, lease, "on shutdown");
                    }
                }
                client.leases().inNamespace(ha.namespace()).withName("driftless-member-" + dnsName(identity)).delete();
            } catch (KubernetesClientException e) { // the others take the shards over when the leases expire
                LOG.info("identity={} leases not handed back on shutdown: HTTP {}", identity, e.getCode());
            } finally {
                held.clear();
                lapsed.clear();
                client.close();
            }
        }
    }
}
