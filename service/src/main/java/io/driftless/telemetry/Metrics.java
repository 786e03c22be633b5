package io.driftless.telemetry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
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
 * driftless_webhook_requests_total{source,result}               counter, result = accepted|rejected|unknown|unavailable
 * </pre>
 */
public final class Metrics {

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
    public static final String LAST_FETCH = "driftless.source.last.fetch.timestamp";
    public static final String WEBHOOKS = "driftless.webhook.requests";
    public static final String FETCH = "driftless.source.fetch";
    public static final String FETCH_DURATION = "driftless.source.fetch.duration";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
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

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
