package io.driftless.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Each target's history, kept across restarts: one small JSON file per target in the state folder
 * ({@code history/CLUSTER/RELEASE.json}, written whole and moved into place when a notable sync adds a record), so a
 * fleet of thousands writes one file per sync that matters, never one file of all. A file that cannot be read is a
 * history that starts again (logged), never a failed start.
 */
public final class HistoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final TypeReference<List<TargetStatus.SyncRecord>> RECORDS = new TypeReference<>() {
    };

    /** Keeps nothing (tests, and a service without a state folder). */
    public static final HistoryStore NONE = new HistoryStore(null);

    private final Path dir;

    private HistoryStore(Path dir) {
        this.dir = dir;
    }

    public static HistoryStore in(Path dir) {
        return new HistoryStore(dir);
    }

    private Path file(String targetId) {
        return dir.resolve(targetId + ".json"); // CLUSTER/RELEASE: both DNS names, no "..", no separator but one
    }

    /** The target's history as last kept, newest first; empty when none was. */
    public List<TargetStatus.SyncRecord> load(String targetId) {
        if (dir == null || !Files.isRegularFile(file(targetId))) {
            return List.of();
        }
        try {
            return List.copyOf(JSON.readValue(file(targetId).toFile(), RECORDS));
        } catch (IOException e) {
            LOG.warn("target={} history not read from {} ({}); it starts again", targetId, file(targetId),
                    e.getClass().getSimpleName());
            return List.of();
        }
    }

    /** Forgets a target that left the fleet: if it comes back later, its history starts again. */
    public void forget(String targetId) {
        if (dir != null) {
            try {
                Files.deleteIfExists(file(targetId));
            } catch (IOException e) {
                LOG.warn("target={} history not deleted from {}: {}", targetId, file(targetId),
                        e.getClass().getSimpleName());
            }
        }
    }

    /** Keeps the target's history (a failure is logged: the history in memory stays right). */
    public void save(String targetId, List<TargetStatus.SyncRecord> history) {
        if (dir == null) {
            return;
        }
        Path file = file(targetId);
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.write(next, JSON.writeValueAsBytes(history));
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("target={} history not kept in {}: {}", targetId, file, e.getClass().getSimpleName());
        }
    }
}
