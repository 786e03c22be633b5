package io.driftless.render.prefect.legacy;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.driftless.render.HelmNames;
import io.driftless.render.Tree;
import io.driftless.render.ValueReader;
import io.driftless.render.prefect.legacy.LegacyVersions.Generation;

/** Database coordinates and the env block the server components share (upstream's envConfig). */
final class LegacyEnv {

    private final ValueReader v;
    private final LegacyNames n;
    private final Generation generation;

    LegacyEnv(ValueReader v, LegacyNames n) {
        this.v = v;
        this.n = n;
        this.generation = n.pin().generation();
    }

    boolean flat() {
        return generation == Generation.FLAT;
    }

    /** The bundled subchart's fullname (bitnami's rule, with its overrides). */
    String postgresqlFullname() {
        return HelmNames.subchartFullname(v, "postgresql", n.releaseName(), "postgresql");
    }

    /** The primary's fullname; a replication architecture adds the primary name (generations with auth.*). */
    String postgresqlPrimaryFullname() {
        if (!flat() && "replication".equals(v.str("postgresql.architecture"))) {
            String primary = v.str("postgresql.primary.name");
            return HelmNames.trunc(postgresqlFullname() + "-" + (primary.isEmpty() ? "primary" : primary));
        }
        return postgresqlFullname();
    }

    String host() {
        if (v.truthy("postgresql.useSubChart")) {
            return postgresqlPrimaryFullname() + "." + n.namespace();
        }
        return v.str("postgresql.externalHostname");
    }

    String username() {
        return v.str(flat() ? "postgresql.postgresqlUsername" : "postgresql.auth.username");
    }

    String database() {
        return v.str(flat() ? "postgresql.postgresqlDatabase" : "postgresql.auth.database");
    }

    String port() {
        return v.str(flat() ? "postgresql.servicePort" : "postgresql.primary.service.ports.postgresql");
    }

    /** {@code postgresql://user@host:port/db}; the password comes from the Secret as PGPASSWORD. */
    String connectionUrl() {
        return "postgresql://" + username() + "@" + host() + ":" + port() + "/" + database();
    }

    /** The values key naming an existing Secret in this generation (2022.09.x reads the old key). */
    String existingSecretKey() {
        return generation == Generation.GIT ? "postgresql.auth.existingSecret" : "postgresql.existingSecret";
    }

    String secretName() {
        String existing = v.str(existingSecretKey());
        return existing.isEmpty() ? n.releaseName() + "-postgresql" : existing;
    }

    /** postgresql-password (bitnami 9.x) or postgres-password (the admin password of bitnami 11.x). */
    String secretKey() {
        return flat() ? "postgresql-password" : "postgres-password";
    }

    Map<String, Object> passwordRef() {
        return map("secretKeyRef", map("name", secretName(), "key", secretKey()));
    }

    static Map<String, Object> env(String name, Object value) {
        return map("name", name, "value", value);
    }

    /** A value as Helm prints it, quoted or not: a missing value renders nothing, which YAML reads as null. */
    Object quoted(String key) {
        Object value = v.get(key);
        return value == null ? null : ValueReader.scalar(value);
    }

    String hasuraApiUrl() {
        return "http://" + n.host("hasura") + ":" + v.str("hasura.service.port") + "/v1alpha1/graphql";
    }

    /** The apollo GraphQL URL (port defaults to 4200 when unset or 0). */
    String apolloApiUrl() {
        String port = v.truthy("apollo.service.port") ? v.str("apollo.service.port") : "4200";
        return "http://" + n.host("apollo") + ":" + port + "/graphql";
    }

    /** The shared env block, then {@code prefectConfig} flattened into PREFECT_SERVER__* variables. */
    List<Object> envConfig() {
        List<Object> out = list(
                env("PREFECT_SERVER__API__URL", hasuraApiUrl()),
                env("PREFECT_SERVER__DATABASE__HOST", host()),
                // upstream reads the flat keys here in every generation: null once they were renamed
                env("PREFECT_SERVER__DATABASE__PORT", quoted("postgresql.servicePort")),
                env("PREFECT_SERVER__DATABASE__USERNAME", quoted("postgresql.postgresqlUsername")),
                map("name", "PREFECT_SERVER__DATABASE__PASSWORD", "valueFrom", passwordRef()),
                env("PREFECT_SERVER__HASURA__HOST", n.host("hasura")),
                env("PREFECT_SERVER__HASURA__PORT", quoted("hasura.service.port")),
                env("PREFECT_SERVER__SERVICES__APOLLO__PORT", quoted("apollo.service.port")),
                env("PREFECT_SERVER__SERVICES__GRAPHQL__PORT", quoted("graphql.service.port")));
        Object config = v.get("prefectConfig");
        if (config != null && !(config instanceof Map)) {
            v.fail("prefectConfig", "expected a mapping of Prefect Server settings, found '" + config + "'");
        } else {
            unwrap("PREFECT_SERVER", Tree.asMap(config), out);
        }
        return out;
    }

    /** Keys in sorted order (Go ranges over maps sorted), upper-cased and joined with __; leaves quoted. */
    private static void unwrap(String prefix, Map<String, Object> map, List<Object> out) {
        for (Map.Entry<String, Object> e : new TreeMap<>(map).entrySet()) {
            String name = prefix + "__" + e.getKey().toUpperCase(java.util.Locale.ROOT);
            if (e.getValue() instanceof Map<?, ?>) {
                unwrap(name, Tree.asMap(e.getValue()), out);
            } else {
                out.add(env(name, e.getValue() == null ? null : goString(e.getValue())));
            }
        }
    }

    /** Go's {@code %v}: lists print as {@code [a b]}, maps as {@code map[k:v]} with sorted keys. */
    private static String goString(Object value) {
        if (value instanceof List<?> l) {
            List<String> items = l.stream().map(LegacyEnv::goString).toList();
            return "[" + String.join(" ", items) + "]";
        }
        if (value instanceof Map<?, ?> m) {
            List<String> entries = new TreeMap<>(Tree.asMap(m)).entrySet().stream()
                    .map(e -> e.getKey() + ":" + goString(e.getValue())).toList();
            return "map[" + String.join(" ", entries) + "]";
        }
        return value == null ? "<nil>" : ValueReader.scalar(value);
    }
}
