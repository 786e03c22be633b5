package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.driftless.config.SafeYaml;

/**
 * The {@code prefect-server} chart's NOTES.txt, to the character, for each way to reach the server; the texts are
 * those the upstream template (2026.8.18172642) gives, worked out from its whitespace control: each branch starts
 * with a newline, and the file ends with one.
 */
class PrefectNotesTest {

    private static String notes(String release, String values) {
        return ChartRegistry.builtin().render("prefect-server", new Chart.Release(release, "prefect",
                "2026.8.18172642"), List.of(SafeYaml.parse("values.yaml", values))).notes();
    }

    @Test
    void byDefaultAPortForwardOfTheClusterIpService() {
        assertThat(notes("prefect-server", "{}")).isEqualTo("""

                Run the following command to port-forward the UI to your localhost:
                $ kubectl --namespace prefect port-forward svc/prefect-server 4200:4200

                Visit http://localhost:4200 to use Prefect!
                """);
    }

    /** Upstream's unit case "Should render templated UI API URL" (server_test.yaml). */
    @Test
    void theUiUrlIsTheTemplatedApiUrlWithoutApi() {
        assertThat(notes("server-test", "server: {uiConfig: {prefectUiApiUrl: 'https://{{ .Release.Name }}.example.com/api'}}"))
                .containsPattern("Visit https://server-test\\.example\\.com to use Prefect!");
    }

    @Test
    void anIngressNodePortLoadBalancerOrGatewayEachSayHowToReachIt() {
        assertThat(notes("prefect-server", "ingress: {enabled: true, tls: true, host: {hostname: prefect.example.com, "
                + "path: /}}")).isEqualTo("\nhttps://prefect.example.com/\n");
        assertThat(notes("prefect-server", "service: {type: NodePort}")).isEqualTo("""

                  export NODE_PORT=$(kubectl get --namespace prefect -o jsonpath="{.spec.ports[0].nodePort}" services prefect-server)
                  export NODE_IP=$(kubectl get nodes --namespace prefect -o jsonpath="{.items[0].status.addresses[0].address}")
                  echo http://$NODE_IP:$NODE_PORT
                """);
        assertThat(notes("prefect-server", "service: {type: LoadBalancer}")).isEqualTo("""

                     NOTE: It may take a few minutes for the LoadBalancer IP to be available.
                           You can watch the status of by running 'kubectl get --namespace prefect svc -w prefect-server'
                  export SERVICE_IP=$(kubectl get svc --namespace prefect prefect-server --template "{{ range (index .status.loadBalancer.ingress 0) }}{{.}}{{ end }}")
                  echo http://$SERVICE_IP:4200
                """);
        assertThat(notes("prefect-server", "gateway: {enabled: true, className: istio}\nhttproute: {hostnames: "
                + "[a.example.com, b.example.com]}")).isEqualTo("""

                Gateway API is enabled. Access Prefect via your Gateway's configured hostname(s):
                https://a.example.com/
                https://b.example.com/

                To check Gateway status:
                $ kubectl get gateway prefect-server -n prefect
                $ kubectl get httproute prefect-server -n prefect
                """);
    }
}
