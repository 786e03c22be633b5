package io.driftless.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.driftless.model.ObjectRef;

/**
 * The writes of a cluster whose echo its watch cache may not show yet: the resourceVersion each write returned
 * (or, for a delete, that the object is gone). Until the cache shows it, a live read of that object goes to the
 * API server, so a compare right after an apply never sees the state from before it (false drift, and a heal
 * that fights the write). An expectation the cache never meets (someone wrote again) lapses after
 * {@link #PATIENCE}.
 */
final class Echoes {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Expectations kept at most; past it the oldest are dropped first (their reads then use the cache). */
    static final int MAX = 50_000;

    private record Expected(String resourceVersion, Instant until) {
    }

    private final Map<ObjectRef, Expected> expected = new ConcurrentHashMap<>();
    /** The version of each object Driftless wrote last ({@link #GONE} for a delete), the oldest dropped past MAX. */
    private final Map<ObjectRef, String> lastWritten = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ObjectRef, String> eldest) {
                    return size() > MAX;
                }
            });
    private static final String GONE = "";

    /** @param resourceVersion what the write returned, or null for a delete */
    void expect(ObjectRef ref, String resourceVersion, Instant now) {
        lastWritten.put(ref, resourceVersion == null ? GONE : resourceVersion);
        if (expected.size() >= MAX) {
            expected.entrySet().removeIf(e -> e.getValue().until().isBefore(now));
        }
        if (expected.size() < MAX) {
            expected.put(ref, new Expected(resourceVersion, now.plus(PATIENCE)));
        }
    }

    /**
     * The watch delivered this version of the object (null: its deletion): an expectation of exactly it is met.
     * Watch events come in order, so a later version in the cache can no longer hide the write.
     *
     * @return whether it was the echo of Driftless's own write (nothing changed that Driftless did not write)
     */
    boolean seen(ObjectRef ref, String resourceVersion) {
        boolean[] echo = new boolean[1];
        expected.computeIfPresent(ref, (k, e) -> {
            echo[0] = java.util.Objects.equals(e.resourceVersion(), resourceVersion);
            return echo[0] ? null : e;
        });
        return echo[0];
    }

    /** Whether this version of the object (null: its deletion) is the one Driftless wrote last. */
    boolean wroteLast(ObjectRef ref, String resourceVersion) {
        String last = lastWritten.get(ref);
        return last != null && last.equals(resourceVersion == null ? GONE : resourceVersion);
    }

    /**
     * Whether the cache's copy of the object cannot be trusted yet.
     *
     * @param cachedVersion the cached object's resourceVersion, or null when the cache does not have it
     */
    boolean pending(ObjectRef ref, String cachedVersion, Instant now) {
        Expected e = expected.get(ref);
        if (e == null) {
            return false;
        }
        boolean echoed = e.resourceVersion() == null ? cachedVersion == null
                : e.resourceVersion().equals(cachedVersion);
        if (echoed || e.until().isBefore(now)) {
            expected.remove(ref, e);
            return false;
        }
        return true;
    }
}
