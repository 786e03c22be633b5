package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;

import java.util.List;
import java.util.Map;

import io.driftless.render.Chart;
import io.driftless.render.StablePassword;
import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/**
 * The bundled Redis for background-services messaging: Driftless's own single-instance StatefulSet
 * under upstream's names ({@code <release>-redis} Secret with key {@code redis-password},
 * {@code <release>-redis-headless} and {@code <release>-redis-master} Services).
 * <p>
 * Password: {@code redis.auth.password} when set; otherwise the value already in the live Secret (so
 * re-renders and restarts keep it); otherwise a new random one, which the first sync stores.
 */
final class BundledRedis {


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
        String ns = n.releaseNamespace();
        Map<String, Object> labels = map("app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/managed-by", "Helm", "app.kubernetes.io/name", "redis",
                "app.kubernetes.io/version", "8.2.1", "helm.sh/chart", "redis-" + n.pin().redisChart());
        Map<String, Object> master = map();
        master.putAll(labels);
        master.put("app.kubernetes.io/component", "master");
        Map<String, Object> selector = map("app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/name", "redis", "app.kubernetes.io/component", "master");
        String existing = v.str("redis.auth.existingSecret");
        String secretName = existing.isEmpty() ? r : existing;
        String secretKey = existing.isEmpty() ? "redis-password" : orDefault(v.str("redis.auth.existingSecretPasswordKey"),
                "redis-password");
        List<Object> ports = list(map("name", "tcp-redis", "port", 6379, "targetPort", "redis"));

        Map<String, Object> headless = map("apiVersion", "v1", "kind", "Service",
                "metadata", map("name", r + "-headless", "namespace", ns, "labels", labels),
                "spec", map("type", "ClusterIP", "clusterIP", "None", "ports", ports, "selector", selector));
        Map<String, Object> service = map("apiVersion", "v1", "kind", "Service",
                "metadata", map("name", r + "-master", "namespace", ns, "labels", master),
                "spec", map("type", "ClusterIP", "sessionAffinity", "None",
                        "ports", list(map("name", "tcp-redis", "port", 6379, "targetPort", "redis", "nodePort", null)),
                        "selector", selector));
        Map<String, Object> container = map("name", "redis",
                "image", "registry-1.docker.io/" + v.str("redis.image.repository") + ":" + v.str("redis.image.tag"),
                "imagePullPolicy", "IfNotPresent",
                "securityContext", map("runAsUser", 1001, "runAsNonRoot", true, "allowPrivilegeEscalation", false,
                        "readOnlyRootFilesystem", true, "capabilities", map("drop", list("ALL"))),
                "env", list(
                        map("name", "BITNAMI_DEBUG", "value", "false"),
                        map("name", "REDIS_REPLICATION_MODE", "value", "master"),
                        map("name", "ALLOW_EMPTY_PASSWORD", "value", "no"),
                        map("name", "REDIS_PASSWORD", "valueFrom", map("secretKeyRef", map("name", secretName, "key", secretKey))),
                        map("name", "REDIS_TLS_ENABLED", "value", "no"),
                        map("name", "REDIS_PORT", "value", "6379")),
                "ports", list(map("name", "redis", "containerPort", 6379)),
                "readinessProbe", map("tcpSocket", map("port", "redis"), "initialDelaySeconds", 5, "periodSeconds", 5),
                "resources", map("requests", map("cpu", "100m", "memory", "128Mi")),
                "volumeMounts", list(map("name", "redis-data", "mountPath", "/data"),
                        map("name", "tmp", "mountPath", "/tmp")));
        Map<String, Object> statefulSet = map("apiVersion", "apps/v1", "kind", "StatefulSet",
                "metadata", map("name", r + "-master", "namespace", ns, "labels", master),
                "spec", map("replicas", 1, "serviceName", r + "-headless",
                        "updateStrategy", map("type", "RollingUpdate"),
                        "selector", map("matchLabels", selector),
                        "template", map("metadata", map("labels", master), "spec", map(
                                "serviceAccountName", "default",
                                "securityContext", map("fsGroup", 1001),
                                "containers", list(container),
                                "volumes", list(map("name", "tmp", "emptyDir", map())))),
                        "volumeClaimTemplates", list(map("metadata", map("name", "redis-data", "labels", map(
                                        "app.kubernetes.io/instance", n.releaseName(), "app.kubernetes.io/name", "redis",
                                        "app.kubernetes.io/component", "master")),
                                "spec", map("accessModes", list("ReadWriteOnce"),
                                        "resources", map("requests", map("storage", "8Gi")))))));
        if (!existing.isEmpty()) {
            return List.of(headless, service, statefulSet);
        }
        Map<String, Object> secret = map("apiVersion", "v1", "kind", "Secret",
                "metadata", map("name", r, "namespace", ns, "labels", labels),
                "type", "Opaque", "data", map("redis-password", Tree.base64(StablePassword.resolve(v, "redis.auth.password", lookup,
                        n.releaseNamespace(), r, "redis-password", 24, warnings))));
        return List.of(secret, headless, service, statefulSet);
    }

    private static String orDefault(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
