package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.driftless.config.SafeYaml;

/** What the legacy chart tells users about values it renders but that will not work as they hope. */
class LegacyServerChartTest {

    private static Chart.Rendered render(String version, String values) {
        return ChartRegistry.builtin().render("prefect-server-legacy", new Chart.Release("prefect", "prefect", version),
                List.of(SafeYaml.parse("values.yaml", values)));
    }

    private static Chart.Rendered render(String values) {
        return render("2022.09.23", values);
    }

    @Test
    void warnsThatBrowsersCannotReachApolloOnLocalhostBehindALoadBalancer() {
        assertThat(render("{}").warnings()).singleElement().asString()
                .startsWith("ui.apolloApiUrl is http://localhost:4200/graphql but apollo is exposed through a "
                        + "LoadBalancer")
                .endsWith("set ui.apolloApiUrl to http://<apollo load balancer address>:4200/graphql");
    }

    @Test
    void suggestsTheIngressHostWhenApolloHasAnIngress() {
        assertThat(render("apollo:\n  service:\n    type: ClusterIP\n  ingress:\n    enabled: true\n"
                + "    hosts: [apollo.example.com]\n    path: /\n").warnings())
                .singleElement().asString()
                .contains("apollo is exposed through an Ingress")
                .endsWith("set ui.apolloApiUrl to http://apollo.example.com/graphql");
    }

    @Test
    void staysQuietWhenApolloIsOnlyReachedThroughAPortForwardOrByItsPublicName() {
        assertThat(render("apollo:\n  service:\n    type: ClusterIP\n").warnings()).isEmpty();
        assertThat(render("ui:\n  apolloApiUrl: https://apollo.example.com/graphql\n").warnings()).isEmpty();
    }

    @Test
    void warnsWhenTheComponentsWouldLogInWithTheAdminPasswordOfAnotherUser() {
        assertThat(render("ui:\n  apolloApiUrl: https://apollo.example.com/graphql\n"
                + "postgresql:\n  auth:\n    password: app-secret\n").warnings())
                .singleElement().asString()
                .startsWith("postgresql.auth.password and postgresql.auth.postgresPassword differ")
                .contains("keep the two equal")
                .doesNotContain("app-secret");
    }

    @Test
    void requiresAnExternalHostnameWithoutTheSubchart() {
        assertThatThrownBy(() -> render("postgresql:\n  useSubChart: false\n  existingSecret: db\n"))
                .hasMessage("values.yaml:1: postgresql.externalHostname: is required when postgresql.useSubChart is false");
    }

    @Test
    void warnsWhenNothingCreatesTheExternalDatabaseSecret() {
        assertThat(render("ui:\n  apolloApiUrl: https://apollo.example.com/graphql\n"
                + "postgresql:\n  useSubChart: false\n  externalHostname: db.example.com\n").warnings())
                .singleElement().asString()
                .startsWith("postgresql.existingSecret is not set: the components read the database password from "
                        + "Secret prefect-postgresql (key postgres-password)");
        assertThat(render("0.0.0", "ui:\n  apolloApiUrl: https://apollo.example.com/graphql\n"
                + "postgresql:\n  useSubChart: false\n  externalHostname: db.example.com\n").warnings())
                .singleElement().asString().startsWith("postgresql.auth.existingSecret is not set");
    }

    @Test
    void warnsAboutKeysTheChartNeverReadsNamingFileAndLine() {
        assertThat(render("ui:\n  apolloApiUrl: https://apollo.example.com/graphql\n  ingres:\n    enabled: true\n"
                + "prefectConfig:\n  anything: goes\npostgresql:\n  image:\n    tag: \"16\"\n").warnings())
                .containsExactly("values.yaml:3: ui.ingres: not a setting of prefect-server-legacy; ignored (a typo?)");
    }

    @Test
    void namesTheKnownVersionsForAnUnknownOne() {
        assertThatThrownBy(() -> render("2022.09.07", "{}"))
                .hasMessage("chart.version: prefect-server-legacy version '2022.09.07' is not built into this Driftless; "
                        + "builtin: [0.0.0, 2022.04.14, 2022.09.23]");
    }

    @Test
    void explainsAnUnfinishedTenantJobInTheHealthReport() {
        Map<String, String> hints = render("jobs:\n  createTenant:\n    enabled: true\n").healthHints();
        assertThat(hints).containsOnlyKeys("Job/prefect/prefect-create-tenant-job");
        assertThat(hints.values()).singleElement().asString().contains("blank dashboard");
        assertThat(render("{}").healthHints()).isEmpty();
    }

    @Test
    void rejectsAPrefectConfigThatIsNotAMapping() {
        assertThatThrownBy(() -> render("prefectConfig: debug\n"))
                .hasMessageContaining("values.yaml:1: prefectConfig: expected a mapping of Prefect Server settings");
    }

    @Test
    void keepsAGeneratedPasswordOfTheOldGenerationFromTheLiveSecret() {
        Chart.Rendered fresh = render("2022.04.14", "{}");
        assertThat(fresh.warnings()).anyMatch(w -> w.startsWith("postgresql.postgresqlPassword is not set: "
                + "generated a random password; a sync stores it in Secret prefect-postgresql"));
        Chart.Rendered again = ChartRegistry.builtin().render("prefect-server-legacy",
                new Chart.Release("prefect", "prefect", "2022.04.14",
                        (ns, secret, key) -> java.util.Optional.of("kept")),
                List.of(SafeYaml.parse("values.yaml", "{}")));
        assertThat(again.warnings()).noneMatch(w -> w.contains("postgresqlPassword"));
        assertThat(Manifests.toYaml(again.objects())).contains("postgresql-password: " + Tree.base64("kept"));
    }

    @Test
    void theAgentOfEveryGenerationStartsWithTheJobTemplateItIsGiven() {
        for (String version : java.util.List.of("2022.04.14", "2022.09.23")) {
            java.util.Map<String, Object> agent = render(version, "agent:\n  enabled: true\n  jobTemplateFilePath: "
                    + "/etc/prefect/job.yaml\n").objects().stream()
                    .filter(o -> "Deployment".equals(o.get("kind")) && String.valueOf(Tree.asMap(o.get("metadata"))
                            .get("name")).endsWith("-agent")).findFirst().orElseThrow();
            Object container = Tree.asList(Tree.asMap(Tree.asMap(Tree.asMap(Tree.asMap(agent.get("spec"))
                    .get("template")).get("spec"))).get("containers")).get(0);
            assertThat(Tree.asMap(container).get("command")).as(version).isEqualTo(java.util.List.of("bash", "-c",
                    "prefect agent kubernetes start --job-template /etc/prefect/job.yaml"));
            assertThat(Tree.asMap(container)).as(version + ": no ConfigMap named, nothing mounted")
                    .doesNotContainKey("volumeMounts");
        }
    }
}
