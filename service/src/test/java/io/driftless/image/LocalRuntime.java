package io.driftless.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;

/**
 * A base image made on this machine, for machines that cannot reach a registry: a Java runtime cut from the
 * running JDK with {@code jlink} (the modules the server jar uses), the C libraries that runtime links (found
 * with {@code ldd}), and {@code /etc/passwd} naming user 10001. It runs where this machine's C library runs.
 */
final class LocalRuntime {

    static final String JAVA_HOME = "/opt/java";
    /**
     * What {@code jdeps --print-module-deps --multi-release 17} finds in the server jar, plus the providers it
     * cannot see because they are looked up at run time (elliptic-curve TLS, DNS names, zip file systems), and the
     * HTTP server of the Helm renderer processes.
     */
    static final List<String> MODULES = List.of("java.base", "java.compiler", "java.desktop", "java.naming",
            "java.net.http", "java.rmi", "java.security.jgss", "java.sql", "jdk.jfr", "jdk.management",
            "jdk.unsupported", "jdk.crypto.ec", "jdk.naming.dns", "jdk.zipfs", "jdk.httpserver");
    /** Native libraries of desktop features (windows, fonts, sound, images) the service never loads. */
    private static final String DESKTOP_LIBRARIES = ".*(awt|font|jsound|splash|lcms|javajpeg|mlib).*";

    private LocalRuntime() {
    }

    /** The base's layers: the C libraries and accounts, then the Java runtime. */
    static List<FileEntriesLayer> layers(Path work) throws IOException, InterruptedException {
        Path runtime = work.resolve("java");
        if (!Files.isRegularFile(runtime.resolve("release"))) {
            deleteRecursively(runtime);
            Files.createDirectories(work);
            Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
            if (!Files.isExecutable(jlink)) {
                throw new IllegalStateException(jlink + " is missing: the local base needs a full JDK 17");
            }
            // the runtime image's bytes depend on the locale's encoding: one fixed locale makes them reproducible
            ProcessBuilder run = new ProcessBuilder(jlink.toString(), "--add-modules", String.join(",", MODULES),
                    "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=2", "--output",
                    runtime.toString()).inheritIO();
            run.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
            run.environment().put("LC_ALL", "C");
            int code = run.start().waitFor();
            if (code != 0) {
                throw new IllegalStateException("jlink failed (exit " + code + ")");
            }
        }
        FileEntriesLayer.Builder system = FileEntriesLayer.builder().setName("system");
        for (String library : libraries(runtime)) {
            system.addEntry(Path.of(library).toRealPath(), AbsoluteUnixPath.get(library), FilePermissions.fromOctalString("755"));
        }
        Path etc = Files.createDirectories(work.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/sbin/nologin\n"
                + "driftless:x:10001:10001:driftless:/var/lib/driftless:/sbin/nologin\n", StandardCharsets.UTF_8);
        Files.writeString(etc.resolve("group"), "root:x:0:\ndriftless:x:10001:\n", StandardCharsets.UTF_8);
        system.addEntry(etc.resolve("passwd"), AbsoluteUnixPath.get("/etc/passwd"))
                .addEntry(etc.resolve("group"), AbsoluteUnixPath.get("/etc/group"));
        FileEntriesLayer java = FileEntriesLayer.builder().setName("java-runtime")
                .addEntryRecursive(runtime, AbsoluteUnixPath.get(JAVA_HOME), (source, target) -> {
                    try {
                        return FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(source));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).build();
        return List.of(system.build(), java);
    }

    /** The absolute paths of the C libraries (and the dynamic loader) the runtime's binaries link. */
    private static TreeSet<String> libraries(Path runtime) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ldd"));
        try (Stream<Path> files = Files.walk(runtime)) {
            files.filter(f -> f.toString().endsWith(".so") || f.endsWith(Path.of("bin", "java")))
                    .filter(f -> !f.getFileName().toString().matches(DESKTOP_LIBRARIES))
                    .map(Path::toString).sorted().forEach(command::add);
        }
        Process ldd = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ldd.waitFor();
        TreeSet<String> libraries = new TreeSet<>();
        String inside = runtime.toAbsolutePath().toString();
        for (String line : output.lines().toList()) {
            String[] words = line.trim().split("\\s+");
            String path = words.length >= 3 && words[1].equals("=>") ? words[2] : words[0];
            if (path.startsWith("/") && !path.startsWith(inside) && !path.endsWith(":")) {
                libraries.add(path);
            }
        }
        if (libraries.stream().noneMatch(l -> l.contains("libc.so"))) {
            throw new IllegalStateException("ldd found no C library for " + runtime + ":\n" + output);
        }
        return libraries;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
