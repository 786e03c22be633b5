package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.driftless.render.ValueReader;

/**
 * The bundled PostgreSQL: Driftless's own single-instance StatefulSet, keeping the names, ports,
 * Secret and key of upstream's subchart so that hostnames and connection strings are identical.
 */
final class BundledPostgresql {

    private final ValueReader v;
    private final PrefectNames n;

    BundledPostgresql(ValueReader v, PrefectNames n) {
        this.v = v;
        this.n = n;
    }

    List<Map<String, Object>> render() {
        String pg = n.postgresqlFullname();
        String ns = n.releaseNamespace();
        Map<String, Object> labels = labels();
        Map<String, Object> primary = withComponent(labels);
        Map<String, Object> selector = map("app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/name", "postgresql", "app.kubernetes.io/component", "primary");
        int port = v.integer("postgresql.primary.service.ports.postgresql");
        String existingSecret = v.str("postgresql.auth.existingSecret");
        String secretName = existingSecret.isEmpty() ? pg : existingSecret;

        Map<String, Object> secretData = map("password", b64(v.str("postgresql.auth.password")));
        if (v.bool("postgresql.auth.enablePostgresUser")) {
            secretData.put("postgres-password", b64(v.str("postgresql.auth.postgresPassword")));
        }
        Map<String, Object> secret = map("apiVersion", "v1", "kind", "Secret",
                "metadata", map("name", pg, "namespace", ns, "labels", labels),
                "type", "Opaque", "data", secretData);

        Map<String, Object> headless = map("apiVersion", "v1", "kind", "Service",
                "metadata", map("name", pg + "-hl", "namespace", ns, "labels", primary,
                        "annotations", map("service.alpha.kubernetes.io/tolerate-unready-endpoints", "true")),
                "spec", map("type", "ClusterIP", "clusterIP", "None", "publishNotReadyAddresses", true,
                        "ports", list(map("name", "tcp-postgresql", "port", port, "targetPort", "tcp-postgresql")),
                        "selector", selector));
        Map<String, Object> service = map("apiVersion", "v1", "kind", "Service",
                "metadata", map("name", pg, "namespace", ns, "labels", primary),
                "spec", map("type", "ClusterIP", "sessionAffinity", "None",
                        "ports", list(map("name", "tcp-postgresql", "port", port, "targetPort", "tcp-postgresql",
                                "nodePort", null)),
                        "selector", selector));

        Map<String, Object> container = map(
                "name", "postgresql",
                "image", "docker.io/" + v.str("postgresql.image.repository") + ":" + v.str("postgresql.image.tag"),
                "imagePullPolicy", "IfNotPresent",
                "securityContext", map("runAsUser", 1001, "runAsNonRoot", true, "allowPrivilegeEscalation", false,
                        "capabilities", map("drop", list("ALL"))),
                "env", list(
                        map("name", "POSTGRESQL_PORT_NUMBER", "value", String.valueOf(port)),
                        map("name", "POSTGRESQL_VOLUME_DIR", "value", "/bitnami/postgresql"),
                        map("name", "PGDATA", "value", "/bitnami/postgresql/data"),
                        map("name", "POSTGRES_USER", "value", v.str("postgresql.auth.username")),
                        map("name", "POSTGRES_PASSWORD", "valueFrom",
                                map("secretKeyRef", map("name", secretName, "key", "password"))),
                        map("name", "POSTGRES_DATABASE", "value", v.str("postgresql.auth.database")),
                        map("name", "POSTGRES_INITSCRIPTS_USERNAME", "value", v.str("postgresql.primary.initdb.user"))),
                "ports", list(map("name", "tcp-postgresql", "containerPort", port)),
                "readinessProbe", map("exec", map("command", list("/bin/sh", "-c",
                        "exec pg_isready -U \"" + v.str("postgresql.auth.username") + "\" -d \"dbname="
                                + v.str("postgresql.auth.database") + "\" -h 127.0.0.1 -p " + port)),
                        "initialDelaySeconds", 5, "periodSeconds", 10, "timeoutSeconds", 5, "failureThreshold", 6),
                "resources", map("requests", map("cpu", "250m", "memory", "256Mi")),
                "volumeMounts", list(map("name", "data", "mountPath", "/bitnami/postgresql")));
        Map<String, Object> podSpec = map("serviceAccountName", "default",
                "securityContext", map("fsGroup", 1001),
                "containers", list(container));
        Map<String, Object> spec = map("replicas", 1, "serviceName", pg + "-hl",
                "updateStrategy", map("type", "RollingUpdate"),
                "selector", map("matchLabels", selector),
                "template", map("metadata", map("name", pg, "labels", primary), "spec", podSpec));
        if (v.bool("postgresql.primary.persistence.enabled")) {
            spec.put("volumeClaimTemplates", list(map("metadata", map("name", "data"),
                    "spec", map("accessModes", list("ReadWriteOnce"),
                            "resources", map("requests", map("storage", sizeOrDefault()))))));
        } else {
            podSpec.put("volumes", list(map("name", "data", "emptyDir", map())));
        }
        Map<String, Object> statefulSet = map("apiVersion", "apps/v1", "kind", "StatefulSet",
                "metadata", map("name", pg, "namespace", ns, "labels", primary), "spec", spec);
        return existingSecret.isEmpty() ? List.of(secret, headless, service, statefulSet)
                : List.of(headless, service, statefulSet);
    }

    private String sizeOrDefault() {
        String size = v.str("postgresql.primary.persistence.size");
        return size.isEmpty() ? "8Gi" : size;
    }

    private Map<String, Object> labels() {
        return map("app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/managed-by", "Helm",
                "app.kubernetes.io/name", "postgresql",
                "app.kubernetes.io/version", "15.4.0",
                "helm.sh/chart", "postgresql-12.12.10");
    }

    private static Map<String, Object> withComponent(Map<String, Object> labels) {
        Map<String, Object> m = map();
        m.putAll(labels);
        m.put("app.kubernetes.io/component", "primary");
        return m;
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
