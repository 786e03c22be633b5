package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.driftless.config.SafeYaml;

/** One test per message the prefect-server chart gives for values it cannot render. */
class PrefectServerValidationTest {

    private static Chart.Rendered render(String version, String values) {
        return ChartRegistry.builtin().render("prefect-server", new Chart.Release("prefect-server", "prefect", version),
                List.of(SafeYaml.parse("values.yaml", values)));
    }

    private static Chart.Rendered render(String values) {
        return render("2026.8.18172642", values);
    }

    @Test
    void rejectsAnUnknownLoggingLevelNamingTheKeyAndLine() {
        assertThatThrownBy(() -> render("server:\n  loggingLevel: VERBOSE\n"))
                .hasMessage("values.yaml:2: server.loggingLevel: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL; "
                        + "found 'VERBOSE'");
    }

    @Test
    void explainsTheApiUrlSettingTheUpstreamReadmeGetsWrong() {
        assertThatThrownBy(() -> render("server:\n  prefectApiUrl: http://prefect:4200/api\n"))
                .hasMessage("values.yaml:2: server.prefectApiUrl: is not a setting of this chart (upstream's schema "
                        + "rejects it: \"Additional property prefectApiUrl is not allowed\"); the API URL the UI uses is "
                        + "server.uiConfig.prefectUiApiUrl");
    }

    @Test
    void rejectsRemovedGlobalKeys() {
        assertThatThrownBy(() -> render("global:\n  prefect:\n    prefectApiUrl: x\n    prefectApiHost: y\n"))
                .isInstanceOf(RenderException.class)
                .satisfies(e -> assertThat(((RenderException) e).messages()).containsExactly(
                        "values.yaml:3: global.prefect.prefectApiUrl: `global.prefect.prefectApiUrl` has been removed. "
                                + "Please use `server.uiConfig.prefectUiApiUrl` instead.",
                        "values.yaml:4: global.prefect.prefectApiHost: `global.prefect.prefectApiHost` has been removed. "
                                + "Please use `server.uiConfig.prefectUiApiUrl` instead."));
        assertThatThrownBy(() -> render("server:\n  uiConfig:\n    prefectUiUrl: x\n"))
                .hasMessageStartingWith("values.yaml:3: server.uiConfig.prefectUiUrl: `server.uiConfig.prefectUiUrl` has been "
                        + "removed. This value was used solely for the purposes of printing out the UI URL");
    }

    @Test
    void requiresTheConnectionFieldsWithoutBundledPostgresql() {
        assertThatThrownBy(() -> render("postgresql:\n  enabled: false\nsecret:\n  username: prefect\n"))
                .isInstanceOf(RenderException.class)
                .satisfies(e -> assertThat(((RenderException) e).messages()).containsExactly(
                        "values.yaml:3: secret.password: is required", "values.yaml:3: secret.host: is required",
                        "values.yaml:3: secret.port: is required", "values.yaml:3: secret.database: is required"));
    }

    @Test
    void acceptsTheUpstreamReadmeSslExampleThatUpstreamRejects() {
        Chart.Rendered r = render("postgresql:\n  enabled: false\n  auth:\n    existingSecret: prefect-db\n");
        assertThat(r.resources()).noneMatch(o -> o.getKind().equals("Secret"));
        assertThat(r.warnings()).singleElement().asString()
                .startsWith("secret.create is true but no secret.* connection fields are set; using the existing Secret prefect-db");
        assertThat(io.driftless.render.Manifests.toYaml(r.objects())).contains("name: prefect-db\n", "key: connection-string");
    }

    @Test
    void takesTheConnectionUserAndPortFromTopLevelPostgresqlGlobals() {
        Chart.Rendered r = render("global:\n  postgresql:\n    auth: {username: app}\n    service: {ports: {postgresql: 6543}}\n");
        String url = r.resources().stream().filter(o -> o.getMetadata().getName().equals("prefect-server-postgresql-connection"))
                .map(o -> new String(java.util.Base64.getDecoder().decode(
                        ((java.util.Map<?, ?>) o.getAdditionalProperties().get("data")).get("connection-string").toString())))
                .findFirst().orElseThrow();
        assertThat(url).isEqualTo("postgresql+asyncpg://app:prefect-rocks@prefect-server-postgresql.prefect:6543/server");
    }

    @Test
    void requiresAnExistingSecretForASecretKeyConnectionString() {
        assertThatThrownBy(() -> render("externalDatabase:\n  connectionStringSecretKey: url\n"))
                .hasMessage("values.yaml:1: externalDatabase.existingSecret: is required when using database secret keys");
    }

    @Test
    void rejectsAnUnknownChartVersion() {
        assertThatThrownBy(() -> render("2020.1.1", ""))
                .hasMessage("chart.version: prefect-server version '2020.1.1' is not built into this Driftless; "
                        + "builtin: [0.0.0, 2026.6.16181256, 2026.6.18212926, 2026.6.25230347, 2026.7.2194107, 2026.7.2211359, "
                        + "2026.7.9212806, 2026.7.15163855, 2026.7.23210422, 2026.7.23214924, 2026.7.24183254, "
                        + "2026.7.28215845, 2026.7.30211541, 2026.7.31163938, 2026.8.7211611, 2026.8.12210735, "
                        + "2026.8.13185342, 2026.8.18172642]");
    }

    @Test
    void rejectsTemplateExpressionsItCannotEvaluate() {
        assertThatThrownBy(() -> render("server:\n  uiConfig:\n    prefectUiApiUrl: '{{ include \"x\" . }}'\n"))
                .hasMessageStartingWith("values.yaml:3: server.uiConfig.prefectUiApiUrl: unsupported template expression");
    }

    @Test
    void checksThePrefectVersionWhenBackgroundServicesRunSeparately() {
        String separate = "backgroundServices:\n  runAsSeparateDeployment: true\nredis:\n  enabled: true\n";
        assertThatThrownBy(() -> render("0.0.0", separate))
                .hasMessage("global.prefect.image.prefectTag: When running background services separately, Prefect tag "
                        + "must be in format X.Y.Z");
        assertThatThrownBy(() -> render(separate + "global:\n  prefect:\n    image:\n      prefectTag: latest\n"))
                .hasMessage("values.yaml:8: global.prefect.image.prefectTag: When running background services "
                        + "separately, Prefect tag must start with a version number");
        assertThatThrownBy(() -> render(separate + "global:\n  prefect:\n    image:\n      prefectTag: 3.1.12-python3.12\n"))
                .hasMessage("values.yaml:8: global.prefect.image.prefectTag: When running background services "
                        + "separately, Prefect version must be 3.1.13 or higher");
        assertThat(render(separate + "global:\n  prefect:\n    image:\n      repository: example/prefect\n"
                + "      prefectTag: custom\n").objects()).isNotEmpty();
        assertThat(render(separate).objects()).isNotEmpty();
    }

    @Test
    void requiresRedisForSeparateBackgroundServices() {
        assertThatThrownBy(() -> render("backgroundServices:\n  runAsSeparateDeployment: true\n"))
                .hasMessage("redis.enabled: You must set redis.enabled=true or provide a redis configuration when "
                        + "backgroundServices.runAsSeparateDeployment=true");
    }

    @Test
    void refusesGatewayAndIngressTogether() {
        assertThatThrownBy(() -> render("gateway:\n  enabled: true\n  className: eg\ningress:\n  enabled: true\n"))
                .hasMessage("values.yaml:2: gateway.enabled: Gateway API and Ingress are mutually exclusive. Only one can "
                        + "be enabled at a time. Please set either gateway.enabled=false or ingress.enabled=false.");
    }

    @Test
    void requiresANamedParentWhenTheGatewayIsNotCreated() {
        assertThatThrownBy(() -> render("gateway:\n  create: false\n"))
                .hasMessage("httproute.parentRefs: When httproute.enabled=true and gateway.create=false, at least one "
                        + "entry in httproute.parentRefs is required. Set one or more parentRefs[].name values to attach "
                        + "the HTTPRoute to an existing Gateway.");
    }

    @Test
    void theMigrationScriptIsUpstreamsBlockEndingInOneNewline() {
        for (String command : List.of("prefect server database upgrade -y", "prefect server database upgrade -y\n\n",
                "echo {{ .Release.Name }}\nprefect server database upgrade -y\n")) {
            Chart.Rendered rendered = render("backgroundServices: {runAsSeparateDeployment: true}\nredis: {enabled: true}\n"
                    + "migrations:\n  command: " + io.vertx.core.json.Json.encode(command) + "\n");
            Object args = rendered.objects().stream().filter(o -> "Job".equals(o.get("kind"))).findFirst()
                    .map(o -> at(o, "spec", "template", "spec", "containers")).map(c -> ((List<?>) c).get(0))
                    .map(c -> ((java.util.Map<?, ?>) c).get("args")).orElseThrow();
            assertThat(args).asList().singleElement().isEqualTo("set -eo pipefail\necho \"Starting database "
                    + "migration...\"\n" + command.replace("{{ .Release.Name }}", "prefect-server").strip() + "\n");
        }
    }

    @Test
    void theAutoscalerListsCpuBeforeMemory() {
        Chart.Rendered rendered = render("server:\n  autoscaling: {enabled: true}\n  resources: {requests: {cpu: 100m}}\n");
        Object metrics = rendered.objects().stream().filter(o -> "HorizontalPodAutoscaler".equals(o.get("kind")))
                .findFirst().map(o -> at(o, "spec", "metrics")).orElseThrow();
        assertThat(metrics).asList().extracting(m -> at(m, "resource", "name")).containsExactly("cpu", "memory");
    }

    @Test
    void requiresAGatewayClass() {
        assertThatThrownBy(() -> render("gateway:\n  enabled: true\n"))
                .hasMessage("values.yaml:1: gateway.className: gateway.className is required when gateway.enabled=true "
                        + "and gateway.create=true. Please specify a GatewayClass that exists in your cluster.");
    }

    @Test
    void rejectsUnknownKeysUnderTheObjectsUpstreamsSchemaCloses() {
        assertThatThrownBy(() -> render("server:\n  replicas: 3\n  resources:\n    limits:\n      gpu: 1\n"
                + "ingress:\n  hostname: x\n"))
                .isInstanceOf(RenderException.class)
                .satisfies(e -> assertThat(((RenderException) e).messages()).containsExactly(
                        "values.yaml:2: server.replicas: unknown key (upstream's schema: \"server: Additional property "
                                + "replicas is not allowed\"); known keys: " + knownServerKeys(),
                        "values.yaml:5: server.resources.limits.gpu: unknown key (upstream's schema: \"limits: Additional "
                                + "property gpu is not allowed\"); known keys: [cpu, ephemeral-storage, memory]",
                        "values.yaml:7: ingress.hostname: unknown key (upstream's schema: \"ingress: Additional property "
                                + "hostname is not allowed\"); known keys: [annotations, className, enabled, extraHosts, "
                                + "extraPaths, extraRules, extraTls, host, selfSigned, servicePort, tls]"));
        assertThat(render("server:\n  image:\n    repository: x\npostgresql:\n  anything: goes\n").objects())
                .as("keys the schema declares, and open objects, are accepted").isNotEmpty();
    }

    private static String knownServerKeys() {
        java.util.Set<String> keys = new java.util.TreeSet<>(((java.util.Map<String, Object>) new io.driftless.render
                .prefect.PrefectServerChart().defaults("0.0.0").get("server")).keySet());
        keys.add("image");
        return keys.toString();
    }

    @Test
    void checksEnumsAndRangesOfTheSchema() {
        assertThatThrownBy(() -> render("migrations:\n  restartPolicy: Always\nbackgroundServices:\n  replicaCount: 0\n"))
                .isInstanceOf(RenderException.class)
                .satisfies(e -> assertThat(((RenderException) e).messages()).containsExactly(
                        "values.yaml:2: migrations.restartPolicy: must be one of Never, OnFailure; found 'Always'",
                        "values.yaml:4: backgroundServices.replicaCount: must be at least 1, found 0"));
        assertThatThrownBy(() -> render("service:\n  extraPorts:\n    - name: metrics\n      port: 9090\n"))
                .hasMessage("values.yaml:3: service.extraPorts[0]: requires name, port and targetPort");
    }

    private static String redisPassword(Chart.Rendered rendered) {
        return rendered.resources().stream().filter(o -> o.getKind().equals("Secret")
                        && o.getMetadata().getName().equals("prefect-server-redis"))
                .map(o -> new String(java.util.Base64.getDecoder().decode(
                        ((java.util.Map<?, ?>) o.getAdditionalProperties().get("data")).get("redis-password").toString())))
                .findFirst().orElseThrow();
    }

    @Test
    void keepsTheRedisPasswordOfTheLiveSecretAndGeneratesOneOnlyWhenThereIsNone() {
        String values = "backgroundServices:\n  runAsSeparateDeployment: true\nredis:\n  enabled: true\n";
        Chart.Rendered live = ChartRegistry.builtin().render("prefect-server", new Chart.Release("prefect-server", "prefect",
                "2026.8.18172642", (ns, secret, key) -> java.util.Optional.of(ns + "/" + secret + "/" + key)),
                List.of(SafeYaml.parse("values.yaml", values)));
        assertThat(redisPassword(live)).isEqualTo("prefect/prefect-server-redis/redis-password");
        assertThat(live.warnings()).isEmpty();

        Chart.Rendered fresh = render(values);
        assertThat(redisPassword(fresh)).matches("[A-Za-z0-9]{24}").isNotEqualTo(redisPassword(render(values)));
        assertThat(fresh.warnings()).singleElement().asString().startsWith("redis.auth.password is not set");

        assertThat(redisPassword(render(values + "  auth:\n    password: chosen\n"))).isEqualTo("chosen");
    }

    @Test
    void warnsWhenTheUiApiUrlPortDiffersFromTheServicePort() {
        assertThat(render("service:\n  port: 8080\n").warnings()).containsExactly(
                "server.uiConfig.prefectUiApiUrl uses port 4200 but service.port is 8080; a browser going through "
                        + "`kubectl port-forward` to the Service will not reach the API");
        assertThat(render("").warnings()).isEmpty();
    }

    @Test
    void checksThatTheClusterServesTheGatewayApiWhenItIsKnown() {
        String values = "gateway:\n  enabled: true\n  className: eg\n";
        Chart.Release without = new Chart.Release("prefect-server", "prefect", "2026.8.18172642", Chart.Lookup.NONE,
                Chart.Capabilities.of(List.of("networking.k8s.io/v1")));
        assertThatThrownBy(() -> ChartRegistry.builtin().render("prefect-server", without,
                List.of(SafeYaml.parse("values.yaml", values))))
                .hasMessage("values.yaml:2: gateway.enabled: Gateway API (gateway.networking.k8s.io/v1) is not available "
                        + "in this cluster. Install the Gateway API CRDs, or set gateway.enabled=false.");
        for (String served : List.of("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1/Gateway")) {
            Chart.Release with = new Chart.Release("prefect-server", "prefect", "2026.8.18172642", Chart.Lookup.NONE,
                    Chart.Capabilities.of(List.of(served)));
            assertThat(ChartRegistry.builtin().render("prefect-server", with,
                    List.of(SafeYaml.parse("values.yaml", values))).warnings()).isEmpty();
        }
        assertThat(render(values).warnings()).singleElement().asString()
                .startsWith("gateway.enabled: not checked whether the cluster serves gateway.networking.k8s.io/v1/Gateway");
    }

    private static Object at(Object node, String... path) {
        Object out = node;
        for (String key : path) {
            out = Tree.asMap(out).get(key);
        }
        return out;
    }
}
