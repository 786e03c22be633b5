package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;
import static io.driftless.render.Tree.putIfSet;
import static io.driftless.render.prefect.PrefectEnv.env;
import static io.driftless.render.prefect.PrefectEnv.secretEnv;

import java.util.List;
import java.util.Map;

import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/**
 * The server Deployment and the background-services Deployment, which share their pod skeleton:
 * labels, pull secrets, scheduling, security contexts, envFrom, scratch volumes and extras.
 */
final class PrefectWorkloads {

    static final String SERVER = "server";
    static final String BACKGROUND = "background-services";

    private final ValueReader v;
    private final PrefectNames n;
    private final PrefectEnv blocks;

    PrefectWorkloads(ValueReader v, PrefectNames n) {
        this.v = v;
        this.n = n;
        this.blocks = new PrefectEnv(v, n);
    }

    Map<String, Object> server() {
        boolean sqlite = v.bool("sqlite.enabled");
        Map<String, Object> spec = map("revisionHistoryLimit", v.integer("server.revisionHistoryLimit", 0, Integer.MAX_VALUE));
        if (!v.bool("server.autoscaling.enabled")) {
            spec.put("replicas", sqlite ? 1 : v.requiredInteger("server.replicaCount", 0, Integer.MAX_VALUE));
        }
        spec.put("strategy", v.map("server.updateStrategy"));
        return deployment(n.fullname(), SERVER, "server", spec, n.serviceAccountName(), serverContainer(sqlite));
    }

    Map<String, Object> backgroundServices() {
        String p = "backgroundServices";
        Map<String, Object> spec = map("revisionHistoryLimit", v.integer(p + ".revisionHistoryLimit", 0, Integer.MAX_VALUE),
                "replicas", v.integer(p + ".replicaCount", 1, Integer.MAX_VALUE));
        Map<String, Object> c = map("name", "prefect-background-services", "image", image(),
                "imagePullPolicy", v.str("global.prefect.image.pullPolicy"));
        c.put("command", commandOr(p, list("/usr/bin/tini", "-g", "--", "/opt/prefect/entrypoint.sh")));
        List<Object> args = v.list(p + ".args");
        c.put("args", args.isEmpty() ? list("prefect", "server", "services", "start") : args);
        c.put("workingDir", "/home/prefect");
        List<Object> env = list(
                env("HOME", "/home/prefect"),
                env("PREFECT_DEBUG_MODE", String.valueOf(v.bool(p + ".debug"))),
                env("PREFECT_LOGGING_SERVER_LEVEL", v.str(p + ".loggingLevel")),
                env("PREFECT_UI_ENABLED", "false"));
        env.addAll(blocks.database());
        env.addAll(blocks.backgroundServices());
        env.addAll(templatedList("global.prefect.env"));
        env.addAll(templatedList(p + ".env"));
        c.put("env", env);
        containerTail(p, c, false);
        return deployment(n.fullname() + "-background-services", BACKGROUND, p, spec, backgroundServiceAccountName(), c);
    }

    /** The service account background-services pods run as. */
    String backgroundServiceAccountName() {
        String name = v.str("backgroundServices.serviceAccount.name");
        if (v.bool("backgroundServices.serviceAccount.create")) {
            return name.isEmpty() ? n.fullname() + "-background-services" : name;
        }
        return name.isEmpty() ? n.serviceAccountName() : name;
    }

    private Map<String, Object> deployment(String name, String component, String p, Map<String, Object> spec,
                                           String serviceAccount, Map<String, Object> container) {
        spec.put("selector", map("matchLabels", n.selector(component)));
        Map<String, Object> podMeta = map();
        putIfSet(podMeta, "annotations", v.tplValue(p + ".podAnnotations", v.map(p + ".podAnnotations")));
        Map<String, Object> podLabels = n.standard();
        podLabels.put("app.kubernetes.io/component", component);
        podLabels.put("prefect-version", n.appVersion());
        podLabels.putAll(Tree.asMap(v.tplValue(p + ".podLabels", v.map(p + ".podLabels"))));
        podMeta.put("labels", podLabels);

        Map<String, Object> pod = map();
        putIfSet(pod, "imagePullSecrets", pullSecrets());
        pod.put("serviceAccountName", serviceAccount);
        if (n.pin().automountToken()) {
            pod.put("automountServiceAccountToken", v.bool(p + ".automountServiceAccountToken"));
        }
        for (String key : List.of("affinity", "nodeSelector", "tolerations")) {
            putIfSet(pod, key, v.tplValue(p + "." + key, v.get(p + "." + key)));
        }
        putIfSet(pod, "securityContext", v.map(p + ".podSecurityContext"));
        putIfSet(pod, "priorityClassName", v.str(p + ".priorityClassName"));
        if (v.get(p + ".terminationGracePeriodSeconds") != null) {
            pod.put("terminationGracePeriodSeconds", v.integer(p + ".terminationGracePeriodSeconds", 0, Integer.MAX_VALUE));
        }
        putIfSet(pod, "initContainers", templatedList(p + ".extraInitContainers"));
        List<Object> containers = list(container);
        containers.addAll(templatedList(p + ".extraContainers"));
        pod.put("containers", containers);
        List<Object> volumes = list(map("name", "scratch", "emptyDir", map()));
        if (v.bool("sqlite.enabled")) {
            volumes.add(map("name", "sqlite-storage", "persistentVolumeClaim",
                    map("claimName", n.fullname() + "-sqlite")));
        }
        volumes.addAll(templatedList(p + ".extraVolumes"));
        pod.put("volumes", volumes);

        spec.put("template", map("metadata", podMeta, "spec", pod));
        return map("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", n.metadata(name, n.labels(component), n.commonAnnotations()), "spec", spec);
    }

    private Map<String, Object> serverContainer(boolean sqlite) {
        Integer port = v.integer("service.targetPort", 1, 65535);
        int targetPort = port == null ? 4200 : port;
        Map<String, Object> c = map("name", "prefect-server", "image", image(),
                "imagePullPolicy", v.str("global.prefect.image.pullPolicy"));
        c.put("command", commandOr("server", list("/usr/bin/tini", "-g", "--", "/opt/prefect/entrypoint.sh")));
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
                env("PREFECT_UI_API_URL", n.uiApiUrl()),
                env("PREFECT_UI_STATIC_DIRECTORY", v.str("server.uiConfig.prefectUiStaticDirectory")));
        env.addAll(blocks.database());
        if (v.bool("server.basicAuth.enabled")) {
            String existing = v.str("server.basicAuth.existingSecret");
            env.add(existing.isEmpty()
                    ? env("PREFECT_SERVER_API_AUTH_STRING", v.str("server.basicAuth.authString"))
                    : secretEnv("PREFECT_SERVER_API_AUTH_STRING", existing, "auth-string"));
        }
        env.addAll(templatedList("global.prefect.env"));
        env.addAll(templatedList("server.env"));
        env.addAll(blocks.backgroundServices());
        c.put("env", env);
        containerTail("server", c, true);
        String base = v.str("server.apiBasePath");
        if (n.pin().probes() == PrefectVersions.Probes.STARTUP && v.bool("server.startupProbe.enabled")) {
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
        return c;
    }

    /** envFrom, resources, security context, lifecycle and volume mounts of a main container. */
    private void containerTail(String p, Map<String, Object> c, boolean uiBuild) {
        List<Object> envFrom = list();
        if (v.has(p + ".extraEnvVarsCM")) {
            envFrom.add(map("configMapRef", map("name", v.tpl(p + ".extraEnvVarsCM"))));
        }
        if (v.has(p + ".extraEnvVarsSecret")) {
            envFrom.add(map("secretRef", map("name", v.tpl(p + ".extraEnvVarsSecret"))));
        }
        putIfSet(c, "envFrom", envFrom);
        putIfSet(c, "resources", v.map(p + ".resources"));
        putIfSet(c, "securityContext", v.map(p + ".containerSecurityContext"));
        if (!uiBuild) {
            putIfSet(c, "lifecycle", v.map(p + ".lifecycle"));
        }
        List<Object> mounts = list(
                map("mountPath", "/home/prefect", "name", "scratch", "subPathExpr", "home"),
                map("mountPath", "/tmp", "name", "scratch", "subPathExpr", "tmp"));
        if (uiBuild) {
            mounts.add(map("mountPath", v.str("server.uiConfig.prefectUiStaticDirectory"), "name", "scratch",
                    "subPathExpr", "ui-build"));
        }
        if (v.bool("sqlite.enabled")) {
            mounts.add(map("mountPath", "/data", "name", "sqlite-storage"));
        }
        mounts.addAll(templatedList(p + ".extraVolumeMounts"));
        c.put("volumeMounts", mounts);
    }

    private List<Object> commandOr(String p, List<Object> fallback) {
        List<Object> command = v.list(p + ".command");
        return command.isEmpty() ? fallback : command;
    }

    private String probePath(String key, String fallback) {
        return n.pin().probes() != PrefectVersions.Probes.FIXED_PATHS && v.has(key) ? v.tpl(key) : fallback;
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

    List<Object> templatedList(String key) {
        return Tree.asList(v.tplValue(key, v.list(key)));
    }
}
