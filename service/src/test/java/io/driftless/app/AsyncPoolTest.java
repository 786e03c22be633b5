package io.driftless.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** On a one-processor JVM, loading the command line makes asynchronous completions share the common pool. */
class AsyncPoolTest {

    /** Prints whether completions share a pool, after loading {@link Main} when asked to. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            if (args.length > 0) {
                Class.forName(args[0]);
            }
            System.out.print(AsyncPool.shared());
        }
    }

    @Test
    void theCommandLineShares() throws Exception {
        assertThat(probe(Main.class.getName())).isEqualTo("true");
    }

    @Test
    void withoutItOneProcessorGivesAThreadPerCompletion() throws Exception {
        assertThat(probe()).isEqualTo("false");
    }

    private static String probe(String... load) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:ActiveProcessorCount=1",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        command.addAll(java.util.List.of(load));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } finally {
            process.destroyForcibly();
        }
    }
}
