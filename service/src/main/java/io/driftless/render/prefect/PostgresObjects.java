package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.driftless.render.Tree;

/**
 * Driftless's own single-instance PostgreSQL (StatefulSet, headless and client Services, Secret, init
 * scripts), built under the names, ports, Secret and keys of upstream's bitnami subchart so that hostnames
 * and connection strings are identical. Both Prefect charts bundle it.
 *
 * @param labels          labels of the Secret and ConfigMap
 * @param podLabels       labels of the Services, StatefulSet and pods
 * @param selector        the Services' and StatefulSet's selector
 * @param secretData      keys of the Secret this renders, or null when an existing Secret is used
 * @param secretName      the Secret the container reads
 * @param passwordKey     its key holding the user's password
 * @param adminPasswordKey its key holding the postgres admin password, or null
 * @param initScripts     files for /docker-entrypoint-initdb.d (a ConfigMap {@code <fullname>-init-scripts}), maybe empty
 */
public record PostgresObjects(String fullname, String namespace, String headlessName, Map<String, Object> labels,
                              Map<String, Object> podLabels, Map<String, Object> selector, int port, String image,
                              Map<String, Object> secretData, String secretName, String passwordKey,
                              String adminPasswordKey, String username,
                              String database, String initdbUser, Map<String, Object> initScripts,
                              boolean persistence, String size) {

    public List<Map<String, Object>> render() {
        return render(statefulSet());
    }

    /** The Secret, init scripts and Services, then this StatefulSet (a chart's own subchart version of it). */
    public List<Map<String, Object>> render(Map<String, Object> statefulSet) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (secretData != null) {
            out.add(map("apiVersion", "v1", "kind", "Secret",
                    "metadata", metadata(fullname, labels), "type", "Opaque", "data", secretData));
        }
        if (!initScripts.isEmpty()) {
            out.add(map("apiVersion", "v1", "kind", "ConfigMap",
                    "metadata", metadata(fullname + "-init-scripts", labels), "data", initScripts));
        }
        Map<String, Object> headlessMeta = metadata(headlessName, podLabels);
        headlessMeta.put("annotations", map("service.alpha.kubernetes.io/tolerate-unready-endpoints", "true"));
        out.add(map("apiVersion", "v1", "kind", "Service", "metadata", headlessMeta,
                "spec", map("type", "ClusterIP", "clusterIP", "None", "publishNotReadyAddresses", true,
                        "ports", list(map("name", "tcp-postgresql", "port", port, "targetPort", "tcp-postgresql")),
                        "selector", selector)));
        out.add(map("apiVersion", "v1", "kind", "Service", "metadata", metadata(fullname, podLabels),
                "spec", map("type", "ClusterIP", "sessionAffinity", "None",
                        "ports", list(map("name", "tcp-postgresql", "port", port, "targetPort", "tcp-postgresql",
                                "nodePort", null)),
                        "selector", selector)));
        out.add(statefulSet);
        return out;
    }

    private Map<String, Object> statefulSet() {
        List<Object> env = list(
                map("name", "POSTGRESQL_PORT_NUMBER", "value", String.valueOf(port)),
                map("name", "POSTGRESQL_VOLUME_DIR", "value", "/bitnami/postgresql"),
                map("name", "PGDATA", "value", "/bitnami/postgresql/data"),
                map("name", "POSTGRES_USER", "value", username));
        if (adminPasswordKey != null) {
            env.add(map("name", "POSTGRES_POSTGRES_PASSWORD", "valueFrom",
                    map("secretKeyRef", map("name", secretName, "key", adminPasswordKey))));
        }
        env.add(map("name", "POSTGRES_PASSWORD", "valueFrom",
                map("secretKeyRef", map("name", secretName, "key", passwordKey))));
        env.add(map("name", "POSTGRES_DATABASE", "value", database));
        env.add(map("name", "POSTGRES_INITSCRIPTS_USERNAME", "value", initdbUser));
        List<Object> mounts = list(map("name", "data", "mountPath", "/bitnami/postgresql"));
        List<Object> volumes = list();
        if (!initScripts.isEmpty()) {
            mounts.add(map("name", "custom-init-scripts", "mountPath", "/docker-entrypoint-initdb.d/"));
            volumes.add(map("name", "custom-init-scripts", "configMap", map("name", fullname + "-init-scripts")));
        }
        Map<String, Object> container = map(
                "name", "postgresql",
                "image", image,
                "imagePullPolicy", "IfNotPresent",
                "securityContext", map("runAsUser", 1001, "runAsNonRoot", true, "allowPrivilegeEscalation", false,
                        "capabilities", map("drop", list("ALL"))),
                "env", env,
                "ports", list(map("name", "tcp-postgresql", "containerPort", port)),
                "readinessProbe", map("exec", map("command", list("/bin/sh", "-c",
                                "exec pg_isready -U \"" + username + "\" -d \"dbname=" + database
                                        + "\" -h 127.0.0.1 -p " + port)),
                        "initialDelaySeconds", 5, "periodSeconds", 10, "timeoutSeconds", 5, "failureThreshold", 6),
                "resources", map("requests", map("cpu", "250m", "memory", "256Mi")),
                "volumeMounts", mounts);
        Map<String, Object> podSpec = map("serviceAccountName", "default",
                "securityContext", map("fsGroup", 1001),
                "containers", list(container));
        Map<String, Object> spec = map("replicas", 1, "serviceName", headlessName,
                "updateStrategy", map("type", "RollingUpdate"),
                "selector", map("matchLabels", selector),
                "template", map("metadata", map("name", fullname, "labels", podLabels), "spec", podSpec));
        if (persistence) {
            spec.put("volumeClaimTemplates", list(map("metadata", map("name", "data"),
                    "spec", map("accessModes", list("ReadWriteOnce"),
                            "resources", map("requests", map("storage", size.isEmpty() ? "8Gi" : size))))));
        } else {
            volumes.add(0, map("name", "data", "emptyDir", map()));
        }
        if (!volumes.isEmpty()) {
            podSpec.put("volumes", volumes);
        }
        return map("apiVersion", "apps/v1", "kind", "StatefulSet",
                "metadata", metadata(fullname, podLabels), "spec", spec);
    }

    Map<String, Object> metadata(String name, Map<String, Object> objectLabels) {
        return map("name", name, "namespace", namespace, "labels", Tree.merged(objectLabels));
    }
}
