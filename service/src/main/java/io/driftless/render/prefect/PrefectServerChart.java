package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;
import static io.driftless.render.Tree.putIfSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.driftless.render.Chart;
import io.driftless.render.Template;
import io.driftless.render.Tree;
import io.driftless.render.ValueReader;
import io.driftless.render.Values;

/** The modern Prefect server chart ({@code prefect-server}), rendered natively. */
public final class PrefectServerChart implements Chart {

    private static final Map<String, Object> DEFAULTS = Values.fromResource(PrefectServerChart.class, "values.yaml");

    @Override
    public String name() {
        return PrefectNames.CHART;
    }

    @Override
    public String defaultVersion() {
        return PrefectVersions.DEFAULT_VERSION;
    }

    @Override
    public List<String> versions() {
        return PrefectVersions.published();
    }

    @Override
    public boolean reproduces(String version) {
        return PrefectVersions.has(version);
    }

    @Override
    public Map<String, Object> defaults(String version) {
        PrefectVersions.Pin pin = PrefectVersions.pin(version);
        Map<String, Object> d = Values.deepCopy(DEFAULTS);
        Values.merge(d, map("global", map("prefect", map("image", map("prefectTag", pin.prefectTag())))));
        if (pin.probes() != PrefectVersions.Probes.STARTUP) { // the values of the older probe templates
            Map<String, Object> server = io.driftless.render.Tree.asMap(d.get("server"));
            server.remove("startupProbe");
            for (String probe : java.util.List.of("livenessProbe", "readinessProbe")) {
                Map<String, Object> p = io.driftless.render.Tree.asMap(server.get(probe));
                p.put("enabled", false);
                if (pin.probes() == PrefectVersions.Probes.FIXED_PATHS) {
                    p.remove("path");
                }
            }
        }
        return d;
    }

    @Override
    public Rendered render(Release release, Values values) {
        PrefectVersions.Pin pin = PrefectVersions.pin(release.chartVersion());
        ValueReader v = new ValueReader(values, new Template.Scope(release.name(), release.namespace(),
                PrefectNames.CHART, release.chartVersion(), pin.appVersion()));
        PrefectNames n = new PrefectNames(v, release, pin);
        List<String> warnings = new ArrayList<>();
        PrefectValidation.check(v, defaults(release.chartVersion()), release.capabilities(), warnings);

        PrefectWorkloads workloads = new PrefectWorkloads(v, n);
        boolean separate = v.bool("backgroundServices.runAsSeparateDeployment");
        List<Map<String, Object>> out = new ArrayList<>();
        if (v.bool("serviceAccount.create")) {
            out.add(serviceAccount(v, n, n.serviceAccountName(), "server", "serviceAccount"));
        }
        if (separate && v.bool("backgroundServices.serviceAccount.create")) {
            out.add(serviceAccount(v, n, workloads.backgroundServiceAccountName(), PrefectWorkloads.BACKGROUND,
                    "backgroundServices.serviceAccount"));
        }
        if (v.bool("postgresql.enabled")) {
            out.addAll(new BundledPostgresql(v, n).render());
        }
        if (v.bool("redis.enabled")) {
            if (!n.pin().reproducesBundledRedis()) {
                throw new io.driftless.render.NotReproduced("redis.enabled: prefect-server " + release.chartVersion()
                        + " bundles bitnami redis " + n.pin().redisChart() + ", which the builtin chart does not "
                        + "reproduce (it renders redis 28.0.x, bundled from 2026.8.7211611 on)");
            }
            out.addAll(new BundledRedis(v, n, release.lookup()).render(warnings));
        }
        if (connectionSecretRendered(v, warnings)) {
            out.add(connectionSecret(v, n));
        }
        if (v.bool("sqlite.enabled") && v.bool("sqlite.persistence.enabled")) {
            out.add(sqlitePvc(v, n));
        }
        out.add(service(v, n));
        out.add(workloads.server());
        if (separate) {
            out.add(workloads.backgroundServices());
        }
        if (v.bool("server.autoscaling.enabled") && v.has("server.resources.requests") && !v.bool("sqlite.enabled")) {
            out.add(hpa(v, n));
        }
        if (v.bool("ingress.enabled")) {
            out.add(ingress(v, n));
        }
        out.addAll(new GatewayRoutes(v, n).render());
        if (MigrationJob.rendered(v)) {
            out.add(new MigrationJob(v, n, workloads).render());
        }
        String notes = new PrefectNotes(v, n, new GatewayRoutes(v, n)).text();
        v.throwIfErrors();
        return new Rendered(out, warnings, Map.of(), notes);
    }

    private static boolean connectionSecretRendered(ValueReader v, List<String> warnings) {
        if (!v.bool("secret.create") || v.bool("sqlite.enabled")) {
            return false;
        }
        boolean noFields = List.of("username", "password", "host", "port", "database").stream()
                .noneMatch(f -> v.has("secret." + f));
        if (!v.bool("postgresql.enabled") && v.has("postgresql.auth.existingSecret") && noFields) {
            // upstream's README SSL example: the connection string lives in an existing Secret
            warnings.add("secret.create is true but no secret.* connection fields are set; using the existing Secret "
                    + v.str("postgresql.auth.existingSecret") + " (key connection-string) named by "
                    + "postgresql.auth.existingSecret. Set secret.create: false to say so explicitly.");
            return false;
        }
        return !v.has("externalDatabase.connectionString") && !v.has("externalDatabase.connectionStringSecretKey")
                && !PrefectEnv.usesDatabaseComponents(v);
    }

    private static Map<String, Object> serviceAccount(ValueReader v, PrefectNames n, String name, String component,
                                                      String key) {
        Map<String, Object> annotations = Tree.merged(n.commonAnnotations(),
                Tree.asMap(v.tplValue(key + ".annotations", v.map(key + ".annotations"))));
        Map<String, Object> account = map("apiVersion", "v1", "kind", "ServiceAccount",
                "metadata", n.metadata(name, n.labels(component), annotations));
        if (n.pin().automountToken()) {
            account.put("automountServiceAccountToken", v.bool(key + ".automountServiceAccountToken"));
        }
        return account;
    }

    private static Map<String, Object> connectionSecret(ValueReader v, PrefectNames n) {
        String user;
        String password;
        String host;
        String port;
        String database;
        if (v.bool("postgresql.enabled")) {
            user = firstSet(v, "global.postgresql.auth.username", "postgresql.global.postgresql.auth.username",
                    "postgresql.auth.username");
            password = required(v, "postgresql.auth.password");
            host = n.postgresqlFullname() + "." + n.releaseNamespace();
            port = firstSet(v, "global.postgresql.service.ports.postgresql",
                    "postgresql.global.postgresql.service.ports.postgresql", "postgresql.primary.service.ports.postgresql");
            database = required(v, "postgresql.auth.database");
        } else {
            user = required(v, "secret.username");
            password = required(v, "secret.password");
            host = required(v, "secret.host");
            port = required(v, "secret.port");
            database = required(v, "secret.database");
        }
        String url = "postgresql+asyncpg://" + user + ":" + password + "@" + host + ":" + port + "/" + database;
        return map("apiVersion", "v1", "kind", "Secret",
                "metadata", n.metadata(n.connectionSecretName(), n.labels("server"), n.commonAnnotations()),
                "type", "Opaque", "data", map("connection-string", Tree.base64(url)));
    }

    /** Helm copies the parent's {@code global} over the subchart's, so the top-level key wins. */
    private static String firstSet(ValueReader v, String... keys) {
        for (String key : keys) {
            if (v.has(key)) {
                return v.str(key);
            }
        }
        return "";
    }

    private static String required(ValueReader v, String key) {
        if (!v.has(key)) {
            v.fail(key, "is required");
        }
        return v.str(key);
    }

    private static Map<String, Object> sqlitePvc(ValueReader v, PrefectNames n) {
        Map<String, Object> spec = map();
        putIfSet(spec, "storageClassName", v.str("sqlite.persistence.storageClassName"));
        spec.put("accessModes", list("ReadWriteOnce"));
        spec.put("resources", map("requests", map("storage", v.str("sqlite.persistence.size"))));
        return map("apiVersion", "v1", "kind", "PersistentVolumeClaim",
                "metadata", map("name", n.fullname() + "-sqlite", "namespace", n.releaseNamespace()),
                "spec", spec);
    }

    private static Map<String, Object> service(ValueReader v, PrefectNames n) {
        String type = v.str("service.type");
        Map<String, Object> spec = map("type", type);
        if ("ClusterIP".equals(type)) {
            putIfSet(spec, "clusterIP", v.str("service.clusterIP"));
        }
        if ("NodePort".equals(type)) {
            spec.put("externalTrafficPolicy", v.str("service.externalTrafficPolicy"));
        }
        putIfSet(spec, "ipFamilyPolicy", v.str("service.ipFamilyPolicy"));
        putIfSet(spec, "ipFamilies", v.list("service.ipFamilies"));
        Map<String, Object> port = map("name", v.str("service.portName"), "port", portValue(v.get("service.port")),
                "protocol", "TCP", "targetPort", portValue(v.get("service.targetPort")));
        putIfSet(port, "appProtocol", v.str("service.appProtocol"));
        Object nodePort = portValue(v.get("service.nodePort"));
        if ("ClusterIP".equals(type)) {
            port.put("nodePort", null);
        } else if (("NodePort".equals(type) || "LoadBalancer".equals(type)) && v.truthy("service.nodePort")) {
            port.put("nodePort", nodePort);
        }
        List<Object> ports = list(port);
        for (Object extra : v.list("service.extraPorts")) {
            Map<String, Object> e = Tree.asMap(extra);
            Map<String, Object> p = map("name", e.get("name"), "protocol", "TCP", "port", portValue(e.get("port")),
                    "targetPort", portValue(e.get("targetPort")));
            if ("ClusterIP".equals(type)) {
                p.put("nodePort", null);
            } else if ("NodePort".equals(type) && Tree.isSet(e.get("nodePort"))) {
                p.put("nodePort", portValue(e.get("nodePort")));
            }
            ports.add(p);
        }
        spec.put("ports", ports);
        spec.put("selector", n.selector("server"));
        Map<String, Object> annotations = Tree.merged(
                Tree.asMap(v.tplValue("service.annotations", v.map("service.annotations"))),
                n.commonAnnotations());
        return map("apiVersion", "v1", "kind", "Service",
                "metadata", n.metadata(n.fullname(), n.labels("server"), annotations), "spec", spec);
    }

    /** Upstream writes ports unquoted, so a numeric string becomes a number; names stay strings. */
    static Object portValue(Object value) {
        if (value instanceof String s && s.matches("\\d{1,9}")) { // a longer one is refused by the validation
            return Integer.parseInt(s);
        }
        return value;
    }

    private static Map<String, Object> hpa(ValueReader v, PrefectNames n) {
        List<Object> metrics = list();
        if (v.truthy("server.autoscaling.targetCPU")) {
            metrics.add(map("type", "Resource", "resource", map("name", "cpu",
                    "target", map("type", "Utilization", "averageUtilization", v.integer("server.autoscaling.targetCPU", 1, Integer.MAX_VALUE)))));
        }
        if (v.truthy("server.autoscaling.targetMemory")) {
            metrics.add(map("type", "Resource", "resource", map("name", "memory",
                    "target", map("type", "Utilization", "averageUtilization", v.integer("server.autoscaling.targetMemory", 1, Integer.MAX_VALUE)))));
        }
        Map<String, Object> labels = n.standard();
        labels.put("prefect-version", n.appVersion());
        labels.putAll(n.commonLabels());
        return map("apiVersion", "autoscaling/v2", "kind", "HorizontalPodAutoscaler",
                "metadata", n.metadata(n.fullname(), labels, n.commonAnnotations()),
                "spec", map("scaleTargetRef", map("apiVersion", "apps/v1", "kind", "Deployment", "name", n.fullname()),
                        "minReplicas", v.integer("server.autoscaling.minReplicas", 1, Integer.MAX_VALUE),
                        "maxReplicas", v.integer("server.autoscaling.maxReplicas", 1, Integer.MAX_VALUE),
                        "metrics", metrics));
    }

    private static Map<String, Object> ingress(ValueReader v, PrefectNames n) {
        Object servicePort = v.get("ingress.servicePort");
        Map<String, Object> port = servicePort instanceof Number num ? map("number", num.intValue())
                : map("name", String.valueOf(servicePort));
        Map<String, Object> backend = map("service", map("name", n.fullname(), "port", port));
        List<Object> rules = list();
        String host = v.str("ingress.host.hostname");
        if (!host.isEmpty()) {
            List<Object> paths = v.list("ingress.extraPaths");
            paths.add(map("path", v.str("ingress.host.path"), "pathType", v.str("ingress.host.pathType"),
                    "backend", backend));
            rules.add(map("host", host, "http", map("paths", paths)));
        }
        for (Object extra : v.list("ingress.extraHosts")) {
            Map<String, Object> e = Tree.asMap(extra);
            rules.add(map("host", e.get("name"), "http", map("paths", list(map(
                    "path", e.getOrDefault("path", "/"),
                    "pathType", e.getOrDefault("pathType", "ImplementationSpecific"),
                    "backend", backend)))));
        }
        rules.addAll(Tree.asList(v.tplValue("ingress.extraRules", v.list("ingress.extraRules"))));
        Map<String, Object> spec = map();
        putIfSet(spec, "ingressClassName", v.str("ingress.className"));
        spec.put("rules", rules);
        Map<String, Object> annotations = Tree.asMap(
                v.tplValue("ingress.annotations", v.map("ingress.annotations")));
        boolean certManager = annotations.containsKey("cert-manager.io/cluster-issuer")
                || annotations.containsKey("cert-manager.io/issuer") || annotations.containsKey("kubernetes.io/tls-acme");
        List<Object> tls = list();
        if (v.bool("ingress.tls") && (certManager || v.bool("ingress.selfSigned"))) {
            tls.add(map("hosts", list(host), "secretName", host + "-tls"));
        }
        tls.addAll(Tree.asList(v.tplValue("ingress.extraTls", v.list("ingress.extraTls"))));
        putIfSet(spec, "tls", tls);
        return map("apiVersion", "networking.k8s.io/v1", "kind", "Ingress",
                "metadata", n.metadata(n.fullname(), n.labels("server"), Tree.merged(annotations, n.commonAnnotations())),
                "spec", spec);
    }
}
