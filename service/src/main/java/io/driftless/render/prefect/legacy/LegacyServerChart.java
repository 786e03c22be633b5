package io.driftless.render.prefect.legacy;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.driftless.render.Chart;
import io.driftless.render.Template;
import io.driftless.render.Tree;
import io.driftless.render.ValueReader;
import io.driftless.render.Values;

/**
 * The legacy Prefect Server chart ({@code prefect-server-legacy}): apollo, graphql, hasura, towel and ui,
 * the optional Kubernetes agent and create-tenant Job, and PostgreSQL bundled or external. Renders what
 * upstream renders, except where upstream's templates are broken (see README, "Legacy chart").
 */
public final class LegacyServerChart implements Chart {

    public static final String NAME = "prefect-server-legacy";

    /** Keys the templates read without a default, and the subchart's own values: never "unknown". */
    private static final Set<String> OPEN = Set.of("nameOverride", "postgresql", "ui.port");

    private static final Map<String, Object> DEFAULTS = Values.fromResource(LegacyServerChart.class, "values.yaml");
    private static final Map<String, Object> FLAT_POSTGRESQL = Values.fromResource(LegacyServerChart.class,
            "postgresql-2022.04.14.yaml");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String defaultVersion() {
        return LegacyVersions.DEFAULT_VERSION;
    }

    @Override
    public List<String> versions() {
        return LegacyVersions.published();
    }

    @Override
    public boolean reproduces(String version) {
        return LegacyVersions.has(version);
    }

    @Override
    public Map<String, Object> defaults(String version) {
        LegacyVersions.Pin pin = LegacyVersions.pin(version);
        Map<String, Object> d = Values.deepCopy(DEFAULTS);
        d.put("prefectVersionTag", pin.prefectVersionTag());
        d.put("uiVersionTag", pin.uiVersionTag());
        Values.merge(d, Map.of("hasura", Map.of("image", Map.of("tag", pin.hasuraTag()))));
        if (pin.generation() == LegacyVersions.Generation.FLAT) {
            d.put("postgresql", Values.deepCopy(FLAT_POSTGRESQL));
        }
        return d;
    }

    @Override
    public Rendered render(Release release, Values values) {
        LegacyVersions.Pin pin = LegacyVersions.pin(release.chartVersion());
        ValueReader v = new ValueReader(values, new Template.Scope(release.name(), release.namespace(),
                LegacyNames.CHART, release.chartVersion(), pin.appVersion()));
        LegacyNames n = new LegacyNames(v, release, pin);
        LegacyEnv e = new LegacyEnv(v, n);
        LegacyComponents c = new LegacyComponents(v, n, e);
        LegacyAgent agent = new LegacyAgent(v, n, e, c);
        List<String> warnings = new ArrayList<>();
        Map<String, String> hints = new LinkedHashMap<>();
        checkDatabase(v, e, warnings);
        checkApolloUrl(v, warnings);
        unknownKeys(v, "", values.tree(), defaults(release.chartVersion()), warnings);

        List<Map<String, Object>> out = new ArrayList<>();
        if (v.truthy("serviceAccount.create")) {
            out.add(agent.serviceAccount());
        }
        if (v.truthy("postgresql.useSubChart")) {
            out.addAll(new LegacyPostgresql(v, n, e, release.lookup()).render(warnings));
        }
        if (v.truthy("agent.enabled")) {
            out.add(agent.role());
            out.add(agent.roleBinding());
        }
        for (String component : List.of("apollo", "graphql", "hasura", "ui")) {
            out.add(c.service(component));
        }
        out.add(c.apollo());
        out.add(c.graphql());
        out.add(c.hasura());
        out.add(c.towel());
        out.add(c.ui());
        if (v.truthy("agent.enabled")) {
            out.add(agent.deployment());
        }
        if (v.truthy("jobs.createTenant.enabled")) {
            out.add(agent.createTenantJob());
            hints.put("Job/" + n.namespace() + "/" + n.component("create-tenant-job"),
                    "the tenant is not created yet: the UI shows a blank dashboard until this Job completes");
        }
        for (String component : List.of("apollo", "ui")) {
            if (v.truthy(component + ".ingress.enabled")) {
                out.add(c.ingress(component));
            }
        }
        v.throwIfErrors();
        return new Rendered(out, warnings, hints);
    }

    /** Keys upstream's templates never read (no schema there, so a warning, not an error): usually typos. */
    private static void unknownKeys(ValueReader v, String prefix, Map<String, Object> actual,
                                    Map<String, Object> known, List<String> warnings) {
        for (Map.Entry<String, Object> entry : actual.entrySet()) {
            String path = prefix + entry.getKey();
            if (OPEN.contains(path)) {
                continue;
            }
            Object expected = known.get(entry.getKey());
            if (!known.containsKey(entry.getKey())) {
                warnings.add(v.located(path) + ": not a setting of " + NAME + "; ignored (a typo?)");
            } else if (expected instanceof Map<?, ?> m && !m.isEmpty() && entry.getValue() instanceof Map<?, ?>) {
                unknownKeys(v, path + ".", Tree.asMap(entry.getValue()), Tree.asMap(expected), warnings);
            }
        }
    }

    /** The password the components read must belong to the user they connect as. */
    private static void checkDatabase(ValueReader v, LegacyEnv e, List<String> warnings) {
        if (!v.truthy("postgresql.useSubChart")) {
            if (!v.has("postgresql.externalHostname")) {
                v.fail("postgresql.externalHostname", "is required when postgresql.useSubChart is false");
            }
            if (!v.has(e.existingSecretKey())) {
                warnings.add(e.existingSecretKey() + " is not set: the components read the database password from "
                        + "Secret " + e.secretName() + " (key " + e.secretKey() + "), which nothing creates when "
                        + "postgresql.useSubChart is false; create it or name an existing Secret");
            }
            return;
        }
        if (!e.flat() && !v.has("postgresql.auth.existingSecret")
                && !v.str("postgresql.auth.password").equals(v.str("postgresql.auth.postgresPassword"))) {
            warnings.add("postgresql.auth.password and postgresql.auth.postgresPassword differ: the components connect "
                    + "as " + e.username() + " with the password under key postgres-password (postgresPassword), so "
                    + "they cannot log in; keep the two equal");
        }
    }

    /** The UI runs in the browser: an apollo URL on localhost only works through a port-forward. */
    private static void checkApolloUrl(ValueReader v, List<String> warnings) {
        String url = v.str("ui.apolloApiUrl");
        String host;
        try {
            host = URI.create(url).getHost();
        } catch (IllegalArgumentException ex) {
            v.fail("ui.apolloApiUrl", "is not a URL: '" + url + "'");
            return;
        }
        boolean local = host != null && (host.toLowerCase(Locale.ROOT).equals("localhost")
                || host.startsWith("127.") || host.equals("[::1]"));
        boolean ingress = v.truthy("apollo.ingress.enabled");
        boolean loadBalancer = "LoadBalancer".equals(v.str("apollo.service.type"));
        if (local && (ingress || loadBalancer)) {
            String where = ingress && !v.list("apollo.ingress.hosts").isEmpty()
                    ? "http://" + ValueReader.scalar(v.list("apollo.ingress.hosts").get(0)) + v.str("apollo.ingress.path")
                    .replaceAll("/+$", "") + "/graphql"
                    : "http://<apollo load balancer address>:" + v.str("apollo.service.port") + "/graphql";
            warnings.add("ui.apolloApiUrl is " + url + " but apollo is exposed through "
                    + (ingress ? "an Ingress" : "a LoadBalancer") + ": browsers resolve localhost to themselves and "
                    + "the UI cannot reach apollo; set ui.apolloApiUrl to " + where);
        }
    }
}
