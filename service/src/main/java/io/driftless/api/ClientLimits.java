package io.driftless.api;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events per key (a client address, or a webhook's source) in a fixed window (failed authentications, failed
 * webhook proofs, expensive requests): past the limit a key is refused (429) until its window ends, so credentials
 * cannot be guessed at network speed and one client cannot keep the service comparing and rendering.
 *
 * <p>Bounded without failing open: at most {@link #MAX_CLIENTS} keys are tracked. When the table is full, windows
 * that ended are dropped, then the oldest window that does not hold its key at the limit; a key at its limit (a
 * lockout) is never dropped before its window ends. Only when every tracked key is at its limit are the events of
 * untracked keys counted together in one shared window, and while that one is at the limit, every untracked key is
 * refused: under an attack from more addresses than the table holds, newcomers wait, and no lockout is lifted.
 */
final class ClientLimits {

    /** Failed authentications a client may make per window. */
    static final int AUTH_FAILURES = 10;
    /** Diffs, syncs and previews a client may ask for per window. */
    static final int EXPENSIVE = 60;
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Failed webhook proofs a client may make per window. */
    static final int WEBHOOK_FAILURES = 10;
    /** Failed webhook proofs of one source, from all clients together, per window. */
    static final int SOURCE_FAILURES = 60;
    static final int MAX_CLIENTS = 10_000;

    private record Window(long startNanos, int events) {

        Window plusOne() {
            return new Window(startNanos, events + 1);
        }
    }

    private final int limit;
    private final int capacity;
    /** By the start of their window, oldest first (all windows last as long, so the ended ones come first). */
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();
    /** The events of keys that could not be tracked, while every tracked key was at its limit; or null. */
    private Window untracked;

    ClientLimits(int limit) {
        this(limit, MAX_CLIENTS);
    }

    ClientLimits(int limit, int capacity) {
        this.limit = limit;
        this.capacity = capacity;
    }

    boolean blocked(String key, long nowNanos) {
        return blocked(key, nowNanos, 0);
    }

    /**
     * Whether the key is at its limit counting {@code pending} events that may yet be recorded (credential checks
     * still running on a worker), so that concurrent attempts cannot pass the limit before they are counted.
     */
    synchronized boolean blocked(String key, long nowNanos, int pending) {
        Window w = windows.get(key);
        if (w == null) {
            w = untracked;
        }
        return (w == null || expired(w, nowNanos) ? 0 : w.events()) + pending >= limit;
    }

    synchronized void record(String key, long nowNanos) {
        Window w = windows.get(key);
        if (w != null && !expired(w, nowNanos)) {
            windows.put(key, w.plusOne()); // an existing key keeps its place
            return;
        }
        if (w != null) {
            windows.remove(key);
        }
        if (windows.size() >= capacity && !makeRoom(nowNanos)) {
            untracked = untracked == null || expired(untracked, nowNanos) ? new Window(nowNanos, 1) : untracked.plusOne();
            return;
        }
        windows.put(key, new Window(nowNanos, 1));
    }

    /** How many keys are tracked now (at most the capacity). */
    synchronized int tracked() {
        return windows.size();
    }

    /** Drops the windows that ended, else the oldest one below the limit; false when every one is at its limit. */
    private boolean makeRoom(long nowNanos) {
        Iterator<Window> oldestFirst = windows.values().iterator();
        boolean dropped = false;
        while (oldestFirst.hasNext()) {
            Window w = oldestFirst.next();
            if (!expired(w, nowNanos)) {
                break;
            }
            oldestFirst.remove();
            dropped = true;
        }
        if (dropped) {
            return true;
        }
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().events() < limit) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private static boolean expired(Window w, long nowNanos) {
        return nowNanos - w.startNanos() > WINDOW.toNanos();
    }
}
