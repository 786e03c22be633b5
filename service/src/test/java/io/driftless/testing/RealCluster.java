package io.driftless.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real Kubernetes control plane for a test class: kube-apiserver with its own etcd, kube-controller-manager,
 * kube-scheduler and kwok (fake nodes and kubelets), built from their Go modules by
 * {@code service/src/test/kube/build.sh} (once per version, in {@code ~/.cache/driftless}) and started once per
 * JVM on free loopback ports. Test methods (or constructors) take a {@link ControlPlane} parameter. Everything
 * stops when the JVM's tests end; the launcher also stops when this JVM dies (its stdin closes).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealCluster.Extension.class)
public @interface RealCluster {

    /** A running control plane: its admin kubeconfig, URL and folder. */
    record ControlPlane(Path dir, Path kubeconfig, String url) {

        /** A client with the admin credentials (system:masters). */
        public KubernetesClient admin() {
            try {
                return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null,
                        Files.readString(kubeconfig), kubeconfig.toString())).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The kubeconfig of the token of Driftless's service account (no rights until a test binds some). */
        public Path driftlessKubeconfig() {
            return dir.resolve("driftless.kubeconfig");
        }
    }

    final class Extension implements ParameterResolver {

        private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == ControlPlane.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(RealCluster.class))
                    .getOrComputeIfAbsent(Running.class, k -> start(), Running.class).plane();
        }

        /** The control plane of this JVM; closed by JUnit when the last test ends. */
        record Running(ControlPlane plane, Process process, OutputStream stdin)
                implements ExtensionContext.Store.CloseableResource, AutoCloseable {
            @Override
            public void close() throws Exception {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                stdin.close();
            }
        }

        private static Running start() {
            try {
                Path bin = build().resolve("bin");
                Path dir = Files.createTempDirectory("driftless-kube-");
                Path log = dir.resolve("kube-apiserver.log");
                // dual-stack Service ranges, so charts that ask for IPv6 families are accepted as on most clusters
                Process process = new ProcessBuilder(bin.resolve("kube-apiserver-launcher").toString(),
                        "--dir", dir.toString(), "--components", bin.toString(),
                        "--apiserver-arg=--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/108",
                        // compacts often, so a watch that was away resumes into 410 Gone and relists
                        "--apiserver-arg=--etcd-compaction-interval=2s")
                        .redirectError(log.toFile()).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                    try {
                        for (String line; (line = out.readLine()) != null; ) {
                            if (line.startsWith("READY ")) {
                                return line;
                            }
                        }
                        return null;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                String line;
                try {
                    line = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    line = null;
                }
                if (line == null) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the test control plane did not start within " + START_TIMEOUT
                            .toSeconds() + " s; its log (" + log + ") ends with:\n" + tail(log));
                }
                String[] parts = line.split(" ");
                return new Running(new ControlPlane(dir, Path.of(parts[1]), parts[2]), process,
                        process.getOutputStream());
            } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("cannot start the test control plane: " + e, e);
            }
        }

        /** Runs the build script (quick when the binaries are current) and answers the cache folder. */
        public static Path build() throws IOException, InterruptedException {
            Path script = List.of(Path.of("src/test/kube/build.sh"), Path.of("service/src/test/kube/build.sh"))
                    .stream().filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new IllegalStateException("service/src/test/kube/build.sh not found from "
                            + Path.of("").toAbsolutePath()));
            Path log = Files.createTempFile("driftless-kube-build", ".log");
            Process build = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!build.waitFor(30, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException("building the test control plane failed (" + script
                        + "); its output ends with:\n" + tail(log));
            }
            List<String> lines = Files.readAllLines(log);
            return Path.of(lines.get(lines.size() - 1).strip());
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }
    }
}
