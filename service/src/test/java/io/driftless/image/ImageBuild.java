package io.driftless.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;

/**
 * Builds Driftless's container image without a Docker daemon (Jib): a Java 17 runtime from the base image, one
 * layer holding the server jar (no demo, no in-memory API server), user 10001, the heap sized from the container's
 * memory limit, and fixed timestamps, so the same jar always gives the same image digest.
 *
 * <pre>
 * ./driftless image [--base REF|local] (--tar FILE | --to REF)
 * </pre>
 * {@code --base} is a registry image with Java 17 on its PATH (default {@value #DEFAULT_BASE}), or {@code local}:
 * a base made on this machine from its JDK ({@code jlink}) and the C libraries that runtime links, for machines
 * that cannot reach a registry. {@code --to} pushes with the credentials of Docker's configuration or credential
 * helpers.
 */
public final class ImageBuild {

    public static final String DEFAULT_BASE = "eclipse-temurin:17-jre";
    public static final String JAR = "/app/driftless-server.jar";
    public static final String USER = "10001:10001";
    public static final int PORT = 8080;
    /** The heap is three quarters of the container's memory limit; the rest is metaspace, threads and buffers. */
    public static final List<String> ENTRYPOINT = List.of("java", "-XX:MaxRAMPercentage=75",
            "-XX:+ExitOnOutOfMemoryError", "-jar", JAR);
    public static final List<String> ARGUMENTS = List.of("run", "--fleet", "/etc/driftless/fleet.yaml",
            "--state-dir", "/var/lib/driftless");

    /**
     * @param jar  the server jar
     * @param base a registry image reference, or {@code local}
     * @param tar  where to write an OCI image tarball, or null
     * @param to   the registry image to push, or null
     * @param work a folder for the local base and Jib's layer caches
     */
    public record Options(Path jar, String base, Path tar, String to, Path work) {
    }

    private ImageBuild() {
    }

    public static JibContainer build(Options options) throws Exception {
        if (!Files.isRegularFile(options.jar())) {
            throw new IllegalArgumentException(options.jar() + " does not exist: build it first (mvn -pl service -am "
                    + "package)");
        }
        JibContainerBuilder image;
        Map<String, String> env = new LinkedHashMap<>();
        if ("local".equals(options.base())) {
            image = Jib.fromScratch();
            for (FileEntriesLayer layer : LocalRuntime.layers(options.work().resolve("local-base"))) {
                image.addFileEntriesLayer(layer);
            }
            env.put("PATH", LocalRuntime.JAVA_HOME + "/bin:/usr/bin:/bin");
            env.put("JAVA_HOME", LocalRuntime.JAVA_HOME);
        } else {
            image = Jib.from(registry(options.base()));
        }
        env.put("DRIFTLESS_HTTP_HOST", "0.0.0.0");
        env.put("DRIFTLESS_HTTP_PORT", String.valueOf(PORT));
        String version = version(options.jar());
        image.addFileEntriesLayer(FileEntriesLayer.builder().setName("driftless")
                        .addEntry(options.jar(), AbsoluteUnixPath.get(JAR)).build())
                .setEntrypoint(ENTRYPOINT).setProgramArguments(ARGUMENTS).setUser(USER)
                .setWorkingDirectory(AbsoluteUnixPath.get("/var/lib/driftless"))
                .setExposedPorts(Set.of(Port.tcp(PORT))).setFormat(ImageFormat.OCI).setCreationTime(Instant.EPOCH)
                .addLabel("org.opencontainers.image.title", "driftless")
                .addLabel("org.opencontainers.image.description", "GitOps sync for Kubernetes fleets")
                .addLabel("org.opencontainers.image.version", version);
        env.forEach(image::addEnvironmentVariable);
        Containerizer target;
        if (options.to() != null) {
            target = Containerizer.to(registry(options.to()));
        } else if (options.tar() != null) {
            Files.createDirectories(options.tar().toAbsolutePath().getParent());
            target = Containerizer.to(TarImage.at(options.tar()).named("driftless:" + version));
        } else {
            throw new IllegalArgumentException("say where the image goes: --tar FILE or --to REGISTRY/NAME:TAG");
        }
        return image.containerize(target.setToolName("driftless-image")
                .setBaseImageLayersCache(options.work().resolve("cache/base"))
                .setApplicationLayersCache(options.work().resolve("cache/application")));
    }

    private static RegistryImage registry(String reference) throws Exception {
        ImageReference ref = ImageReference.parse(reference);
        CredentialRetrieverFactory credentials = CredentialRetrieverFactory.forImage(ref, event -> { });
        return RegistryImage.named(ref).addCredentialRetriever(credentials.dockerConfig())
                .addCredentialRetriever(credentials.wellKnownCredentialHelpers());
    }

    /** The project version, from the jar's file name or its manifest; "dev" when neither says. */
    private static String version(Path jar) throws IOException {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            String v = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
            return v == null ? "dev" : v;
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("service/target/driftless-server.jar");
        String base = DEFAULT_BASE;
        Path tar = null;
        String to = null;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = rest.remove(0);
            switch (flag) {
                case "--jar" -> jar = Path.of(value);
                case "--base" -> base = value;
                case "--tar" -> tar = Path.of(value);
                case "--to" -> to = value;
                default -> throw new IllegalArgumentException("unknown option " + flag
                        + " (--base REF|local, --tar FILE, --to REF, --jar FILE)");
            }
        }
        JibContainer built = build(new Options(jar, base, tar, to, jar.toAbsolutePath().getParent().resolve("image")));
        System.out.println("driftless image: " + (to != null ? to : tar) + " " + built.getDigest()
                + " (from " + base + ")");
    }
}
