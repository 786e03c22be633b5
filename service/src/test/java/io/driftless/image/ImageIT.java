package io.driftless.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The production artifacts: the server jar leaves the demo out; the image is reproducible, says how it runs, and
 * runs: its root file system, as user 10001 in a memory cgroup of the Deployment's limit, syncs a release from a
 * Git server over HTTP into the real control plane. Runs after {@code package} (failsafe), on the server jar it
 * made. Running the image needs root (a mount namespace, chroot, a memory cgroup), as the test command has.
 */
@RealCluster
class ImageIT {

    static final Path JAR = Path.of("target/driftless-server.jar");
    /** The Deployment's memory limit (deploy/base/deployment.yaml). */
    static final long MEMORY_LIMIT = 1L << 30;
    static final ObjectMapper JSON = new ObjectMapper();
    /** The name the first build gives the image (./driftless image --name ... --tag 0.1.0). */
    static final String NAME = "registry.example.com/platform/driftless";

    static Path image;
    static String digest;

    @TempDir
    static Path shared;

    @BeforeAll
    static void build() throws Exception {
        image = JAR.toAbsolutePath().getParent().resolve("image/driftless-image.tar");
        digest = ImageBuild.build(new ImageBuild.Options(JAR, "local", image, null, NAME, "0.1.0",
                shared.resolve("first"))).getDigest().toString();
        System.out.printf("image: %s, %.1f MB (compressed layers), digest %s%n", image, Files.size(image) / 1e6, digest);
    }

    @Test
    void theServerJarHasTheServiceWithoutTheDemoOrTheInMemoryApiServer() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertThat(names).contains("io/driftless/app/Main.class", "io/driftless/fleet/FleetVerticle.class");
            assertThat(names).noneMatch(n -> n.startsWith("io/driftless/demo/")
                    || n.startsWith("io/fabric8/mockwebserver/") || n.startsWith("io/fabric8/kubernetes/client/server/mock/")
                    || n.equals("META-INF/services/io.driftless.cluster.EmbeddedApiServers"));
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.driftless.app.Main");
        }
    }

    /** The same jar gives the same digest, whatever the tarball names the image (NAME:TAG, or driftless:VERSION). */
    @Test
    void theSameJarGivesTheSameImageDigestUnderTheNameAndTagAskedFor(@TempDir Path tmp) throws Exception {
        String again = ImageBuild.build(new ImageBuild.Options(JAR, "local", tmp.resolve("again.tar"), null,
                tmp.resolve("work"))).getDigest().toString();
        assertThat(again).isEqualTo(digest);
        assertThat(Oci.read(image).name()).isEqualTo(NAME + ":0.1.0");
        String version;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        assertThat(Oci.read(tmp.resolve("again.tar")).name()).as("the default").isEqualTo("driftless:" + version);
    }

    @Test
    void theImageRunsTheServerJarAsUser10001WithTheHeapSizedFromTheContainer() throws Exception {
        Oci oci = Oci.read(image);
        JsonNode config = oci.config().get("config");
        assertThat(config.get("User").asText()).isEqualTo(ImageBuild.USER);
        assertThat(strings(config.get("Entrypoint"))).isEqualTo(ImageBuild.ENTRYPOINT)
                .contains("-XX:MaxRAMPercentage=75", "-jar", ImageBuild.JAR);
        assertThat(strings(config.get("Cmd"))).isEqualTo(ImageBuild.ARGUMENTS);
        assertThat(strings(config.get("Env"))).contains("DRIFTLESS_HTTP_HOST=0.0.0.0", "DRIFTLESS_HTTP_PORT=8080");
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(oci.config().get("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
        byte[] inImage = oci.file("app/driftless-server.jar");
        assertThat(sha256(inImage)).isEqualTo(sha256(Files.readAllBytes(JAR)));
    }

    @Test
    void itsRootFileSystemSyncsAReleaseIntoARealClusterWithinTheDeploymentsMemoryLimit(
            RealCluster.ControlPlane plane, @TempDir Path tmp) throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid()).as("running the image needs root: a mount "
                + "namespace, chroot and a memory cgroup (the test command runs as root)").isZero();
        Path root = tmp.resolve("rootfs");
        Oci.read(image).extract(root);
        for (String dir : List.of("proc", "sys/fs/cgroup", "tmp", "var/lib/driftless", "etc/driftless")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.setPosixFilePermissions(root.resolve("tmp"), Set.of(PosixFilePermission.values()));
        Files.setAttribute(root.resolve("var/lib/driftless"), "unix:uid", 10001);
        Files.setAttribute(root.resolve("var/lib/driftless"), "unix:gid", 10001);

        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            Map<String, String> files = new java.util.TreeMap<>(Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE,
                    "shop.yaml", "migration: {enabled: false}\n"));
            io.driftless.testing.TestCharts.folder("webapp").forEach((path, bytes) ->
                    files.put("charts/webapp/" + path, new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
            git.commit("values and a Helm chart", files);
            Files.copy(plane.kubeconfig(), root.resolve("etc/driftless/kubeconfig"));
            Files.writeString(root.resolve("etc/driftless/fleet.yaml"), """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: real, kubeconfig: /etc/driftless/kubeconfig}]
                    releases:
                      - {name: prefect, namespace: image-it, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml], syncPolicy: {createNamespace: true}}
                      - {name: shop, namespace: image-it, chart: {path: charts/webapp}, source: values,
                         values: [shop.yaml]}
                    """.formatted(git.url(), GitHttpServer.USER));
            for (String file : List.of("kubeconfig", "fleet.yaml")) { // as a Secret or ConfigMap mounted with fsGroup
                Files.setAttribute(root.resolve("etc/driftless").resolve(file), "unix:uid", 10001);
            }
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Oci oci = Oci.read(image);
            List<String> env = new ArrayList<>(strings(oci.config().get("config").get("Env")));
            env.add("DRIFTLESS_HTTP_PORT=" + port); // as a Deployment's env overrides the image's
            env.add("PW=" + GitHttpServer.PASSWORD);
            List<String> command = new ArrayList<>(strings(oci.config().get("config").get("Entrypoint")));
            command.addAll(strings(oci.config().get("config").get("Cmd")));
            try (MemoryCgroup cgroup = MemoryCgroup.create("driftless-image-it", MEMORY_LIMIT);
                 Contained running = Contained.start(root, cgroup, env, command, tmp.resolve("container.log"))) {
                long started = System.nanoTime();
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    running.assertAlive();
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
                double ready = (System.nanoTime() - started) / 1e9;
                try (KubernetesClient admin = plane.admin()) {
                    assertThat(admin.apps().deployments().inNamespace("image-it").withName("prefect-server").get())
                            .isNotNull();
                    assertThat(admin.apps().deployments().inNamespace("image-it").withName("shop-webapp").get())
                            .as("the Helm release, rendered in a renderer process of the container").isNotNull();
                }
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).containsPattern("driftless_target_in_sync\\{[^}]*release=\"prefect\"[^}]*\\} 1\\.0")
                        .containsPattern("driftless_target_in_sync\\{[^}]*release=\"shop\"[^}]*\\} 1\\.0");
                double heapMax = metrics.lines().filter(l -> l.startsWith("jvm_memory_max_bytes")
                        && l.contains("area=\"heap\""))
                        .mapToDouble(l -> Math.max(0, Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))).sum();
                // 75 % of the limit, less a survivor space the pools do not count; 75 % of the machine without it
                assertThat(heapMax).as("the heap is sized from the container's memory").isBetween(0.70 * MEMORY_LIMIT,
                        0.75 * MEMORY_LIMIT);
                long usage = cgroup.usage();
                double stopped = running.stop();
                System.out.printf("image run: ready (first sync done) %.1f s after start; container memory %.0f MiB "
                        + "after the first sync, %.0f MiB at most; heap limit %.0f MiB; stopped %.1f s after SIGTERM%n",
                        ready, usage / 1048576.0, cgroup.peak() / 1048576.0, heapMax / 1048576.0, stopped);
                assertThat(running.exitCode()).as("a SIGTERM stops the service cleanly").isIn(0, 143);
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** An OCI image tarball: its config, its layers and the name it gives the image (index.json's ref.name). */
    record Oci(Map<String, byte[]> blobs, JsonNode config, List<String> layers, String name) {

        static Oci read(Path tar) throws IOException {
            Map<String, byte[]> files = new HashMap<>();
            try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
                for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    if (e.isFile()) {
                        files.put(e.getName(), in.readAllBytes());
                    }
                }
            }
            JsonNode index = JSON.readTree(files.get("index.json"));
            JsonNode manifest = JSON.readTree(blob(files, index.get("manifests").get(0).get("digest").asText()));
            List<String> layers = new ArrayList<>();
            manifest.get("layers").forEach(l -> layers.add(l.get("digest").asText()));
            return new Oci(files, JSON.readTree(blob(files, manifest.get("config").get("digest").asText())), layers,
                    index.get("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name")
                            .asText(null));
        }

        private static byte[] blob(Map<String, byte[]> files, String digest) {
            return files.get("blobs/sha256/" + digest.substring("sha256:".length()));
        }

        /** A file's content from the topmost layer that has it. */
        byte[] file(String path) throws IOException {
            byte[] found = null;
            for (String layer : layers) {
                try (TarArchiveInputStream in = layer(layer)) {
                    for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                        if (e.isFile() && e.getName().replaceFirst("^\\./", "").equals(path)) {
                            found = in.readAllBytes();
                        }
                    }
                }
            }
            return found;
        }

        /** Unpacks the layers in order into a folder, with their modes. */
        void extract(Path root) throws IOException {
            for (String layer : layers) {
                try (TarArchiveInputStream in = layer(layer)) {
                    for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                        Path target = root.resolve(e.getName()).normalize();
                        if (!target.startsWith(root)) {
                            throw new IllegalStateException("a layer writes outside the root: " + e.getName());
                        }
                        if (e.isDirectory()) {
                            Files.createDirectories(target);
                        } else if (e.isFile()) {
                            Files.createDirectories(target.getParent());
                            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        } else {
                            continue;
                        }
                        Files.setPosixFilePermissions(target, permissions(e.getMode()));
                    }
                }
            }
        }

        private TarArchiveInputStream layer(String digest) throws IOException {
            InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(blob(blobs, digest)));
            return new TarArchiveInputStream(gz);
        }

        private static Set<PosixFilePermission> permissions(int mode) {
            Set<PosixFilePermission> out = java.util.EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] all = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_READ};
            for (int bit = 0; bit < all.length; bit++) {
                if ((mode & (1 << bit)) != 0) {
                    out.add(all[bit]);
                }
            }
            return out;
        }
    }

    /** A memory cgroup with a limit, as a container runtime makes one (cgroup v1 or v2). */
    record MemoryCgroup(Path dir, boolean v2) implements AutoCloseable {

        static MemoryCgroup create(String name, long limit) throws IOException {
            boolean v2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
            Path dir = v2 ? Path.of("/sys/fs/cgroup", name) : Path.of("/sys/fs/cgroup/memory", name);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), String.valueOf(limit));
            return new MemoryCgroup(dir, v2);
        }

        /** Signals every process in the cgroup (the chrooted service is not a child this JVM can signal). */
        void signal(String signal) throws IOException, InterruptedException {
            for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                new ProcessBuilder("kill", "-" + signal, pid.trim()).inheritIO().start().waitFor();
            }
        }

        long usage() throws IOException {
            return read(v2 ? "memory.current" : "memory.usage_in_bytes");
        }

        long peak() throws IOException {
            return read(v2 ? "memory.peak" : "memory.max_usage_in_bytes");
        }

        private long read(String file) throws IOException {
            return Long.parseLong(Files.readString(dir.resolve(file)).trim());
        }

        /** Removes the cgroup once the processes in it are gone (they leave it a moment after they are killed). */
        @Override
        public void close() throws IOException, InterruptedException {
            for (int attempt = 0; ; attempt++) {
                try {
                    Files.deleteIfExists(dir);
                    return;
                } catch (IOException e) {
                    if (attempt == 50) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /**
     * The image's entrypoint run as a container runtime would: in its own mount namespace with {@code /proc} and
     * the cgroup file system, chrooted into the root file system as the image's user, with only the image's
     * environment, inside the memory cgroup.
     */
    record Contained(Process process, MemoryCgroup cgroup, Path log) implements AutoCloseable {

        static Contained start(Path root, MemoryCgroup cgroup, List<String> env, List<String> command, Path log)
                throws IOException {
            String script = "echo $$ > " + cgroup.dir().resolve("cgroup.procs")
                    + " && mount -t proc proc \"$ROOT/proc\" && mount --rbind /sys/fs/cgroup \"$ROOT/sys/fs/cgroup\""
                    + " && cd / && exec env -i \"$@\"";
            List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--fork", "sh", "-c", script, "sh"));
            argv.addAll(env);
            argv.addAll(List.of("/usr/sbin/chroot", "--userspec=" + ImageBuild.USER, root.toString()));
            argv.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("ROOT", root.toString());
            return new Contained(builder.start(), cgroup, log);
        }

        void assertAlive() throws IOException {
            assertThat(process.isAlive()).as(() -> {
                try {
                    return "the container stopped: " + Files.readString(log, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "the container stopped";
                }
            }).isTrue();
        }

        /** Sends SIGTERM to the container's processes, as a kubelet does, and answers the seconds until it ended. */
        double stop() throws IOException, InterruptedException {
            long started = System.nanoTime();
            cgroup.signal("TERM");
            if (!process.waitFor(45, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the service did not stop within 45 s of SIGTERM (its grace period)");
            }
            return (System.nanoTime() - started) / 1e9;
        }

        int exitCode() {
            return process.exitValue();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (process.isAlive()) {
                cgroup.signal("KILL");
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }
}
