package io.driftless.demo;

import io.driftless.config.TargetId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

import io.driftless.app.DriftlessService;
import io.driftless.app.ExtraCommand;
import io.driftless.app.Main;
import io.driftless.app.ServiceOptions;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.ClusterSpec;
import io.driftless.config.ConfigException;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.SourceSpec;
import io.driftless.fleet.FleetVerticle;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The demo: embedded clusters, a local Git repository seeded from the examples, the full sync loop,
 * the HTTP API and metrics, on one machine with nothing else installed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the example fleet against two embedded in-memory clusters (dev, prod) from a local Git "
                + "repository seeded from sync-config/examples, with the HTTP API and metrics.")
public final class DemoCommand implements Callable<Integer>, ExtraCommand {

    @Option(names = "--home", defaultValue = "${sys:driftless.home:-.}", description = "Project folder (default: the launcher's).")
    Path home;

    @Mixin
    ServiceOptions options;

    @Option(names = "--poll-interval", defaultValue = "5", description = "Seconds between Git polls (default: ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Option(names = "--real-cluster", description = "Run the clusters as real Kubernetes control planes (kube-apiserver, "
            + "etcd, controllers, scheduler and kwok's fake nodes, built from their Go modules on first use; needs Go) "
            + "instead of in-memory API servers.")
    boolean realCluster;

    @Override
    public Integer call() throws Exception {
        Main.configureLogging(options.logLevel == null ? "warn" : options.logLevel);
        String httpHost = options.httpHost;
        Path examples = home.resolve("sync-config/examples");
        Path demoDir = home.resolve(".driftless/demo").toAbsolutePath().normalize();
        Path repo = demoDir.resolve("values-repo");
        Fleet example;
        try {
            example = FleetLoader.load(examples.resolve("fleet.yaml"));
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println("error: " + p));
            return 2;
        }
        String seeded = seedRepository(examples.resolve("values-repo"), repo);
        Path kubeconfig = demoDir.resolve("kubeconfig");
        LocalControlPlanes real = null;
        if (realCluster) {
            System.out.println("Driftless demo on real control planes");
            try {
                System.out.println("  building the control plane when missing (first time: about 8 minutes; needs Go)");
                Path bin = LocalControlPlanes.build(home.resolve("service/src/test/kube/build.sh"), System.out)
                        .resolve("bin");
                real = LocalControlPlanes.start(bin, demoDir.resolve("kube"),
                        example.clusters().stream().map(ClusterSpec::name).toList(), List.of(), System.out);
                real.addVolumes();
            } catch (Exception e) {
                System.err.println("driftless: " + e.getMessage());
                return 1;
            }
            Files.createDirectories(demoDir);
            Files.writeString(kubeconfig, real.kubeconfig(example.releases().get(0).namespace()));
        }
        Fleet fleet = demoFleet(example, repo, realCluster ? kubeconfig : null);
        DriftlessService.Settings settings;
        try {
            // the demo's reads stay open on loopback; bound elsewhere, they need credentials like run's
            settings = options.settings(demoDir, httpHost, io.driftless.config.Urls.isLoopback("http://" + httpHost));
        } catch (IllegalArgumentException e) {
            System.err.println("driftless: " + e.getMessage());
            return 2;
        }
        ClusterConnections clusters = new ClusterConnections(fleet.clusters());
        if (!realCluster) {
            Files.writeString(kubeconfig, kubeconfig(clusters.embeddedUrls(), fleet.releases().get(0).namespace()));
            System.out.println("Driftless demo");
        }
        System.out.println("  values repository  " + repo + " (" + seeded + ")");
        for (ClusterSpec c : fleet.clusters()) {
            System.out.println("  cluster " + pad(c.name(), 10) + " " + clusters.client(c.name()).getMasterUrl()
                    + (realCluster ? " (kube-apiserver with kwok nodes)" : " (embedded, in memory)"));
        }
        System.out.println("  kubeconfig         " + kubeconfig + "  (contexts: " + String.join(", ",
                fleet.clusters().stream().map(ClusterSpec::name).toList()) + ")");
        System.out.println();

        DriftlessService service = DriftlessService.start(fleet, settings, clusters);
        CountDownLatch firstPass = new CountDownLatch(fleet.targets().size());
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        service.vertx().eventBus().<JsonObject>consumer(FleetVerticle.SYNCED, msg -> {
            boolean first = seen.add(TargetId.of(msg.body().getString("cluster"), msg.body().getString("release")));
            if (first || msg.body().getBoolean("changed")) {
                printSync(msg.body());
            }
            if (first) {
                firstPass.countDown();
            }
        });
        firstPass.await();
        String base = "http://" + httpHost + ":" + service.httpPort();
        System.out.println();
        System.out.println("Web UI  " + base + "/ui/");
        System.out.println("Serving " + base + "/api/v1/targets, " + base + "/metrics, " + base + "/healthz, "
                + base + "/readyz");
        System.out.println();
        System.out.println("Try a change (polled every " + pollSeconds + "s):");
        System.out.println("  cd " + repo);
        System.out.println("  sed -i 's/replicaCount: 2/replicaCount: 3/' releases/prefect-server/clusters/prod.yaml");
        System.out.println("  git commit -am 'prod: 3 replicas'        # the Deployment in prod is patched");
        System.out.println("  sed -i 's/enabled: true/enabled: false/' releases/prefect-server/env/prod.yaml");
        System.out.println("  git commit -am 'prod: no ingress'        # the Ingress in prod is pruned");
        System.out.println("Inspect live objects with the kubeconfig, e.g. KUBECONFIG=" + kubeconfig
                + " and any fabric8-based tool, or curl " + base + "/api/v1/targets");
        System.out.println("Stop with Ctrl-C.");

        service.awaitShutdown();
        return 0;
    }

    private static void printSync(JsonObject s) {
        String revision = s.getString("revision");
        String line = pad(TargetId.of(s.getString("cluster"), s.getString("release")), 24) + " "
                + pad(s.getString("state"), 9) + " " + pad(s.getString("health"), 11) + " commit " + (revision == null ? "-" : revision.substring(0, 12));
        if (s.getString("error") != null) {
            line += "  error: " + s.getString("error");
        } else if (s.getString("summary") != null) {
            line += "  " + s.getString("summary");
        }
        System.out.println(line);
    }

    private static String pad(String value, int width) {
        String s = value == null ? "-" : value;
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /**
     * The example fleet with its sources pointed at the demo repository and its clusters embedded, or, with a
     * kubeconfig, reached through its context of the cluster's name.
     */
    private Fleet demoFleet(Fleet example, Path repo, Path kubeconfig) {
        List<SourceSpec> sources = example.sources().stream().map(s -> new SourceSpec(s.name(), repo.toString(),
                "main", Duration.ofSeconds(pollSeconds), SourceSpec.GitAuth.NONE, SourceSpec.Webhook.NONE, List.of(), s.decryption(),
                s.origin()))
                .toList();
        List<ClusterSpec> clusters = example.clusters().stream().map(c -> kubeconfig == null
                ? new ClusterSpec(c.name(), ClusterSpec.Connection.EMBEDDED, null, null, c.labels(), c.origin())
                : new ClusterSpec(c.name(), ClusterSpec.Connection.KUBECONFIG, kubeconfig.toString(), c.name(),
                c.labels(), c.origin())).toList();
        return new Fleet(sources, clusters, example.releases());
    }

    /** Creates the demo repository from the examples on first run; later runs keep the user's commits. */
    private static String seedRepository(Path from, Path repo) throws IOException, GitAPIException {
        if (Files.isDirectory(repo.resolve(".git"))) {
            return "kept from an earlier run; delete it to start over";
        }
        Files.createDirectories(repo);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path to = repo.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed from sync-config/examples").setAuthor("Driftless demo", "demo@driftless.invalid")
                    .setCommitter("Driftless demo", "demo@driftless.invalid").setSign(false).call();
        }
        return "seeded from sync-config/examples";
    }

    private static String kubeconfig(Map<String, String> urls, String namespace) {
        StringBuilder sb = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
        urls.forEach((name, url) -> sb.append("- name: ").append(name).append("\n  cluster:\n    server: ")
                .append(url).append('\n'));
        sb.append("contexts:\n");
        urls.keySet().forEach(name -> sb.append("- name: ").append(name).append("\n  context:\n    cluster: ")
                .append(name).append("\n    namespace: ").append(namespace).append("\n    user: demo\n"));
        sb.append("users:\n- name: demo\n  user:\n    token: demo\n");
        sb.append("current-context: ").append(urls.keySet().iterator().next()).append('\n');
        return sb.toString();
    }

}
