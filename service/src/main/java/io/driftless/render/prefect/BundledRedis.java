package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.driftless.model.Sha256;
import io.driftless.render.Chart;
import io.driftless.render.StablePassword;
import io.driftless.render.Tree;
import io.driftless.render.Values;
import io.driftless.render.ValueReader;

/**
 * The bundled Redis for background-services messaging as bitnami redis 28.0.x renders it (standalone, the subchart's
 * defaults, {@code redis.auth.*} and the image read): the NetworkPolicy, PodDisruptionBudget, ServiceAccount,
 * Secret, the configuration, health and scripts ConfigMaps ({@code redis-28.yaml}), the headless and master
 * Services and the master StatefulSet, field for field.
 * <p>
 * Password: {@code redis.auth.password} when set; otherwise the value already in the live Secret (so
 * re-renders and restarts keep it); otherwise a new random one, which the first sync stores.
 */
final class BundledRedis {

    private static final Map<String, Object> FILES = Values.fromResource(BundledRedis.class, "redis-28.yaml");
    private static final String APP_VERSION = "8.10.0";

    private final ValueReader v;
    private final PrefectNames n;
    private final Chart.Lookup lookup;

    BundledRedis(ValueReader v, PrefectNames n, Chart.Lookup lookup) {
        this.v = v;
        this.n = n;
        this.lookup = lookup;
    }

    List<Map<String, Object>> render(List<String> warnings) {
        String r = n.redisFullname();
        Map<String, Object> labels = map("app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/managed-by", "Helm", "app.kubernetes.io/name", "redis",
                "app.kubernetes.io/version", APP_VERSION, "helm.sh/chart", "redis-" + n.pin().redisChart());
        Map<String, Object> master = Tree.merged(labels, map("app.kubernetes.io/component", "master"));
        Map<String, Object> matchAll = map("app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/name", "redis");
        Map<String, Object> selector = Tree.merged(matchAll, map("app.kubernetes.io/component", "master"));
        String existing = v.str("redis.auth.existingSecret");
        String keyInSecret = existing.isEmpty() || v.str("redis.auth.existingSecretPasswordKey").isEmpty()
                ? "redis-password" : v.str("redis.auth.existingSecretPasswordKey");

        List<Map<String, Object>> out = new ArrayList<>();
        out.add(map("kind", "NetworkPolicy", "apiVersion", "networking.k8s.io/v1",
                "metadata", metadata(r, labels),
                "spec", map("podSelector", map("matchLabels", matchAll), "policyTypes", list("Ingress", "Egress"),
                        "egress", list(map()), "ingress", list(map("ports", list(map("port", 6379)))))));
        out.add(map("apiVersion", "policy/v1", "kind", "PodDisruptionBudget",
                "metadata", metadata(r + "-master", master),
                "spec", map("maxUnavailable", 1, "selector", map("matchLabels", selector))));
        out.add(map("apiVersion", "v1", "kind", "ServiceAccount", "automountServiceAccountToken", false,
                "metadata", metadata(r + "-master", labels)));
        Map<String, Object> secretData = null;
        if (existing.isEmpty()) {
            secretData = map("redis-password", Tree.base64(StablePassword.resolve(v, "redis.auth.password", lookup,
                    n.releaseNamespace(), r, "redis-password", 24, warnings)));
            out.add(map("apiVersion", "v1", "kind", "Secret", "metadata", metadata(r, labels), "type", "Opaque",
                    "data", secretData));
        }
        for (String file : List.of("configuration", "health", "scripts")) {
            out.add(map("apiVersion", "v1", "kind", "ConfigMap", "metadata", metadata(r + "-" + file, labels),
                    "data", Values.deepCopy(files(file))));
        }
        out.add(map("apiVersion", "v1", "kind", "Service", "metadata", metadata(r + "-headless", labels),
                "spec", map("type", "ClusterIP", "clusterIP", "None",
                        "ports", list(map("name", "tcp-redis", "port", 6379, "targetPort", "redis")),
                        "selector", matchAll)));
        out.add(map("apiVersion", "v1", "kind", "Service", "metadata", metadata(r + "-master", master),
                "spec", map("type", "ClusterIP", "internalTrafficPolicy", "Cluster",
                        "ports", list(map("name", "tcp-redis", "port", 6379, "targetPort", "redis", "nodePort", null)),
                        "selector", selector)));
        out.add(statefulSet(r, master, selector, existing.isEmpty() ? r : existing, keyInSecret,
                v.has("redis.auth.password") && existing.isEmpty() ? secretData : null));
        return out;
    }

    private Map<String, Object> statefulSet(String r, Map<String, Object> master, Map<String, Object> selector,
                                            String secretName, String keyInSecret, Map<String, Object> valuesSecret) {
        Map<String, Object> checksums = Tree.asMap(FILES.get("checksums"));
        Map<String, Object> annotations = map("checksum/configmap", checksums.get("configmap"),
                "checksum/health", checksums.get("health"), "checksum/scripts", checksums.get("scripts"));
        if (valuesSecret != null) { // Helm's toYaml of the one-key data map
            annotations.put("checksum/secret", Sha256.hex(("redis-password: " + valuesSecret.get("redis-password")
                    + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, Object> container = map("name", "redis",
                "image", "registry-1.docker.io/" + v.str("redis.image.repository") + ":" + v.str("redis.image.tag"),
                "imagePullPolicy", "IfNotPresent",
                "securityContext", map("allowPrivilegeEscalation", false, "capabilities", map("drop", list("ALL")),
                        "readOnlyRootFilesystem", true, "runAsGroup", 1001, "runAsNonRoot", true, "runAsUser", 1001,
                        "seLinuxOptions", map(), "seccompProfile", map("type", "RuntimeDefault")),
                "command", list("/bin/bash"),
                "args", list("-ec", "/opt/bitnami/scripts/start-scripts/start-master.sh"),
                "env", list(
                        map("name", "BITNAMI_DEBUG", "value", "false"),
                        map("name", "REDIS_REPLICATION_MODE", "value", "master"),
                        map("name", "ALLOW_EMPTY_PASSWORD", "value", "no"),
                        map("name", "OPENSSL_FIPS", "value", "yes"),
                        map("name", "REDIS_PASSWORD_FILE", "value", "/opt/bitnami/redis/secrets/redis-password"),
                        map("name", "REDIS_TLS_ENABLED", "value", "no"),
                        map("name", "REDIS_PORT", "value", "6379")),
                "ports", list(map("name", "redis", "containerPort", 6379)),
                "livenessProbe", probe(6, "/health/ping_liveness_local.sh 5"),
                "readinessProbe", probe(2, "/health/ping_readiness_local.sh 1"),
                "resources", map("limits", map("cpu", "150m", "ephemeral-storage", "2Gi", "memory", "192Mi"),
                        "requests", map("cpu", "100m", "ephemeral-storage", "50Mi", "memory", "128Mi")),
                "volumeMounts", list(
                        map("name", "start-scripts", "mountPath", "/opt/bitnami/scripts/start-scripts"),
                        map("name", "health", "mountPath", "/health"),
                        map("name", "redis-password", "mountPath", "/opt/bitnami/redis/secrets/"),
                        map("name", "redis-data", "mountPath", "/data"),
                        map("name", "config", "mountPath", "/opt/bitnami/redis/mounted-etc"),
                        map("name", "empty-dir", "mountPath", "/opt/bitnami/redis/etc/", "subPath", "app-conf-dir"),
                        map("name", "empty-dir", "mountPath", "/tmp", "subPath", "tmp-dir")));
        Map<String, Object> pod = map(
                "securityContext", map("fsGroup", 1001, "fsGroupChangePolicy", "Always", "supplementalGroups", list(),
                        "sysctls", list()),
                "serviceAccountName", r + "-master",
                "automountServiceAccountToken", false,
                "affinity", map("podAffinity", null, "podAntiAffinity", map(
                        "preferredDuringSchedulingIgnoredDuringExecution", list(map("podAffinityTerm", map(
                                "labelSelector", map("matchLabels", selector),
                                "topologyKey", "kubernetes.io/hostname"), "weight", 1))),
                        "nodeAffinity", null),
                "enableServiceLinks", true,
                "terminationGracePeriodSeconds", 30,
                "containers", list(container),
                "volumes", list(
                        map("name", "start-scripts", "configMap", map("name", r + "-scripts", "defaultMode", 493)),
                        map("name", "health", "configMap", map("name", r + "-health", "defaultMode", 493)),
                        map("name", "redis-password", "secret", map("secretName", secretName,
                                "items", list(map("key", keyInSecret, "path", "redis-password")))),
                        map("name", "config", "configMap", map("name", r + "-configuration")),
                        map("name", "empty-dir", "emptyDir", map())));
        return map("apiVersion", "apps/v1", "kind", "StatefulSet", "metadata", metadata(r + "-master", master),
                "spec", map("replicas", 1, "revisionHistoryLimit", 10, "selector", map("matchLabels", selector),
                        "serviceName", r + "-headless", "updateStrategy", map("type", "RollingUpdate"),
                        "template", map("metadata", map("labels", master, "annotations", annotations), "spec", pod),
                        "volumeClaimTemplates", list(map("apiVersion", "v1", "kind", "PersistentVolumeClaim",
                                "metadata", map("name", "redis-data", "labels", selector),
                                "spec", map("accessModes", list("ReadWriteOnce"),
                                        "resources", map("requests", map("storage", "8Gi")))))));
    }

    private static Map<String, Object> probe(int timeout, String script) {
        return map("initialDelaySeconds", 20, "periodSeconds", 5, "timeoutSeconds", timeout, "successThreshold", 1,
                "failureThreshold", 5, "exec", map("command", list("/bin/bash", "-ec", script)));
    }

    private static Map<String, Object> files(String name) {
        return Tree.asMap(FILES.get(name));
    }

    private Map<String, Object> metadata(String name, Map<String, Object> labels) {
        return map("name", name, "namespace", n.releaseNamespace(), "labels", Tree.merged(labels));
    }
}
