package io.driftless.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What operators decided about targets and releases, by key (a rollback's pin, a rollout resumed or aborted), kept
 * where every replica that may act on it sees it: in a JSON file of the state folder for one replica, in a
 * ConfigMap of the Leases' cluster under high availability ({@code SharedLedger}), so a restart or a shard that
 * moves keeps it.
 */
public final class Ledger {

    /** Where the entries are kept. */
    public interface Store {
        /** Every entry now. */
        Map<String, String> load();

        /** Sets one entry, or removes it when {@code value} is null (safely against other writers). */
        void change(String key, String value);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> ENTRIES = new TypeReference<>() {
    };

    private final Store store;
    private final Map<String, String> entries = new ConcurrentHashMap<>();
    private final java.util.List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public Ledger(Store store) {
        this.store = store;
        entries.putAll(store.load());
    }

    /** Kept in {@code file} (written whole and moved into place). */
    public static Ledger inFile(Path file) {
        return new Ledger(new FileStore(file));
    }

    /** Kept in memory only (a service that records no decisions, or a test). */
    public static Ledger inMemory() {
        return new Ledger(new Store() {
            @Override
            public Map<String, String> load() {
                return Map.of();
            }

            @Override
            public void change(String key, String value) {
            }
        });
    }

    /** Told the key of each entry another replica changed (the store's watch), after the change. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Sets (or, with null, removes) an entry; answers whether that changed anything. */
    public synchronized boolean put(String key, String value) {
        if (Objects.equals(entries.get(key), value)) {
            return false;
        }
        store.change(key, value);
        if (value == null) {
            entries.remove(key);
        } else {
            entries.put(key, value);
        }
        return true;
    }

    /** The entries as another replica left them (the store's watch); listeners hear of each key that changed. */
    public void replaced(Map<String, String> all) {
        java.util.Set<String> changed = new java.util.TreeSet<>();
        synchronized (this) {
            entries.forEach((k, v) -> {
                if (!v.equals(all.get(k))) {
                    changed.add(k);
                }
            });
            all.forEach((k, v) -> {
                if (!v.equals(entries.get(k))) {
                    changed.add(k);
                }
            });
            entries.keySet().retainAll(all.keySet());
            entries.putAll(all);
        }
        changed.forEach(k -> listeners.forEach(l -> l.accept(k)));
    }

    /** Every entry now. */
    public Map<String, String> all() {
        return Map.copyOf(entries);
    }

    /** The entries as JSON (one object of strings), as the stores keep them. */
    public static String json(Map<String, String> all) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(all));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@link #json}; {@code where} names the file or object in the error. */
    public static Map<String, String> parse(String json, String where) {
        if (json == null || json.isBlank()) {
            return new TreeMap<>();
        }
        try {
            return JSON.readValue(json, ENTRIES);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(where + " is unreadable (" + e.getOriginalMessage()
                    + "); fix or delete it", e);
        }
    }

    private record FileStore(Path file) implements Store {
        @Override
        public Map<String, String> load() {
            try {
                return Files.isRegularFile(file) ? parse(Files.readString(file), file.toString()) : new TreeMap<>();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void change(String key, String value) {
            Map<String, String> all = load();
            if (value == null) {
                all.remove(key);
            } else {
                all.put(key, value);
            }
            try {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
                Files.writeString(tmp, json(all));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
