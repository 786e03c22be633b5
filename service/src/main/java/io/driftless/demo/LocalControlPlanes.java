package io.driftless.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.driftless.config.SafeYaml;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Real Kubernetes control planes, for {@code demo --real-cluster} and the tests: one kube-apiserver with its etcd,
 * controllers, scheduler and kwok (fake nodes and kubelets) per cluster, built from their Go modules by the
 * project's test tooling ({@code service/src/test/kube/build.sh}) on first use, on loopback ports. They stop on
 * {@link #close()}, with the JVM, or when it dies (the launcher stops when its standard input closes).
 */
public final class LocalControlPlanes implements AutoCloseable {

    /** How long a control plane may take to answer. */
    private static final long START_SECONDS = 120;

    private final Path bin;
    private final List<String> apiserverArgs;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Path> dirs = new LinkedHashMap<>();
    private final Map<String, Path> adminKubeconfigs = new LinkedHashMap<>();
    private final Map<String, String> urls = new LinkedHashMap<>();

    private LocalControlPlanes(Path bin, List<String> apiserverArgs) {
        this.bin = bin;
        this.apiserverArgs = List.copyOf(apiserverArgs);
    }

    /**
     * Starts one control plane per cluster name, each in its own folder under {@code dir}.
     *
     * @param bin           the folder of the built binaries ({@link #build}'s answer, then {@code bin})
     * @param apiserverArgs extra kube-apiserver flags, e.g. {@code --etcd-compaction-interval=2s}
     */
    public static LocalControlPlanes start(Path bin, Path dir, List<String> clusters, List<String> apiserverArgs,
                                           PrintStream out) throws Exception {
        LocalControlPlanes planes = new LocalControlPlanes(bin, apiserverArgs);
        Runtime.getRuntime().addShutdownHook(new Thread(planes::close, "driftless-control-planes"));
        try {
            for (String name : clusters) {
                Path clusterDir = dir.resolve(name);
                Files.createDirectories(clusterDir);
                planes.dirs.put(name, clusterDir);
                out.println("  starting cluster " + name + " (kube-apiserver, etcd, controllers, kwok) ...");
                planes.launch(name, false);
            }
        } catch (Exception e) {
            planes.close();
            throw e;
        }
        return planes;
    }

    /**
     * Stops one cluster's control plane as a node shutting down would (its clients' connections and watches
     * end); {@link #restart} brings it back with its data.
     */
    public synchronized void stop(String cluster) {
        Process p = processes.remove(cluster);
        if (p != null) {
            stop(p);
        }
    }

    /**
     * Starts a stopped cluster's control plane again from its folder: the same URL, credentials and etcd data
     * (objects keep their uids and resourceVersions), as after a reboot.
     */
    public synchronized void restart(String cluster) throws Exception {
        if (processes.containsKey(cluster)) {
            throw new IllegalStateException("cluster " + cluster + " is running");
        }
        launch(cluster, true);
    }

    private synchronized void launch(String name, boolean keep) throws IOException, InterruptedException,
            ExecutionException {
        Path clusterDir = dirs.get(name);
        List<String> command = new ArrayList<>(List.of(bin.resolve("kube-apiserver-launcher").toString(),
                "--dir", clusterDir.toString(), "--components", bin.toString()));
        if (keep) {
            command.add("--keep");
        }
        apiserverArgs.forEach(a -> command.add("--apiserver-arg=" + a));
        Path log = clusterDir.resolve("kube-apiserver.log");
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.put(name, p);
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready;
        try {
            ready = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.startsWith("READY ")) {
                            return line;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            }).get(START_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            ready = null;
        }
        if (ready == null) {
            throw new IllegalStateException("cluster " + name + " did not start within " + START_SECONDS
                    + " s; its log (" + log + ") ends with:\n" + tail(log));
        }
        String[] parts = ready.split(" ");
        adminKubeconfigs.put(name, Path.of(parts[1]));
        urls.put(name, parts[2]);
    }

    /**
     * Runs the build script of the control plane (quick when it is built), showing its progress, and answers
     * the folder it built into.
     */
    public static Path build(Path script, PrintStream out) throws IOException, InterruptedException {
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(script + " not found: the control plane is built from a clone of the "
                    + "project");
        }
        Process build = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(build.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.println("    " + line);
                last = line;
            }
        }
        if (build.waitFor() != 0 || last == null) {
            throw new IllegalStateException("building the control plane failed (" + script + ")");
        }
        return Path.of(last.strip());
    }

    /** A cluster's admin kubeconfig (system:masters). */
    public Path adminKubeconfig(String cluster) {
        return adminKubeconfigs.get(cluster);
    }

    /** A cluster's API server URL. */
    public String url(String cluster) {
        return urls.get(cluster);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * Volumes for the claims the charts make (bundled databases, SQLite): there is no storage provisioner, so the
     * volume controller binds claims to these.
     */
    void addVolumes() throws IOException {
        for (Path kubeconfig : adminKubeconfigs.values()) {
            addVolumes(kubeconfig);
        }
    }

    private static void addVolumes(Path kubeconfig) throws IOException {
        try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null,
                Files.readString(kubeconfig), kubeconfig.toString())).build()) {
            for (int i = 0; i < 6; i++) {
                admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata()
                        .withName("demo-volume-" + i).endMetadata().withNewSpec()
                        .addToCapacity("storage", new Quantity("50Gi")).withAccessModes("ReadWriteOnce")
                        .withNewHostPath().withPath("/tmp/driftless-demo-" + i).endHostPath().endSpec().build())
                        .create();
            }
        }
    }

    /** One kubeconfig with a context per cluster (its admin credentials), named as the clusters are. */
    String kubeconfig(String namespace) throws IOException {
        StringBuilder clusters = new StringBuilder("clusters:\n");
        StringBuilder contexts = new StringBuilder("contexts:\n");
        StringBuilder users = new StringBuilder("users:\n");
        for (Map.Entry<String, Path> e : adminKubeconfigs.entrySet()) {
            Map<String, Object> admin = SafeYaml.parse(e.getValue().toString(), Files.readAllBytes(e.getValue())).asMap();
            Map<String, Object> cluster = Tree.asMap(Tree.asMap(Tree.asList(admin.get("clusters")).get(0)).get("cluster"));
            Map<String, Object> user = Tree.asMap(Tree.asMap(Tree.asList(admin.get("users")).get(0)).get("user"));
            String name = e.getKey();
            clusters.append("- name: ").append(name).append("\n  cluster:\n    server: ").append(cluster.get("server"))
                    .append("\n    certificate-authority-data: ").append(cluster.get("certificate-authority-data"))
                    .append('\n');
            contexts.append("- name: ").append(name).append("\n  context:\n    cluster: ").append(name)
                    .append("\n    namespace: ").append(namespace).append("\n    user: ").append(name).append('\n');
            users.append("- name: ").append(name).append("\n  user:\n    token: ").append(user.get("token")).append('\n');
        }
        return "apiVersion: v1\nkind: Config\n" + clusters + contexts + users + "current-context: "
                + adminKubeconfigs.keySet().iterator().next() + "\n";
    }

    @Override
    public synchronized void close() {
        processes.values().forEach(Process::destroy);
        processes.values().forEach(LocalControlPlanes::stop);
        processes.clear();
    }

    /** Stops a launcher (SIGTERM: it stops its children, kube-apiserver, then etcd), killing it after 30 s. */
    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
