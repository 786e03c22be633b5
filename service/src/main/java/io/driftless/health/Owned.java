package io.driftless.health;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.driftless.render.Tree;

/**
 * What a managed object owns in its cluster, as a tree (pure: no I/O): a Deployment's ReplicaSets and their Pods, a
 * Job's or CronJob's Jobs and Pods, a StatefulSet's Pods and the claims of its volume templates. Children are found
 * through their owner references (by the owner's uid); a StatefulSet's claims, which carry none unless a retention
 * policy is set, through the names the StatefulSet controller gives them.
 */
public final class Owned {

    /** The objects a cluster holds that managed objects may own, as far as it watches them. */
    public interface Lookup {
        /** Nothing is watched: no tree. */
        Lookup NONE = new Lookup() {
            @Override
            public List<Map<String, Object>> ownedBy(String uid) {
                return List.of();
            }

            @Override
            public Map<String, Object> claim(String namespace, String name) {
                return null;
            }
        };

        /** The objects whose owner references name this uid. */
        List<Map<String, Object>> ownedBy(String uid);

        /** A PersistentVolumeClaim by name, or null. */
        Map<String, Object> claim(String namespace, String name);
    }

    /**
     * One owned object.
     *
     * @param health  Healthy, Progressing or Degraded
     * @param summary what to show at a glance: a Pod's phase, readiness and restarts; a ReplicaSet's ready replicas
     * @param ready   a Pod's ready containers out of all ({@code 1/2}), null for other kinds
     */
    public record Node(String kind, String namespace, String name, String health, String summary, String ready,
                       long restarts, List<Node> children) {
    }

    /** How deep a tree is followed (CronJob → Job → Pod is the deepest the kinds watched make). */
    private static final int DEPTH = 4;

    private Owned() {
    }

    /** The objects a live managed object owns, each with what it owns in turn; empty when it has no uid. */
    public static List<Node> of(Map<String, Object> live, Lookup lookup) {
        return children(live, lookup, DEPTH);
    }

    private static List<Node> children(Map<String, Object> owner, Lookup lookup, int depth) {
        Map<String, Object> metadata = Tree.asMap(owner.get("metadata"));
        if (depth == 0 || !(metadata.get("uid") instanceof String uid)) {
            return List.of();
        }
        List<Node> out = new ArrayList<>();
        for (Map<String, Object> child : lookup.ownedBy(uid)) {
            Node node = node(child, children(child, lookup, depth - 1));
            // a ReplicaSet of an earlier template, scaled to nothing and owning nothing, is history, not state
            if (!("ReplicaSet".equals(node.kind()) && node.children().isEmpty()
                    && number(Tree.asMap(child.get("spec")).get("replicas")) == 0)) {
                out.add(node);
            }
        }
        if ("StatefulSet".equals(owner.get("kind"))) {
            out.addAll(claims(owner, lookup, out));
        }
        out.sort(Comparator.comparing(Node::kind).thenComparing(Node::name));
        return List.copyOf(out);
    }

    /** The claims a StatefulSet's volume templates made, {@code <template>-<statefulset>-<ordinal>}. */
    private static List<Node> claims(Map<String, Object> statefulSet, Lookup lookup, List<Node> found) {
        Map<String, Object> metadata = Tree.asMap(statefulSet.get("metadata"));
        Map<String, Object> spec = Tree.asMap(statefulSet.get("spec"));
        long replicas = spec.containsKey("replicas") ? number(spec.get("replicas")) : 1;
        List<Node> out = new ArrayList<>();
        for (Object t : Tree.asList(spec.get("volumeClaimTemplates"))) {
            Object template = Tree.asMap(Tree.asMap(t).get("metadata")).get("name");
            for (long i = 0; i < replicas; i++) {
                String name = template + "-" + metadata.get("name") + "-" + i;
                Map<String, Object> claim = lookup.claim((String) metadata.get("namespace"), name);
                if (claim != null && found.stream().noneMatch(n -> n.kind().equals("PersistentVolumeClaim")
                        && n.name().equals(name))) {
                    out.add(node(claim, List.of()));
                }
            }
        }
        return out;
    }

    /** One object as the tree shows it. */
    static Node node(Map<String, Object> object, List<Node> children) {
        String kind = String.valueOf(object.get("kind"));
        Map<String, Object> metadata = Tree.asMap(object.get("metadata"));
        Map<String, Object> spec = Tree.asMap(object.get("spec"));
        Map<String, Object> status = Tree.asMap(object.get("status"));
        String namespace = (String) metadata.get("namespace");
        String name = String.valueOf(metadata.get("name"));
        boolean deleting = metadata.get("deletionTimestamp") != null;
        return switch (kind) {
            case "Pod" -> pod(namespace, name, status, deleting);
            case "ReplicaSet" -> {
                long wanted = number(spec.get("replicas"));
                long ready = number(status.get("readyReplicas"));
                yield new Node(kind, namespace, name, ready >= wanted ? "Healthy" : "Progressing",
                        ready + "/" + wanted + " ready", null, 0, children);
            }
            case "Job" -> {
                long failed = number(status.get("failed"));
                long succeeded = number(status.get("succeeded"));
                long active = number(status.get("active"));
                boolean complete = conditionTrue(status, "Complete");
                boolean failure = conditionTrue(status, "Failed");
                yield new Node(kind, namespace, name, complete ? "Healthy" : failure ? "Degraded" : "Progressing",
                        complete ? "complete" : failure ? "failed" : active + " active, " + succeeded
                                + " succeeded, " + failed + " failed", null, 0, children);
            }
            case "PersistentVolumeClaim" -> {
                Object phase = status.getOrDefault("phase", "Pending");
                Object capacity = Tree.asMap(status.get("capacity")).get("storage");
                yield new Node(kind, namespace, name, "Bound".equals(phase) ? "Healthy" : "Lost".equals(phase)
                        ? "Degraded" : "Progressing", phase + (capacity == null ? "" : ", " + capacity), null, 0,
                        children);
            }
            default -> new Node(kind, namespace, name, deleting ? "Progressing" : "Healthy", deleting
                    ? "terminating" : "", null, 0, children);
        };
    }

    /**
     * A Pod: Healthy when running with every container ready (or succeeded), Degraded when failed or a container is
     * stuck ({@link Health#STUCK}), else Progressing; its summary says which, as {@code kubectl get pods} would.
     */
    private static Node pod(String namespace, String name, Map<String, Object> status, boolean deleting) {
        String phase = String.valueOf(status.getOrDefault("phase", "Pending"));
        List<Object> containers = Tree.asList(status.get("containerStatuses"));
        long ready = 0;
        long restarts = 0;
        String waiting = null;
        for (Object c : containers) {
            Map<String, Object> container = Tree.asMap(c);
            ready += Boolean.TRUE.equals(container.get("ready")) ? 1 : 0;
            restarts += number(container.get("restartCount"));
            Object reason = Tree.asMap(Tree.asMap(container.get("state")).get("waiting")).get("reason");
            if (reason instanceof String r && (waiting == null || Health.STUCK.contains(r))) {
                waiting = r;
            }
        }
        boolean podReady = conditionTrue(status, "Ready");
        String health = "Failed".equals(phase) || waiting != null && Health.STUCK.contains(waiting) ? "Degraded"
                : "Succeeded".equals(phase) || "Running".equals(phase) && podReady && !deleting ? "Healthy"
                : "Progressing";
        String summary = deleting ? "Terminating" : waiting != null ? waiting
                : "Running".equals(phase) && !podReady ? "Running, not ready" : phase;
        return new Node("Pod", namespace, name, health, summary, ready + "/" + containers.size(), restarts,
                List.of());
    }

    private static boolean conditionTrue(Map<String, Object> status, String type) {
        for (Object c : Tree.asList(status.get("conditions"))) {
            Map<String, Object> condition = Tree.asMap(c);
            if (type.equals(condition.get("type")) && "True".equals(condition.get("status"))) {
                return true;
            }
        }
        return false;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
