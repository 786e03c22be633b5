package io.driftless.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Targets an operator suspended ({@code driftless suspend}): neither synced by polls nor healed, until resumed. Kept
 * where every replica that may hold the target sees them: in the state folder ({@code suspended.txt}, one target per
 * line) for one replica, in the cluster under high availability ({@code SharedSuspensions}), so a restart keeps
 * them and a shard that moves to another replica stays suspended.
 */
public final class Suspensions {

    /** Where suspensions are kept. */
    public interface Store {
        /** Every suspended target now. */
        Set<String> load();

        /** Suspends or resumes one target (safely against other writers). */
        void change(String target, boolean suspend);
    }

    private final Store store;
    private final Set<String> suspended = ConcurrentHashMap.newKeySet();

    public Suspensions(Store store) {
        this.store = store;
        suspended.addAll(store.load());
    }

    /** Kept in {@code <stateDir>/suspended.txt}. */
    public static Suspensions inFile(Path stateDir) {
        return new Suspensions(new FileStore(stateDir.resolve("suspended.txt")));
    }

    public boolean isSuspended(String target) {
        return suspended.contains(target);
    }

    /** Suspends or resumes a target; answers whether that changed anything. */
    public synchronized boolean set(String target, boolean suspend) {
        if (suspend == suspended.contains(target)) {
            return false;
        }
        store.change(target, suspend);
        if (suspend) {
            suspended.add(target);
        } else {
            suspended.remove(target);
        }
        return true;
    }

    /** The suspended targets as another replica left them (the store's watch). */
    public synchronized void replaced(Set<String> all) {
        suspended.retainAll(all);
        suspended.addAll(all);
    }

    /** Every suspended target now. */
    public Set<String> all() {
        return Set.copyOf(suspended);
    }

    private record FileStore(Path file) implements Store {
        @Override
        public Set<String> load() {
            try {
                Set<String> out = new TreeSet<>();
                if (Files.isRegularFile(file)) {
                    Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                            .filter(l -> !l.isEmpty()).forEach(out::add);
                }
                return out;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void change(String target, boolean suspend) {
            Set<String> all = load();
            if (suspend) {
                all.add(target);
            } else {
                all.remove(target);
            }
            try {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), "suspended", ".tmp");
                Files.write(tmp, all, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
