package io.driftless.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events per client address in a fixed window (failed authentications; expensive requests): past the limit a
 * client is refused (429) until its window ends, so credentials cannot be guessed at network speed and one
 * client cannot keep the service comparing and rendering. Bounded: at most {@link #MAX_CLIENTS} addresses are
 * tracked; when full, expired windows are dropped first, else everyone's.
 */
final class ClientLimits {

    /** Failed authentications a client may make per window. */
    static final int AUTH_FAILURES = 10;
    /** Diffs, syncs and previews a client may ask for per window. */
    static final int EXPENSIVE = 60;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_CLIENTS = 10_000;

    private final int limit;

    ClientLimits(int limit) {
        this.limit = limit;
    }

    private record Window(long startNanos, int failures) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    boolean blocked(String client, long nowNanos) {
        return blocked(client, nowNanos, 0);
    }

    /**
     * Whether the client is at its limit counting {@code pending} events that may yet be recorded (credential
     * checks still running on a worker), so that concurrent attempts cannot pass the limit before they are counted.
     */
    boolean blocked(String client, long nowNanos, int pending) {
        Window w = windows.get(client);
        return (w == null || expired(w, nowNanos) ? 0 : w.failures()) + pending >= limit;
    }

    void record(String client, long nowNanos) {
        if (windows.size() >= MAX_CLIENTS) {
            windows.values().removeIf(w -> expired(w, nowNanos));
            if (windows.size() >= MAX_CLIENTS) {
                windows.clear();
            }
        }
        windows.compute(client, (k, w) -> w == null || expired(w, nowNanos) ? new Window(nowNanos, 1)
                : new Window(w.startNanos(), w.failures() + 1));
    }

    private static boolean expired(Window w, long nowNanos) {
        return nowNanos - w.startNanos() > WINDOW.toNanos();
    }
}
