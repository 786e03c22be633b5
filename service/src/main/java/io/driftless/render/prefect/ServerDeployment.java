package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;
import static io.driftless.render.Tree.putIfSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.driftless.render.ValueReader;

/** The server Deployment and the environment blocks it shares with the other workloads. */
final class ServerDeployment {

    private final ValueReader v;
    private final PrefectNames n;

    ServerDeployment(ValueReader v, PrefectNames n) {
        this.v = v;
        this.n = n;
    }

    Map<String, Object> render() {
        boolean sqlite = v.bool("sqlite.enabled");
        Map<String, Object> spec = map("revisionHistoryLimit", v.integer("server.revisionHistoryLimit"));
        if (!v.bool("server.autoscaling.enabled")) {
            spec.put("replicas", sqlite ? 1 : v.integer("server.replicaCount"));
        }
        spec.put("strategy", v.map("server.updateStrategy"));
        spec.put("selector", map("matchLabels", n.selector("server")));

        Map<String, Object> podMeta = map();
        putIfSet(podMeta, "annotations", v.tplValue("server.podAnnotations", v.map("server.podAnnotations")));
        Map<String, Object> podLabels = n.standard();
        podLabels.put("app.kubernetes.io/component", "server");
        podLabels.put("prefect-version", n.appVersion());
        podLabels.putAll(castMap(v.tplValue("server.podLabels", v.map("server.podLabels"))));
        podMeta.put("labels", podLabels);

        Map<String, Object> pod = map();
        putIfSet(pod, "imagePullSecrets", pullSecrets());
        pod.put("serviceAccountName", n.serviceAccountName());
        pod.put("automountServiceAccountToken", v.bool("server.automountServiceAccountToken"));
        for (String key : List.of("affinity", "nodeSelector", "tolerations")) {
            putIfSet(pod, key, v.tplValue("server." + key, v.get("server." + key)));
        }
        putIfSet(pod, "securityContext", v.map("server.podSecurityContext"));
        putIfSet(pod, "priorityClassName", v.str("server.priorityClassName"));
        if (v.get("server.terminationGracePeriodSeconds") != null) {
            pod.put("terminationGracePeriodSeconds", v.integer("server.terminationGracePeriodSeconds"));
        }
        putIfSet(pod, "initContainers", v.tplValue("server.extraInitContainers", v.list("server.extraInitContainers")));
        List<Object> containers = list(container(sqlite));
        containers.addAll(castList(v.tplValue("server.extraContainers", v.list("server.extraContainers"))));
        pod.put("containers", containers);
        List<Object> volumes = list(map("name", "scratch", "emptyDir", map()));
        if (sqlite) {
            volumes.add(map("name", "sqlite-storage", "persistentVolumeClaim",
                    map("claimName", n.fullname() + "-sqlite")));
        }
        volumes.addAll(castList(v.tplValue("server.extraVolumes", v.list("server.extraVolumes"))));
        pod.put("volumes", volumes);

        spec.put("template", map("metadata", podMeta, "spec", pod));
        return map("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", n.metadata(n.fullname(), n.labels("server"), n.commonAnnotations()),
                "spec", spec);
    }

    private Map<String, Object> container(boolean sqlite) {
        int targetPort = v.integer("service.targetPort");
        Map<String, Object> c = map("name", "prefect-server", "image", image(),
                "imagePullPolicy", v.str("global.prefect.image.pullPolicy"));
        List<Object> command = v.list("server.command");
        c.put("command", command.isEmpty() ? list("/usr/bin/tini", "-g", "--", "/opt/prefect/entrypoint.sh") : command);
        List<Object> args = v.list("server.args");
        if (args.isEmpty()) {
            args = list("prefect", "server", "start");
            if (v.bool("backgroundServices.runAsSeparateDeployment")) {
                args.add("--no-services");
            }
            args.add("--port");
            args.add(String.valueOf(targetPort));
            for (Object extra : v.list("server.extraArgs")) {
                args.add(ValueReader.scalar(extra));
            }
        }
        c.put("args", args);
        c.put("workingDir", "/home/prefect");
        c.put("ports", list(map("containerPort", targetPort)));

        List<Object> env = list(
                env("HOME", "/home/prefect"),
                env("PREFECT_DEBUG_MODE", String.valueOf(v.bool("server.debug"))),
                env("PREFECT_LOGGING_SERVER_LEVEL", v.str("server.loggingLevel")),
                env("PREFECT_SERVER_API_BASE_PATH", v.str("server.apiBasePath")),
                env("PREFECT_SERVER_API_HOST", "0.0.0.0"),
                env("PREFECT_SERVER_API_PORT", String.valueOf(targetPort)),
                env("PREFECT_UI_API_URL", v.tpl("server.uiConfig.prefectUiApiUrl")),
                env("PREFECT_UI_STATIC_DIRECTORY", v.str("server.uiConfig.prefectUiStaticDirectory")));
        env.addAll(databaseEnv());
        if (v.bool("server.basicAuth.enabled")) {
            String existing = v.str("server.basicAuth.existingSecret");
            env.add(existing.isEmpty()
                    ? env("PREFECT_SERVER_API_AUTH_STRING", v.str("server.basicAuth.authString"))
                    : secretEnv("PREFECT_SERVER_API_AUTH_STRING", existing, "auth-string"));
        }
        env.addAll(castList(v.tplValue("global.prefect.env", v.list("global.prefect.env"))));
        env.addAll(castList(v.tplValue("server.env", v.list("server.env"))));
        c.put("env", env);

        List<Object> envFrom = list();
        if (v.has("server.extraEnvVarsCM")) {
            envFrom.add(map("configMapRef", map("name", v.tpl("server.extraEnvVarsCM"))));
        }
        if (v.has("server.extraEnvVarsSecret")) {
            envFrom.add(map("secretRef", map("name", v.tpl("server.extraEnvVarsSecret"))));
        }
        putIfSet(c, "envFrom", envFrom);
        putIfSet(c, "resources", v.map("server.resources"));
        putIfSet(c, "securityContext", v.map("server.containerSecurityContext"));
        String base = v.str("server.apiBasePath");
        if (v.bool("server.startupProbe.enabled")) {
            c.put("startupProbe", probe(base + "/health", targetPort, "server.startupProbe.config"));
        }
        if (v.bool("server.livenessProbe.enabled")) {
            c.put("livenessProbe", probe(probePath("server.livenessProbe.path", base + "/health"), targetPort,
                    "server.livenessProbe.config"));
        }
        if (v.bool("server.readinessProbe.enabled")) {
            c.put("readinessProbe", probe(probePath("server.readinessProbe.path", base + "/ready"), targetPort,
                    "server.readinessProbe.config"));
        }
        putIfSet(c, "lifecycle", v.map("server.lifecycle"));
        List<Object> mounts = list(
                map("mountPath", "/home/prefect", "name", "scratch", "subPathExpr", "home"),
                map("mountPath", "/tmp", "name", "scratch", "subPathExpr", "tmp"),
                map("mountPath", v.str("server.uiConfig.prefectUiStaticDirectory"), "name", "scratch",
                        "subPathExpr", "ui-build"));
        if (sqlite) {
            mounts.add(map("mountPath", "/data", "name", "sqlite-storage"));
        }
        mounts.addAll(castList(v.tplValue("server.extraVolumeMounts", v.list("server.extraVolumeMounts"))));
        c.put("volumeMounts", mounts);
        return c;
    }

    private String probePath(String key, String fallback) {
        return v.has(key) ? v.tpl(key) : fallback;
    }

    private Map<String, Object> probe(String path, int port, String configKey) {
        Map<String, Object> p = map("httpGet", map("path", path, "port", port));
        p.putAll(v.map(configKey));
        return p;
    }

    String image() {
        return v.str("global.prefect.image.repository") + ":" + v.str("global.prefect.image.prefectTag");
    }

    List<Object> pullSecrets() {
        List<Object> out = list();
        for (Object name : v.list("global.prefect.image.pullSecrets")) {
            out.add(map("name", name));
        }
        return out;
    }

    /** The database connection env block, in upstream's order of precedence. */
    List<Object> databaseEnv() {
        String url = "PREFECT_SERVER_DATABASE_CONNECTION_URL";
        if (v.bool("sqlite.enabled")) {
            return list(env(url, "sqlite+aiosqlite:////data/prefect.db"));
        }
        if (v.has("externalDatabase.connectionString")) {
            return list(env(url, v.str("externalDatabase.connectionString")));
        }
        if (v.has("externalDatabase.connectionStringSecretKey")) {
            String secret = v.str("externalDatabase.existingSecret");
            if (secret.isEmpty()) {
                v.fail("externalDatabase.existingSecret", "is required when using database secret keys");
            }
            return list(secretEnv(url, secret, v.str("externalDatabase.connectionStringSecretKey")));
        }
        return list(secretEnv(url, n.connectionSecretName(), "connection-string"));
    }

    static Map<String, Object> env(String name, Object value) {
        return map("name", name, "value", value);
    }

    static Map<String, Object> secretEnv(String name, String secret, String key) {
        return map("name", name, "valueFrom", map("secretKeyRef", map("name", secret, "key", key)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : map();
    }

    @SuppressWarnings("unchecked")
    static List<Object> castList(Object o) {
        return o instanceof List ? new ArrayList<>((List<Object>) o) : list();
    }
}
