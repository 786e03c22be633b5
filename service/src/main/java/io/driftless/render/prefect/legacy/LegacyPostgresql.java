package io.driftless.render.prefect.legacy;

import static io.driftless.render.Tree.map;

import java.util.List;
import java.util.Map;

import io.driftless.render.Chart;
import io.driftless.render.StablePassword;
import io.driftless.render.Tree;
import io.driftless.render.ValueReader;
import io.driftless.render.prefect.PostgresObjects;

/**
 * The bundled PostgreSQL of the legacy chart ({@code postgresql.useSubChart}), under the names and keys
 * of the bitnami subchart its generation vendors: 11.9.1 (Secret keys postgres-password and password,
 * headless Service {@code <pg>-hl}) or 9.3.4 (key postgresql-password, random unless set,
 * {@code <pg>-headless}). The init scripts create the pgcrypto and pg_trgm extensions Prefect Server needs.
 */
final class LegacyPostgresql {

    private final ValueReader v;
    private final LegacyNames n;
    private final LegacyEnv e;
    private final Chart.Lookup lookup;

    LegacyPostgresql(ValueReader v, LegacyNames n, LegacyEnv e, Chart.Lookup lookup) {
        this.v = v;
        this.n = n;
        this.e = e;
        this.lookup = lookup;
    }

    List<Map<String, Object>> render(List<String> warnings) {
        String pg = e.postgresqlFullname();
        boolean flat = e.flat();
        Map<String, Object> labels = map("app.kubernetes.io/name", "postgresql",
                "helm.sh/chart", flat ? "postgresql-9.3.4" : "postgresql-11.9.1",
                "app.kubernetes.io/instance", n.releaseName(),
                "app.kubernetes.io/managed-by", "Helm");
        Map<String, Object> selector = map("app.kubernetes.io/name", "postgresql",
                "app.kubernetes.io/instance", n.releaseName());
        if (!flat) {
            selector.put("app.kubernetes.io/component", "primary");
        }
        Map<String, Object> podLabels = Tree.merged(labels, selector);
        String existing = v.str(flat ? "postgresql.existingSecret" : "postgresql.auth.existingSecret");
        String secretName = existing.isEmpty() ? pg : existing;
        Map<String, Object> secretData = null;
        if (flat) {
            if (existing.isEmpty()) {
                secretData = map("postgresql-password", Tree.base64(StablePassword.resolve(v,
                        "postgresql.postgresqlPassword", lookup, n.namespace(), pg, "postgresql-password", 10,
                        warnings)));
            }
            return new PostgresObjects(pg, n.namespace(), pg + "-headless", labels, podLabels, selector,
                    v.integer("postgresql.servicePort", 1, 65535), "docker.io/bitnami/postgresql:11.9.0", secretData,
                    secretName, "postgresql-password", null, e.username(), e.database(),
                    v.str("postgresql.initdbUser"), v.map("postgresql.initdbScripts"),
                    v.bool("postgresql.persistence.enabled"), v.str("postgresql.persistence.size")).render();
        }
        if (existing.isEmpty()) {
            secretData = map("postgres-password", Tree.base64(v.str("postgresql.auth.postgresPassword")),
                    "password", Tree.base64(v.str("postgresql.auth.password")));
        }
        return new PostgresObjects(pg, n.namespace(), pg + "-hl", labels, podLabels, selector,
                v.integer("postgresql.primary.service.ports.postgresql", 1, 65535),
                "docker.io/bitnami/postgresql:14.5.0-debian-11-r14", secretData, secretName, "password",
                "postgres-password", e.username(), e.database(), v.str("postgresql.primary.initdb.user"),
                v.map("postgresql.primary.initdb.scripts"), v.bool("postgresql.primary.persistence.enabled"),
                v.str("postgresql.primary.persistence.size")).render();
    }
}
