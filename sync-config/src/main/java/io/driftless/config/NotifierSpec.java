package io.driftless.config;

import java.util.List;
import java.util.Set;

/**
 * Where to post notices about targets: drift detected or resolved, sync failed or recovered, prune blocked.
 *
 * @param url      the endpoint (from the file), or null when {@code urlEnv} names it; Slack webhook URLs are
 *                 secrets and belong in {@code urlEnv}
 * @param urlEnv   environment variable holding the URL
 * @param format   the payload: generic JSON, Slack-compatible or Alertmanager-compatible
 * @param events   which notice types to send (default: all but {@code Synced})
 * @param tokenEnv environment variable with a bearer token to send, or null
 */
public record NotifierSpec(String name, String url, String urlEnv, Format format, List<String> events,
                           String tokenEnv, Origin origin) {

    /** Payload shapes. */
    public enum Format { JSON, SLACK, ALERTMANAGER }

    /** Every notice type; {@code Synced} (changes applied) is opt-in, the others are sent by default. */
    public static final List<String> EVENTS = List.of("DriftDetected", "DriftResolved", "SyncFailed", "SyncRecovered",
            "SyncRefused", "PruneBlocked", "Synced");
    public static final List<String> DEFAULT_EVENTS = EVENTS.subList(0, EVENTS.size() - 1);

    public boolean wants(String event) {
        return Set.copyOf(events).contains(event);
    }
}
