package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;
import static io.driftless.render.Tree.putIfSet;
import static io.driftless.render.prefect.PrefectEnv.env;

import java.util.List;
import java.util.Map;

import io.driftless.render.ValueReader;

/**
 * The database migration Job, a hook upstream: it runs after the first install and before workloads
 * change on an upgrade, and is deleted once it succeeds.
 */
final class MigrationJob {

    static final Map<String, Object> HOOK_ANNOTATIONS = map(
            "helm.sh/hook", "post-install,pre-upgrade",
            "helm.sh/hook-weight", "-5",
            "helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");

    private final ValueReader v;
    private final PrefectNames n;
    private final PrefectWorkloads workloads;

    MigrationJob(ValueReader v, PrefectNames n, PrefectWorkloads workloads) {
        this.v = v;
        this.n = n;
        this.workloads = workloads;
    }

    static boolean rendered(ValueReader v) {
        return v.bool("backgroundServices.runAsSeparateDeployment") && !v.bool("sqlite.enabled")
                && v.bool("migrations.enabled");
    }

    Map<String, Object> render() {
        Map<String, Object> labels = n.standard();
        labels.put("prefect-version", n.appVersion());
        labels.putAll(n.commonLabels());
        labels.put("app.kubernetes.io/component", "pre-upgrade-hook");

        // upstream's literal block: the command's lines after the two fixed ones, ending in exactly one newline
        String script = "set -eo pipefail\necho \"Starting database migration...\"\n"
                + v.tpl("migrations.command").stripTrailing() + "\n";
        Map<String, Object> container = map("name", "pre-upgrade-migration", "image", workloads.image(),
                "imagePullPolicy", v.str("global.prefect.image.pullPolicy"));
        putIfSet(container, "command", v.list("migrations.entrypoint"));
        container.put("args", list(script));
        List<Object> env = new PrefectEnv(v, n).database();
        env.add(env("HOME", "/home/prefect"));
        env.addAll(PrefectEnv.firstByName(List.of(workloads.templatedList("migrations.env"),
                workloads.templatedList("server.env"), workloads.templatedList("global.prefect.env"))));
        container.put("env", env);
        container.put("resources", v.map("migrations.resources"));
        putIfSet(container, "securityContext", v.map("migrations.securityContext"));
        putIfSet(container, "volumeMounts", v.list("migrations.extraVolumeMounts"));

        Map<String, Object> podLabels = n.standard();
        podLabels.put("app.kubernetes.io/component", "pre-upgrade-hook");
        podLabels.put("prefect-version", n.appVersion());
        podLabels.putAll(v.map("migrations.podLabels"));
        Map<String, Object> pod = map("serviceAccountName", n.serviceAccountName());
        if (n.pin().automountToken()) {
            pod.put("automountServiceAccountToken", v.bool("server.automountServiceAccountToken"));
        }
        pod.put("restartPolicy", v.str("migrations.restartPolicy"));
        pod.put("containers", list(container));
        putIfSet(pod, "volumes", v.list("migrations.extraVolumes"));
        for (String key : List.of("affinity", "nodeSelector", "tolerations")) {
            putIfSet(pod, key, v.get("migrations." + key));
        }
        putIfSet(pod, "imagePullSecrets", workloads.pullSecrets());
        putIfSet(pod, "securityContext", v.map("migrations.podSecurityContext"));

        Map<String, Object> spec = map();
        if (v.truthy("migrations.timeoutSeconds")) {
            spec.put("activeDeadlineSeconds", v.integer("migrations.timeoutSeconds", 1, Integer.MAX_VALUE));
        }
        spec.put("backoffLimit", v.integer("migrations.backoffLimit", 0, Integer.MAX_VALUE));
        spec.put("template", map("metadata", map("labels", podLabels), "spec", pod));
        return map("apiVersion", "batch/v1", "kind", "Job",
                "metadata", map("name", n.fullname() + "-db-migrations", "namespace", n.releaseNamespace(),
                        "labels", labels, "annotations", new java.util.LinkedHashMap<>(HOOK_ANNOTATIONS)),
                "spec", spec);
    }
}
