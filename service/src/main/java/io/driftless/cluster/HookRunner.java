package io.driftless.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.driftless.apply.ChangeSet;
import io.driftless.diff.Patches;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.plan.Hooks;
import io.driftless.plan.PlannedChange;
import io.driftless.render.Manifests;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Runs one hook as Helm does: the previous run is deleted first (before-hook-creation), the hook is created,
 * and a Job is waited for until it completes or fails (its {@code activeDeadlineSeconds} plus a margin, or
 * five minutes); a succeeded Job is deleted when its policy says hook-succeeded, a failed one when it says
 * hook-failed.
 */
final class HookRunner {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration MARGIN = Duration.ofSeconds(30);
    private static final long DELETE_WAIT_SECONDS = 60;

    private final KubernetesClient client;

    HookRunner(KubernetesClient client) {
        this.client = client;
    }

    @SuppressWarnings("unchecked")
    ChangeSet.Entry run(PlannedChange change) {
        ObjectRef ref = change.ref();
        Map<String, Object> desired = change.desired();
        Set<String> policies = Hooks.deletePolicies(desired);
        var objects = LiveReader.in(client, ref);
        var existing = objects.withName(ref.name()).get();
        boolean waitForRunning = false;
        if (existing != null) {
            if (!sameOwner(existing.getMetadata(), desired)) {
                return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, "an object with the hook's name exists and "
                        + "does not carry this target's " + Tracking.TARGET_LABEL + " label and " + Tracking.OWNER_ANNOTATION
                        + " annotation; Driftless does not delete what it does not own: rename or remove it");
            }
            // a Job still running from an earlier attempt (e.g. past its wait) is waited for again, not restarted
            waitForRunning = "Job".equals(ref.kind()) && !finished(client.batch().v1().jobs()
                    .inNamespace(ref.namespace()).withName(ref.name()).get());
        }
        if (existing != null && !waitForRunning) {
            if (!policies.contains(Hooks.BEFORE_HOOK_CREATION)) {
                return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, "hook still exists from an earlier run and "
                        + "its " + Hooks.DELETE_POLICY + " lacks " + Hooks.BEFORE_HOOK_CREATION + "; delete it to run "
                        + "the hook again");
            }
            objects.withName(ref.name()).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .withTimeout(DELETE_WAIT_SECONDS, TimeUnit.SECONDS).delete();
        }
        if (!waitForRunning) {
            objects.resource(Manifests.toResource((Map<String, Object>) Patches.withoutNulls(desired))).create();
        }
        if (!"Job".equals(ref.kind())) {
            return new ChangeSet.Entry(ref, ChangeSet.Outcome.CREATED, change.reason());
        }
        Duration timeout = timeout(desired);
        Job job = finished(ref, timeout);
        if (job != null && !finished(job)) {
            return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, "hook did not finish within "
                    + timeout.toSeconds() + "s; it keeps running and the sync is retried");
        }
        if (job == null) {
            return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, "hook Job was deleted before it finished");
        }
        JobCondition failed = condition(job, "Failed");
        if (failed != null) {
            if (policies.contains("hook-failed")) {
                delete(ref);
            }
            return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, "hook failed: " + failed.getReason()
                    + (failed.getMessage() == null ? "" : ": " + failed.getMessage()));
        }
        if (policies.contains(Hooks.HOOK_SUCCEEDED)) {
            delete(ref);
            return new ChangeSet.Entry(ref, ChangeSet.Outcome.CREATED, "hook succeeded and was deleted ("
                    + Hooks.HOOK_SUCCEEDED + ")");
        }
        return new ChangeSet.Entry(ref, ChangeSet.Outcome.CREATED, "hook succeeded");
    }

    /** Whether a live object carries the same ownership label and annotation as the desired hook. */
    private static boolean sameOwner(io.fabric8.kubernetes.api.model.ObjectMeta live, Map<String, Object> desired) {
        Map<String, Object> md = Tree.asMap(desired.get("metadata"));
        Object label = Tree.asMap(md.get("labels")).get(Tracking.TARGET_LABEL);
        Object owner = Tree.asMap(md.get("annotations")).get(Tracking.OWNER_ANNOTATION);
        return label != null && owner != null && live.getLabels() != null && live.getAnnotations() != null
                && label.equals(live.getLabels().get(Tracking.TARGET_LABEL))
                && owner.equals(live.getAnnotations().get(Tracking.OWNER_ANNOTATION));
    }

    /**
     * The Job once it completed or failed (or null once it is gone), read every second at most (sooner at first):
     * a read cannot miss a change the way a watch that started a moment too late can; the Job as it was last read
     * when the time is up.
     */
    private Job finished(ObjectRef ref, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 100;
        while (true) {
            Job job = client.batch().v1().jobs().inNamespace(ref.namespace()).withName(ref.name()).get();
            if (finished(job) || System.nanoTime() > deadline) {
                return job;
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return job;
            }
            pause = Math.min(1000, pause * 2);
        }
    }

    private static boolean finished(Job job) {
        return job == null || condition(job, "Complete") != null || condition(job, "Failed") != null;
    }

    private void delete(ObjectRef ref) {
        client.batch().v1().jobs().inNamespace(ref.namespace()).withName(ref.name())
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }

    private static JobCondition condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return null;
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst().orElse(null);
    }

    static Duration timeout(Map<String, Object> job) {
        Object deadline = Tree.asMap(job.get("spec")).get("activeDeadlineSeconds");
        return deadline instanceof Number n ? Duration.ofSeconds(n.longValue()).plus(MARGIN) : DEFAULT_TIMEOUT;
    }
}
