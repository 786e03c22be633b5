package io.driftless.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Targets an operator suspended ({@code driftless suspend}): neither synced by polls nor healed, until resumed.
 * Kept in the state folder ({@code suspended.txt}, one target per line), so a restart keeps them suspended.
 */
public final class Suspensions {

    private final Path file;
    private final Set<String> suspended = ConcurrentHashMap.newKeySet();

    public Suspensions(Path stateDir) {
        this.file = stateDir.resolve("suspended.txt");
        try {
            if (Files.isRegularFile(file)) {
                Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                        .filter(l -> !l.isEmpty()).forEach(suspended::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public boolean isSuspended(String target) {
        return suspended.contains(target);
    }

    /** Suspends or resumes a target; answers whether that changed anything. */
    public synchronized boolean set(String target, boolean suspend) {
        boolean changed = suspend ? suspended.add(target) : suspended.remove(target);
        if (changed) {
            try {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), "suspended", ".tmp");
                Files.write(tmp, new TreeSet<>(suspended), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
        return changed;
    }
}
