package io.driftless.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * ./driftless image [--base REF|local] (--tar FILE [--name NAME] [--tag TAG] | --to REF [--tag TAG])
 * </pre>
 * (see {@link ImageArgs#USAGE}). {@code --base} is a registry image with Java 17 on its PATH (default
 * {@value #DEFAULT_BASE}), or {@code local}: a base made on this machine from its JDK ({@code jlink}) and the C
 * libraries that runtime links, for machines that cannot reach a registry. {@code --to} pushes with the credentials
 * of Docker's configuration or credential helpers.
 */
public final class ImageBuild {

    public static final String DEFAULT_BASE = ImageArgs.DEFAULT_BASE;
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
     * @param name the tarball's image name (NAME:TAG), or null for {@code driftless}
     * @param tag  the tag of the tarball's image, or of {@code to} when it has none; null for the project version
     * @param work a folder for the local base and Jib's layer caches
     */
    public record Options(Path jar, String base, Path tar, String to, String name, String tag, Path work) {

        public Options(Path jar, String base, Path tar, String to, Path work) {
            this(jar, base, tar, to, null, null, work);
        }

        /** What the command line asks for. */
        public static Options of(ImageArgs args) {
            return new Options(args.jar(), args.base(), args.tar(), args.to(), args.name(), args.tag(),
                    args.jar().toAbsolutePath().getParent().resolve("image"));
        }

        /** The reference the image is written under. */
        public String reference(String version) {
            return new ImageArgs(jar, base, name == null ? ImageArgs.DEFAULT_NAME : name, tag, tar, to)
                    .reference(version);
        }
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
        String reference = options.reference(version);
        if (options.to() != null) {
            target = Containerizer.to(registry(reference));
        } else if (options.tar() != null) {
            Files.createDirectories(options.tar().toAbsolutePath().getParent());
            target = Containerizer.to(TarImage.at(options.tar()).named(reference));
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
        ImageArgs parsed = ImageArgs.ofCommandLine(args);
        Options options = Options.of(parsed);
        JibContainer built = build(options);
        System.out.println("driftless image: " + options.reference(version(parsed.jar())) + " "
                + (parsed.to() != null ? "pushed" : "in " + parsed.tar()) + ", " + built.getDigest() + " (from "
                + parsed.base() + ")");
    }
}
