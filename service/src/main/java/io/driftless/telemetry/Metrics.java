package io.driftless.telemetry;

import io.driftless.status.SyncResult;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Every metric Driftless exports, in one place. Labels are low-cardinality: cluster, release,
 * source, result; never an object name, a commit or a secret.
 *
 * <pre>
 * driftless_sync_total{cluster,release,result}                  counter, result = success|failure|refused
 * driftless_sync_duration_seconds{cluster,release}              histogram
 * driftless_last_successful_sync_timestamp_seconds{cluster,release}  gauge, unix time
 * driftless_objects_out_of_sync{cluster,release}                gauge
 * driftless_target_health{cluster,release,status}               gauge, 1 for the target's current status
 *                                                               (Healthy|Progressing|Degraded|Missing), else 0
 * driftless_target_in_sync{cluster,release}                     gauge, 1 when the last sync left nothing out of sync
 * driftless_last_sync_timestamp_seconds{cluster,release}        gauge, unix time of the last attempt
 * driftless_apply_actions_total{cluster,release,kind,action}    counter, action = created|configured|pruned|skipped|failed
 * driftless_render_duration_seconds{chart}                      histogram
 * driftless_render_errors_total{cluster,release}                counter (values or render errors)
 * driftless_source_fetch_total{source,result}                   counter, result = success|failure
 * driftless_source_fetch_duration_seconds{source}               histogram
 * driftless_source_last_fetch_timestamp_seconds{source}         gauge, unix time of the last successful fetch
 * driftless_source_info{source,revision}                        gauge, 1; one series per source: the commit the source is at
 *                                                               (the old series is removed when it moves)
 * driftless_webhook_requests_total{source,result}               counter, result = accepted|rejected|unknown|unavailable
 * driftless_drift_events_total{cluster,release,kind}            counter, objects newly found differing from Git while the
 *                                                               commit stayed the same (someone or something changed them)
 * driftless_prunes_blocked_total{cluster,release,reason}        counter, reason = max_share|empty_render|not_owned|annotation|
 *                                                               prune_disabled|pvc
 * driftless_objects_refused_total{cluster,release,rule}        counter, objects a sync refused to write (nothing of it was
 *                                                               written), rule = namespace|cluster_scoped_kind|denied_kind|
 *                                                               reserved_name|not_owned
 * driftless_cluster_reachable{cluster}                          gauge, 1 when the last request to the API server got an answer
 * driftless_kubernetes_requests_total{cluster,verb,code}        counter, verb = get|post|put|patch|delete, code = HTTP status
 *                                                               or "error" (no answer); retries count once each
 * driftless_notifications_total{notifier,result}                counter, result = delivered|failed (after retries)
 * jvm_*, process_*, system_*                                    memory, GC, threads, classes, CPU, open files, uptime
 * </pre>
 */
public final class Metrics implements AutoCloseable {

    public static final String SYNC = "driftless.sync";
    public static final String SYNC_DURATION = "driftless.sync.duration";
    public static final String LAST_SUCCESS = "driftless.last.successful.sync.timestamp";
    public static final String OUT_OF_SYNC = "driftless.objects.out.of.sync";
    public static final String HEALTH = "driftless.target.health";
    public static final List<String> HEALTH_STATUSES = List.of("Healthy", "Progressing", "Degraded", "Missing");
    public static final String IN_SYNC = "driftless.target.in.sync";
    public static final String LAST_SYNC = "driftless.last.sync.timestamp";
    public static final String APPLY_ACTIONS = "driftless.apply.actions";
    public static final String RENDER_DURATION = "driftless.render.duration";
    public static final String RENDER_ERRORS = "driftless.render.errors";
    public static final String BUILTIN_MISMATCH = "driftless.builtin.mismatch";
    public static final String LAST_FETCH = "driftless.source.last.fetch.timestamp";
    public static final String WEBHOOKS = "driftless.webhook.requests";
    public static final String FETCH = "driftless.source.fetch";
    public static final String FETCH_DURATION = "driftless.source.fetch.duration";
    public static final String SOURCE_INFO = "driftless.source.info";
    public static final String DRIFT_EVENTS = "driftless.drift.events";
    public static final String PRUNES_BLOCKED = "driftless.prunes.blocked";
    public static final String OBJECTS_REFUSED = "driftless.objects.refused";
    public static final String CLUSTER_REACHABLE = "driftless.cluster.reachable";
    public static final String KUBERNETES_REQUESTS = "driftless.kubernetes.requests";
    public static final String NOTIFICATIONS = "driftless.notifications";
    public static final String FLEET_RELOADS = "driftless.fleet.reloads";
    public static final String FLEET_RELOAD_FAILING = "driftless.fleet.reload.failing";
    public static final String WAITING = "driftless.target.waiting";
    public static final String ROLLOUT_STATE = "driftless.rollout.state";
    public static final List<String> ROLLOUT_STATES = List.of("Progressing", "Halted", "Aborted", "Complete");
    public static final String WAVE_DURATION = "driftless.rollout.wave.duration";
    /** The rollout gates that can hold a target's newest commit, as {@link #WAITING}'s gate label. */
    public static final List<String> GATES = List.of("window", "dependency", "wave", "halted");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    /** Each source's revision series (found by key, not by a search of every meter at each push). */
    private final Map<String, Gauge> revisions = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicLong reloadFailing = new AtomicLong();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        gc.bindTo(registry);
        List.of("applied", "unchanged", "failed").forEach(result -> Counter.builder(FLEET_RELOADS)
                .description("Reloads of the fleet file by result").tags("result", result).register(registry));
        Gauge.builder(FLEET_RELOAD_FAILING, reloadFailing, AtomicLong::get)
                .description("1 while the last reload of the fleet failed (the fleet before it still runs)")
                .register(registry);
    }

    /** Sync results a target can have. */
    public static final List<String> SYNC_RESULTS = java.util.Arrays.stream(io.driftless.status.SyncResult.values())
            .map(io.driftless.status.SyncResult::label).toList();
    /** Why an object no longer rendered may stay. */
    public static final List<String> PRUNE_BLOCK_REASONS = java.util.Arrays.stream(
            io.driftless.plan.PruneBlock.values()).map(io.driftless.plan.PruneBlock::label).toList();

    /**
     * Creates a target's counters at zero, so that {@code increase()} sees its first failure or blocked prune
     * (a counter that appears at 1 has no increase) and dashboards show the target before anything happened.
     */
    public void target(String cluster, String release) {
        SYNC_RESULTS.forEach(result -> Counter.builder(SYNC).description("Syncs of a target by result")
                .tags("cluster", cluster, "release", release, "result", result).register(registry));
        Counter.builder(RENDER_ERRORS).description("Values or render errors (nothing was written)")
                .tags("cluster", cluster, "release", release).register(registry);
        PRUNE_BLOCK_REASONS.forEach(reason -> Counter.builder(PRUNES_BLOCKED)
                .description("Objects not pruned although no longer rendered, by reason")
                .tags("cluster", cluster, "release", release, "reason", reason).register(registry));
        for (io.driftless.plan.Refusal.Rule rule : io.driftless.plan.Refusal.Rule.values()) {
            objectsRefusedCounter(cluster, release, rule.label());
        }
    }

    /** An object a sync refused to write, by the rule it broke (a tenant's bounds, a takeover). */
    public void objectRefused(String cluster, String release, String rule) {
        objectsRefusedCounter(cluster, release, rule).increment();
    }

    private Counter objectsRefusedCounter(String cluster, String release, String rule) {
        return Counter.builder(OBJECTS_REFUSED).description("Objects a sync refused to write, by the rule they broke")
                .tags("cluster", cluster, "release", release, "rule", rule).register(registry);
    }

    /** Results of a push webhook request. */
    public static final List<String> WEBHOOK_RESULTS = List.of("accepted", "rejected", "unknown", "unavailable");

    /** Creates a source's fetch and webhook counters at zero (see {@link #target}). */
    public void source(String source) {
        List.of("success", "failure").forEach(result -> Counter.builder(FETCH).description("Git fetches by result")
                .tags("source", source, "result", result).register(registry));
        WEBHOOK_RESULTS.forEach(result -> Counter.builder(WEBHOOKS).description("Push webhook requests by result")
                .tags("source", source, "result", result).register(registry));
    }

    /** Creates a notifier's counters at zero (see {@link #target}). */
    public void notifier(String notifier) {
        List.of("delivered", "failed").forEach(result -> Counter.builder(NOTIFICATIONS)
                .description("Outbound notifications by result (after retries)")
                .tags("notifier", notifier, "result", result).register(registry));
    }

    /** The commit a source is at now; the previous revision's series is removed so there is one per source. */
    public void sourceRevision(String source, String revision) {
        String key = SOURCE_INFO + "|" + source;
        Gauge previous = revisions.get(key);
        if (previous != null && revision.equals(previous.getId().getTag("revision"))) {
            return;
        }
        revisions.put(key, Gauge.builder(SOURCE_INFO, () -> 1)
                .description("The commit a source is at (one series per source)")
                .tags("source", source, "revision", revision).register(registry));
        if (previous != null) {
            registry.remove(previous);
        }
    }

    public void driftFound(String cluster, String release, String kind) {
        Counter.builder(DRIFT_EVENTS).description("Objects newly found differing from Git at an unchanged commit")
                .tags("cluster", cluster, "release", release, "kind", kind).register(registry).increment();
    }

    public void pruneBlocked(String cluster, String release, String reason) {
        Counter.builder(PRUNES_BLOCKED).description("Objects not pruned although no longer rendered, by reason")
                .tags("cluster", cluster, "release", release, "reason", reason).register(registry).increment();
    }

    /** One request to a cluster's API server; {@code code} is the HTTP status, or null when nothing answered. */
    public void kubernetesRequest(String cluster, String verb, Integer code) {
        Counter.builder(KUBERNETES_REQUESTS).description("Requests to the Kubernetes API server by verb and code")
                .tags("cluster", cluster, "verb", verb, "code", code == null ? "error" : String.valueOf(code))
                .register(registry).increment();
        gauges.computeIfAbsent(CLUSTER_REACHABLE + "|" + cluster, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(CLUSTER_REACHABLE, value, AtomicLong::get)
                    .description("1 when the cluster's API server answered the last request")
                    .tags("cluster", cluster).register(registry);
            return value;
        }).set(code == null ? 0 : 1);
    }

    public void notified(String notifier, boolean delivered) {
        Counter.builder(NOTIFICATIONS).description("Outbound notifications by result (after retries)")
                .tags("notifier", notifier, "result", delivered ? "delivered" : "failed").register(registry).increment();
    }

    public void syncFinished(String cluster, String release, String result, Duration took) {
        Counter.builder(SYNC).description("Syncs of a target by result")
                .tags("cluster", cluster, "release", release, "result", result).register(registry).increment();
        Timer.builder(SYNC_DURATION).description("Time to render, diff and apply a target")
                .tags("cluster", cluster, "release", release).publishPercentileHistogram()
                .register(registry).record(took);
    }

    public void syncSucceededAt(String cluster, String release, long epochSeconds) {
        gauge(LAST_SUCCESS, "Unix time of the last successful sync", "seconds", cluster, release).set(epochSeconds);
    }

    public void outOfSync(String cluster, String release, long objects) {
        gauge(OUT_OF_SYNC, "Objects whose live state differs from Git", null, cluster, release).set(objects);
    }

    public void health(String cluster, String release, String status) {
        for (String each : HEALTH_STATUSES) {
            gauges.computeIfAbsent(HEALTH + "|" + cluster + "|" + release + "|" + each, k -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder(HEALTH, value, AtomicLong::get)
                        .description("1 for the target's current health status, 0 for the others")
                        .tags("cluster", cluster, "release", release, "status", each).register(registry);
                return value;
            }).set(each.equals(status) ? 1 : 0);
        }
    }

    /** Which rollout gate holds the target's newest commit (1 for it, 0 for the others; null: none holds it). */
    public void waiting(String cluster, String release, String gate) {
        for (String each : GATES) {
            gauges.computeIfAbsent(WAITING + "|" + cluster + "|" + release + "|" + each, k -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder(WAITING, value, AtomicLong::get)
                        .description("1 while this rollout gate (window, dependency, wave, halted) holds the "
                                + "target's newest commit")
                        .tags("cluster", cluster, "release", release, "gate", each).register(registry);
                return value;
            }).set(each.equals(gate) ? 1 : 0);
        }
    }

    /** Where a release's rollout of its newest commit stands (1 for it, 0 for the other states). */
    public void rolloutState(String release, String state) {
        for (String each : ROLLOUT_STATES) {
            gauges.computeIfAbsent(ROLLOUT_STATE + "|" + release + "|" + each, k -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder(ROLLOUT_STATE, value, AtomicLong::get)
                        .description("1 for the state of the release's rollout of its newest commit (Progressing, "
                                + "Halted, Aborted, Complete), 0 for the others")
                        .tags("release", release, "state", each).register(registry);
                return value;
            }).set(each.equals(state) ? 1 : 0);
        }
    }

    /** A wave of a release's rollout finished: every target Synced and Healthy, after the one before it. */
    public void waveFinished(String release, String wave, Duration took) {
        Timer.builder(WAVE_DURATION).description("Time from the wave before it finishing (or the rollout starting) "
                + "to every target of the wave being Synced and Healthy").tags("release", release, "wave", wave)
                .register(registry).record(took);
    }

    public void fetchFinished(String source, String result, Duration took) {
        Counter.builder(FETCH).description("Git fetches by result")
                .tags("source", source, "result", result).register(registry).increment();
        Timer.builder(FETCH_DURATION).description("Time to fetch a Git source")
                .tags("source", source).publishPercentileHistogram().register(registry).record(took);
    }

    /** The outcome of a sync for a target: whether it is in sync now and when it was attempted. */
    public void syncState(String cluster, String release, boolean inSync, long epochSeconds) {
        gauge(IN_SYNC, "1 when the last sync left nothing out of sync", null, cluster, release).set(inSync ? 1 : 0);
        gauge(LAST_SYNC, "Unix time of the last sync attempt", "seconds", cluster, release).set(epochSeconds);
    }

    public void applied(String cluster, String release, String kind, String action) {
        Counter.builder(APPLY_ACTIONS).description("Objects written by apply, by kind and action")
                .tags("cluster", cluster, "release", release, "kind", kind, "action", action).register(registry)
                .increment();
    }

    public void rendered(String chart, Duration took) {
        Timer.builder(RENDER_DURATION).description("Time to layer values and render a chart")
                .tags("chart", chart).publishPercentileHistogram().register(registry).record(took);
    }

    /** A shadow verification ended: counted on a mismatch; at 0 from the first (so a first mismatch increases). */
    public void builtinVerified(String chart, String version, boolean mismatch) {
        Counter.builder(BUILTIN_MISMATCH).description("Shadow verifications that found a builtin chart's render "
                + "unlike Helm's of the upstream package").tags("chart", chart, "version", version).register(registry)
                .increment(mismatch ? 1 : 0);
    }

    public void renderFailed(String cluster, String release) {
        Counter.builder(RENDER_ERRORS).description("Values or render errors (nothing was written)")
                .tags("cluster", cluster, "release", release).register(registry).increment();
    }

    public void fetchedAt(String source, long epochSeconds) {
        gauges.computeIfAbsent(LAST_FETCH + "|" + source, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(LAST_FETCH, value, AtomicLong::get).description("Unix time of the last successful fetch")
                    .baseUnit("seconds").tags("source", source).register(registry);
            return value;
        }).set(epochSeconds);
    }

    public void webhook(String source, String result) {
        Counter.builder(WEBHOOKS).description("Push webhook requests by result")
                .tags("source", source, "result", result).register(registry).increment();
    }

    private AtomicLong gauge(String name, String description, String unit, String cluster, String release) {
        return gauges.computeIfAbsent(name + "|" + cluster + "|" + release, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).baseUnit(unit)
                    .tags("cluster", cluster, "release", release).register(registry);
            return value;
        });
    }

    /**
     * Removes a target's gauges (sync state, health, objects out of sync, timestamps): a replica that no longer
     * holds the target's shard must not go on exporting what it last saw. Its counters stay (at what they counted,
     * or at 0 on a replica that never held it), so that they are there when the shard comes back, and alert
     * rules sum them over the replicas.
     */
    public void forgetTarget(String cluster, String release) {
        for (String name : List.of(OUT_OF_SYNC, IN_SYNC, LAST_SYNC, LAST_SUCCESS, HEALTH, WAITING)) {
            registry.find(name).tags("cluster", cluster, "release", release).gauges().forEach(registry::remove);
        }
        gauges.keySet().removeIf(k -> k.contains("|" + cluster + "|" + release + "|") || k.endsWith("|" + cluster
                + "|" + release));
    }

    /**
     * Removes every series of a target that left the fleet, its counters and histograms too: its alerts end at
     * the next evaluation instead of looking back over what it counted before (the rules require the series to be
     * there now). A target added again starts at 0.
     */
    public void removeTarget(String cluster, String release) {
        forgetTarget(cluster, release);
        registry.getMeters().stream().filter(m -> cluster.equals(m.getId().getTag("cluster"))
                && release.equals(m.getId().getTag("release"))).toList().forEach(registry::remove);
    }

    /** Removes a release's rollout series (its state and wave durations) when it left the fleet. */
    public void forgetRelease(String release) {
        registry.getMeters().stream().filter(m -> release.equals(m.getId().getTag("release"))
                && m.getId().getTag("cluster") == null).toList().forEach(registry::remove);
        gauges.keySet().removeIf(k -> k.startsWith(ROLLOUT_STATE + "|" + release + "|"));
    }

    /** Removes every series of a source that left the fleet (fetches, webhooks, revision, last fetch). */
    public void forgetSource(String source) {
        registry.getMeters().stream().filter(m -> source.equals(m.getId().getTag("source"))).toList()
                .forEach(registry::remove);
        gauges.remove(LAST_FETCH + "|" + source);
        revisions.remove(SOURCE_INFO + "|" + source);
    }

    /** Removes a cluster's reachability gauge when it leaves the fleet. */
    public void forgetCluster(String cluster) {
        registry.find(CLUSTER_REACHABLE).tags("cluster", cluster).gauges().forEach(registry::remove);
        gauges.remove(CLUSTER_REACHABLE + "|" + cluster);
    }

    /**
     * A fleet reload: {@code applied} (the running fleet changed), {@code unchanged} (the file or commit changed,
     * the fleet did not) or {@code failed} (the running fleet stays); the failing gauge is 1 until one succeeds.
     */
    public void fleetReload(String result) {
        registry.counter(FLEET_RELOADS, "result", result).increment();
        reloadFailing.set("failed".equals(result) ? 1 : 0);
    }

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
