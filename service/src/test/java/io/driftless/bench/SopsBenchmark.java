package io.driftless.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.driftless.config.SafeYaml;
import io.driftless.decrypt.Keyring;
import io.driftless.decrypt.Sops;
import io.driftless.testing.SopsTools;

/**
 * JMH: what opening a SOPS values file adds to a render: parsing the encrypted file, then opening it (the data key
 * by age X25519, every value by AES-256-GCM, the MAC), for a file of {@code values} encrypted values made by the
 * real {@code sops}. Run:
 * {@code java -cp "$(cat service/target/test-classpath.txt):service/target/classes:service/target/test-classes"
 * org.openjdk.jmh.Main SopsBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SopsBenchmark {

    @Param({"5", "500"})
    public int values;

    private String encrypted;
    private Keyring keys;

    @Setup
    public void encrypt() throws Exception {
        Path dir = Files.createTempDirectory("sops-bench");
        SopsTools sops = new SopsTools(dir);
        SopsTools.AgeKey key = sops.ageKey("bench");
        StringBuilder plain = new StringBuilder("server:\n  env:\n");
        for (int i = 0; i < values; i++) {
            plain.append("    - {name: VALUE_").append(i).append(", value: secret-value-").append(i).append("}\n");
        }
        encrypted = sops.encrypt("values.yaml", plain.toString(), List.of(key), List.of());
        keys = Keyring.age(Files.readAllBytes(key.file()), null);
    }

    @Benchmark
    public Object parseOnly() {
        return SafeYaml.parse("values.yaml", encrypted);
    }

    @Benchmark
    public Object parseAndOpen() {
        return Sops.decrypt(List.of(SafeYaml.parse("values.yaml", encrypted)), keys);
    }
}
