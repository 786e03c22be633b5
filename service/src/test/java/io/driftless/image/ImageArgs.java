package io.driftless.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The arguments of {@code ./driftless image}. It needs the JDK only, so that the launcher checks them with
 * {@code java ImageArgs.java ARGS} (about a second) before it builds the jars: {@code --help} prints the usage at
 * once, and a wrong argument fails before the build. {@link ImageBuild} parses them the same way.
 *
 * @param jar  the server jar ({@code --jar}, which the launcher passes)
 * @param base a registry image reference, or {@code local}
 * @param name the image's name in the tarball
 * @param tag  its tag, or null for the project version (known from the jar only)
 * @param tar  where to write an OCI image tarball, or null
 * @param to   the registry image to push, or null
 */
public record ImageArgs(Path jar, String base, String name, String tag, Path tar, String to) {

    public static final String DEFAULT_BASE = "eclipse-temurin:17-jre";
    public static final String DEFAULT_NAME = "driftless";

    public static final String USAGE = """
            usage: ./driftless image [--base REF|local] (--tar FILE [--name NAME] [--tag TAG] | --to REF [--tag TAG])
              --tar FILE   write an OCI image tarball; the image in it is named NAME:TAG
              --to REF     push to the registry image REF (REGISTRY/REPOSITORY[:TAG]; without a tag, TAG), with
                           the credentials of Docker's configuration or credential helpers
              --name NAME  the image's name in the tarball (default: driftless)
              --tag TAG    the tag (default: the project version, as the jar says it)
              --base REF   the base image with Java 17 on its PATH (default: eclipse-temurin:17-jre), or local:
                           one made from this machine's JDK, for machines that cannot reach a registry
              --help       this text
            """;

    /** A Docker tag (the distribution spec's grammar). */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Set<String> WITH_VALUE = Set.of("--jar", "--base", "--name", "--tag", "--tar", "--to");

    /** Whether the arguments ask for the usage ({@code --help} or {@code -h}, anywhere). */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /**
     * The arguments, checked.
     *
     * @throws IllegalArgumentException saying what is wrong, for the user
     */
    public static ImageArgs parse(List<String> args) {
        Path jar = Path.of("service/target/driftless-server.jar");
        String base = DEFAULT_BASE;
        String name = null;
        String tag = null;
        Path tar = null;
        String to = null;
        Set<String> seen = new HashSet<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            if (!WITH_VALUE.contains(flag)) {
                throw new IllegalArgumentException(flag.startsWith("-") ? "unknown option " + flag
                        : "unexpected argument " + flag);
            }
            if (rest.isEmpty() || rest.get(0).startsWith("-") || rest.get(0).isBlank()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            if (!seen.add(flag)) {
                throw new IllegalArgumentException(flag + " is given twice");
            }
            String value = rest.remove(0);
            switch (flag) {
                case "--jar" -> jar = Path.of(value);
                case "--base" -> base = value;
                case "--name" -> name = value;
                case "--tag" -> tag = value;
                case "--tar" -> tar = Path.of(value);
                default -> to = value;
            }
        }
        if (tar == null && to == null) {
            throw new IllegalArgumentException("say where the image goes: --tar FILE or --to REF");
        }
        if (tar != null && to != null) {
            throw new IllegalArgumentException("--tar and --to: give one of them");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("--tag " + tag + " is not a tag (letters, digits, _ . -; at most 128)");
        }
        if (to != null && name != null) {
            throw new IllegalArgumentException("--name is the tarball's; --to REF names the pushed image itself");
        }
        if (to != null && tag != null && hasTagOrDigest(to)) {
            throw new IllegalArgumentException("--to " + to + " has a tag already; give it there or with --tag");
        }
        if (name != null && hasTagOrDigest(name)) {
            throw new IllegalArgumentException("--name " + name + " has a tag: give the name alone and the tag with "
                    + "--tag");
        }
        return new ImageArgs(jar, base, name == null ? DEFAULT_NAME : name, tag, tar, to);
    }

    /** Whether a reference names a tag ({@code :} in its last path segment) or a digest ({@code @}). */
    static boolean hasTagOrDigest(String reference) {
        return reference.contains("@") || reference.substring(reference.lastIndexOf('/') + 1).contains(":");
    }

    /**
     * The reference the image is written under: {@code --to} (with the tag when it has none), or NAME:TAG.
     *
     * @param version the project version, the tag when none is given
     */
    public String reference(String version) {
        String t = tag == null ? version : tag;
        if (to != null) {
            return hasTagOrDigest(to) ? to : to + ":" + t;
        }
        return name + ":" + t;
    }

    /**
     * The arguments of a command line, or the usage printed and the JVM ended: with status 0 after {@code --help},
     * 2 after a wrong argument.
     */
    public static ImageArgs ofCommandLine(String[] args) {
        List<String> list = List.of(args);
        if (wantsHelp(list)) {
            System.out.print(USAGE);
            System.exit(0);
        }
        try {
            return parse(list);
        } catch (IllegalArgumentException e) {
            System.err.println("driftless image: " + e.getMessage() + " (./driftless image --help)");
            System.exit(2);
            return null;
        }
    }

    /** Checks the arguments for the launcher, before its build: prints the usage, or the problem (status 2). */
    public static void main(String[] args) {
        ofCommandLine(args);
    }
}
