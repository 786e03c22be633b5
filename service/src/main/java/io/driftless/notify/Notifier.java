package io.driftless.notify;

import io.driftless.status.Notice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.NoticeType;
import io.driftless.config.NotifierSpec;
import io.driftless.telemetry.Metrics;

/**
 * Posts notices to the configured endpoints without blocking the sync that caused them. A connection
 * error, 429 or 5xx is retried with exponential backoff; other answers are final. Endpoint URLs and tokens
 * are never logged (a Slack URL is itself a credential).
 */
public final class Notifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    /** An endpoint ready to post to. */
    private record Endpoint(NotifierSpec spec, URI uri, String token) {
    }

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final Metrics metrics;
    private final Duration firstBackoff;
    private final int attempts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "driftless-notify");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param firstBackoff wait before the first retry; doubled for each further one
     * @throws IllegalStateException when an endpoint's URL or token variable is not set
     */
    public Notifier(List<NotifierSpec> specs, Map<String, String> env, Metrics metrics, Duration firstBackoff,
                    int attempts) {
        this(specs, env, metrics, firstBackoff, attempts, ALERT_RESEND);
    }

    /**
     * @param resend how often a firing Alertmanager alert is posted again: Alertmanager resolves an alert it has
     *               not heard of for its resolve_timeout (5 minutes by default), so a problem that lasts must keep
     *               being reported, as Prometheus does
     */
    public Notifier(List<NotifierSpec> specs, Map<String, String> env, Metrics metrics, Duration firstBackoff,
                    int attempts, Duration resend) {
        this.metrics = metrics;
        this.firstBackoff = firstBackoff;
        this.attempts = attempts;
        for (NotifierSpec spec : specs) {
            String url = spec.url() != null ? spec.url() : required(env, spec, spec.urlEnv());
            String token = spec.tokenEnv() == null ? null : required(env, spec, spec.tokenEnv());
            endpoints.add(new Endpoint(spec, endpoint(spec, url), token));
        }
        if (endpoints.stream().anyMatch(e -> e.spec().format() == NotifierSpec.Format.ALERTMANAGER)) {
            retries.scheduleWithFixedDelay(this::resendFiring, resend.toMillis(), resend.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** How often firing Alertmanager alerts are posted again (well inside Alertmanager's 5-minute default). */
    public static final Duration ALERT_RESEND = Duration.ofMinutes(1);

    /** Alerts that fire until a resolving notice ends them, by target and problem: re-posted on a schedule. */
    private final Map<String, Notice> firing = new java.util.concurrent.ConcurrentHashMap<>();

    private static String alertKey(Notice n, NoticeType problem) {
        return n.target() + "|" + problem;
    }

    /** Remembers or forgets a firing alert, for problems that a later notice resolves. */
    private void track(Notice notice) {
        if (notice.resolves() != null) {
            firing.remove(alertKey(notice, notice.resolves()));
        } else if (notice.type() == NoticeType.DriftDetected || notice.type() == NoticeType.SyncFailed) {
            firing.put(alertKey(notice, notice.type()), notice);
        }
    }

    private void resendFiring() {
        for (Notice notice : firing.values()) {
            for (Endpoint e : endpoints) {
                if (e.spec().format() == NotifierSpec.Format.ALERTMANAGER && e.spec().wants(notice.type())) {
                    post(e, notice);
                }
            }
        }
    }

    /** The endpoint's URI; a malformed one is refused by naming where it came from, never by quoting it. */
    private static URI endpoint(NotifierSpec spec, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            String from = spec.url() != null ? "url" : "environment variable " + spec.urlEnv();
            throw new IllegalStateException(spec.origin().problem("the " + from + " of notifier '" + spec.name()
                    + "' is not an http:// or https:// URL with a host (its value is not shown: it may be a secret)")
                    .toString());
        }
        return uri;
    }

    public Notifier(List<NotifierSpec> specs, Map<String, String> env, Metrics metrics) {
        this(specs, env, metrics, Duration.ofSeconds(1), 4);
    }

    private static String required(Map<String, String> env, NotifierSpec spec, String variable) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(spec.origin().problem("environment variable " + variable
                    + " is not set (notifier '" + spec.name() + "')").toString());
        }
        return value.strip();
    }

    /**
     * Where messages link to (the UI's pages of a release and of a target), and how many targets each release has
     * (a digest says "of N").
     *
     * @param externalUrl the service's address as users reach it ({@code --external-url}), or null for no links
     */
    public Notifier linking(String externalUrl, java.util.function.ToIntFunction<String> releaseTargets) {
        this.links = new Payloads.Links(externalUrl);
        this.releaseTargets = releaseTargets;
        return this;
    }

    private volatile Payloads.Links links = new Payloads.Links(null);
    private volatile java.util.function.ToIntFunction<String> releaseTargets = release -> 0;

    /** Notices gathered for a digest: per endpoint, release, commit and type, the latest of each target. */
    private final class Gathered {
        final Endpoint endpoint;
        final Map<String, Notice> byTarget = new java.util.LinkedHashMap<>();
        final long first = System.nanoTime();
        long last = first;

        Gathered(Endpoint endpoint) {
            this.endpoint = endpoint;
        }
    }

    private final Map<String, Gathered> gathered = new java.util.HashMap<>();

    /** Posts the notice to every endpoint that wants its type (gathered first where the endpoint has a window). */
    public void send(Notice notice) {
        track(notice);
        for (Endpoint e : endpoints) {
            if (e.spec().wants(notice.type())) {
                if (e.spec().gathers()) {
                    gather(e, notice);
                } else {
                    post(e, notice);
                }
            }
        }
    }

    private void gather(Endpoint e, Notice notice) {
        String key = e.spec().name() + "|" + notice.release() + "|" + notice.revision() + "|" + notice.type();
        synchronized (gathered) {
            Gathered g = gathered.computeIfAbsent(key, k -> new Gathered(e));
            g.byTarget.remove(notice.target()); // its latest notice, in the order of its latest
            g.byTarget.put(notice.target(), notice);
            g.last = System.nanoTime();
        }
        schedule(key, e.spec().window().toNanos());
    }

    private void schedule(String key, long nanos) {
        if (!retries.isShutdown()) {
            retries.schedule(() -> flush(key, false), nanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Sends what was gathered once its window passed with no further notice, or six windows after the first (a
     * fleet that never goes quiet still hears), or at once when {@code now}.
     */
    private void flush(String key, boolean now) {
        Gathered g;
        synchronized (gathered) {
            g = gathered.get(key);
            if (g == null) {
                return;
            }
            long window = g.endpoint.spec().window().toNanos();
            if (!now && System.nanoTime() < Math.min(g.last + window, g.first + 6 * window)) {
                return; // a later notice scheduled its own check
            }
            gathered.remove(key);
        }
        List<Notice> notices = List.copyOf(g.byTarget.values());
        if (notices.size() == 1) {
            post(g.endpoint, notices.get(0));
        } else {
            Notice first = notices.get(0);
            Digest digest = new Digest(first.type(), first.release(), first.revision(), notices,
                    releaseTargets.applyAsInt(first.release()));
            send(g.endpoint, Payloads.body(g.endpoint.spec().format(), digest, links), "release=" + first.release(),
                    first.type());
        }
    }

    /** Sends every notice still gathered now (at shutdown). */
    void flushAll() {
        List<String> keys;
        synchronized (gathered) {
            keys = List.copyOf(gathered.keySet());
        }
        keys.forEach(key -> flush(key, true));
    }

    private void post(Endpoint e, Notice notice) {
        send(e, Payloads.body(e.spec().format(), notice, links), "target=" + notice.target(), notice.type());
    }

    /** @param about what the message is about, for the log: {@code target=...} or {@code release=...} */
    private void send(Endpoint e, String body, String about, NoticeType type) {
        HttpRequest.Builder request = HttpRequest.newBuilder(e.uri()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("User-Agent", "driftless")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (e.token() != null) {
            request.header("Authorization", "Bearer " + e.token());
        }
        try {
            attempt(e, about, type, request.build(), 1);
        } catch (RuntimeException failure) { // a notice is never worth failing the sync that caused it
            metrics.notified(e.spec().name(), false);
            LOG.warn("{} notifier={} notice={} not sent: {}", about, e.spec().name(), type,
                    failure.getClass().getSimpleName());
        }
    }

    private void attempt(Endpoint e, String about, NoticeType type, HttpRequest request, int attempt) {
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            int code = response == null ? 0 : response.statusCode();
            if (failure == null && code < 300) {
                metrics.notified(e.spec().name(), true);
                return;
            }
            String why = failure != null ? describe(failure) : "HTTP " + code;
            boolean retryable = failure != null || code == 429 || code >= 500;
            if (retryable && attempt < attempts && !retries.isShutdown()) {
                long delay = firstBackoff.toMillis() << (attempt - 1);
                retries.schedule(() -> attempt(e, about, type, request, attempt + 1), delay, TimeUnit.MILLISECONDS);
                return;
            }
            metrics.notified(e.spec().name(), false);
            LOG.warn("{} notifier={} notice={} not delivered after {} attempt(s): {}", about, e.spec().name(), type,
                    attempt, why);
        });
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof IOException && cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Sends what is still gathered, then stops retrying. */
    @Override
    public void close() {
        flushAll();
        retries.shutdownNow();
    }
}
