package io.driftless.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.driftless.demo.LocalControlPlanes;
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
        record Running(ControlPlane plane, LocalControlPlanes planes)
                implements ExtensionContext.Store.CloseableResource, AutoCloseable {
            @Override
            public void close() {
                planes.close();
            }
        }

        private static Running start() {
            try {
                Path bin = build().resolve("bin");
                Path dir = Files.createTempDirectory("driftless-kube-");
                LocalControlPlanes planes = LocalControlPlanes.start(bin, dir, List.of("test"), List.of(
                        // dual-stack Service ranges, so charts that ask for IPv6 families are accepted as on most
                        // clusters
                        "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/108",
                        // compacts often, so a watch that was away resumes into 410 Gone and relists
                        "--etcd-compaction-interval=2s"), new PrintStream(OutputStream.nullOutputStream()));
                return new Running(new ControlPlane(dir.resolve("test"), planes.adminKubeconfig("test"),
                        planes.url("test")), planes);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test control plane: " + e.getMessage(), e);
            }
        }

        /** Runs the build script (quick when the binaries are current) and answers the cache folder. */
        public static Path build() throws IOException, InterruptedException {
            Path script = List.of(Path.of("src/test/kube/build.sh"), Path.of("service/src/test/kube/build.sh"))
                    .stream().filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new IllegalStateException("service/src/test/kube/build.sh not found from "
                            + Path.of("").toAbsolutePath()));
            Path log = Files.createTempFile("driftless-kube-build", ".log");
            try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
                return LocalControlPlanes.build(script, out);
            } catch (IllegalStateException e) {
                List<String> output = Files.readAllLines(log);
                throw new IllegalStateException(e.getMessage() + "; its output ends with:\n"
                        + String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size())), e);
            }
        }
    }
}
