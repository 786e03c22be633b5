package io.driftless.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * Keeps the JDK's default pool for asynchronous completions a pool on small machines. With one or two processors
 * the common fork-join pool has a parallelism of one, and {@link CompletableFuture} then runs every asynchronous
 * step on a thread of its own; the JDK's HTTP client (under the Kubernetes client) completes each response that
 * way, so every API request started and ended a thread (some 500 a second while a large fleet synced). Asking for a
 * parallelism of two, before either class is first used, makes them share the common pool.
 */
public final class AsyncPool {

    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private AsyncPool() {
    }

    /**
     * Asks for a common pool of at least two threads unless the JVM was told a parallelism already; answers
     * whether asynchronous completions now share a pool (false when a class used them before this call).
     */
    public static boolean ensure() {
        if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(PARALLELISM, "2");
        }
        return shared();
    }

    /** Whether {@link CompletableFuture}'s default executor is the common pool, not a thread per task. */
    public static boolean shared() {
        return new CompletableFuture<Void>().defaultExecutor() == ForkJoinPool.commonPool();
    }
}
