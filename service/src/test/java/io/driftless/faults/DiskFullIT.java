package io.driftless.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;

/**
 * The disk holding the service's state, and so its Git cache ({@code <state>/cache/values.git}), fills up: the
 * next fetch fails with an error that says so, the service keeps running, every target keeps what it applied
 * (nothing pruned, nothing re-created), and once space is freed the next fetch works and the commit applies.
 * The state folder is a 2 MiB tmpfs, which needs root (as the test command runs): without it the test fails.
 */
class DiskFullIT {

    @TempDir
    Path tmp;
    private Path state;
    private boolean mounted;
    private FaultyFleet fleet;

    @BeforeEach
    void start() throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid()).as("DiskFullIT needs root: it mounts a "
                + "small tmpfs as the service's state folder (the test command runs as root)").isZero();
        state = Files.createDirectories(tmp.resolve("state"));
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", state.toString());
        mounted = true;
        fleet = new FaultyFleet(tmp, state);
        fleet.assertConsistent(FaultyFleet.SQLITE);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (fleet != null) {
                fleet.close();
            }
        } finally {
            if (mounted) {
                if (run(false, "umount", state.toString()) != 0) {
                    run("umount", "-l", state.toString()); // something still holds a file: detach it
                }
            }
        }
    }

    private static void run(String... command) throws Exception {
        int exit = run(true, command);
        if (exit != 0) {
            fail(String.join(" ", command) + " exited with " + exit);
        }
    }

    /** Runs the command, its output in the test's; answers its exit code (fails on a timeout, or when asked). */
    private static int run(boolean quiet, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not end within 30 s: " + output);
        }
        if (!quiet || process.exitValue() != 0) {
            System.out.print(output);
        }
        return process.exitValue();
    }

    /** Writes the file until the file system is full; answers the bytes written. */
    private static long fill(Path file) {
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (written < 64L << 20) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).as("the disk is full").contains("No space left on device");
            return written;
        }
        throw new AssertionError("64 MiB fit on a 2 MiB tmpfs: " + file + " is not on it");
    }

    @Test
    void aFullDiskFailsTheFetchClearlyKeepsWhatIsAppliedAndTheCommitAppliesOnceSpaceIsFreed() throws Exception {
        Map<String, Map<String, String>> uids = Map.of("alpha", fleet.uids("alpha", FaultyFleet.SQLITE),
                "beta", fleet.uids("beta", FaultyFleet.SQLITE));
        Path filler = state.resolve("filler");
        assertThat(fill(filler)).isPositive();
        String commit = fleet.commit(FaultyFleet.round(1));
        fleet.refresh();

        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.source().getString("lastError") != null);
        String error = fleet.source().getString("lastError");
        assertThat(error).startsWith("source values: fetch from " + fleet.git.url() + " failed: ")
                .contains("No space left on device");
        assertThat(fleet.source().getString("revision")).isEqualTo(fleet.initialCommit);
        await().atMost(Duration.ofSeconds(10)).until(() -> FaultyFleet.RELEASES.stream()
                .allMatch(r -> error.equals(fleet.status(r).lastError())));
        for (String release : FaultyFleet.RELEASES) {
            TargetStatus status = fleet.status(release);
            assertThat(status.syncState()).as(release).isEqualTo(SyncState.Failed);
            assertThat(status.revision()).as(release).isEqualTo(fleet.initialCommit);
            assertThat(fleet.deploymentRound(release)).as(release + ": nothing was written").isNull();
            assertThat(fleet.uids(release, FaultyFleet.SQLITE)).as(release + ": nothing was pruned or re-created")
                    .isEqualTo(uids.get(release));
        }
        assertThat(fleet.get("/healthz").statusCode()).isEqualTo(200);
        fleet.assertConsistent(FaultyFleet.SQLITE);

        Files.delete(filler);
        fleet.refresh();
        fleet.awaitApplied(commit);
        assertThat(fleet.source().getString("lastError")).isNull();
        assertThat(fleet.source().getString("revision")).isEqualTo(commit);
        assertThat(fleet.deploymentRound("alpha")).isEqualTo("1");
        try (var left = Files.walk(state.resolve("cache/values.git"))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("no lock file is left behind")
                    .noneMatch(name -> name.endsWith(".lock"));
        }
        fleet.assertConsistent(FaultyFleet.round(1));
    }
}
