package io.driftless.config;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * A recurring time span in which the targets it matches sync automatically (allow) or do not (deny): it opens at
 * each time its cron {@code schedule} (minute hour day-of-month month day-of-week, in {@code timeZone}) names and
 * stays open for {@code duration}.
 *
 * @param manualSync whether a sync an operator asks for runs while the window keeps automatic syncs away
 * @param releases   the releases it applies to (empty: every release)
 * @param clusters   the clusters it applies to
 */
public record SyncWindow(Kind kind, String schedule, Duration duration, ZoneId timeZone, boolean manualSync,
                         List<String> releases, ReleaseSpec.ClusterSelector clusters, Origin origin) {

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    public enum Kind { ALLOW, DENY }

    /** Whether the window applies to the release on the cluster. */
    public boolean appliesTo(String release, ClusterSpec cluster) {
        return (releases.isEmpty() || releases.contains(release)) && clusters.matches(cluster);
    }

    /** The start of the opening that covers {@code now}, if the window is open then. */
    public Optional<Instant> openSince(Instant now) {
        ZonedDateTime at = now.atZone(timeZone);
        ExecutionTime times = times();
        Optional<ZonedDateTime> start = times.isMatch(at.withSecond(0).withNano(0))
                ? Optional.of(at.withSecond(0).withNano(0)) : times.lastExecution(at);
        return start.map(ZonedDateTime::toInstant).filter(s -> now.isBefore(s.plus(duration)));
    }

    /** The next time the window opens after {@code now}. */
    public Optional<Instant> nextOpening(Instant now) {
        return times().nextExecution(now.atZone(timeZone)).map(ZonedDateTime::toInstant);
    }

    private ExecutionTime times() {
        return ExecutionTime.forCron(CRON.parse(schedule));
    }

    /** Why a cron schedule cannot be read, or empty when it can. */
    static Optional<String> scheduleProblem(String schedule) {
        try {
            CRON.parse(schedule).validate();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("'" + schedule + "' is not a cron schedule (minute hour day-of-month month "
                    + "day-of-week, e.g. \"0 17 * * 5\"): " + String.valueOf(e.getMessage())
                    .replaceFirst("^Failed to parse cron expression\\. ", ""));
        }
    }
}
