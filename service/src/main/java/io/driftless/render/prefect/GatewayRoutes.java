package io.driftless.render.prefect;

import static io.driftless.render.Tree.list;
import static io.driftless.render.Tree.map;
import static io.driftless.render.Tree.putIfSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/** Gateway API objects: the Gateway, the HTTPRoute to the server and the HTTP-to-HTTPS redirect route. */
final class GatewayRoutes {

    private static final String API = "gateway.networking.k8s.io/v1";

    private final ValueReader v;
    private final PrefectNames n;

    GatewayRoutes(ValueReader v, PrefectNames n) {
        this.v = v;
        this.n = n;
    }

    List<Map<String, Object>> render() {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!v.bool("gateway.enabled")) {
            return out;
        }
        if (v.bool("gateway.create")) {
            out.add(gateway());
        }
        if (v.bool("httproute.enabled")) {
            out.add(route());
            if (v.bool("httproute.tls.redirect")) {
                out.add(redirect());
            }
        }
        return out;
    }

    String gatewayName() {
        String name = v.str("gateway.name");
        return name.isEmpty() ? n.fullname() : name;
    }

    String routeName() {
        String name = v.str("httproute.name");
        return name.isEmpty() ? n.fullname() : name;
    }

    private Map<String, Object> labels(String component, String extraKey) {
        Map<String, Object> labels = n.standard();
        labels.put("app.kubernetes.io/component", component);
        labels.put("prefect-version", n.appVersion());
        labels.putAll(Tree.asMap(v.tplValue(extraKey, v.map(extraKey))));
        labels.putAll(n.commonLabels());
        return labels;
    }

    private Map<String, Object> annotations(String key) {
        return Tree.merged(Tree.asMap(v.tplValue(key, v.map(key))), n.commonAnnotations());
    }

    private Map<String, Object> gateway() {
        Map<String, Object> spec = map("gatewayClassName", v.str("gateway.className"));
        putIfSet(spec, "infrastructure", v.tplValue("gateway.infrastructure", v.map("gateway.infrastructure")));
        List<Object> listeners = list();
        List<Object> hostnames = v.list("httproute.hostnames");
        String defaultCert = (hostnames.isEmpty() ? n.fullname() : String.valueOf(hostnames.get(0))) + "-tls";
        for (Object item : v.list("gateway.listeners")) {
            Map<String, Object> l = Tree.asMap(item);
            Map<String, Object> listener = map("name", l.get("name"), "port", l.get("port"), "protocol", l.get("protocol"));
            putIfSet(listener, "hostname", l.get("hostname"));
            if ("HTTPS".equals(l.get("protocol")) && l.get("tls") instanceof Map<?, ?> tlsValues) {
                Map<String, Object> tls = map("mode", Tree.isSet(tlsValues.get("mode")) ? tlsValues.get("mode") : "Terminate");
                List<Object> refs = list();
                for (Object r : Tree.asList(tlsValues.get("certificateRefs"))) {
                    Map<String, Object> ref = Tree.asMap(r);
                    Map<String, Object> out = map("kind", Tree.isSet(ref.get("kind")) ? ref.get("kind") : "Secret",
                            "name", Tree.isSet(ref.get("name")) ? ref.get("name") : defaultCert);
                    putIfSet(out, "namespace", ref.get("namespace"));
                    refs.add(out);
                }
                putIfSet(tls, "certificateRefs", refs);
                listener.put("tls", tls);
            }
            listeners.add(listener);
        }
        spec.put("listeners", listeners);
        return map("apiVersion", API, "kind", "Gateway",
                "metadata", n.metadata(gatewayName(), labels("gateway", "gateway.labels"), annotations("gateway.annotations")),
                "spec", spec);
    }

    private List<Object> parentRefs() {
        List<Object> out = list();
        for (Object item : v.list("httproute.parentRefs")) {
            Map<String, Object> p = Tree.asMap(item);
            Map<String, Object> ref = map("name", Tree.isSet(p.get("name")) ? p.get("name") : gatewayName());
            putIfSet(ref, "namespace", p.get("namespace"));
            putIfSet(ref, "sectionName", p.get("sectionName"));
            if (p.get("port") instanceof Number port && port.intValue() != 0) {
                ref.put("port", port);
            }
            out.add(ref);
        }
        return out;
    }

    private Map<String, Object> route() {
        Map<String, Object> spec = map("parentRefs", parentRefs());
        putIfSet(spec, "hostnames", v.list("httproute.hostnames"));
        String path = v.str("httproute.path");
        List<Object> rules = list(map(
                "matches", list(map("path", map("type", "PathPrefix", "value", path.isEmpty() ? "/" : path))),
                "backendRefs", list(map("name", n.fullname(), "port", v.get("service.port")))));
        rules.addAll(Tree.asList(v.tplValue("httproute.extraRules", v.list("httproute.extraRules"))));
        spec.put("rules", rules);
        return map("apiVersion", API, "kind", "HTTPRoute",
                "metadata", n.metadata(routeName(), labels("httproute", "httproute.labels"), annotations("httproute.annotations")),
                "spec", spec);
    }

    private Map<String, Object> redirect() {
        List<Object> refs = parentRefs();
        Map<String, Object> first = refs.isEmpty() ? map("name", gatewayName()) : Tree.asMap(refs.get(0));
        Map<String, Object> parent = map("name", first.get("name"));
        putIfSet(parent, "namespace", first.get("namespace"));
        parent.put("sectionName", "http");
        Map<String, Object> spec = map("parentRefs", list(parent));
        putIfSet(spec, "hostnames", v.list("httproute.hostnames"));
        Integer port = v.integer("httproute.tls.redirectPort", 1, 65535);
        spec.put("rules", list(map("filters", list(map("type", "RequestRedirect",
                "requestRedirect", map("scheme", "https", "port", port == null ? 443 : port, "statusCode", 301))))));
        return map("apiVersion", API, "kind", "HTTPRoute",
                "metadata", n.metadata(routeName() + "-tls-redirect", labels("httproute", "httproute.labels"),
                        annotations("httproute.annotations")),
                "spec", spec);
    }
}
