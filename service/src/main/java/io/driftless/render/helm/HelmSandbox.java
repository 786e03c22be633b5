package io.driftless.render.helm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import io.driftless.render.RenderException;

/**
 * Where Helm's code runs: a pool of renderer processes ({@link RendererMain}), never the service's own JVM. Chart
 * templates are untrusted code, so each render gets hard limits the service enforces: wall time (the process is
 * killed), memory (the process's address space is capped; it dies, not the service) and output size (refused in
 * the process). A process that dies costs that one render; the next render starts a new one. Processes start on
 * the first render, so a fleet without Helm charts runs none.
 *
 * <p>Fair between tenants: when several share the pool, one tenant holds at most all processes but one, so a
 * tenant whose charts loop until their time runs out never stops another's renders.
 *
 * <p>Helm's native library (and the JNA stub that loads it) are written once into {@code <home>/lib} and reused
 * by every process and every start; each process works in a folder of {@code <home>/work/<service pid>}, emptied
 * when it ends and by the next sandbox started there. Nothing goes to {@code /tmp}.
 */
public final class HelmSandbox implements AutoCloseable {

    /**
     * @param timeout   the wall time of one render
     * @param memoryMiB what a renderer process may allocate beyond its own start-up needs
     * @param maxOutput the largest output of one render, in bytes
     * @param processes how many renders run at once
     */
    public record Limits(Duration timeout, int memoryMiB, int maxOutput, int processes) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(20), 512, 16 * 1024 * 1024, 2);

        public Limits withTimeout(Duration t) {
            return new Limits(t, memoryMiB, maxOutput, processes);
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static volatile HelmSandbox shared;

    private final Path home;
    private final Path work;
    private final Limits limits;
    private final Semaphore slots;
    private final Map<String, Semaphore> tenants = new ConcurrentHashMap<>();
    private final Deque<RendererProcess> idle = new ArrayDeque<>();
    private final Set<RendererProcess> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger started = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "driftless-renderer-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile RendererProcess.Launch launch;
    private volatile boolean closed;

    /** @param home where the native library and the processes' work folders are kept ({@code <state>/renderer}) */
    public HelmSandbox(Path home, Limits limits) {
        this.home = home.toAbsolutePath();
        this.limits = limits;
        this.slots = new Semaphore(limits.processes(), true);
        this.work = this.home.resolve("work").resolve(String.valueOf(ProcessHandle.current().pid()));
        Path all = this.home.resolve("work");
        try (java.util.stream.Stream<Path> folders = Files.isDirectory(all) ? Files.list(all)
                : java.util.stream.Stream.empty()) {
            for (Path f : folders.toList()) { // a killed service's leftovers (other live services keep theirs)
                boolean alive = f.getFileName().toString().matches("\\d{1,18}")
                        && ProcessHandle.of(Long.parseLong(f.getFileName().toString())).isPresent();
                if (!alive || f.equals(work)) {
                    RendererMain.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + all, e);
        }
    }

    /**
     * The sandbox of a process that has no state folder (the command line's offline verbs, tests): under
     * {@code driftless.renderer.home}, else {@code $XDG_CACHE_HOME/driftless/renderer} (by default in
     * {@code ~/.cache}), and closed when the JVM ends.
     */
    public static HelmSandbox shared() {
        if (shared == null) {
            synchronized (HelmSandbox.class) {
                if (shared == null) {
                    String cache = System.getenv("XDG_CACHE_HOME");
                    Path home = System.getProperty("driftless.renderer.home") != null
                            ? Path.of(System.getProperty("driftless.renderer.home"))
                            : (cache != null && !cache.isBlank() ? Path.of(cache)
                            : Path.of(System.getProperty("user.home"), ".cache")).resolve("driftless/renderer");
                    HelmSandbox sandbox = new HelmSandbox(home, Limits.DEFAULT);
                    Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close, "driftless-renderer-stop"));
                    shared = sandbox;
                }
            }
        }
        return shared;
    }

    public Limits limits() {
        return limits;
    }

    /** The ids of the renderer processes alive now. */
    public Set<Long> pids() {
        Set<Long> pids = new java.util.TreeSet<>();
        running.forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /**
     * Renders in a renderer process.
     *
     * @param tenant who the render is for ("" when the fleet has no tenants)
     * @param where  what the error messages start with ("chart charts/shop")
     * @return Helm's output
     * @throws RenderException Helm refused the chart, or the render broke a limit
     */
    String render(String tenant, String where, RenderRequest request) {
        Semaphore mine = tenant.isEmpty() || limits.processes() < 2 ? null : tenants.computeIfAbsent(tenant,
                t -> new Semaphore(limits.processes() - 1, true));
        try {
            if (mine != null) {
                mine.acquire();
            }
            try {
                slots.acquire();
                try {
                    return renderIn(where, request);
                } finally {
                    slots.release();
                }
            } finally {
                if (mine != null) {
                    mine.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderException(where + ": interrupted");
        }
    }

    private String renderIn(String where, RenderRequest request) {
        if (closed) {
            throw new RenderException(where + ": the service is stopping");
        }
        RendererProcess process = null;
        try {
            process = take();
            RenderRequest.Answer answer = process.render(request, limits.timeout(), timer);
            give(process);
            if (answer instanceof RenderRequest.Rendered r) {
                return r.output();
            }
            if (answer instanceof RenderRequest.TooLarge t) {
                throw new RenderException(where + ": renders " + t.bytes() + " bytes; the limit is "
                        + limits.maxOutput());
            }
            throw new RenderException(where + ": " + ((RenderRequest.Refused) answer).message());
        } catch (RendererProcess.Died e) {
            if (process != null) {
                running.remove(process);
                process.kill();
            }
            throw new RenderException(where + ": Helm " + e.getMessage() + "; nothing was written");
        }
    }

    private RendererProcess take() throws RendererProcess.Died {
        synchronized (idle) {
            RendererProcess p = idle.poll();
            if (p != null) {
                return p;
            }
        }
        RendererProcess p = RendererProcess.start(launch(), work.resolve(String.valueOf(started.incrementAndGet())),
                timer);
        running.add(p);
        if (closed) { // close() ran meanwhile and did not see this one
            running.remove(p);
            p.kill();
            throw new RendererProcess.Died("the service is stopping");
        }
        return p;
    }

    private void give(RendererProcess p) {
        synchronized (idle) {
            idle.push(p);
        }
    }

    private RendererProcess.Launch launch() throws RendererProcess.Died {
        if (launch == null) {
            synchronized (this) {
                if (launch == null) {
                    try {
                        Path lib = Path.of(System.getProperty("driftless.renderer.lib", home.resolve("lib").toString()))
                                .toAbsolutePath();
                        launch = new RendererProcess.Launch(Path.of(System.getProperty("java.home"), "bin", "java"),
                                classpath(), helmLibrary(lib), jnaLibrary(lib),
                                limits.memoryMiB(), START_TIMEOUT);
                    } catch (IOException e) {
                        throw new RendererProcess.Died("cannot install Helm's native library in " + home + ": "
                                + e.getMessage());
                    }
                }
            }
        }
        return launch;
    }

    /** The service's class path with absolute entries, since a renderer process works in a folder of its own. */
    private static String classpath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.isBlank()).map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** Helm's native library from helm-java's jar, written once (it is 90 MB) and reused. */
    private static Path helmLibrary(Path dir) throws IOException {
        com.marcnuri.helm.jni.NativeLibrary provider = com.marcnuri.helm.jni.NativeLibrary.serviceProviderLibrary(
                HelmSandbox.class.getClassLoader());
        if (provider == null) {
            throw new IOException("helm-java has no native library for this platform");
        }
        String name = provider.getBinaryName();
        return install(provider.getClass().getResource("/" + name), dir.resolve(HelmCharts.HELM_VERSION).resolve(name));
    }

    /** JNA's own native stub, which JNA would otherwise unpack into a temporary file at every start. */
    private static Path jnaLibrary(Path dir) throws IOException {
        String resource = "/com/sun/jna/linux-x86-64/libjnidispatch.so";
        URL url = HelmSandbox.class.getResource(resource);
        if (url == null) {
            throw new IOException("JNA has no native stub for this platform");
        }
        Path file;
        try (InputStream in = url.openStream()) {
            file = dir.resolve("jna-" + io.driftless.model.Sha256.hex(in.readAllBytes()).substring(0, 12))
                    .resolve("libjnidispatch.so");
        }
        install(url, file);
        return file.getParent();
    }

    /** Copies a resource to a file once: kept when its size matches, else written anew (atomically). */
    private static Path install(URL resource, Path file) throws IOException {
        URLConnection connection = resource.openConnection();
        long size = connection.getContentLengthLong();
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "install", ".tmp");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    /** Kills every renderer process and empties the work folders. */
    @Override
    public void close() {
        closed = true;
        for (RendererProcess p : running) {
            p.kill();
        }
        running.clear();
        synchronized (idle) {
            idle.clear();
        }
        timer.shutdownNow();
        try {
            RendererMain.delete(work);
        } catch (IOException e) {
            // emptied at the next start
        }
    }
}
