package io.driftless.rollout;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * A rollback: a target held at an earlier commit it synced, while automation stays on. It is synced and healed to
 * {@code revision} instead of its source's newest commit, until an operator unpins it or, with {@code untilNewer},
 * until the source has a commit newer than the one it had when pinned.
 *
 * @param revision the commit the target is held at
 * @param untilNewer whether a newer commit lifts the pin
 * @param newestAtPin the source's newest commit when the pin was set
 * @param at       when it was set
 */
public record Pin(String revision, boolean untilNewer, String newestAtPin, Instant at) {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** The shortest commit prefix a rollback accepts. */
    static final int SHORTEST_PREFIX = 7;

    /** Whether the pin still holds when the source's newest commit is {@code newest} (null: not fetched yet). */
    public boolean holdsAt(String newest) {
        return !untilNewer || newest == null || newest.equals(newestAtPin);
    }

    /**
     * The commit a rollback to {@code asked} (a commit id or a prefix of at least {@value #SHORTEST_PREFIX} hex
     * digits) means among the commits the target synced, newest first.
     *
     * @throws IllegalArgumentException naming what is wrong: too short, never synced, or ambiguous
     */
    public static String choose(String asked, Collection<String> synced, String target) {
        String prefix = asked == null ? "" : asked.strip().toLowerCase(java.util.Locale.ROOT);
        if (!prefix.matches("[0-9a-f]{" + SHORTEST_PREFIX + ",40}")) {
            throw new IllegalArgumentException("revision '" + asked + "' is not a commit id (at least "
                    + SHORTEST_PREFIX + " hex digits)");
        }
        List<String> matching = synced.stream().filter(c -> c.startsWith(prefix)).distinct().toList();
        if (matching.isEmpty()) {
            throw new IllegalArgumentException(target + " never synced commit " + prefix + "; it synced "
                    + (synced.isEmpty() ? "none it remembers" : String.join(", ", synced.stream().distinct()
                    .map(c -> c.substring(0, Math.min(12, c.length()))).toList())));
        }
        if (matching.size() > 1) {
            throw new IllegalArgumentException("revision " + prefix + " is ambiguous: " + matching);
        }
        return matching.get(0);
    }

    /** As a ledger keeps it. */
    public String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@link #json}; null for null. */
    public static Pin parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, Pin.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a pin is unreadable: " + e.getMessage(), e);
        }
    }
}
