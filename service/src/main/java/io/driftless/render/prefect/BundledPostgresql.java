package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;

import java.util.List;
import java.util.Map;

import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/**
 * The bundled PostgreSQL of the modern chart as bitnami postgresql 12.12.10 renders it with the subchart's defaults
 * and the keys the builtin chart reads ({@code postgresql.auth.*}, {@code primary.initdb.user},
 * {@code primary.persistence.enabled/size}, {@code primary.service.ports.postgresql}, the image): names, Secret
 * and keys, and the StatefulSet field for field (affinity preset, probes, security contexts, the /dev/shm volume).
 */
final class BundledPostgresql {

    private static final int CONTAINER_PORT = 5432;
    private static final String MOUNT = "/bitnami/postgresql";

    private final ValueReader v;
    private final PrefectNames n;

    BundledPostgresql(ValueReader v, PrefectNames n) {
        this.v = v;
        this.n = n;
    }

    List<Map<String, Object>> render() {
        String pg = n.postgresqlFullname();
        Map<String, Object> labels = map("app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/managed-by", "Helm",
                "app.kubernetes.io/name", "postgresql",
                "app.kubernetes.io/version", "15.4.0",
                "helm.sh/chart", "postgresql-12.12.10");
        Map<String, Object> primary = Tree.merged(labels, map("app.kubernetes.io/component", "primary"));
        Map<String, Object> selector = map("app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/name", "postgresql", "app.kubernetes.io/component", "primary");
        String existingSecret = v.str("postgresql.auth.existingSecret");
        Map<String, Object> secretData = null;
        if (existingSecret.isEmpty()) {
            secretData = map("password", Tree.base64(v.str("postgresql.auth.password")));
            if (v.bool("postgresql.auth.enablePostgresUser")) {
                secretData.put("postgres-password", Tree.base64(v.str("postgresql.auth.postgresPassword")));
            }
        }
        PostgresObjects objects = new PostgresObjects(pg, n.releaseNamespace(), pg + "-hl", labels, primary, selector,
                v.integer("postgresql.primary.service.ports.postgresql", 1, 65535),
                "docker.io/" + v.str("postgresql.image.repository") + ":" + v.str("postgresql.image.tag"),
                secretData, existingSecret.isEmpty() ? pg : existingSecret, "password", null,
                v.str("postgresql.auth.username"), v.str("postgresql.auth.database"),
                v.str("postgresql.primary.initdb.user"), Map.of(),
                v.bool("postgresql.primary.persistence.enabled"), v.str("postgresql.primary.persistence.size"));
        return objects.render(statefulSet(objects));
    }

    private Map<String, Object> statefulSet(PostgresObjects pg) {
        String user = pg.username();
        boolean admin = v.bool("postgresql.auth.enablePostgresUser");
        Map<String, Object> adminPassword = map("secretKeyRef", map("name", pg.secretName(),
                "key", "postgres-password"));
        List<Object> env = list(
                map("name", "BITNAMI_DEBUG", "value", "false"),
                map("name", "POSTGRESQL_PORT_NUMBER", "value", String.valueOf(CONTAINER_PORT)),
                map("name", "POSTGRESQL_VOLUME_DIR", "value", MOUNT),
                map("name", "PGDATA", "value", MOUNT + "/data"));
        if (user.isEmpty() || "postgres".equals(user)) {
            env.add(admin ? map("name", "POSTGRES_PASSWORD", "valueFrom", adminPassword)
                    : map("name", "ALLOW_EMPTY_PASSWORD", "value", "true"));
        } else {
            env.add(map("name", "POSTGRES_USER", "value", user));
            env.add(map("name", "POSTGRES_PASSWORD", "valueFrom",
                    map("secretKeyRef", map("name", pg.secretName(), "key", pg.passwordKey()))));
            if (admin) {
                env.add(map("name", "POSTGRES_POSTGRES_PASSWORD", "valueFrom", adminPassword));
            }
        }
        if (!pg.database().isEmpty()) {
            env.add(map("name", "POSTGRES_DATABASE", "value", pg.database()));
        }
        if (!pg.initdbUser().isEmpty()) {
            env.add(map("name", "POSTGRES_INITSCRIPTS_USERNAME", "value", pg.initdbUser()));
        }
        for (String[] e : new String[][] {{"POSTGRESQL_ENABLE_LDAP", "no"}, {"POSTGRESQL_ENABLE_TLS", "no"},
                {"POSTGRESQL_LOG_HOSTNAME", "false"}, {"POSTGRESQL_LOG_CONNECTIONS", "false"},
                {"POSTGRESQL_LOG_DISCONNECTIONS", "false"}, {"POSTGRESQL_PGAUDIT_LOG_CATALOG", "off"},
                {"POSTGRESQL_CLIENT_MIN_MESSAGES", "error"}, {"POSTGRESQL_SHARED_PRELOAD_LIBRARIES", "pgaudit"}}) {
            env.add(map("name", e[0], "value", e[1]));
        }
        String ready = "exec pg_isready -U \"" + (user.isEmpty() ? "postgres" : user) + "\""
                + (pg.database().isEmpty() ? "" : " -d \"dbname=" + pg.database() + "\"")
                + " -h 127.0.0.1 -p " + CONTAINER_PORT;
        List<Object> mounts = list(map("name", "dshm", "mountPath", "/dev/shm"));
        List<Object> volumes = list(map("name", "dshm", "emptyDir", map("medium", "Memory")));
        if (pg.persistence()) {
            mounts.add(map("name", "data", "mountPath", MOUNT));
        } else {
            volumes.add(map("name", "data", "emptyDir", map()));
        }
        Map<String, Object> container = map(
                "name", "postgresql",
                "image", pg.image(),
                "imagePullPolicy", "IfNotPresent",
                "securityContext", map("allowPrivilegeEscalation", false, "capabilities", map("drop", list("ALL")),
                        "runAsGroup", 0, "runAsNonRoot", true, "runAsUser", 1001,
                        "seccompProfile", map("type", "RuntimeDefault")),
                "env", env,
                "ports", list(map("name", "tcp-postgresql", "containerPort", CONTAINER_PORT)),
                "livenessProbe", probe(30, list("/bin/sh", "-c", ready)),
                "readinessProbe", probe(5, list("/bin/sh", "-c", "-e", ready + "\n"
                        + (v.str("postgresql.image.repository").contains("bitnami/")
                        ? "[ -f /opt/bitnami/postgresql/tmp/.initialized ] || [ -f /bitnami/postgresql/.initialized ]\n"
                        : ""))),
                "resources", map("limits", map(), "requests", map("cpu", "250m", "memory", "256Mi")),
                "volumeMounts", mounts);
        Map<String, Object> podSpec = map(
                "affinity", map("podAffinity", null, "podAntiAffinity", map(
                        "preferredDuringSchedulingIgnoredDuringExecution", list(map("podAffinityTerm", map(
                                "labelSelector", map("matchLabels", pg.selector()),
                                "topologyKey", "kubernetes.io/hostname"), "weight", 1))),
                        "nodeAffinity", null),
                "serviceAccountName", "default",
                "securityContext", map("fsGroup", 1001),
                "hostNetwork", false,
                "hostIPC", false,
                "containers", list(container),
                "volumes", volumes);
        Map<String, Object> spec = map("replicas", 1, "serviceName", pg.headlessName(),
                "updateStrategy", map("rollingUpdate", map(), "type", "RollingUpdate"),
                "selector", map("matchLabels", pg.selector()),
                "template", map("metadata", map("name", pg.fullname(), "labels", pg.podLabels()), "spec", podSpec));
        if (pg.persistence()) {
            spec.put("volumeClaimTemplates", list(map("apiVersion", "v1", "kind", "PersistentVolumeClaim",
                    "metadata", map("name", "data"),
                    "spec", map("accessModes", list("ReadWriteOnce"), "resources", map("requests",
                            map("storage", pg.size().isEmpty() ? "8Gi" : pg.size()))))));
        }
        return map("apiVersion", "apps/v1", "kind", "StatefulSet",
                "metadata", pg.metadata(pg.fullname(), pg.podLabels()), "spec", spec);
    }

    private static Map<String, Object> probe(int initialDelay, List<Object> command) {
        return map("failureThreshold", 6, "initialDelaySeconds", initialDelay, "periodSeconds", 10,
                "successThreshold", 1, "timeoutSeconds", 5, "exec", map("command", command));
    }
}
