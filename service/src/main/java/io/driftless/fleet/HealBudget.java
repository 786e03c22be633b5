package io.driftless.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate-limits selfHeal per target, so a fight with another controller that keeps changing the same object
 * cannot loop hot: drift that comes back within a minute of the time a heal was allowed waits 5 s, then 10 s,
 * 20 s, ... up to 5 minutes between heals; a quiet minute beyond that restores immediate healing.
 */
final class HealBudget {

    static final Duration QUIET = Duration.ofMinutes(1);
    static final Duration FIRST_WAIT = Duration.ofSeconds(5);
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private record State(Instant lastHeal, Duration pause) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** When the target may be healed next (now or earlier: at once). */
    Instant nextHeal(String target) {
        State s = states.get(target);
        return s == null ? Instant.MIN : s.lastHeal().plus(s.pause());
    }

    /** Takes a heal from the budget if one is allowed now. */
    boolean tryHeal(String target, Instant now) {
        State s = states.get(target);
        if (s != null && now.isBefore(s.lastHeal().plus(s.pause()))) {
            return false;
        }
        Duration wait = s == null || !now.isBefore(s.lastHeal().plus(s.pause()).plus(QUIET)) ? Duration.ZERO
                : s.pause().isZero() ? FIRST_WAIT : min(s.pause().multipliedBy(2), MAX_WAIT);
        states.put(target, new State(now, wait));
        return true;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
