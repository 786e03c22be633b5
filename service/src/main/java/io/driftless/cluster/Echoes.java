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
    /**
     * The version of each object Driftless wrote last, while it is recent ({@link #PATIENCE}); forgotten as soon
     * as the watch shows another version of it. A deletion is a version of its own ({@link #GONE}).
     */
    private final Map<ObjectRef, Expected> lastWritten = bounded();
    /** The version the watch delivered last of each object no expectation waited for (the event came first). */
    private final Map<ObjectRef, String> delivered = bounded();
    private static final String GONE = "";

    private static <V> Map<ObjectRef, V> bounded() {
        return java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ObjectRef, V> eldest) {
                return size() > MAX;
            }
        });
    }

    private static String version(String resourceVersion) {
        return resourceVersion == null ? GONE : resourceVersion;
    }

    /** @param resourceVersion what the write returned, or null for a delete */
    void expect(ObjectRef ref, String resourceVersion, Instant now) {
        lastWritten.put(ref, new Expected(version(resourceVersion), now.plus(PATIENCE)));
        if (version(resourceVersion).equals(delivered.remove(ref))) {
            return; // its echo came before the write's answer: the cache holds it already
        }
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
    boolean seen(ObjectRef ref, String resourceVersion, Instant now) {
        boolean[] echo = new boolean[1];
        boolean[] waited = new boolean[1];
        expected.computeIfPresent(ref, (k, e) -> {
            waited[0] = true;
            echo[0] = java.util.Objects.equals(e.resourceVersion(), resourceVersion) && !e.until().isBefore(now);
            return echo[0] || e.until().isBefore(now) ? null : e;
        });
        if (!echo[0]) {
            if (!waited[0]) {
                delivered.put(ref, version(resourceVersion));
            }
            Expected last = lastWritten.get(ref);
            if (last != null && !last.resourceVersion().equals(version(resourceVersion))) {
                lastWritten.remove(ref, last); // someone else's version: Driftless's is no longer what is there
            }
        }
        return echo[0];
    }

    /** Whether this version of the object (null: its deletion) is the one Driftless wrote last, a moment ago. */
    boolean wroteLast(ObjectRef ref, String resourceVersion, Instant now) {
        Expected last = lastWritten.get(ref);
        return last != null && last.resourceVersion().equals(version(resourceVersion))
                && !last.until().isBefore(now);
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
