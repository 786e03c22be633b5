package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.driftless.render.ValueReader;

/** The environment blocks the server, background services and migration Job share. */
final class PrefectEnv {

    private static final List<String> DB_FIELDS = List.of("driver", "username", "password", "host", "port", "name");
    private static final Map<String, String> DB_VARS = Map.of("driver", "DRIVER", "username", "USER",
            "password", "PASSWORD", "host", "HOST", "port", "PORT", "name", "NAME");

    private final ValueReader v;
    private final PrefectNames n;

    PrefectEnv(ValueReader v, PrefectNames n) {
        this.v = v;
        this.n = n;
    }

    static Map<String, Object> env(String name, Object value) {
        return map("name", name, "value", value);
    }

    static Map<String, Object> secretEnv(String name, String secret, String key) {
        return map("name", name, "valueFrom", map("secretKeyRef", map("name", secret, "key", key)));
    }

    /** True when any externalDatabase component field or component secret key is set. */
    static boolean usesDatabaseComponents(ValueReader v) {
        for (String f : DB_FIELDS) {
            if (v.has("externalDatabase." + f) || v.has("externalDatabase." + f + "SecretKey")) {
                return true;
            }
        }
        return false;
    }

    /** The database connection env block, in upstream's order of precedence. */
    List<Object> database() {
        String url = "PREFECT_SERVER_DATABASE_CONNECTION_URL";
        if (v.bool("sqlite.enabled")) {
            return list(env(url, "sqlite+aiosqlite:////data/prefect.db"));
        }
        if (v.has("externalDatabase.connectionString")) {
            return list(env(url, v.str("externalDatabase.connectionString")));
        }
        if (v.has("externalDatabase.connectionStringSecretKey")) {
            return list(secretEnv(url, existingDatabaseSecret(), v.str("externalDatabase.connectionStringSecretKey")));
        }
        if (usesDatabaseComponents(v)) {
            return databaseComponents();
        }
        return list(secretEnv(url, n.connectionSecretName(), "connection-string"));
    }

    private String existingDatabaseSecret() {
        String secret = v.str("externalDatabase.existingSecret");
        if (secret.isEmpty()) {
            v.fail("externalDatabase.existingSecret", "is required when using database secret keys");
        }
        return secret;
    }

    private List<Object> databaseComponents() {
        List<Object> out = list();
        Map<String, String> parts = new java.util.HashMap<>();
        for (String field : DB_FIELDS) {
            String var = "PREFECT_SERVER_DATABASE_" + DB_VARS.get(field);
            String secretKey = v.str("externalDatabase." + field + "SecretKey");
            if (!secretKey.isEmpty()) {
                out.add(secretEnv(var, existingDatabaseSecret(), secretKey));
                parts.put(field, "$(" + var + ")");
                continue;
            }
            String literal = v.str("externalDatabase." + field);
            if (literal.isEmpty() && field.equals("driver")) {
                literal = "postgresql+asyncpg";
            } else if (literal.isEmpty() && field.equals("port")) {
                literal = "5432";
            }
            if (literal.isEmpty()) {
                v.fail("externalDatabase." + field, "or externalDatabase." + field + "SecretKey is required");
            }
            out.add(env(var, literal));
            parts.put(field, literal);
        }
        out.add(env("PREFECT_SERVER_DATABASE_CONNECTION_URL", parts.get("driver") + "://" + parts.get("username") + ":"
                + parts.get("password") + "@" + parts.get("host") + ":" + parts.get("port") + "/" + parts.get("name")));
        return out;
    }

    /** Messaging (Redis) and docket settings: only when background services run separately. */
    List<Object> backgroundServices() {
        List<Object> out = list();
        if (!v.bool("backgroundServices.runAsSeparateDeployment")) {
            return out;
        }
        String m = "backgroundServices.messaging.";
        out.add(env("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "false"));
        out.add(env("PREFECT_MESSAGING_BROKER", v.str(m + "broker")));
        out.add(env("PREFECT_MESSAGING_CACHE", v.str(m + "cache")));
        if ("prefect_redis.messaging".equals(v.str(m + "broker"))) {
            out.add(env("PREFECT_SERVER_EVENTS_CAUSAL_ORDERING", "prefect_redis.ordering"));
            out.add(env("PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE", "prefect_redis.lease_storage"));
            boolean bundled = v.bool("redis.enabled");
            String host = v.str(m + "redis.host");
            out.add(env("PREFECT_REDIS_MESSAGING_HOST", bundled && host.isEmpty()
                    ? n.redisFullname() + "-headless." + n.releaseNamespace() + ".svc.cluster.local" : host));
            out.add(env("PREFECT_REDIS_MESSAGING_PORT", v.str(m + "redis.port")));
            if (v.bool(m + "redis.ssl")) {
                out.add(env("PREFECT_REDIS_MESSAGING_SSL", "true"));
            }
            out.add(env("PREFECT_REDIS_MESSAGING_DB", v.str(m + "redis.db")));
            if (v.has(m + "redis.username")) {
                out.add(env("PREFECT_REDIS_MESSAGING_USERNAME", v.str(m + "redis.username")));
            }
            String password = v.str(m + "redis.password");
            String existing = v.str(m + "redis.existingSecret");
            if (bundled && password.isEmpty()) {
                out.add(secretEnv("PREFECT_REDIS_MESSAGING_PASSWORD", n.redisFullname(), "redis-password"));
            } else if (!existing.isEmpty()) {
                String key = v.str(m + "redis.existingSecretPasswordKey");
                out.add(secretEnv("PREFECT_REDIS_MESSAGING_PASSWORD", existing, key.isEmpty() ? "redis-password" : key));
            } else if (!password.isEmpty()) {
                out.add(env("PREFECT_REDIS_MESSAGING_PASSWORD", password));
            }
        }
        String docketSecret = v.str(m + "docket.existingSecret");
        if (!docketSecret.isEmpty()) {
            String key = v.str(m + "docket.existingSecretKey");
            out.add(secretEnv("PREFECT_SERVER_DOCKET_URL", docketSecret, key.isEmpty() ? "docket-url" : key));
        } else if (v.has(m + "docket.url")) {
            out.add(env("PREFECT_SERVER_DOCKET_URL", v.str(m + "docket.url")));
        }
        return out;
    }

    /** Env entries of several lists, keeping the first entry of each name (the migration Job's rule). */
    static List<Object> firstByName(List<List<Object>> lists) {
        List<Object> out = new ArrayList<>();
        Set<Object> seen = new LinkedHashSet<>();
        for (List<Object> each : lists) {
            for (Object e : each) {
                Object name = e instanceof Map<?, ?> m ? m.get("name") : e;
                if (seen.add(name)) {
                    out.add(e);
                }
            }
        }
        return out;
    }
}
