package io.driftless.render.prefect;

import static io.driftless.render.Tree.map;

import java.util.List;
import java.util.Map;

import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/** The bundled PostgreSQL of the modern chart, under the names and keys of bitnami postgresql 12.12.10. */
final class BundledPostgresql {

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
        return new PostgresObjects(pg, n.releaseNamespace(), pg + "-hl", labels, primary, selector,
                v.integer("postgresql.primary.service.ports.postgresql", 1, 65535),
                "docker.io/" + v.str("postgresql.image.repository") + ":" + v.str("postgresql.image.tag"),
                secretData, existingSecret.isEmpty() ? pg : existingSecret, "password", null,
                v.str("postgresql.auth.username"), v.str("postgresql.auth.database"),
                v.str("postgresql.primary.initdb.user"), Map.of(),
                v.bool("postgresql.primary.persistence.enabled"), v.str("postgresql.primary.persistence.size"))
                .render();
    }
}
