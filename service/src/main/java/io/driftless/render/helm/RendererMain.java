package io.driftless.render.helm;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.jni.HelmLib;
import com.marcnuri.helm.jni.Result;
import com.marcnuri.helm.jni.TemplateOptions;
import com.sun.jna.Native;
import com.sun.jna.platform.unix.LibC;
import com.sun.jna.platform.unix.Resource;

/**
 * The renderer process: a small JVM that loads Helm's native library and runs {@code helm template} for the
 * requests {@link HelmSandbox} sends down its standard input, one at a time, answering on its standard output.
 * It starts with an empty environment in its own work folder, caps its address space (so a template that
 * allocates without end dies here, not in the service), answers Helm's {@code lookup} from {@link NoCluster}, and
 * exits when the service closes its input or goes away.
 *
 * <p>Arguments: the native library's path, then the memory allowed beyond what the process holds once it is
 * ready, in MiB.
 */
public final class RendererMain {

    /** Written once the process can take requests. */
    static final int READY = 0x52454459; // "REDY"
    /** The largest request accepted (a chart folder and its values). */
    static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private RendererMain() {
    }

    public static void main(String[] args) throws Exception {
        Path library = Path.of(args[0]);
        long memoryMiB = Long.parseLong(args[1]);
        Path work = Path.of("").toAbsolutePath();
        exitWhenOrphaned();
        firstToGo();
        NoCluster noCluster = NoCluster.start(work.resolve("kubeconfig"));
        HelmLib helm = Native.load(library.toString(), HelmLib.class);
        limitAddressSpace(memoryMiB);
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out, 1 << 16));
        out.writeInt(READY);
        out.flush();
        while (true) {
            RenderRequest request;
            try {
                request = RenderRequest.read(in, MAX_REQUEST_BYTES);
            } catch (EOFException e) {
                break; // the service closed the pipe: done
            }
            RenderRequest.write(out, render(helm, work, request));
        }
        noCluster.stop();
        Runtime.getRuntime().halt(0); // Helm's runtime keeps threads of its own: do not wait for them
    }

    private static RenderRequest.Answer render(HelmLib helm, Path work, RenderRequest request) throws IOException {
        Path dir = work.resolve("render");
        delete(dir);
        Path chart = dir.resolve("chart");
        for (Map.Entry<String, byte[]> f : request.files().entrySet()) {
            Path file = chart.resolve(f.getKey()).normalize();
            if (!file.startsWith(chart)) {
                return new RenderRequest.Refused(f.getKey() + " leaves the chart folder");
            }
            Files.createDirectories(file.getParent());
            Files.write(file, f.getValue());
        }
        Path values = valuesFile(ProcessHandle.current().pid(), dir);
        Result result;
        try {
            Files.deleteIfExists(values);
            Files.createFile(values, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.write(values, request.values());
            result = helm.Template(new TemplateOptions(request.release(), null, chart.toString(),
                    request.namespace(), request.kubeVersion(), 0, 0, null, null, values.toString(), null, null, null,
                    0, 0, null, 0, null));
        } finally {
            Files.deleteIfExists(values);
        }
        String output = result.out;
        String error = result.err;
        helm.Free(result);
        delete(dir);
        if (error != null && !error.isBlank()) {
            return new RenderRequest.Refused(error.strip().replace(dir + "/", ""));
        }
        String text = output == null ? "" : output; // Helm answers nothing when every template renders empty
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        return bytes > request.maxOutput() ? new RenderRequest.TooLarge(bytes) : new RenderRequest.Rendered(text);
    }

    /**
     * Caps the process's address space at what it maps now plus the allowance: Helm's runtime then fails to
     * allocate (and the process exits) where it would otherwise take the machine's memory.
     */
    private static void limitAddressSpace(long allowanceMiB) throws IOException {
        long mapped = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmSize:")) {
                mapped = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        Resource.Rlimit limit = new Resource.Rlimit();
        limit.rlim_cur = mapped + allowanceMiB * 1024 * 1024;
        limit.rlim_max = limit.rlim_cur;
        if (LibC.INSTANCE.setrlimit(Resource.RLIMIT_AS, limit) != 0) {
            throw new IllegalStateException("cannot limit the renderer's memory (setrlimit failed)");
        }
    }

    /**
     * When memory runs out in the container (a memory cgroup shared with the service), the kernel kills this process,
     * not the service: the highest OOM score a process may give itself.
     */
    private static void firstToGo() {
        try {
            Files.writeString(Path.of("/proc/self/oom_score_adj"), "1000");
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux, or /proc is read-only: the address-space cap still holds
        }
    }

    /** Stops this process within a second of the service's end, even while Helm is busy. */
    private static void exitWhenOrphaned() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread watch = new Thread(() -> {
            while (parent != null && parent.isAlive()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(0);
        }, "driftless-renderer-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * Where a renderer process writes the values of a render for Helm to read: in memory ({@code /dev/shm}, owner
     * only) when the host has it, so values (secrets opened from SOPS files among them) never reach a disk; else in
     * its work folder. Deleted when the render ends, and by the service when it kills the process.
     */
    static Path valuesFile(long pid, Path workFolder) {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm.resolve("driftless-values-" + pid + ".yaml")
                : workFolder.resolve("values.yaml");
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
