package io.driftless.render.helm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One renderer process ({@link RendererMain}) as the service sees it: started with an empty environment in a work
 * folder of its own, given one request at a time, and killed (SIGKILL, which Helm's runtime cannot catch) when a
 * render overruns its time, breaks the protocol or when the service stops.
 */
final class RendererProcess {

    /** Why a process is gone, in words for the target's status. */
    static final class Died extends Exception {
        Died(String message) {
            super(message);
        }
    }

    /** How a renderer process is started. */
    record Launch(Path java, String classpath, Path helmLibrary, Path jnaFolder, int memoryMiB, Duration startTimeout) {
    }

    private final Process process;
    private final DataOutputStream requests;
    private final DataInputStream answers;
    private final Path work;
    private final int memoryMiB;
    private volatile boolean timedOut;

    private RendererProcess(Process process, Path work, int memoryMiB) {
        this.process = process;
        this.work = work;
        this.memoryMiB = memoryMiB;
        this.requests = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.answers = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
    }

    /** Starts a process in {@code work} (created empty) and waits until it takes requests. */
    static RendererProcess start(Launch launch, Path work, ScheduledExecutorService timer) throws Died {
        try {
            RendererMain.delete(work);
            Files.createDirectories(work);
            List<String> command = new ArrayList<>(List.of(launch.java().toString(),
                    "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
                    "-XX:-UsePerfData", "-Xshare:auto", "-Djava.io.tmpdir=" + work,
                    "-Djna.boot.library.path=" + launch.jnaFolder(), "-Djna.nounpack=true", "-Djna.nosys=true",
                    "-cp", launch.classpath(), RendererMain.class.getName(),
                    launch.helmLibrary().toString(), String.valueOf(launch.memoryMiB())));
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                    .redirectError(work.resolve("stderr.log").toFile());
            Map<String, String> env = builder.environment();
            env.clear(); // no credential, no kubeconfig, no proxy of the service's reaches a template
            env.put("HOME", work.toString());
            env.put("TMPDIR", work.toString());
            env.put("KUBECONFIG", work.resolve("kubeconfig").toString());
            env.put("HELM_CACHE_HOME", work.resolve("helm/cache").toString());
            env.put("HELM_CONFIG_HOME", work.resolve("helm/config").toString());
            env.put("HELM_DATA_HOME", work.resolve("helm/data").toString());
            env.put("GOMEMLIMIT", launch.memoryMiB() + "MiB");
            env.put("MALLOC_ARENA_MAX", "2");
            RendererProcess started = new RendererProcess(builder.start(), work, launch.memoryMiB());
            ScheduledFuture<?> deadline = started.killAfter(launch.startTimeout(), timer);
            try {
                if (started.answers.readInt() != RendererMain.READY) {
                    throw started.died("the renderer process did not start (a bad handshake)");
                }
            } catch (IOException e) {
                String said = started.stderr().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
                throw started.died("the renderer process did not start" + (started.timedOut ? " within "
                        + launch.startTimeout().toSeconds() + " s" : "") + (said.isEmpty() ? "" : ": " + said));
            } finally {
                deadline.cancel(false);
            }
            return started;
        } catch (IOException e) {
            throw new Died("cannot start a renderer process: " + e.getMessage());
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * @param limit the largest answer read; a longer one means the process is broken
     * @throws Died the process overran {@code timeout} (and was killed), ran out of memory, crashed or broke
     *              the protocol; it is gone then
     */
    RenderRequest.Answer render(RenderRequest request, Duration timeout, ScheduledExecutorService timer) throws Died {
        ScheduledFuture<?> deadline = killAfter(timeout, timer);
        try {
            request.write(requests);
            return RenderRequest.readAnswer(answers, request.maxOutput());
        } catch (IOException e) {
            throw timedOut ? died("did not finish rendering within " + timeout.toMillis() + " ms (the limit of one "
                    + "render); its process was stopped") : died(null);
        } finally {
            deadline.cancel(false);
        }
    }

    private ScheduledFuture<?> killAfter(Duration timeout, ScheduledExecutorService timer) {
        return timer.schedule(() -> {
            timedOut = true;
            process.destroyForcibly();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills the process (if it still runs), waits for it and removes its work folder. */
    void kill() {
        stop();
        try {
            Files.deleteIfExists(RendererMain.valuesFile(process.pid(), work));
            RendererMain.delete(work);
        } catch (IOException e) {
            // left for the next start of the sandbox, which empties the work folders
        }
    }

    /** The process is gone (or going): it is killed, and the reason read from what it printed. */
    private Died died(String reason) {
        stop();
        if (reason != null) {
            return new Died(reason);
        }
        String printed = stderr();
        if (printed.contains("out of memory") || printed.contains("OutOfMemoryError")
                || printed.contains("cannot allocate memory")) {
            return new Died("ran out of its memory limit (" + memoryMiB + " MiB); its process was stopped");
        }
        if (printed.contains("stack overflow") || printed.contains("stack exceeds")) {
            return new Died("recursed without end (a template that includes itself?); its process was stopped");
        }
        if (!process.isAlive() && process.exitValue() == 137) { // SIGKILL, not ours: the kernel's OOM killer
            return new Died("was killed by the system, most likely out of memory; its process was stopped");
        }
        String first = printed.lines().filter(l -> l.startsWith("fatal error") || l.startsWith("panic"))
                .findFirst().orElse("");
        return new Died("its process crashed" + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")")
                + (first.isEmpty() ? "" : ": " + first));
    }

    private void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The start of what the process printed on its error stream (Go's fatal errors, the JVM's). */
    private String stderr() {
        try {
            try (var in = Files.newInputStream(work.resolve("stderr.log"))) {
                return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";
        }
    }
}
