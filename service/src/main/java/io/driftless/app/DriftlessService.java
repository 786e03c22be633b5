package io.driftless.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.driftless.api.ApiCredentials;
import io.driftless.api.ApiServices;
import io.driftless.api.HttpApiVerticle;
import io.driftless.cluster.ClusterConnections;
import io.driftless.cluster.ShardLeases;
import io.driftless.config.Fleet;
import io.driftless.config.SourceSpec;
import io.driftless.diff.Redaction;
import io.driftless.fleet.FleetChange;
import io.driftless.fleet.FleetVerticle;
import io.driftless.fleet.LiveFleet;
import io.driftless.fleet.Shards;
import io.driftless.status.HistoryStore;
import io.driftless.status.StatusBoard;
import io.driftless.reconcile.TargetSyncer;
import io.driftless.notify.Notifier;
import io.driftless.source.GitSource;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Vertx;

/** Wires a fleet into a running service: clusters, sources, the sync loop and the HTTP API. */
public final class DriftlessService implements AutoCloseable {

    /** How the service runs; {@code httpPort} 0 picks a free port. */
    /** @param apiCredentials who may call the mutating HTTP endpoints */
    /** @param tls the PEM certificate and key of HTTPS, or null for plain HTTP */
    /**
     * @param helm                the limits of Helm renders (see {@link io.driftless.render.helm.HelmSandbox})
     * @param allowKubeconfigExec whether kubeconfig files may run credential commands (exec plugins) or use auth
     *                            providers
     * @param allowedHosts        host names HTTP requests may name besides the listen address and localhost
     * @param externalUrl         the address users reach the service at, which notifications link to (null: none)
     *                            ({@code --allowed-host})
     */
    public record Settings(Path stateDir, String httpHost, int httpPort, int parallelism, Map<String, String> env,
                           ApiCredentials apiCredentials, Tls tls, io.driftless.render.helm.HelmSandbox.Limits helm,
                           boolean allowKubeconfigExec, java.util.List<String> allowedHosts, String externalUrl) {

        public Settings {
            allowedHosts = java.util.List.copyOf(allowedHosts);
        }

        /** A PEM certificate (chain) and its private key. */
        public record Tls(Path cert, Path key) {
        }

        public Settings(Path stateDir, String httpHost, int httpPort, int parallelism, Map<String, String> env,
                        ApiCredentials apiCredentials, Tls tls, io.driftless.render.helm.HelmSandbox.Limits helm,
                        boolean allowKubeconfigExec) {
            this(stateDir, httpHost, httpPort, parallelism, env, apiCredentials, tls, helm, allowKubeconfigExec,
                    java.util.List.of(), null);
        }

        public Settings(Path stateDir, String httpHost, int httpPort, int parallelism, Map<String, String> env,
                        ApiCredentials apiCredentials) {
            this(stateDir, httpHost, httpPort, parallelism, env, apiCredentials, null);
        }

        public Settings(Path stateDir, String httpHost, int httpPort, int parallelism, Map<String, String> env,
                        ApiCredentials apiCredentials, Tls tls) {
            this(stateDir, httpHost, httpPort, parallelism, env, apiCredentials, tls,
                    io.driftless.render.helm.HelmSandbox.Limits.DEFAULT, false);
        }

        /**
         * The admin credential from the {@code DRIFTLESS_API_AUTH} environment variable, if set, and reads open to
         * anyone who reaches the address (the demo on loopback; tests).
         */
        public Settings(Path stateDir, String httpHost, int httpPort, int parallelism, Map<String, String> env) {
            this(stateDir, httpHost, httpPort, parallelism, env, ApiCredentials.of(env.get("DRIFTLESS_API_AUTH"))
                    .withAnonymousRead(true));
        }

        public static Settings defaults(Path stateDir) {
            return new Settings(stateDir, "127.0.0.1", 8080, 4, System.getenv());
        }
    }

    private final Vertx vertx;
    private final LiveFleet live;
    private final FleetVerticle fleetVerticle;
    private final Settings settings;
    private volatile java.util.function.Supplier<Object> fleetStatus = () -> Map.of("origin", "given at start");
    private final ClusterConnections clusters;
    private final Map<String, GitSource> sources;
    private final StatusBoard board;
    private final Metrics metrics;
    private final Notifier notifier;
    private final ShardLeases leases;
    private final io.driftless.render.helm.HelmSandbox helm;
    /** What keeps suspensions, decisions and (under high availability) statuses beyond this process. */
    private final Sharing sharing;
    private final HttpApiVerticle api;
    private final int httpPort;

    private DriftlessService(Vertx vertx, LiveFleet live, FleetVerticle fleetVerticle, Settings settings,
                             ClusterConnections clusters, Map<String, GitSource> sources, StatusBoard board,
                             Metrics metrics, Notifier notifier, ShardLeases leases,
                             io.driftless.render.helm.HelmSandbox helm, Sharing sharing, HttpApiVerticle api,
                             int httpPort) {
        this.helm = helm;
        this.sharing = sharing;
        this.api = api;
        this.live = live;
        this.fleetVerticle = fleetVerticle;
        this.settings = settings;
        this.leases = leases;
        this.notifier = notifier;
        this.vertx = vertx;
        this.clusters = clusters;
        this.sources = sources;
        this.board = board;
        this.metrics = metrics;
        this.httpPort = httpPort;
    }

    /** Starts everything; blocks until the HTTP server listens. */
    public static DriftlessService start(Fleet fleet, Settings settings) {
        return start(fleet, settings, new ClusterConnections(fleet.clusters(), settings.allowKubeconfigExec()));
    }

    public static DriftlessService start(Fleet fleet, Settings settings, ClusterConnections clusters) {
        if (!AsyncPool.shared()) {
            org.slf4j.LoggerFactory.getLogger(DriftlessService.class).warn("asynchronous completions run on a "
                    + "thread each (one or two processors): start the JVM with -D{}=2", AsyncPool.PARALLELISM);
        }
        Redaction.useKey(redactionKey(settings.stateDir()));
        Metrics metrics = new Metrics();
        clusters.observe(metrics::kubernetesRequest);
        fleet.targets().forEach(t -> metrics.target(t.cluster().name(), t.release().name()));
        fleet.sources().forEach(s -> metrics.source(s.name()));
        fleet.notifications().forEach(n -> metrics.notifier(n.name()));
        LiveFleet live = new LiveFleet(fleet);
        Notifier notifier;
        try {
            notifier = new Notifier(fleet.notifications(), settings.env(), metrics).linking(settings.externalUrl(),
                    release -> (int) live.targets().stream().filter(t -> t.release().name().equals(release)).count());
        } catch (IllegalStateException e) {
            clusters.close();
            throw e;
        }
        StatusBoard board = new StatusBoard(fleet.targets()).keeping(HistoryStore.in(settings.stateDir()
                .resolve("history")));
        Map<String, GitSource> sources = new java.util.concurrent.ConcurrentHashMap<>();
        Vertx vertx = null;
        ShardLeases leases;
        try {
            for (SourceSpec spec : fleet.sources()) {
                sources.put(spec.name(), new GitSource(spec, settings.stateDir().resolve("cache"), settings.env()));
            }
            // Vert.x unpacks the web UI's files into a cache folder: the state folder's, not the temporary one
            Vertx events = Vertx.vertx(new io.vertx.core.VertxOptions().setFileSystemOptions(
                    new io.vertx.core.file.FileSystemOptions().setFileCacheDir(settings.stateDir().toAbsolutePath()
                            .resolve("vertx-cache").toString())));
            vertx = events;
            leases = new ShardLeases(fleet.highAvailability(), identity(settings.env()), clusters,
                    shard -> events.eventBus().send(FleetVerticle.SHARD_ACQUIRED, shard));
        } catch (RuntimeException e) { // a bad key file, the lease cluster unreachable: nothing may stay open
            if (vertx != null) {
                vertx.close().await();
            }
            sources.values().forEach(GitSource::close);
            notifier.close();
            clusters.close();
            throw e;
        }
        io.driftless.render.helm.HelmSandbox helm = new io.driftless.render.helm.HelmSandbox(
                settings.stateDir().resolve("renderer"), settings.helm());
        TargetSyncer syncer = new TargetSyncer(io.driftless.source.ChartRepositories.catalogue(
                settings.stateDir().resolve("charts"), settings.env(), helm, () -> live.get().upstreamCharts()),
                io.driftless.cluster.KubeTargetCluster.forTargets(clusters), board, metrics, Clock.systemUTC(),
                notifier::send, new io.driftless.source.DecryptionKeys(settings.env()));
        DriftlessService[] self = new DriftlessService[1];
        Sharing sharing = new Sharing(fleet, clusters, settings.stateDir());
        io.driftless.status.Suspensions suspensions = sharing.suspensions();
        io.driftless.status.Ledger pins = sharing.ledger("pins");
        io.driftless.status.Ledger rollouts = sharing.ledger("rollouts");
        leases.onLoss(shard -> live.targets().stream().filter(t -> Shards.of(t.id(), leases.shards()) == shard)
                .forEach(t -> metrics.forgetTarget(t.cluster().name(), t.release().name())));
        sharing.statuses(leases, board, vertx);
        FleetVerticle fleetVerticle = new FleetVerticle(live, clusters, leases, sources, syncer, board, metrics,
                Clock.systemUTC(), settings.parallelism()).suspending(suspensions).keeping(pins, rollouts);
        HttpApiVerticle.Endpoint endpoint = new HttpApiVerticle.Endpoint(settings.httpHost(), settings.httpPort(),
                settings.tls() == null ? null : settings.tls().cert(), settings.tls() == null ? null : settings.tls().key(),
                settings.allowedHosts(), settings.externalUrl());
        ApiServices.Reports reports = new ApiServices.Reports(fleetVerticle::sourceStates,
                () -> clusters.reachability().stream().map(r -> io.driftless.api.Views.Cluster.of(r,
                        live.get().clusters().stream().filter(c -> c.name().equals(r.cluster())).findFirst()
                                .map(c -> c.labels()).orElse(Map.of()),
                        clusters.watches().watchedKinds(r.cluster()))).toList(),
                () -> Map.of("identity", leases.identity(), "shards", leases.holdings()),
                () -> self[0] == null ? Map.of() : self[0].fleetStatus.get(),
                id -> leases.holds(Shards.of(id, leases.shards())),
                id -> live.target(id).map(t -> live.get().syncWindows().stream()
                        .filter(w -> w.appliesTo(t.release().name(), t.cluster()))
                        .map(w -> io.driftless.api.Views.Window.of(w, java.time.Instant.now())).toList())
                        .orElse(List.of()), id -> io.driftless.rollout.Pin.parse(pins.get(id).orElse(null)),
                release -> live.get().releases().stream().filter(r -> r.name().equals(release)).findFirst()
                        .map(r -> r.tenant().name()).orElse(null));
        HttpApiVerticle api = new HttpApiVerticle(endpoint, new ApiServices(board, suspensions, metrics,
                () -> live.get().sources(), settings.env(), reports), settings.apiCredentials());
        try {
            vertx.deployVerticle(api).await();
            vertx.deployVerticle(fleetVerticle).await();
        } catch (Exception e) { // await() rethrows checked failures such as BindException unchanged
            vertx.close().await();
            helm.close();
            sharing.close();
            leases.close();
            sources.values().forEach(GitSource::close);
            notifier.close();
            clusters.close();
            if (isBindFailure(e)) {
                throw new IllegalStateException("cannot listen on " + settings.httpHost() + ":" + settings.httpPort()
                        + ": the address is in use; choose another with --http-port", e);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        }
        self[0] = new DriftlessService(vertx, live, fleetVerticle, settings, clusters, sources, board, metrics,
                notifier, leases, helm, sharing, api, api.actualPort());
        return self[0];
    }

    /** What was applied by a reload: the change, and one line per removed target. */
    public record Reloaded(FleetChange change, List<String> removed) {
    }

    /**
     * Applies a reloaded (already validated) fleet to the running service: targets, clusters and sources it adds
     * start, those it removes stop, those it changes are synced again; the others go on untouched. Settings read
     * once at start (highAvailability, notifications) stay as they are, as the change's {@code needRestart} says.
     *
     * @throws IllegalStateException a new cluster or source cannot be opened (an unreadable kubeconfig or key
     *                               file); nothing changed then
     */
    public synchronized Reloaded reload(Fleet next) {
        FleetChange change = FleetChange.between(live.get(), next);
        if (change.isEmpty()) {
            return new Reloaded(change, List.of());
        }
        List<String> opening = new java.util.ArrayList<>(change.addedClusters());
        opening.addAll(change.changedClusters());
        next.clusters().stream().filter(c -> opening.contains(c.name())).forEach(clusters::check);
        Map<String, GitSource> opened = new LinkedHashMap<>();
        try {
            for (SourceSpec spec : next.sources()) {
                if (change.addedSources().contains(spec.name()) || change.changedSources().contains(spec.name())) {
                    opened.put(spec.name(), new GitSource(spec, settings.stateDir().resolve("cache"), settings.env()));
                }
            }
        } catch (RuntimeException e) {
            opened.values().forEach(GitSource::close);
            throw e;
        }
        return new Reloaded(change, fleetVerticle.reconfigure(next, change, opened).await());
    }

    /** Who may call the API from now on (a reloaded users file or admin credential file). */
    public void useApiCredentials(ApiCredentials credentials) {
        api.useCredentials(credentials);
    }

    /** The fleet now running. */
    public Fleet fleet() {
        return live.get();
    }

    /** What {@code GET /api/v1/fleet} answers from now on. */
    public void reportFleet(java.util.function.Supplier<Object> status) {
        this.fleetStatus = status;
    }

    /**
     * This installation's key for redacted values, kept in the state folder (owner-only) so the same secret
     * shows as the same hash across restarts; created on first start. Replicas that should show equal hashes
     * share the folder's key file (e.g. from a Secret).
     */
    static byte[] redactionKey(java.nio.file.Path stateDir) {
        java.nio.file.Path file = stateDir.resolve("redaction.key");
        try {
            if (java.nio.file.Files.exists(file)) {
                byte[] key = java.nio.file.Files.readAllBytes(file);
                if (key.length < 16) {
                    throw new IllegalStateException(file + ": a redaction key needs at least 16 bytes; delete the "
                            + "file to have a new one made");
                }
                return key;
            }
            java.nio.file.Files.createDirectories(stateDir);
            byte[] key = Redaction.newKey();
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile(stateDir, "redaction", ".tmp");
            try {
                java.nio.file.Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions
                        .fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own permissions protect it
            }
            java.nio.file.Files.write(tmp, key);
            java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot keep the redaction key in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** This replica's name in leases: DRIFTLESS_IDENTITY, POD_NAME or HOSTNAME, made unique per process. */
    static String identity(Map<String, String> env) {
        String base = env.getOrDefault("DRIFTLESS_IDENTITY", env.getOrDefault("POD_NAME",
                env.getOrDefault("HOSTNAME", "driftless")));
        return base + "-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("already in use")) {
                return true;
            }
        }
        return false;
    }

    public Vertx vertx() {
        return vertx;
    }

    public StatusBoard board() {
        return board;
    }

    public Metrics metrics() {
        return metrics;
    }

    public ClusterConnections clusters() {
        return clusters;
    }

    /**
     * Verifies this share (0 to 1) of every builtin render against Helm's render of the upstream package, besides
     * the releases with {@code syncPolicy.verifyBuiltin} ({@code --verify-builtin}).
     */
    public DriftlessService verifyingBuiltin(double sampleRate) {
        fleetVerticle.shadowVerification().sampling(sampleRate);
        return this;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Fetches a source now instead of waiting for its next poll. */
    public void refresh(String source) {
        vertx.eventBus().request(FleetVerticle.REFRESH, source);
    }

    /** Blocks until the process is asked to stop (Ctrl-C, SIGTERM), then shuts down cleanly. */
    public void awaitShutdown() throws InterruptedException {
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }, "driftless-shutdown"));
        stopped.await();
    }

    @Override
    public void close() {
        try {
            // the fleet verticle drains for at most 30 s; a close that never ends must not keep the process alive
            vertx.close().await(java.time.Duration.ofSeconds(40));
        } catch (java.util.concurrent.TimeoutException e) {
            org.slf4j.LoggerFactory.getLogger(DriftlessService.class).warn("shutdown: the event loop did not close "
                    + "within 40 s; stopping anyway");
        }
        helm.close();
        sharing.close();
        leases.close();
        notifier.close();
        sources.values().forEach(GitSource::close);
        clusters.close();
        metrics.close();
    }
}
