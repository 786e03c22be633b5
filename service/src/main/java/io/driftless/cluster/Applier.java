package io.driftless.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.apply.ChangeSet;
import io.driftless.config.ReleaseSpec;
import io.driftless.diff.Differ;
import io.driftless.diff.Ignores;
import io.driftless.diff.ObjectDiff;
import io.driftless.diff.Patches;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.plan.Action;
import io.driftless.plan.Hooks;
import io.driftless.plan.Plan;
import io.driftless.plan.PlannedChange;
import io.driftless.render.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Executes a plan against one cluster, in the plan's order. Creates, or JSON-patches only the drifted
 * fields guarded by the live resourceVersion (re-reading and re-diffing on a conflict). Prunes and
 * post-hooks run only when every create and update succeeded; a failed pre-hook writes nothing else.
 */
public final class Applier {

    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
    static final java.time.Duration ESTABLISH_WAIT = java.time.Duration.ofSeconds(30);
    /**
     * Writes of one object that may meet a conflict (409) before the apply gives up on it: a Deployment whose
     * template just changed has its status written by its controller several times a second, and each such write
     * is a conflict for a patch guarded by the version it read. Between attempts it waits a little longer each time.
     */
    private static final int CONFLICT_RETRIES = 6;

    /** Patches name Driftless as their field manager, so drift reports can tell its writes from others'. */
    private static final PatchContext PATCH = new PatchContext.Builder().withPatchType(PatchType.JSON)
            .withFieldManager(Tracking.FIELD_MANAGER).build();

    private static final long RECREATE_WAIT_SECONDS = 60;
    /** Why objects are skipped once a shutdown began. */
    public static final String SHUTTING_DOWN = "Driftless is shutting down";

    /** Requests in a row without an answer after which an apply stops (as {@link ClusterConnections} decides). */
    private static final int UNANSWERED_IN_A_ROW = 3;

    private final KubernetesClient client;
    private final List<ReleaseSpec.IgnoreRule> ignores;
    private final boolean serverSideApply;
    private final BooleanSupplier stopping;
    private java.util.function.BiConsumer<ObjectRef, String> onWrite = (ref, version) -> { };

    public Applier(KubernetesClient client) {
        this(client, List.of(), false, () -> false);
    }

    /**
     * @param ignores         the release's {@code ignoreDifferences}, honoured when a conflict makes it compare again
     * @param serverSideApply write the whole desired object with server-side apply (field manager driftless,
     *                        conflicts forced): the API server merges it and drops fields Driftless applied before
     *                        and no longer renders
     * @param stopping        checked before each object: once true, the rest is skipped (graceful shutdown)
     */
    public Applier(KubernetesClient client, List<ReleaseSpec.IgnoreRule> ignores, boolean serverSideApply,
                   BooleanSupplier stopping) {
        this.stopping = stopping;
        this.client = client;
        this.ignores = ignores;
        this.serverSideApply = serverSideApply;
    }

    public ChangeSet apply(String target, Plan plan) {
        List<ChangeSet.Entry> entries = new ArrayList<>();
        boolean failed = false;
        String stoppedBy = null;
        boolean objectsStarted = false;
        int leftForNextStart = 0;
        boolean shuttingDown = false;
        Integer failedWave = null;
        int unanswered = 0;
        for (PlannedChange change : plan.changes()) {
            boolean writes = change.action() != Action.UNCHANGED && change.action() != Action.SKIP;
            if (stoppedBy == null && writes && stopping.getAsBoolean()) {
                stoppedBy = SHUTTING_DOWN + "; applied at the next start";
                shuttingDown = true;
            }
            boolean laterWave = failedWave != null && change.desired() != null && change.action() != Action.HOOK
                    && Hooks.wave(change.desired()) > failedWave;
            ChangeSet.Entry entry;
            if (laterWave && writes) {
                entry = new ChangeSet.Entry(change.ref(), ChangeSet.Outcome.SKIPPED, "not applied: an object of sync "
                        + "wave " + failedWave + " failed, and later waves wait for it");
            } else if (stoppedBy != null && writes) {
                entry = new ChangeSet.Entry(change.ref(), ChangeSet.Outcome.SKIPPED, "not applied: " + stoppedBy);
                if (shuttingDown) {
                    leftForNextStart++;
                }
            } else if (change.action() == Action.PRUNE && failed) {
                entry = new ChangeSet.Entry(change.ref(), ChangeSet.Outcome.SKIPPED,
                        "prune postponed: an earlier object failed to apply");
            } else if (change.action() == Action.HOOK && failed) {
                entry = new ChangeSet.Entry(change.ref(), ChangeSet.Outcome.SKIPPED,
                        "hook not run: an earlier object failed to apply");
            } else {
                try {
                    entry = applyOne(change);
                    unanswered = 0;
                } catch (NoAnswer e) {
                    entry = new ChangeSet.Entry(change.ref(), ChangeSet.Outcome.FAILED, e.getMessage());
                    if (e.nobodyThere || ++unanswered == UNANSWERED_IN_A_ROW) {
                        // writing on would only wait out the client's retries once per object
                        stoppedBy = "the API server stopped answering; retried at the next sync";
                    }
                }
            }
            boolean preHook = change.action() == Action.HOOK && !objectsStarted;
            objectsStarted |= change.action() != Action.HOOK;
            if (entry.outcome() == ChangeSet.Outcome.FAILED && preHook) {
                stoppedBy = "the hook " + change.ref() + " failed";
            }
            if (entry.outcome() == ChangeSet.Outcome.FAILED) {
                failed = true;
                if (failedWave == null && change.action() != Action.HOOK && change.desired() != null) {
                    failedWave = Hooks.wave(change.desired());
                }
                LOG.warn("target={} object={} action=failed reason=\"{}\"", target, change.ref(), entry.reason());
            } else if (entry.outcome() != ChangeSet.Outcome.UNCHANGED) {
                LOG.info("target={} object={} action={} reason=\"{}\"", target, change.ref(), entry.outcome().label(),
                        entry.reason() == null ? "" : entry.reason());
            }
            entries.add(entry);
        }
        return new ChangeSet(List.copyOf(entries), leftForNextStart);
    }

    private ChangeSet.Entry applyOne(PlannedChange change) {
        ObjectRef ref = change.ref();
        try {
            if (serverSideApply && (change.action() == Action.CREATE || change.action() == Action.UPDATE)) {
                return serverSideApply(change);
            }
            ChangeSet.Entry entry = switch (change.action()) {
                case CREATE -> create(change);
                case UPDATE -> update(ref, change.desired(), change.live(), change.diff());
                case RECREATE -> recreate(change);
                case HOOK -> new HookRunner(client).run(change);
                case PRUNE -> prune(ref);
                case UNCHANGED -> new ChangeSet.Entry(ref, ChangeSet.Outcome.UNCHANGED, null);
                case SKIP -> new ChangeSet.Entry(ref, ChangeSet.Outcome.SKIPPED, change.reason());
                case BLOCKED -> new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, change.reason());
            };
            return isDefinition(ref) && (entry.outcome() == ChangeSet.Outcome.CREATED
                    || entry.outcome() == ChangeSet.Outcome.CONFIGURED) ? established(entry) : entry;
        } catch (KubernetesClientException e) {
            if (e.getCode() <= 0 && ClusterErrors.answerless(e)) {
                throw new NoAnswer(e);
            }
            if (e.getCode() == 404 && change.action() == Action.CREATE && "Not Found".equals(statusMessage(e))) {
                return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, "HTTP 404: the cluster does not serve "
                        + ref.apiVersion() + " " + ref.kind() + " (is its CustomResourceDefinition installed?)");
            }
            return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, ClusterErrors.describe(e));
        } catch (RuntimeException e) {
            // the object's outcome is unknown, the rest of the plan still runs and the inventory is recorded
            LOG.error("object={} action=failed unexpectedly", ref, e);
            return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, "unexpected " + e.getClass().getSimpleName()
                    + "; the service log has the details");
        }
    }

    @SuppressWarnings("unchecked")
    private ChangeSet.Entry create(PlannedChange change) {
        ObjectRef ref = change.ref();
        GenericKubernetesResource resource = Manifests.toResource(
                (Map<String, Object>) Patches.withoutNulls(change.desired()));
        try {
            written(ref, LiveReader.in(client, ref)
                    .resource(resource).create());
            return new ChangeSet.Entry(ref, ChangeSet.Outcome.CREATED, null);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // created meanwhile by someone else: compare and patch like any live object
            GenericKubernetesResource live = new LiveReader(client).get(ref);
            if (live == null) {
                throw e;
            }
            Map<String, Object> liveTree = Manifests.toTree(live);
            return update(ref, change.desired(), liveTree, diff(ref, change.desired(), liveTree));
        }
    }

    private ChangeSet.Entry update(ObjectRef ref, Map<String, Object> desired, Map<String, Object> live, ObjectDiff diff) {
        Map<String, Object> current = live;
        ObjectDiff currentDiff = diff;
        for (int attempt = 1; ; attempt++) {
            if (currentDiff.inSync()) {
                return new ChangeSet.Entry(ref, ChangeSet.Outcome.UNCHANGED, "in sync after re-read");
            }
            String patch = Serialization.asJson(Patches.patch(currentDiff, desired, resourceVersion(current)));
            try {
                written(ref, LiveReader.in(client, ref).resource(named(ref)).patch(PATCH, patch),
                        resourceVersion(current));
                return new ChangeSet.Entry(ref, ChangeSet.Outcome.CONFIGURED, fields(currentDiff));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt); // the controller's burst of status writes passes
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                GenericKubernetesResource fresh = new LiveReader(client).get(ref);
                if (fresh == null) {
                    throw e;
                }
                current = Manifests.toTree(fresh);
                currentDiff = diff(ref, desired, current);
            }
        }
    }

    /**
     * The object by name only: what a patch is sent to. The client, given no object, would read the live one first
     * (one GET per patch) only to take its name.
     */
    private static GenericKubernetesResource named(ObjectRef ref) {
        GenericKubernetesResource named = new GenericKubernetesResource();
        named.setApiVersion(ref.apiVersion());
        named.setKind(ref.kind());
        named.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(ref.name())
                .withNamespace(ref.namespace()).build());
        return named;
    }

    @SuppressWarnings("unchecked")
    private ChangeSet.Entry serverSideApply(PlannedChange change) {
        ObjectRef ref = change.ref();
        GenericKubernetesResource resource = Manifests.toResource(
                (Map<String, Object>) Patches.withoutNulls(change.desired()));
        written(ref, LiveReader.in(client, ref)
                .resource(resource).fieldManager(Tracking.FIELD_MANAGER).forceConflicts().serverSideApply(),
                change.live() == null ? null : resourceVersion(change.live()));
        return change.action() == Action.CREATE ? new ChangeSet.Entry(ref, ChangeSet.Outcome.CREATED, "server-side apply")
                : new ChangeSet.Entry(ref, ChangeSet.Outcome.CONFIGURED, "server-side apply: " + fields(change.diff()));
    }

    private ChangeSet.Entry recreate(PlannedChange change) {
        ObjectRef ref = change.ref();
        // wait until it is gone (finalizers, graceful deletion), or the create would meet the old object
        LiveReader.in(client, ref)
                .withName(ref.name()).withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
                .withTimeout(RECREATE_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS).delete();
        if (serverSideApply) {
            serverSideApply(new PlannedChange(ref, Action.CREATE, change.reason(), change.desired(), null, null));
        } else {
            create(change);
        }
        return new ChangeSet.Entry(ref, ChangeSet.Outcome.CONFIGURED, "recreated: " + change.reason());
    }

    private ChangeSet.Entry prune(ObjectRef ref) {
        LiveReader.in(client, ref)
                .withName(ref.name()).delete();
        written(ref, null);
        return new ChangeSet.Entry(ref, ChangeSet.Outcome.PRUNED, "no longer rendered");
    }

    private static boolean isDefinition(ObjectRef ref) {
        return "CustomResourceDefinition".equals(ref.kind()) && "apiextensions.k8s.io".equals(ref.group());
    }

    /**
     * Waits until a definition just written is established (its kind served), so the custom resources after it in
     * the plan can be written; a definition the API server does not establish within {@link #ESTABLISH_WAIT} fails
     * (with what its conditions say), and the rest of the plan goes on.
     */
    private ChangeSet.Entry established(ChangeSet.Entry written) {
        ObjectRef ref = written.ref();
        long deadline = System.nanoTime() + ESTABLISH_WAIT.toNanos();
        String why = "no Established condition yet";
        while (true) {
            var crd = client.apiextensions().v1().customResourceDefinitions().withName(ref.name()).get();
            var conditions = crd == null || crd.getStatus() == null || crd.getStatus().getConditions() == null
                    ? List.<io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition>of()
                    : crd.getStatus().getConditions();
            for (var c : conditions) {
                if ("Established".equals(c.getType()) && "True".equals(c.getStatus())) {
                    return written;
                }
                if ("NamesAccepted".equals(c.getType()) && "False".equals(c.getStatus())) {
                    why = "its names are not accepted: " + c.getMessage();
                }
            }
            if (System.nanoTime() > deadline) {
                return new ChangeSet.Entry(ref, ChangeSet.Outcome.FAILED, "written, but not established within "
                        + ESTABLISH_WAIT.toSeconds() + " s (" + why + "); its resources wait for the next sync");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return written;
            }
        }
    }

    /**
     * Tells each write as it returns (its resourceVersion, null for a delete), so the watches know their echo
     * before it comes.
     */
    public Applier telling(java.util.function.BiConsumer<ObjectRef, String> onWrite) {
        this.onWrite = onWrite;
        return this;
    }

    private void written(ObjectRef ref, GenericKubernetesResource result) {
        written(ref, result, null);
    }

    /**
     * @param before the version the write was made over (null: none); a write that returns it changed nothing,
     *               and the version is not Driftless's to claim (server-side apply answers a no-op so)
     */
    private void written(ObjectRef ref, GenericKubernetesResource result, String before) {
        String version = result == null || result.getMetadata() == null ? null
                : result.getMetadata().getResourceVersion();
        if (version == null || !version.equals(before)) {
            onWrite.accept(ref, version);
        }
    }


    @SuppressWarnings("unchecked")
    private static String resourceVersion(Map<String, Object> live) {
        Object md = live.get("metadata");
        return md instanceof Map<?, ?> m ? (String) ((Map<String, Object>) m).get("resourceVersion") : null;
    }

    private static String fields(ObjectDiff diff) {
        List<String> paths = diff.drifts().stream().map(d -> d.path()).distinct().limit(5).toList();
        String more = diff.drifts().size() > 5 ? " and " + (diff.drifts().size() - 5) + " more" : "";
        return String.join(", ", paths) + more;
    }

    private static String statusMessage(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
    }

    private ObjectDiff diff(ObjectRef ref, Map<String, Object> desired, Map<String, Object> live) {
        return Ignores.apply(ignores, Differ.diff(ref, desired, live));
    }

    /** A request that got no HTTP answer (after the client's retries): the API server is gone or too slow. */
    private static final class NoAnswer extends RuntimeException {
        final boolean nobodyThere;

        NoAnswer(KubernetesClientException e) {
            super(ClusterErrors.describe(e), null, false, false);
            this.nobodyThere = ClusterConnections.nobodyThere(e);
        }
    }
}
