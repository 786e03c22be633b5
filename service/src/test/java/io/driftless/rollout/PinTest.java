package io.driftless.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Which commit a rollback means, when a pin lifts, and how a ledger keeps it. */
class PinTest {

    private static final String NEW = "aaaa1111bbbb2222cccc3333dddd4444eeee5555";
    private static final String OLD = "1234567890abcdef1234567890abcdef12345678";
    private static final String OTHER = "1234567fffffffffffffffffffffffffffffffff";

    @Test
    void aRevisionIsACommitTheTargetSyncedNamedByAUniquePrefixOfSevenOrMoreHexDigits() {
        List<String> synced = List.of(NEW, OLD);
        assertThat(Pin.choose(OLD, synced, "prod/app")).isEqualTo(OLD);
        assertThat(Pin.choose("1234567890A", synced, "prod/app")).as("case does not matter").isEqualTo(OLD);
        assertThatThrownBy(() -> Pin.choose("123456", synced, "prod/app")).hasMessage(
                "revision '123456' is not a commit id (at least 7 hex digits)");
        assertThatThrownBy(() -> Pin.choose("main", synced, "prod/app")).hasMessageContaining("is not a commit id");
        assertThatThrownBy(() -> Pin.choose("0000000", synced, "prod/app")).hasMessage(
                "prod/app never synced commit 0000000; it synced aaaa1111bbbb, 1234567890ab");
        assertThatThrownBy(() -> Pin.choose("1234567", List.of(OLD, OTHER), "prod/app"))
                .hasMessageStartingWith("revision 1234567 is ambiguous");
        assertThatThrownBy(() -> Pin.choose(OLD, List.of(), "prod/app")).hasMessageEndingWith(
                "it synced none it remembers");
    }

    @Test
    void aPinHoldsUntilUnpinnedOrWithUntilNewerUntilTheSourceMovesPastTheCommitItHadWhenPinned() {
        Pin forever = new Pin(OLD, false, NEW, Instant.EPOCH);
        Pin untilNewer = new Pin(OLD, true, NEW, Instant.EPOCH);
        assertThat(forever.holdsAt(OTHER)).isTrue();
        assertThat(untilNewer.holdsAt(NEW)).isTrue();
        assertThat(untilNewer.holdsAt(null)).as("not fetched yet").isTrue();
        assertThat(untilNewer.holdsAt(OTHER)).isFalse();
        assertThat(Pin.parse(untilNewer.json())).isEqualTo(untilNewer);
        assertThat(Pin.parse(null)).isNull();
    }
}
