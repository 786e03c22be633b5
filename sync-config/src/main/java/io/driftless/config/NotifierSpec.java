package io.driftless.config;

import java.util.List;

/**
 * Where to post notices about targets: drift detected or resolved, sync failed or recovered, prune blocked.
 *
 * @param url      the endpoint (from the file), or null when {@code urlEnv} names it; Slack webhook URLs are
 *                 secrets and belong in {@code urlEnv}
 * @param urlEnv   environment variable holding the URL
 * @param format   the payload: generic JSON, Slack-compatible or Alertmanager-compatible
 * @param events   which notice types to send (default: all but {@code Synced})
 * @param tokenEnv environment variable with a bearer token to send, or null
 * @param window   how long the notices of one release's commit are gathered into one message (json and slack; an
 *                 alertmanager endpoint gets one alert per target); zero sends each target's notice at once
 */
public record NotifierSpec(String name, String url, String urlEnv, Format format, List<NoticeType> events,
                           String tokenEnv, java.time.Duration window, Origin origin) {

    /** How long notices are gathered when the fleet does not say. */
    public static final java.time.Duration DEFAULT_WINDOW = java.time.Duration.ofSeconds(10);

    /** An endpoint that sends each target's notice at once (no window). */
    public NotifierSpec(String name, String url, String urlEnv, Format format, List<NoticeType> events,
                        String tokenEnv, Origin origin) {
        this(name, url, urlEnv, format, events, tokenEnv, java.time.Duration.ZERO, origin);
    }

    /** Whether notices are gathered per release and commit before they are sent. */
    public boolean gathers() {
        return format != Format.ALERTMANAGER && !window.isZero();
    }

    /** Payload shapes. */
    public enum Format { JSON, SLACK, ALERTMANAGER }

    /** {@code Synced} (changes applied) is opt-in; every other notice type is sent by default. */
    public static final List<NoticeType> DEFAULT_EVENTS = NoticeType.DEFAULTS;

    public boolean wants(NoticeType event) {
        return events.contains(event);
    }
}
