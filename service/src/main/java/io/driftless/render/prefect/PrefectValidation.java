package io.driftless.render.prefect;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.driftless.render.Chart;
import io.driftless.render.ValueReader;

/**
 * The checks upstream runs before rendering (its schema and its validation template), with upstream's
 * message after the key, plus warnings for values that render but will not work as intended.
 */
final class PrefectValidation {

    private static final String GATEWAY_API = "gateway.networking.k8s.io/v1";
    private static final Set<String> LOG_LEVELS = Set.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final String REMOVED = " has been removed. Please use `server.uiConfig.prefectUiApiUrl` instead.";

    private PrefectValidation() {
    }

    /** Better answers for unknown keys that upstream's own README suggests. */
    private static final Map<String, String> HINTS = Map.of("server.prefectApiUrl",
            "is not a setting of this chart (upstream's schema rejects it: \"Additional property prefectApiUrl is not "
                    + "allowed\"); the API URL the UI uses is server.uiConfig.prefectUiApiUrl");

    /** Objects upstream's schema closes (additionalProperties: false), with keys it declares beyond values.yaml. */
    private static final Map<String, Set<String>> CLOSED = closed();

    private static Map<String, Set<String>> closed() {
        Map<String, Set<String>> m = new java.util.LinkedHashMap<>();
        m.put("server", Set.of("image"));
        m.put("server.autoscaling", Set.of());
        m.put("server.resources", Set.of());
        m.put("server.resources.requests", Set.of("cpu", "memory", "ephemeral-storage"));
        m.put("server.resources.limits", Set.of("cpu", "memory", "ephemeral-storage"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            m.put("server." + probe, Set.of("enabled", "config")); // and path where the version has it
            m.put("server." + probe + ".config", Set.of());
        }
        m.put("migrations", Set.of("podLabels"));
        m.put("backgroundServices", Set.of("livenessProbe", "readinessProbe"));
        m.put("backgroundServices.serviceAccount", Set.of());
        m.put("backgroundServices.messaging", Set.of());
        m.put("backgroundServices.messaging.redis", Set.of());
        m.put("backgroundServices.messaging.docket", Set.of());
        m.put("ingress", Set.of());
        m.put("ingress.host", Set.of());
        m.put("sqlite", Set.of());
        m.put("sqlite.persistence", Set.of());
        m.put("serviceAccount", Set.of());
        m.put("service", Set.of());
        return m;
    }

    static void check(ValueReader v, Map<String, Object> defaults, Chart.Capabilities capabilities,
                      List<String> warnings) {
        closedObjects(v, defaults);
        schema(v);
        boolean separate = v.bool("backgroundServices.runAsSeparateDeployment");
        if (separate && "prefecthq/prefect".equals(v.str("global.prefect.image.repository"))) {
            String tag = v.str("global.prefect.image.prefectTag");
            String key = "global.prefect.image.prefectTag";
            Matcher m = VERSION.matcher(tag);
            if (!tag.matches("^\\d+.*")) {
                v.fail(key, "When running background services separately, Prefect tag must start with a version number");
            } else if (!m.find()) {
                v.fail(key, "When running background services separately, Prefect tag must be in format X.Y.Z");
            } else if (compare(m, 3, 1, 13) < 0) {
                v.fail(key, "When running background services separately, Prefect version must be 3.1.13 or higher");
            }
        }
        for (String removed : List.of("global.prefect.prefectApiUrl", "global.prefect.prefectApiHost")) {
            if (v.has(removed)) {
                v.fail(removed, "`" + removed + "`" + REMOVED);
            }
        }
        if (v.has("server.uiConfig.prefectUiUrl")) {
            v.fail("server.uiConfig.prefectUiUrl", "`server.uiConfig.prefectUiUrl` has been removed. This value was used "
                    + "solely for the purposes of printing out the UI URL during the installation process. It will now "
                    + "infer the UI URL from the `prefectUiApiUrl` value.");
        }
        if (separate && !v.bool("redis.enabled") && !v.has("backgroundServices.messaging.redis.host")) {
            v.fail("redis.enabled", "You must set redis.enabled=true or provide a redis configuration when "
                    + "backgroundServices.runAsSeparateDeployment=true");
        }
        if (v.bool("gateway.enabled") && v.bool("ingress.enabled")) {
            v.fail("gateway.enabled", "Gateway API and Ingress are mutually exclusive. Only one can be enabled at a time. "
                    + "Please set either gateway.enabled=false or ingress.enabled=false.");
        }
        if (v.bool("httproute.enabled") && !v.bool("gateway.create") && !hasNamedParent(v)) {
            v.fail("httproute.parentRefs", "When httproute.enabled=true and gateway.create=false, at least one entry in "
                    + "httproute.parentRefs is required. Set one or more parentRefs[].name values to attach the "
                    + "HTTPRoute to an existing Gateway.");
        }
        if (v.bool("gateway.enabled") && v.bool("gateway.create") && !v.has("gateway.className")) {
            v.fail("gateway.className", "gateway.className is required when gateway.enabled=true and gateway.create=true. "
                    + "Please specify a GatewayClass that exists in your cluster.");
        }
        if (v.bool("gateway.enabled") && v.bool("gateway.create")) {
            Optional<Boolean> served = capabilities.has(GATEWAY_API + "/Gateway");
            if (served.isEmpty()) {
                warnings.add("gateway.enabled: not checked whether the cluster serves " + GATEWAY_API + "/Gateway "
                        + "(no cluster; pass --api-versions " + GATEWAY_API + " to check)");
            } else if (!served.get()) {
                v.fail("gateway.enabled", "Gateway API (" + GATEWAY_API + ") is not available in this cluster. "
                        + "Install the Gateway API CRDs, or set gateway.enabled=false.");
            }
        }
        warnings.addAll(portWarnings(v));
    }


    private static boolean hasNamedParent(ValueReader v) {
        return v.list("httproute.parentRefs").stream()
                .anyMatch(p -> p instanceof Map<?, ?> m && m.get("name") != null && !"".equals(m.get("name")));
    }

    private static int compare(Matcher m, int major, int minor, int patch) {
        // a tag's numbers may be longer than an int holds (99999999999.1.1): compared as whole numbers
        java.math.BigInteger[] have = {new java.math.BigInteger(m.group(1)), new java.math.BigInteger(m.group(2)),
                new java.math.BigInteger(m.group(3))};
        int[] want = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            int order = have[i].compareTo(java.math.BigInteger.valueOf(want[i]));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    /** Unknown keys under a closed object are almost always typos; upstream's schema rejects them too. */
    @SuppressWarnings("unchecked")
    private static void closedObjects(ValueReader v, Map<String, Object> defaults) {
        CLOSED.forEach((path, extra) -> {
            if (!(v.get(path) instanceof Map<?, ?> given)) {
                return;
            }
            Set<String> known = new java.util.TreeSet<>(extra);
            Object node = defaults;
            for (String part : path.split("\\.")) {
                node = node instanceof Map<?, ?> m ? m.get(part) : null;
            }
            if (node instanceof Map<?, ?> d) {
                known.addAll((Set<String>) d.keySet());
            }
            for (Object key : given.keySet()) {
                String hint = HINTS.get(path + "." + key);
                if (hint != null) {
                    v.fail(path + "." + key, hint);
                } else if (!known.contains(String.valueOf(key))) {
                    v.fail(path + "." + key, "unknown key (upstream's schema: \"" + path.substring(path.lastIndexOf('.') + 1)
                            + ": Additional property " + key + " is not allowed\"); known keys: " + known);
                }
            }
        });
    }

    /** The parts of upstream's values schema that reject values before rendering. */
    private static void schema(ValueReader v) {
        enumOf(v, "server.loggingLevel", LOG_LEVELS);
        enumOf(v, "backgroundServices.loggingLevel", LOG_LEVELS);
        enumOf(v, "migrations.restartPolicy", Set.of("Never", "OnFailure"));
        v.integer("backgroundServices.replicaCount", 1, Integer.MAX_VALUE);
        for (String key : List.of("server.terminationGracePeriodSeconds", "backgroundServices.terminationGracePeriodSeconds")) {
            v.integer(key, 0, Integer.MAX_VALUE);
        }
        Object port = v.get("service.targetPort");
        if (!isPortNumber(port)) {
            v.fail("service.targetPort", "must be a port number (the container port and --port are derived from it); "
                    + "found '" + port + "'");
        }
        for (String key : List.of("service.port", "service.nodePort")) {
            Object value = v.get(key);
            if (value instanceof String s && !s.isEmpty() && !isPortNumber(s)) {
                v.fail(key, "must be a port number from 1 to 65535; found '" + s + "'");
            }
        }
        int i = 0;
        for (Object extra : v.list("service.extraPorts")) {
            if (!(extra instanceof Map<?, ?> m) || m.get("name") == null || m.get("port") == null
                    || m.get("targetPort") == null) {
                v.fail("service.extraPorts[" + i + "]", "requires name, port and targetPort");
            } else {
                for (String key : List.of("port", "targetPort", "nodePort")) {
                    Object value = m.get(key);
                    boolean name = key.equals("targetPort") && value instanceof String s && !s.matches("\\d+");
                    if (value != null && !name && !isPortNumber(value)) {
                        v.fail("service.extraPorts[" + i + "]." + key, "must be a port number from 1 to 65535"
                                + (key.equals("targetPort") ? " or a port name" : "") + "; found '" + value + "'");
                    }
                }
            }
            i++;
        }
    }

    /** A port number from 1 to 65535, written as a number or as its digits (never parsed past int's range). */
    private static boolean isPortNumber(Object value) {
        if (value instanceof Integer n) {
            return n >= 1 && n <= 65535;
        }
        return value instanceof String s && s.matches("0*[1-9]\\d{0,4}") && Integer.parseInt(s) <= 65535;
    }

    private static void enumOf(ValueReader v, String key, Set<String> allowed) {
        String value = v.str(key);
        if (!allowed.contains(value)) {
            v.fail(key, "must be one of " + String.join(", ", allowed.stream().sorted(PrefectValidation::levelOrder)
                    .toList()) + "; found '" + value + "'");
        }
    }

    private static int levelOrder(String a, String b) {
        List<String> order = List.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "Never", "OnFailure");
        return Integer.compare(order.indexOf(a), order.indexOf(b));
    }

    private static List<String> portWarnings(ValueReader v) {
        String uiApi = v.tpl("server.uiConfig.prefectUiApiUrl");
        Matcher m = Pattern.compile("^https?://[^/:]+:(\\d+)").matcher(uiApi);
        Integer servicePort = v.integer("service.port", 1, 65535);
        if (m.find() && servicePort != null && !m.group(1).equals(String.valueOf(servicePort))) {
            return List.of("server.uiConfig.prefectUiApiUrl uses port " + m.group(1) + " but service.port is "
                    + servicePort + "; a browser going through `kubectl port-forward` to the Service will not reach the API");
        }
        return List.of();
    }
}
