package io.driftless.reconcile;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.config.Target;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.RenderComparison;
import io.driftless.source.UpstreamCharts;

/**
 * The shadow verification of the builtin charts: a target's new builtin render (of a release with
 * {@code syncPolicy.verifyBuiltin}, or one of the fleet-wide sample) is rendered again by Helm from the upstream
 * package of the same version, on a thread of its own, off the sync path, and compared object by object
 * ({@link RenderComparison}). The builtin's render stays the one applied; a difference is a {@code BuiltinMismatch}
 * warning on the target (until a render of new inputs verifies equal), a count in
 * {@code driftless_builtin_mismatch_total{chart,version}} and a log line with the differing paths (never a value).
 * At most {@value #QUEUE} verifications wait; more are skipped with a log line, never queued without bound.
 */
public final class ShadowVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowVerifier.class);
    static final int QUEUE = 64;
    /** How the warning starts (the condition's name). */
    public static final String WARNING = "BuiltinMismatch: ";
    /** Differences the warning lists (the log line lists them all). */
    static final int SHOWN = 5;

    /** The builtin chart and Helm disagree on a render of this chart version. */
    public record Mismatch(String chart, String version, List<String> differences) {
        public String warning() {
            return WARNING + "the builtin " + chart + " " + version + " renders " + differences.size()
                    + " field(s) unlike Helm rendering the upstream package (" + String.join("; ",
                    differences.subList(0, Math.min(SHOWN, differences.size())))
                    + (differences.size() > SHOWN ? "; ..." : "") + "); the builtin's render stays applied";
        }
    }

    /** Told each verification's result: the mismatch, or null when the renders are equal. */
    public interface Listener {
        void verified(Target target, ReleaseSpec.ChartRef chart, Mismatch mismatch);
    }

    private final ChartCatalogue charts;
    private final Map<String, Mismatch> mismatches = new ConcurrentHashMap<>();
    private volatile double sampleRate;
    private volatile Listener listener = (target, chart, mismatch) -> { };
    private volatile ThreadPoolExecutor worker;

    public ShadowVerifier(ChartCatalogue charts) {
        this.charts = charts;
    }

    /** Also verifies this share (0 to 1) of every other target's renders, by target and inputs (not at random). */
    public ShadowVerifier sampling(double rate) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("the sample rate of --verify-builtin is a share from 0 to 1: " + rate);
        }
        this.sampleRate = rate;
        return this;
    }

    public void listen(Listener l) {
        this.listener = l;
    }

    /** Whether a new render of these inputs for the target is to be verified. */
    boolean wanted(Target target, String inputs) {
        if (target.release().syncPolicy().verifyBuiltin()) {
            return true;
        }
        if (sampleRate <= 0) {
            return false;
        }
        String hash = io.driftless.model.Sha256.hex((target.id() + "\n" + inputs).getBytes(StandardCharsets.UTF_8));
        return Integer.parseInt(hash.substring(0, 4), 16) < sampleRate * 65536;
    }

    /**
     * Queues the verification of a builtin render that just ran (a version the builtin chart covers; anything else
     * has nothing to verify).
     */
    void offer(Target target, Chart.Release release, List<SafeYaml.Document> layers) {
        ReleaseSpec.ChartRef ref = target.release().chart();
        if (!(charts.engine(ref) instanceof UpstreamCharts upstream) || !upstream.covers(ref)) {
            return;
        }
        try {
            worker().execute(() -> verify(target, upstream, release, layers));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("target {}: the shadow verification of {} {} is skipped: {} others wait", target.id(),
                    ref.name(), ref.version(), QUEUE);
        }
    }

    private void verify(Target target, UpstreamCharts upstream, Chart.Release release,
                        List<SafeYaml.Document> layers) {
        ReleaseSpec.ChartRef ref = target.release().chart();
        Chart.Release marked = new Chart.Release(release.name(), release.namespace(), release.chartVersion(),
                RenderComparison.GENERATED, release.capabilities(), release.tenant());
        Chart.Release plain = new Chart.Release(release.name(), release.namespace(), release.chartVersion(),
                Chart.Lookup.NONE, release.capabilities(), release.tenant());
        List<Map<String, Object>> builtin;
        try {
            builtin = upstream.renderBuiltin(ref, marked, layers).objects();
        } catch (io.driftless.render.RenderException e) { // Helm rendered it already (NotReproduced): nothing to verify
            return;
        }
        List<String> differences;
        try {
            differences = RenderComparison.differences(builtin, upstream.renderUpstream(ref, plain, layers).objects());
        } catch (RuntimeException e) {
            LOG.warn("target {}: the shadow verification of {} {} could not render the upstream package: {}",
                    target.id(), ref.name(), ref.version(), e.getMessage());
            return;
        }
        Mismatch mismatch = differences.isEmpty() ? null : new Mismatch(ref.name(), ref.version(), differences);
        if (mismatch == null) {
            mismatches.remove(target.id());
        } else {
            mismatches.put(target.id(), mismatch);
            LOG.warn("target {}: BuiltinMismatch: the builtin {} {} and Helm's render of the upstream package differ "
                    + "in {} field(s): {}", target.id(), ref.name(), ref.version(), differences.size(),
                    String.join("; ", differences));
        }
        listener.verified(target, ref, mismatch);
    }

    /** The target's last verification's mismatch, if its last verified render differed from Helm's. */
    public Optional<Mismatch> mismatch(String targetId) {
        return Optional.ofNullable(mismatches.get(targetId));
    }

    /** Forgets a target that left the fleet. */
    public void forget(String targetId) {
        mismatches.remove(targetId);
    }

    private synchronized ThreadPoolExecutor worker() {
        if (worker == null) {
            worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "driftless-shadow-verification");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
        }
        return worker;
    }

    @Override
    public synchronized void close() {
        if (worker != null) {
            worker.shutdownNow();
            worker = null;
        }
    }
}
