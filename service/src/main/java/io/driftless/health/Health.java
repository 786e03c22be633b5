package io.driftless.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.driftless.model.ObjectRef;
import io.driftless.render.Tree;

/**
 * Whether a target's workloads do their job, from the live objects' status (pure: no I/O). Deployments and
 * StatefulSets must have their replicas ready at the current generation (a rollout past its progress
 * deadline is Degraded); Jobs must have completed; PersistentVolumeClaims must be bound; Ingresses and
 * LoadBalancer Services must have an address. Other kinds are healthy once they exist. The target's health is its worst object's.
 */
public final class Health {

    /** Ordered best to worst. */
    public enum Status { Healthy, Progressing, Degraded, Missing }

    /** @param messages one line per object that is not healthy, with what that means for users when known */
    public record Report(Status status, List<String> messages) {
    }

    private Health() {
    }

    /**
     * @param desired  the objects the target renders
     * @param live     their live state as read at the start of the sync
     * @param touched  objects created or replaced by this sync (their status is not known yet)
     * @param hints    what an unhealthy object means for users, by {@code Kind/namespace/name}
     */
    /**
     * Why a workload's pods do not come up, when they are stuck rather than starting (a container in
     * CrashLoopBackOff, an image that cannot be pulled), read from its pods; empty when none is stuck.
     */
    @FunctionalInterface
    public interface Pods {
        /** No pod is read (assessing from caches alone). */
        Pods UNREAD = (ref, object) -> java.util.Optional.empty();

        java.util.Optional<String> stuck(ObjectRef workload, Map<String, Object> object);
    }

    /** Container waiting reasons that do not pass by themselves. */
    public static final Set<String> STUCK = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
            "CreateContainerConfigError", "InvalidImageName", "CreateContainerError");

    public static Report assess(Collection<ObjectRef> desired, Map<ObjectRef, Map<String, Object>> live,
                                Set<ObjectRef> touched, Map<String, String> hints) {
        return assess(desired, live, touched, hints, Pods.UNREAD);
    }

    /** @param pods read for a Deployment or StatefulSet that is not ready: a stuck pod makes it Degraded */
    public static Report assess(Collection<ObjectRef> desired, Map<ObjectRef, Map<String, Object>> live,
                                Set<ObjectRef> touched, Map<String, String> hints, Pods pods) {
        Status worst = Status.Healthy;
        List<String> messages = new ArrayList<>();
        for (ObjectRef ref : desired) {
            Map<String, Object> object = live.get(ref);
            Status status;
            String why;
            if (touched.contains(ref)) {
                status = Status.Progressing;
                why = "just applied";
            } else if (object == null) {
                status = Status.Missing;
                why = "does not exist";
            } else {
                Assessed a = assess(ref.kind(), object);
                if (a.status() == Status.Progressing && ("Deployment".equals(ref.kind())
                        || "StatefulSet".equals(ref.kind()))) {
                    a = pods.stuck(ref, object).map(reason -> new Assessed(Status.Degraded, reason)).orElse(a);
                }
                status = a.status();
                why = a.why();
            }
            if (status == Status.Healthy) {
                continue;
            }
            String hint = hints.get(ref.kind() + "/" + ref.namespace() + "/" + ref.name());
            messages.add(ref + " " + status + ": " + why + (hint == null ? "" : "; " + hint));
            if (status.ordinal() > worst.ordinal()) {
                worst = status;
            }
        }
        return new Report(worst, List.copyOf(messages));
    }

    private record Assessed(Status status, String why) {
    }

    private static Assessed assess(String kind, Map<String, Object> object) {
        Map<String, Object> spec = Tree.asMap(object.get("spec"));
        Map<String, Object> status = Tree.asMap(object.get("status"));
        Map<String, Object> metadata = Tree.asMap(object.get("metadata"));
        return switch (kind) {
            case "Deployment", "StatefulSet" -> {
                for (Object c : Tree.asList(status.get("conditions"))) {
                    Map<String, Object> condition = Tree.asMap(c);
                    if ("Progressing".equals(condition.get("type")) && "False".equals(condition.get("status"))
                            && "ProgressDeadlineExceeded".equals(condition.get("reason"))) {
                        yield new Assessed(Status.Degraded, "rollout stuck (ProgressDeadlineExceeded)"
                                + (condition.get("message") == null ? "" : ": " + condition.get("message")));
                    }
                }
                long wanted = number(spec.get("replicas"), 1);
                long ready = number(status.get("Deployment".equals(kind) ? "availableReplicas" : "readyReplicas"), 0);
                long observed = number(status.get("observedGeneration"), 0);
                long generation = number(metadata.get("generation"), 0);
                if (observed < generation) {
                    yield new Assessed(Status.Progressing, "generation " + generation + " not yet observed by its "
                            + "controller");
                }
                if ("Deployment".equals(kind) && status.containsKey("replicas")) {
                    // as kubectl rollout status: old pods still available do not make the new template healthy
                    long updated = number(status.get("updatedReplicas"), 0);
                    long total = number(status.get("replicas"), 0);
                    if (updated < wanted) {
                        yield new Assessed(Status.Progressing, updated + "/" + wanted + " replicas updated");
                    }
                    if (total > updated) {
                        yield new Assessed(Status.Progressing, (total - updated) + " old replica(s) pending "
                                + "termination");
                    }
                }
                if ("StatefulSet".equals(kind) && status.get("updateRevision") != null
                        && !status.get("updateRevision").equals(status.get("currentRevision"))) {
                    yield new Assessed(Status.Progressing, number(status.get("updatedReplicas"), 0) + "/" + wanted
                            + " replicas updated to " + status.get("updateRevision"));
                }
                yield ready >= wanted ? new Assessed(Status.Healthy, "")
                        : new Assessed(Status.Progressing, ready + "/" + wanted + " replicas ready");
            }
            case "Job" -> {
                for (Object c : Tree.asList(status.get("conditions"))) {
                    Map<String, Object> condition = Tree.asMap(c);
                    if ("True".equals(condition.get("status")) && "Complete".equals(condition.get("type"))) {
                        yield new Assessed(Status.Healthy, "");
                    }
                    if ("True".equals(condition.get("status")) && "Failed".equals(condition.get("type"))) {
                        yield new Assessed(Status.Degraded, "failed: " + condition.getOrDefault("message",
                                condition.getOrDefault("reason", "no reason given")));
                    }
                }
                yield new Assessed(Status.Progressing, "has not completed");
            }
            case "Service", "Ingress" -> {
                boolean waitsForAddress = "Ingress".equals(kind) || "LoadBalancer".equals(spec.get("type"));
                boolean addressed = !Tree.asList(Tree.asMap(status.get("loadBalancer")).get("ingress")).isEmpty();
                yield !waitsForAddress || addressed ? new Assessed(Status.Healthy, "")
                        : new Assessed(Status.Progressing, "no load balancer address assigned yet");
            }
            case "PersistentVolumeClaim" -> "Bound".equals(status.get("phase")) ? new Assessed(Status.Healthy, "")
                    : "Lost".equals(status.get("phase")) ? new Assessed(Status.Degraded, "its volume is lost")
                    : new Assessed(Status.Progressing, "not bound to a volume yet");
            default -> new Assessed(Status.Healthy, "");
        };
    }

    private static long number(Object value, long fallback) {
        return value instanceof Number n ? n.longValue() : fallback;
    }
}
