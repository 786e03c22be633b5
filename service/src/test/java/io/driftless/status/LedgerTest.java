package io.driftless.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ledger kept in a file outlives its process; another replica's changes reach the listeners key by key. */
class LedgerTest {

    @TempDir
    Path tmp;

    @Test
    void entriesAreKeptInTheFileAndReadBackByTheNextProcess() throws Exception {
        Path file = tmp.resolve("state/pins.json");
        Ledger ledger = Ledger.inFile(file);
        assertThat(ledger.put("prod/app", "one")).isTrue();
        assertThat(ledger.put("prod/app", "one")).as("unchanged").isFalse();
        assertThat(ledger.put("dev/app", "two")).isTrue();
        assertThat(ledger.put("dev/app", null)).isTrue();
        assertThat(Files.readString(file)).isEqualTo("{\"prod/app\":\"one\"}");
        assertThat(Ledger.inFile(file).all()).isEqualTo(Map.of("prod/app", "one"));
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> Ledger.inFile(file)).hasMessageStartingWith(file + " is unreadable (")
                .hasMessageEndingWith("); fix or delete it");
    }

    @Test
    void aReplacementTellsTheListenersEachKeyThatChanged() {
        Ledger ledger = Ledger.inMemory();
        ledger.put("a", "1");
        ledger.put("b", "2");
        List<String> told = new ArrayList<>();
        ledger.onChange(told::add);
        ledger.replaced(Map.of("b", "3", "c", "4"));
        assertThat(told).containsExactly("a", "b", "c");
        assertThat(ledger.all()).isEqualTo(Map.of("b", "3", "c", "4"));
        told.clear();
        ledger.replaced(Map.of("b", "3", "c", "4"));
        assertThat(told).as("its own write seen again").isEmpty();
    }
}
