package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Issue 26, item 3: the table of clients is bounded without failing open. It used to be cleared when it held
 * {@link ClientLimits#MAX_CLIENTS} addresses, lockouts and all, so requests from that many addresses unlocked an
 * attacker.
 */
class ClientLimitsTest {

    private static final long MINUTE = ClientLimits.WINDOW.toNanos();

    @Test
    void aFullTableNeverDropsALockout() {
        ClientLimits limits = new ClientLimits(ClientLimits.AUTH_FAILURES);
        long now = 1_000_000_000L;
        for (int i = 0; i < ClientLimits.AUTH_FAILURES; i++) {
            limits.record("attacker", now);
        }
        assertThat(limits.blocked("attacker", now)).isTrue();
        for (int i = 0; i < 2 * ClientLimits.MAX_CLIENTS; i++) {
            limits.record("client-" + i, now + i);
        }
        assertThat(limits.blocked("attacker", now + 2L * ClientLimits.MAX_CLIENTS)).as("still locked out").isTrue();
        assertThat(limits.tracked()).as("memory stays bounded").isEqualTo(ClientLimits.MAX_CLIENTS);
        assertThat(limits.blocked("attacker", now + MINUTE + 1)).as("until its window ends").isFalse();
    }

    /**
     * When every tracked client is locked out, the failures of newcomers are counted together, and past the limit
     * every newcomer waits for the window: an attack from more addresses than the table holds lifts no lockout and
     * gets no free guesses.
     */
    @Test
    void whenEveryTrackedClientIsLockedOutNewcomersShareOneWindow() {
        ClientLimits limits = new ClientLimits(3, 100);
        long now = 1_000_000_000L;
        for (int c = 0; c < 100; c++) {
            for (int i = 0; i < 3; i++) {
                limits.record("locked-" + c, now);
            }
        }
        assertThat(limits.tracked()).isEqualTo(100);
        assertThat(limits.blocked("newcomer-0", now)).isFalse();
        limits.record("newcomer-0", now);
        limits.record("newcomer-1", now);
        assertThat(limits.blocked("newcomer-2", now)).isFalse();
        limits.record("newcomer-2", now);
        assertThat(limits.blocked("newcomer-3", now)).as("newcomers share one window").isTrue();
        assertThat(limits.blocked("locked-0", now)).isTrue();
        assertThat(limits.blocked("locked-99", now)).isTrue();
        assertThat(limits.tracked()).isEqualTo(100);
        // once the lockouts end, newcomers are tracked one by one again
        long later = now + MINUTE + 1;
        assertThat(limits.blocked("newcomer-3", later)).isFalse();
        limits.record("newcomer-3", later);
        assertThat(limits.tracked()).as("ended windows were dropped").isEqualTo(1);
        assertThat(limits.blocked("newcomer-4", later)).isFalse();
    }
}
