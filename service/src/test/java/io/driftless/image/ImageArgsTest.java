package io.driftless.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The arguments of {@code ./driftless image}: the name and tag the image is written under, and the launcher's
 * {@code --help} and argument errors, answered without building anything.
 */
class ImageArgsTest {

    private static ImageArgs parse(String... args) {
        return ImageArgs.parse(List.of(args));
    }

    @Test
    void theTarballsImageIsNamedNameColonTagDefaultingToDriftlessAndTheProjectVersion() {
        assertThat(parse("--tar", "x.tar").reference("0.1.0-SNAPSHOT")).isEqualTo("driftless:0.1.0-SNAPSHOT");
        ImageArgs named = parse("--tar", "x.tar", "--name", "registry.example.com/team/driftless", "--tag", "0.1.0");
        assertThat(named.tar()).isEqualTo(Path.of("x.tar"));
        assertThat(named.reference("0.1.0-SNAPSHOT")).isEqualTo("registry.example.com/team/driftless:0.1.0");
        assertThat(named.base()).isEqualTo(ImageBuild.DEFAULT_BASE);
        assertThat(parse("--base", "local", "--tar", "x.tar").base()).isEqualTo("local");
    }

    @Test
    void aPushGoesToItsReferenceWithTheTagWhenItHasNone() {
        assertThat(parse("--to", "registry.example.com/team/driftless:0.1.0").reference("0.2.0-SNAPSHOT"))
                .isEqualTo("registry.example.com/team/driftless:0.1.0");
        assertThat(parse("--to", "registry.example.com:5000/driftless").reference("0.2.0-SNAPSHOT"))
                .as("the port is not a tag").isEqualTo("registry.example.com:5000/driftless:0.2.0-SNAPSHOT");
        assertThat(parse("--to", "registry.example.com:5000/driftless", "--tag", "0.1.0").reference("x"))
                .isEqualTo("registry.example.com:5000/driftless:0.1.0");
        assertThat(new ImageBuild.Options(Path.of("j.jar"), "local", null, "r.example.com/d", null, "1.2", null)
                .reference("v")).isEqualTo("r.example.com/d:1.2");
    }

    @Test
    void wrongArgumentsSayWhatIsWrong() {
        for (Map.Entry<List<String>, String> bad : Map.<List<String>, String>of(
                List.of("--bogus", "x"), "unknown option --bogus",
                List.of("--tar"), "--tar needs a value",
                List.of("--tar", "--to", "r/d"), "--tar needs a value",
                List.of(), "say where the image goes: --tar FILE or --to REF",
                List.of("--tar", "a.tar", "--to", "r/d"), "--tar and --to: give one of them",
                List.of("--to", "r/d:1", "--tag", "2"), "--to r/d:1 has a tag already",
                List.of("--to", "r/d", "--name", "n"), "--to REF names the pushed image itself",
                List.of("--tar", "a.tar", "--name", "r/d:1"), "--name r/d:1 has a tag",
                List.of("--tar", "a.tar", "--tag", "a/b"), "--tag a/b is not a tag",
                List.of("--tar", "a.tar", "extra"), "unexpected argument extra").entrySet()) {
            assertThatThrownBy(() -> ImageArgs.parse(bad.getKey())).as(bad.getKey().toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.getValue());
        }
        assertThat(ImageArgs.wantsHelp(List.of("--tar", "x", "--help"))).isTrue();
        assertThat(ImageArgs.wantsHelp(List.of("-h"))).isTrue();
    }

    /** The launcher checks the arguments with the JDK alone, before its build (which takes a minute). */
    @Test
    void theLauncherPrintsTheUsageAndRefusesWrongArgumentsWithoutBuilding() throws Exception {
        Path launcher = Stream.of(Path.of("../driftless"), Path.of("driftless")).filter(Files::isRegularFile)
                .findFirst().orElseThrow().toAbsolutePath();
        Run help = run(launcher, "image", "--help");
        assertThat(help.status).as(help.err).isZero();
        assertThat(help.out).isEqualTo(ImageArgs.USAGE);
        assertThat(help.err).doesNotContain("building");
        Run unknown = run(launcher, "image", "--tar", "x.tar", "--bogus");
        assertThat(unknown.status).isEqualTo(2);
        assertThat(unknown.err).contains("driftless image: unknown option --bogus (./driftless image --help)")
                .doesNotContain("building");
        Run nowhere = run(launcher, "image", "--tag", "0.1.0");
        assertThat(nowhere.status).isEqualTo(2);
        assertThat(nowhere.err).contains("say where the image goes");
    }

    private record Run(int status, String out, String err) {
    }

    /** Runs the launcher with only the JDK and {@code dirname} on its PATH: a build would fail rather than start. */
    private static Run run(Path launcher, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/bash", launcher.toString()));
        command.addAll(List.of(args));
        Path bin = Files.createTempDirectory("image-args");
        Path out = bin.resolve("out");
        Path err = bin.resolve("err");
        try {
            Files.createSymbolicLink(bin.resolve("dirname"), Path.of("/usr/bin/dirname"));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("PATH", bin + ":" + Path.of(System.getProperty("java.home"), "bin"));
            Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the launcher answers at once").isTrue();
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            for (Path f : List.of(out, err, bin.resolve("dirname"), bin)) {
                Files.deleteIfExists(f);
            }
        }
    }
}
