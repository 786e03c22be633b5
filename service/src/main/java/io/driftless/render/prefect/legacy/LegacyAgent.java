package io.driftless.render.prefect.legacy;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;
import static io.driftless.render.Tree.putIfSet;
import static io.driftless.render.prefect.legacy.LegacyEnv.env;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.render.ValueReader;

/** The Kubernetes agent (Deployment, Role, RoleBinding) and the create-tenant Job. */
final class LegacyAgent {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RBAC = "rbac.authorization.k8s.io";

    private final ValueReader v;
    private final LegacyNames n;
    private final LegacyEnv e;
    private final LegacyComponents components;

    LegacyAgent(ValueReader v, LegacyNames n, LegacyEnv e, LegacyComponents components) {
        this.v = v;
        this.n = n;
        this.e = e;
        this.components = components;
    }

    Map<String, Object> deployment() {
        String templatePath = v.str("agent.jobTemplateFilePath");
        String configMap = v.str("agent.jobTemplateFileConfigMap");
        String start = "prefect agent kubernetes start";
        if (!templatePath.isEmpty()) { // every generation; only the ConfigMap mount is 2022.09.x and later
            start += " --job-template " + templatePath;
        }
        List<Object> env = list(
                env("PREFECT__CLOUD__API", e.apolloApiUrl()),
                env("NAMESPACE", n.namespace()));
        String pullSecrets = v.list("agent.job.imagePullSecrets").stream().map(ValueReader::scalar)
                .collect(Collectors.joining(","));
        optional(env, "IMAGE_PULL_SECRETS", pullSecrets);
        env.add(env("PREFECT__CLOUD__AGENT__LABELS", json(v.list("agent.prefectLabels"))));
        optional(env, "JOB_MEM_REQUEST", v.str("agent.job.resources.requests.memory"));
        optional(env, "JOB_MEM_LIMIT", v.str("agent.job.resources.limits.memory"));
        optional(env, "JOB_CPU_REQUEST", v.str("agent.job.resources.requests.cpu"));
        optional(env, "JOB_CPU_LIMIT", v.str("agent.job.resources.limits.cpu"));
        optional(env, "IMAGE_PULL_POLICY", v.str("agent.job.imagePullPolicy"));
        env.add(env("SERVICE_ACCOUNT_NAME", n.serviceAccountName()));
        env.add(env("PREFECT__BACKEND", "server"));
        env.add(env("PREFECT__CLOUD__AGENT__AGENT_ADDRESS", "http://0.0.0.0:8080"));
        env.addAll(v.list("agent.env"));

        Map<String, Object> c = components.container("agent", "agent", n.image("agent", n.prefectTag("agent")),
                list("bash", "-c", start), env);
        c.put("livenessProbe", map("failureThreshold", 2, "httpGet", map("path", "/api/health", "port", 8080),
                "initialDelaySeconds", 40, "periodSeconds", 40));
        boolean mountTemplate = !e.flat() && !configMap.isEmpty();
        if (mountTemplate) {
            String base = templatePath.substring(templatePath.lastIndexOf('/') + 1);
            c.put("volumeMounts", list(map("name", "job-template", "mountPath", templatePath, "subPath", base)));
        }
        Map<String, Object> deployment = components.deployment("agent", "agent", c, null);
        if (mountTemplate) {
            pod(deployment).put("volumes", list(map("name", "job-template", "configMap", map("name", configMap))));
        }
        return deployment;
    }

    /** Generation 2022.04.14 always emits these (empty strings when unset); later ones only when set. */
    private void optional(List<Object> env, String name, String value) {
        if (e.flat() || !value.isEmpty()) {
            env.add(env(name, value));
        }
    }

    Map<String, Object> role() {
        Map<String, Object> metadata = n.metadata(n.component("agent-role"), "agent-role", "agent");
        metadata.put("namespace", n.namespace());
        return map("apiVersion", RBAC + "/v1", "kind", "Role", "metadata", metadata,
                "rules", list(
                        map("apiGroups", list("batch", "extensions"), "resources", list("jobs", "jobs/status"),
                                "verbs", list("*")),
                        map("apiGroups", list(""), "resources", list("events", "pods", "pods/log", "services"),
                                "verbs", list("*")),
                        map("apiGroups", list("policy"), "resources", list("poddisruptionbudgets"),
                                "verbs", list("*"))));
    }

    Map<String, Object> roleBinding() {
        Map<String, Object> metadata = n.metadata(n.component("agent-role-binding"), "agent-role-binding", "agent");
        metadata.put("namespace", n.namespace());
        return map("apiVersion", RBAC + "/v1", "kind", "RoleBinding", "metadata", metadata,
                "roleRef", map("apiGroup", RBAC, "kind", "Role", "name", n.component("agent-role")),
                "subjects", list(map("kind", "ServiceAccount", "name", n.serviceAccountName())));
    }

    /** Creates the tenant the UI needs; tolerates the tenant existing already when the Job is retried. */
    Map<String, Object> createTenantJob() {
        String key = "jobs.createTenant";
        String name = v.str(key + ".tenant.name");
        String slug = v.str(key + ".tenant.slug");
        String create = "prefect server create-tenant --name " + name + " --slug " + slug;
        Map<String, Object> c = map("name", "create-tenant",
                "image", n.image(key, n.prefectTag(key)),
                "imagePullPolicy", v.str(key + ".image.pullPolicy"),
                "command", list("bash", "-c", create + " || [[ $(" + create + "  2>&1) =~ 'Uniqueness violation' ]]"),
                "env", list(env("PREFECT__CLOUD__API", e.apolloApiUrl()), env("PREFECT__BACKEND", "server")));
        if (!e.flat()) {
            putIfSet(c, "resources", v.map(key + ".resources"));
        }
        putIfSet(c, "securityContext", v.map(key + ".securityContext"));
        Map<String, Object> pod = map();
        putIfSet(pod, "imagePullSecrets", n.imagePullSecrets(key));
        putIfSet(pod, "securityContext", v.map(key + ".podSecurityContext"));
        pod.put("containers", list(c));
        pod.put("restartPolicy", "OnFailure");
        String component = "create-tenant-job";
        return map("apiVersion", "batch/v1", "kind", "Job",
                "metadata", n.metadata(n.component(component), component, key),
                "spec", map("template", map("metadata", map("labels", n.selector(component)), "spec", pod),
                        "backoffLimit", v.get(key + ".backoffLimit")));
    }

    Map<String, Object> serviceAccount() {
        return map("apiVersion", "v1", "kind", "ServiceAccount",
                "metadata", n.metadata(n.serviceAccountName(), null, "serviceAccount"));
    }

    private static String json(List<Object> labels) {
        try {
            return JSON.writeValueAsString(labels);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pod(Map<String, Object> deployment) {
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        Map<String, Object> template = (Map<String, Object>) spec.get("template");
        return (Map<String, Object>) template.get("spec");
    }
}
