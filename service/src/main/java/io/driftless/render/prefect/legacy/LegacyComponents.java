package io.driftless.render.prefect.legacy;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;
import static io.driftless.render.Tree.putIfSet;
import static io.driftless.render.prefect.legacy.LegacyEnv.env;

import java.util.List;
import java.util.Map;

import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/** The server components: apollo, graphql, hasura, towel and ui, with their Services and Ingresses. */
final class LegacyComponents {

    private static final String GRAPHQL_PORT = "4201";

    private final ValueReader v;
    private final LegacyNames n;
    private final LegacyEnv e;

    LegacyComponents(ValueReader v, LegacyNames n, LegacyEnv e) {
        this.v = v;
        this.n = n;
        this.e = e;
    }

    Map<String, Object> apollo() {
        List<Object> env = list(
                env("HASURA_API_URL", e.hasuraApiUrl()),
                env("PREFECT_API_URL", "http://" + n.host("graphql") + ":" + GRAPHQL_PORT + "/graphql/"),
                env("PREFECT_API_HEALTH_URL", "http://" + n.host("graphql") + ":" + GRAPHQL_PORT + "/health"),
                env("GRAPHQL_SERVICE_HOST", "http://" + n.host("graphql")),
                env("GRAPHQL_SERVICE_PORT", GRAPHQL_PORT));
        env.addAll(e.envConfig());
        env.addAll(v.list("apollo.env"));
        Map<String, Object> c = container("apollo", "apollo", n.image("apollo", n.serverTag("apollo")),
                list("bash", "-c", "/apollo/post-start.sh && npm run serve"), env);
        httpPort(c, 4200, "/.well-known/apollo/server-health");
        return deployment("apollo", "apollo", c, null);
    }

    Map<String, Object> graphql() {
        String image = n.image("graphql", n.serverTag("graphql"));
        List<Object> mainEnv = list(
                env("PREFECT_SERVER_DB_CMD", "echo 'DATABASE MIGRATIONS SKIPPED'"),
                env("PREFECT_SERVER__DATABASE__CONNECTION_URL", e.connectionUrl()),
                map("name", "PGPASSWORD", "valueFrom", e.passwordRef()));
        if (e.flat()) {
            mainEnv.add(env("PREFECT_SERVER__HASURA__HOST", n.host("hasura")));
        }
        mainEnv.addAll(e.envConfig());
        mainEnv.addAll(v.list("graphql.env"));
        Map<String, Object> c = container("graphql", "graphql", image,
                list("bash", "-c", "python src/prefect_server/services/graphql/server.py"), mainEnv);
        httpPort(c, 4201, "/health");

        Map<String, Object> init = null;
        if (e.flat() || v.bool("graphql.init.enabled")) {
            List<Object> initEnv = list(
                    env("PREFECT_SERVER__DATABASE__CONNECTION_URL", e.connectionUrl().replace("%40", "@")),
                    map("name", "PGPASSWORD", "valueFrom", e.passwordRef()));
            if (e.flat()) {
                initEnv.add(env("PREFECT_SERVER__HASURA__HOST", n.host("hasura")));
            }
            initEnv.addAll(e.envConfig());
            initEnv.addAll(v.list("graphql.init.env"));
            init = map("name", "db-upgrade", "image", image,
                    "imagePullPolicy", v.str("graphql.image.pullPolicy"),
                    "command", list("bash", "-c", "/usr/local/bin/prefect-server database upgrade --yes"),
                    "env", initEnv);
            putIfSet(init, "resources", v.map("graphql.init.resources"));
            putIfSet(init, "securityContext", v.map(e.flat() ? "graphql.securityContext" : "graphql.init.securityContext"));
        }
        return deployment("graphql", "graphql", c, init);
    }

    Map<String, Object> hasura() {
        List<Object> env = list(
                env("HASURA_GRAPHQL_DATABASE_URL", e.connectionUrl()),
                map("name", "PGPASSWORD", "valueFrom", e.passwordRef()),
                env("HASURA_GRAPHQL_ENABLE_CONSOLE", "true"),
                env("HASURA_GRAPHQL_V1_BOOLEAN_NULL_COLLAPSE", "true"),
                env("HASURA_GRAPHQL_SERVER_PORT", "3000"));
        env.addAll(v.list("hasura.env"));
        // upstream writes the image unquoted and does not default the tag
        Map<String, Object> c = container("hasura", "hasura", n.image("hasura", v.str("hasura.image.tag")),
                list("graphql-engine", "serve"), env);
        httpPort(c, 3000, "/healthz");
        return deployment("hasura", "hasura", c, null);
    }

    Map<String, Object> towel() {
        List<Object> env = list(env("PREFECT_SERVER__HASURA__HOST", n.host("hasura")));
        env.addAll(e.envConfig());
        env.addAll(v.list("towel.env"));
        Map<String, Object> c = container("towel", "towel", n.image("towel", n.serverTag("towel")),
                list("python", "src/prefect_server/services/towel/__main__.py"), env);
        return deployment("towel", "towel", c, null);
    }

    Map<String, Object> ui() {
        List<Object> env = list(env("PREFECT_SERVER__APOLLO_URL", v.get("ui.apolloApiUrl")));
        env.addAll(v.list("ui.env"));
        Map<String, Object> c = container("ui", "ui", n.image("ui", n.uiTag()), list("/intercept.sh"), env);
        httpPort(c, 8080, "/healthz");
        return deployment("ui", "ui", c, null);
    }

    /** The Service of apollo, graphql, hasura or ui: one {@code http} port to the container's {@code http}. */
    Map<String, Object> service(String component) {
        Object port = v.get(component + ".service.port");
        if ("ui".equals(component) && !Tree.isSet(port)) {
            port = v.get("ui.port");
        }
        return map("apiVersion", "v1", "kind", "Service",
                "metadata", n.metadata(n.component(component), component, component),
                "spec", map("type", v.str(component + ".service.type"),
                        "ports", list(map("port", port, "targetPort", "http", "protocol", "TCP", "name", "http")),
                        "selector", n.selector(component)));
    }

    /** Ingress of ui or apollo: one rule per host to the component's Service. */
    Map<String, Object> ingress(String component) {
        String key = component + ".ingress";
        Object port = v.get(component + ".service.port");
        List<Object> rules = null;
        List<Object> hosts = v.list(key + ".hosts");
        if (!hosts.isEmpty()) {
            rules = list();
            for (Object host : hosts) {
                rules.add(map("host", ValueReader.scalar(host), "http", map("paths", list(map(
                        "path", v.str(key + ".path"), "pathType", "Prefix",
                        "backend", map("service", map("name", n.component(component),
                                "port", map("number", port))))))));
            }
        }
        Map<String, Object> metadata = map("name", n.component(component));
        putIfSet(metadata, "annotations", v.map(key + ".annotations"));
        metadata.put("labels", Tree.merged(n.labels(component), v.map(key + ".labels")));
        Map<String, Object> spec = map();
        putIfSet(spec, "ingressClassName", v.str(key + ".ingressClassName"));
        spec.put("rules", rules);
        putIfSet(spec, "tls", v.tplValue(key + ".tls", v.list(key + ".tls")));
        return map("apiVersion", "networking.k8s.io/v1", "kind", "Ingress", "metadata", metadata, "spec", spec);
    }

    /** A container with the component's pull policy, resources and (Driftless: unlike upstream) securityContext. */
    Map<String, Object> container(String key, String name, String image, List<Object> command, List<Object> env) {
        Map<String, Object> c = map("name", name, "image", image, "imagePullPolicy", v.str(key + ".image.pullPolicy"),
                "command", command, "env", env);
        putIfSet(c, "resources", v.map(key + ".resources"));
        putIfSet(c, "securityContext", v.map(key + ".securityContext"));
        return c;
    }

    private static void httpPort(Map<String, Object> container, int port, String probePath) {
        container.put("ports", list(map("name", "http", "containerPort", port, "protocol", "TCP")));
        // two separate trees: a shared subtree would alias between the probes
        container.put("livenessProbe", map("httpGet", map("path", probePath, "port", "http")));
        container.put("readinessProbe", map("httpGet", map("path", probePath, "port", "http")));
    }

    /** The Deployment shape every component shares. */
    Map<String, Object> deployment(String key, String component, Map<String, Object> container,
                                   Map<String, Object> initContainer) {
        Map<String, Object> podMeta = map("labels", n.selector(component));
        putIfSet(podMeta, "annotations", v.map(key + ".podAnnotations"));
        Map<String, Object> pod = map();
        putIfSet(pod, "imagePullSecrets", n.imagePullSecrets(key));
        pod.put("serviceAccountName", n.serviceAccountName());
        putIfSet(pod, "securityContext", v.map(key + ".podSecurityContext"));
        if (initContainer != null) {
            pod.put("initContainers", list(initContainer));
        }
        pod.put("containers", list(container));
        putIfSet(pod, "nodeSelector", v.map(key + ".nodeSelector"));
        putIfSet(pod, "affinity", v.map(key + ".affinity"));
        putIfSet(pod, "tolerations", v.list(key + ".tolerations"));
        Map<String, Object> spec = map("replicas", v.get(key + ".replicas"));
        putIfSet(spec, "strategy", v.map(key + ".strategy"));
        spec.put("selector", map("matchLabels", n.selector(component)));
        spec.put("template", map("metadata", podMeta, "spec", pod));
        return map("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", n.metadata(n.component(component), component, key), "spec", spec);
    }
}
