package io.driftless.render.prefect;

import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/**
 * The chart's {@code NOTES.txt} as Helm renders it after an install, to the character: how to reach the server
 * (the Gateway's hostnames, the Ingress, a NodePort, a LoadBalancer or a port-forward of the ClusterIP Service).
 * Its validations are the chart's ({@link PrefectValidation}), run before.
 */
final class PrefectNotes {

    private final ValueReader v;
    private final PrefectNames n;
    private final GatewayRoutes gateway;

    PrefectNotes(ValueReader v, PrefectNames n, GatewayRoutes gateway) {
        this.v = v;
        this.n = n;
        this.gateway = gateway;
    }

    String text() {
        String ns = n.releaseNamespace();
        String type = v.str("service.type");
        StringBuilder out = new StringBuilder();
        if (v.bool("gateway.enabled")) {
            out.append("\nGateway API is enabled. Access Prefect via your Gateway's configured hostname(s):");
            java.util.List<Object> hostnames = Tree.asList(v.get("httproute.hostnames"));
            if (hostnames.isEmpty()) {
                out.append("\nConfigure hostnames in httproute.hostnames");
            }
            for (Object host : hostnames) {
                out.append("\nhttps://").append(host).append(v.str("httproute.path"));
            }
            out.append("\n\nTo check Gateway status:\n$ kubectl get gateway ").append(gateway.gatewayName())
                    .append(" -n ").append(ns).append("\n$ kubectl get httproute ").append(gateway.routeName())
                    .append(" -n ").append(ns);
        } else if (v.bool("ingress.enabled")) {
            out.append("\nhttp").append(v.truthy("ingress.tls") ? "s" : "").append("://")
                    .append(v.str("ingress.host.hostname")).append(v.str("ingress.host.path"));
        } else if (type.contains("NodePort")) {
            out.append("\n  export NODE_PORT=$(kubectl get --namespace ").append(ns)
                    .append(" -o jsonpath=\"{.spec.ports[0].nodePort}\" services ").append(n.fullname()).append(")")
                    .append("\n  export NODE_IP=$(kubectl get nodes --namespace ").append(ns)
                    .append(" -o jsonpath=\"{.items[0].status.addresses[0].address}\")")
                    .append("\n  echo http://$NODE_IP:$NODE_PORT");
        } else if (type.contains("LoadBalancer")) {
            out.append("\n     NOTE: It may take a few minutes for the LoadBalancer IP to be available.")
                    .append("\n           You can watch the status of by running 'kubectl get --namespace ").append(ns)
                    .append(" svc -w ").append(n.fullname()).append("'")
                    .append("\n  export SERVICE_IP=$(kubectl get svc --namespace ").append(ns).append(" ")
                    .append(n.fullname()).append(" --template \"{{ range (index .status.loadBalancer.ingress 0) }}")
                    .append("{{.}}{{ end }}\")")
                    .append("\n  echo http://$SERVICE_IP:").append(v.str("service.port"));
        } else if (type.contains("ClusterIP")) {
            out.append("\nRun the following command to port-forward the UI to your localhost:\n$ kubectl --namespace ")
                    .append(ns).append(" port-forward svc/").append(n.fullname()).append(" ")
                    .append(v.str("service.targetPort")).append(":").append(v.str("service.port"))
                    .append("\n\nVisit ").append(n.uiApiUrl().replace("/api", ""))
                    .append(" to use Prefect!");
        }
        return out.append("\n").toString();
    }
}
