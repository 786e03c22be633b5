package io.driftless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class FleetLoaderTest {

    private static final Path BASE = Path.of("/fleets");

    private static Fleet parse(String yaml) {
        return FleetLoader.parse("fleet.yaml", yaml.getBytes(StandardCharsets.UTF_8), BASE);
    }

    private static List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        throw new AssertionError("expected the fleet to be rejected");
    }

    private static final String VALID = """
            sources:
              - name: values
                url: https://git.example.com/values.git
                ref: v1.2.0
                pollInterval: 2m
                auth: {username: bot, tokenEnv: TOKEN}
            clusters:
              - {name: dev, kubeconfig: kube/config, context: dev, labels: {env: dev}}
              - {name: prod, inCluster: true, labels: {env: prod}}
              - {name: lab, embedded: true, labels: {env: lab}}
            releases:
              - name: prefect
                namespace: prefect
                chart: {name: prefect-server, version: 2026.8.18172642}
                source: values
                values:
                  - base.yaml
                  - env/{labels.env}.yaml
                  - path: clusters/{cluster}.yaml
                    optional: true
                clusters:
                  matchLabels: {env: prod}
                syncPolicy: {selfHeal: true, maxPrunePercent: 20}
                ignoreDifferences:
                  - {kind: Deployment, name: prefect-server, jsonPointers: [/spec/replicas]}
                  - managedFieldsManagers: [vpa-recommender]
            """;

    @Test
    void loadsTheExampleFleet() {
        Fleet fleet = FleetLoader.load(Path.of("examples/fleet.yaml"));
        assertThat(fleet.targets()).extracting(Target::id).containsExactly("dev/prefect-server", "prod/prefect-server",
                "dev/prefect-v1");
        assertThat(fleet.targets().get(1).valuesLayers()).extracting(ReleaseSpec.ValuesLayer::path).containsExactly(
                "releases/prefect-server/values.yaml", "releases/prefect-server/env/prod.yaml",
                "releases/prefect-server/clusters/prod.yaml");
    }

    @Test
    void readsEveryFieldOfAValidFleet() {
        Fleet fleet = parse(VALID);
        SourceSpec source = fleet.sources().get(0);
        assertThat(source.ref()).isEqualTo("v1.2.0");
        assertThat(source.pollInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(source.auth().tokenEnv()).isEqualTo("TOKEN");
        assertThat(source.webhook().isNone()).isTrue();
        assertThat(fleet.clusters()).extracting(ClusterSpec::connection).containsExactly(
                ClusterSpec.Connection.KUBECONFIG, ClusterSpec.Connection.IN_CLUSTER, ClusterSpec.Connection.EMBEDDED);
        assertThat(fleet.clusters().get(0).kubeconfig()).isEqualTo("/fleets/kube/config");
        ReleaseSpec release = fleet.releases().get(0);
        assertThat(release.syncPolicy()).isEqualTo(new ReleaseSpec.SyncPolicy(true, true, false, false, true, 20, false, false));
        assertThat(fleet.targets()).extracting(Target::id).containsExactly("prod/prefect");
        assertThat(fleet.targets().get(0).valuesLayers()).extracting(ReleaseSpec.ValuesLayer::path, ReleaseSpec.ValuesLayer::optional)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("base.yaml", false),
                        org.assertj.core.groups.Tuple.tuple("env/prod.yaml", false),
                        org.assertj.core.groups.Tuple.tuple("clusters/prod.yaml", true));
    }

    @Test
    void readsTheWebhookSecretReferenceAndRefusesAnInlineSecret() {
        String token = "auth: {username: bot, tokenEnv: TOKEN}";
        assertThat(parse(VALID.replace(token, token + "\n    webhook: {secretFile: /run/secrets/push}")).sources()
                .get(0).webhook()).isEqualTo(new SourceSpec.Webhook(null, "/run/secrets/push"));
        assertThat(problems(VALID.replace(token, token + "\n    webhook: {secret: inline}"))).containsExactly(
                "fleet.yaml:7: sources[0].webhook.secret: unknown key; expected one of [secretEnv, secretFile]",
                "fleet.yaml:7: sources[0].webhook: set exactly one of secretEnv or secretFile");
    }

    @Test
    void reportsEveryProblemAtOnceWithFileLineAndKey() {
        List<String> problems = problems("""
                sources:
                  - name: values
                    url: https://git.example.com/values.git
                    pollIntervl: 30s
                    pollInterval: soon
                clusters:
                  - {name: dev}
                releases:
                  - name: Prefect
                    chart: {name: prefect-server, version: "1"}
                    source: valuez
                    values: [base.yaml, "env/{labels.env}.yaml"]
                """);
        assertThat(problems).containsExactlyInAnyOrder(
                "fleet.yaml:4: sources[0].pollIntervl: unknown key; expected one of [auth, decryption, name, pollInterval, ref, url, verifyCommits, webhook]",
                "fleet.yaml:5: sources[0].pollInterval: expected a duration such as 30s, 5m or 1h, found 'soon'",
                "fleet.yaml:9: releases[0].name: 'Prefect' must be a lowercase DNS label (a-z, 0-9, '-') of at most 53 characters",
                "fleet.yaml:9: releases[0].namespace: is required",
                "fleet.yaml:11: releases[0].source: unknown source 'valuez'; declared: [values]",
                "fleet.yaml:12: releases[0].values[1]: placeholder {labels.env}: cluster 'dev' has no label 'env'");
    }

    /** Issue 26: a duration too large for a number was an uncaught NumberFormatException, not a file:line problem. */
    @Test
    void aDurationTooLargeIsAProblemWithItsLineNotAnException() {
        List<String> problems = problems("""
                sources:
                  - {name: a, url: https://git.example.com/a.git, pollInterval: 99999999999999999999h}
                  - {name: b, url: https://git.example.com/b.git, pollInterval: 9999999999999999h}
                  - {name: c, url: https://git.example.com/c.git, pollInterval: 9223372036854775807ms}
                  - {name: d, url: https://git.example.com/d.git, pollInterval: 8761h}
                  - {name: e, url: https://git.example.com/e.git, pollInterval: 0008760h}
                clusters: [{name: dev, embedded: true}]
                releases: []
                highAvailability: {cluster: dev, leaseDuration: 99999999999999999999999s}
                """);
        assertThat(problems).containsExactlyInAnyOrder(
                "fleet.yaml:2: sources[0].pollInterval: expected a duration of at most 8760h (a year), found "
                        + "'99999999999999999999h'",
                "fleet.yaml:3: sources[1].pollInterval: expected a duration of at most 8760h (a year), found "
                        + "'9999999999999999h'",
                "fleet.yaml:4: sources[2].pollInterval: expected a duration of at most 8760h (a year), found "
                        + "'9223372036854775807ms'",
                "fleet.yaml:5: sources[3].pollInterval: expected a duration of at most 8760h (a year), found '8761h'",
                "fleet.yaml:9: highAvailability.leaseDuration: expected a duration of at most 8760h (a year), found "
                        + "'99999999999999999999999s'");
    }

    @Test
    void rejectsDuplicateKeysWithTheirLine() {
        assertThat(problems("sources: []\nclusters: []\nsources: []\n")).singleElement()
                .isEqualTo("fleet.yaml:3: sources: duplicate key (an earlier line sets it too)");
    }

    @Test
    void rejectsValuesPathsThatLeaveTheRepository() {
        String yaml = VALID.replace("- base.yaml", "- ../secrets/base.yaml").replace("- env/{labels.env}.yaml", "- /etc/passwd");
        assertThat(problems(yaml)).containsExactly(
                "fleet.yaml:17: releases[0].values[0]: '../secrets/base.yaml' must be a relative path inside the repository (no '/', '\\' or '..')",
                "fleet.yaml:18: releases[0].values[1]: '/etc/passwd' must be a relative path inside the repository (no '/', '\\' or '..')");
    }

    @Test
    void refusesCredentialsOverPlainHttpExceptToThisMachine() {
        assertThat(problems(VALID.replace("https://git.example.com", "http://git.example.com"))).containsExactly(
                "fleet.yaml:6: sources[0].auth: credentials over plain http:// would travel unencrypted; use https://");
        assertThat(parse(VALID.replace("https://git.example.com", "http://127.0.0.1:8081")).sources()).hasSize(1);
    }

    @Test
    void requiresExactlyOneSecretForGitCredentials() {
        assertThat(problems(VALID.replace("tokenEnv: TOKEN", "tokenEnv: TOKEN, passwordFile: /run/pw"))).containsExactly(
                "fleet.yaml:6: sources[0].auth: set exactly one of passwordEnv, passwordFile, tokenEnv or tokenFile");
    }

    @Test
    void rejectsDuplicateNamesAndConflictingClusterConnections() {
        String yaml = VALID.replace("{name: prod, inCluster: true,", "{name: dev, inCluster: true, embedded: true,");
        assertThat(problems(yaml)).contains(
                "fleet.yaml:9: clusters[1]: choose one of embedded: true, inCluster: true or kubeconfig/context",
                "fleet.yaml:9: clusters[1].name: duplicate name 'dev'");
    }

    @Test
    void resolvesPlaceholdersPerCluster() {
        ClusterSpec c = new ClusterSpec("eu-1", ClusterSpec.Connection.EMBEDDED, null, null,
                java.util.Map.of("env", "prod"), Origin.NONE);
        assertThat(Target.resolve("a/{labels.env}/{cluster}.yaml", c)).isEqualTo("a/prod/eu-1.yaml");
        assertThatThrownBy(() -> Target.resolve("{region}.yaml", c)).hasMessageContaining("unknown placeholder {region}");
    }

    @Test
    void readsIgnoreRulesAndRejectsOnesThatIgnoreNothing() {
        ReleaseSpec release = parse(VALID).releases().get(0);
        assertThat(release.ignoreDifferences()).containsExactly(
                new ReleaseSpec.IgnoreRule("Deployment", "prefect-server", List.of("/spec/replicas"), List.of()),
                new ReleaseSpec.IgnoreRule(null, null, List.of(), List.of("vpa-recommender")));
        assertThat(release.ignoreDifferences().get(0).coversPath("/spec/replicas")).isTrue();
        assertThat(release.ignoreDifferences().get(0).coversPath("/spec/replicasExtra")).isFalse();
        assertThat(problems(VALID.replace("jsonPointers: [/spec/replicas]", "jsonPointers: [spec.replicas]")
                .replace("- managedFieldsManagers: [vpa-recommender]", "- {kind: Service}"))).containsExactly(
                "fleet.yaml:25: releases[0].ignoreDifferences[0].jsonPointers: 'spec.replicas' is not a JSON "
                        + "pointer to a field, e.g. /spec/replicas",
                "fleet.yaml:26: releases[0].ignoreDifferences[1].jsonPointers: give jsonPointers or "
                        + "managedFieldsManagers (or both)");
    }

    @Test
    void readsNotifiersWithDefaultEvents() {
        Fleet fleet = parse(VALID + """
                notifications:
                  - {name: ops, urlEnv: SLACK_URL, format: slack}
                  - {name: am, url: https://alertmanager.example.com/api/v2/alerts, format: alertmanager,
                     events: [DriftDetected, DriftResolved], tokenEnv: AM_TOKEN}
                  - {name: each, url: https://hooks.example.com/x, window: 0s}
                """);
        assertThat(fleet.notifications()).hasSize(3);
        NotifierSpec ops = fleet.notifications().get(0);
        assertThat(ops.window()).as("a release's commit gathered into one message").isEqualTo(
                java.time.Duration.ofSeconds(10));
        assertThat(ops.gathers()).isTrue();
        assertThat(fleet.notifications().get(1).gathers()).as("one alert per target").isFalse();
        assertThat(fleet.notifications().get(2).gathers()).as("each notice at once").isFalse();
        assertThat(ops.format()).isEqualTo(NotifierSpec.Format.SLACK);
        assertThat(ops.events()).containsExactlyElementsOf(NotifierSpec.DEFAULT_EVENTS).doesNotContain(NoticeType.Synced);
        assertThat(fleet.notifications().get(1).wants(NoticeType.SyncFailed)).isFalse();
        assertThat(fleet.notifications().get(1).wants(NoticeType.DriftResolved)).isTrue();
    }

    @Test
    void rejectsNotifiersWithoutOneUrlAnUnknownFormatOrEventOrATokenOverPlainHttp() {
        assertThat(problems(VALID + """
                notifications:
                  - {name: a, url: https://x.example.com, urlEnv: URL}
                  - {name: b, url: https://x.example.com, format: teams, events: [Drift]}
                  - {name: c, url: http://hooks.example.com/x, tokenEnv: T}
                  - {name: c, url: ftp://x.example.com, window: 1h}
                """)).containsExactly(
                "fleet.yaml:28: notifications[0]: set exactly one of url or urlEnv (keep URLs that carry a secret, "
                        + "like Slack's, in urlEnv)",
                "fleet.yaml:29: notifications[1].format: unknown format 'teams'; expected json, slack or alertmanager",
                "fleet.yaml:29: notifications[1].events: unknown event 'Drift'; expected some of "
                        + java.util.Arrays.toString(NoticeType.values()),
                "fleet.yaml:30: notifications[2].tokenEnv: a token over plain http:// would travel unencrypted; "
                        + "use https://",
                "fleet.yaml:31: notifications[3].url: 'ftp://x.example.com' must be an http:// or https:// URL",
                "fleet.yaml:31: notifications[3].window: must be at most 10m: a notice gathered longer comes too late "
                        + "to act on",
                "fleet.yaml:31: notifications[3].name: duplicate name 'c'");
    }

    @Test
    void refusesServerSideApplyOnAnEmbeddedCluster() {
        String fleet = VALID.replace("syncPolicy: {selfHeal: true, maxPrunePercent: 20}",
                "syncPolicy: {selfHeal: true, serverSideApply: true}").replace("matchLabels: {env: prod}",
                "matchLabels: {env: lab}");
        assertThat(problems(fleet)).containsExactly("fleet.yaml:23: releases[0].syncPolicy.serverSideApply: cluster "
                + "'lab' is embedded, and its in-memory API server has no server-side apply; use it with real clusters only");
        assertThat(parse(VALID.replace("syncPolicy: {selfHeal: true, maxPrunePercent: 20}",
                "syncPolicy: {serverSideApply: true}")).releases().get(0).syncPolicy().serverSideApply()).isTrue();
    }

    @Test
    void sshSourcesNeedAKeyAndKnownHostsAndKeepTheirUrl() {
        String ssh = VALID.replace("url: https://git.example.com/values.git", "url: git@git.example.com:platform/values.git")
                .replace("auth: {username: bot, tokenEnv: TOKEN}", "auth: {sshKeyFile: keys/id_ed25519, knownHostsFile: "
                        + "keys/known_hosts}");
        SourceSpec source = parse(ssh).sources().get(0);
        assertThat(source.url()).isEqualTo("git@git.example.com:platform/values.git");
        assertThat(source.auth().sshKeyFile()).isEqualTo("/fleets/keys/id_ed25519");
        assertThat(source.auth().knownHostsFile()).isEqualTo("/fleets/keys/known_hosts");
        assertThat(problems(ssh.replace(", knownHostsFile: keys/known_hosts", ""))).singleElement().asString()
                .endsWith("sources[0].auth: an ssh:// source authenticates with sshKeyFile and checks the server "
                        + "against knownHostsFile: set both, and no password or token");
        assertThat(problems(VALID.replace("auth: {username: bot, tokenEnv: TOKEN}", "auth: {username: bot, tokenEnv: "
                + "TOKEN, sshKeyFile: k}"))).singleElement().asString().endsWith("(sshKeyFile and knownHostsFile are "
                + "for ssh:// URLs)");
    }

    @Test
    void refusesRefsThatAreNotGitRefNamesBeforeAnyGitCallSeesThem() {
        for (String ref : List.of("../../../../etc/shadow", "refs/remotes/origin/../../../etc/passwd", "-upload-pack=x",
                "main..dev", "a b", "feature/.hidden", "x.lock", "refs/", "tag~1", "HEAD@{1}")) {
            assertThat(problems(VALID.replace("ref: v1.2.0", "ref: '" + ref + "'")))
                    .singleElement().asString().startsWith("fleet.yaml:4: sources[0].ref: ref ")
                    .endsWith("; expected a branch, a tag, a full commit id or a refs/... name");
        }
        for (String ref : List.of("main", "release/2026.11", "v1.2.0", "refs/pull/12/head",
                "0123456789abcdef0123456789abcdef01234567")) {
            assertThat(parse(VALID.replace("ref: v1.2.0", "ref: '" + ref + "'")).sources().get(0).ref()).isEqualTo(ref);
        }
    }

    @Test
    void refusesCredentialsInTheUrlAndDecidesLoopbackByTheAddressLiteral() {
        assertThat(problems(VALID.replace("https://git.example.com", "http://bob:PW@192.0.2.10")))
                .contains("fleet.yaml:3: sources[0].url: carries credentials in its user part; never put them in the "
                        + "URL: use auth.usernameEnv or auth.username with passwordEnv, passwordFile, tokenEnv or "
                        + "tokenFile")
                .noneMatch(p -> p.contains("PW"));
        assertThat(problems(VALID.replace("https://git.example.com", "http://127.attacker.example")))
                .containsExactly("fleet.yaml:6: sources[0].auth: credentials over plain http:// would travel "
                        + "unencrypted; use https://");
        assertThat(Urls.isLoopback("http://127.0.0.1:8080/x")).isTrue();
        assertThat(Urls.isLoopback("http://127.9.8.7/x")).isTrue();
        assertThat(Urls.isLoopback("http://[::1]:80/x")).isTrue();
        assertThat(Urls.isLoopback("http://localhost/x")).isTrue();
        assertThat(Urls.isLoopback("http://127.attacker.example/x")).isFalse();
        assertThat(Urls.isLoopback("http://127.0.0.1.nip.example/x")).isFalse();
        assertThat(Urls.isLoopback("http://10.0.0.1/x")).isFalse();
    }

    @Test
    void refusesAFleetWithNothingToSync() {
        assertThat(problems("sources: []\nclusters: [{name: a, embedded: true}]\nreleases: []\n"))
                .containsExactly("fleet.yaml:3: releases: the fleet declares no release: there is nothing to sync");
        assertThat(problems(VALID.replace("matchLabels: {env: prod}", "matchLabels: {env: nowhere}")))
                .containsExactly("fleet.yaml:21: releases[0].clusters: no release selects any declared cluster: "
                        + "there is nothing to sync");
    }

    @Test
    void aFleetFileMayPointToTheFleetInGit(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("fleet.yaml");
        java.nio.file.Files.writeString(file, """
                fleetSource:
                  url: https://git.example.com/platform/fleet.git
                  ref: main
                  path: clusters/fleet.yaml
                  pollInterval: 1m
                  auth: {username: bot, tokenEnv: TOKEN}
                """);
        FleetSource pointer = FleetLoader.fleetSource(file).orElseThrow();
        assertThat(pointer.path()).isEqualTo("clusters/fleet.yaml");
        assertThat(pointer.source().name()).isEqualTo("fleet");
        assertThat(pointer.source().pollInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(pointer.source().auth().tokenEnv()).isEqualTo("TOKEN");

        java.nio.file.Files.writeString(file, VALID);
        assertThat(FleetLoader.fleetSource(file)).as("an ordinary fleet file").isEmpty();
    }

    @Test
    void aPointerToAFleetInGitHoldsNothingElseAndStaysInsideItsRepository(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("fleet.yaml");
        java.nio.file.Files.writeString(file, """
                fleetSource:
                  url: https://user:pw@git.example.com/fleet.git
                  path: ../../etc/fleet.yaml
                clusters: [{name: dev, embedded: true}]
                """);
        assertThatThrownBy(() -> FleetLoader.fleetSource(file)).isInstanceOfSatisfying(ConfigException.class, e ->
                assertThat(e.problems().stream().map(Problem::toString).toList()).anySatisfy(p -> assertThat(p)
                        .contains("fleet.yaml:4", "clusters", "only points to the fleet in Git"))
                        .anySatisfy(p -> assertThat(p).contains("fleet.yaml:3", "fleetSource.path", "inside the repository"))
                        .anySatisfy(p -> assertThat(p).contains("fleet.yaml:2", "fleetSource.url", "credentials")));
    }

    @Test
    void removedTargetsArePrunedOnlyWhenTheFleetSaysSo() {
        assertThat(parse(VALID).pruneRemovedTargets()).isFalse();
        assertThat(parse(VALID + "pruneRemovedTargets: true\n").pruneRemovedTargets()).isTrue();
        assertThat(problems(VALID + "pruneRemovedTargets: maybe\n")).singleElement().asString()
                .startsWith("fleet.yaml:27: pruneRemovedTargets: expected true or false");
    }

    @Test
    void aSpecMovedToAnotherLineIsTheSameSpec() {
        Fleet before = parse(VALID);
        Fleet after = parse("# a comment moves every line\n\n" + VALID);
        assertThat(after.releases().get(0).origin().line()).isNotEqualTo(before.releases().get(0).origin().line());
        assertThat(after).isEqualTo(before);
        assertThat(parse(VALID.replace("maxPrunePercent: 20", "maxPrunePercent: 30"))).isNotEqualTo(before);
    }

    @Test
    void aReleaseIsRenderedByABuiltinChartAHelmChartInTheRepositoryOrAFolderOfManifests() {
        String fleet = """
                sources: [{name: values, url: https://git.example.com/values.git}]
                clusters: [{name: dev, embedded: true}]
                releases:
                  - {name: shop, namespace: shop, chart: {path: charts/webapp, version: 1.2.0}, source: values,
                     values: [shop.yaml]}
                  - {name: plain, namespace: plain, chart: {manifests: apps/plain}, source: values}
                """;
        Fleet parsed = parse(fleet);
        assertThat(parsed.releases().get(0).chart().kind()).isEqualTo(ReleaseSpec.ChartRef.Kind.HELM);
        assertThat(parsed.releases().get(0).chart().toString()).isEqualTo("helm:charts/webapp@1.2.0");
        assertThat(parsed.releases().get(1).chart().kind()).isEqualTo(ReleaseSpec.ChartRef.Kind.MANIFESTS);

        assertThat(problems(fleet.replace("{path: charts/webapp, version: 1.2.0}", "{name: x, path: ../webapp}")
                .replace("chart: {manifests: apps/plain}, source: values}", "chart: {manifests: apps/plain}, "
                        + "source: values, values: [p.yaml]}")))
                .anySatisfy(p -> assertThat(p).startsWith("fleet.yaml:4: releases[0].chart").contains("set one of"))
                .anySatisfy(p -> assertThat(p).startsWith("fleet.yaml:4: releases[0].chart.path").contains("inside"))
                .anySatisfy(p -> assertThat(p).startsWith("fleet.yaml:6: releases[1].values").contains("takes no values"));
    }

    @Test
    void aChartFromAChartRepositoryNeedsAnHttpsUrlANameAVersionAndCredentialsFromTheEnvironmentOrAFile() {
        String fleet = """
                sources: [{name: values, url: https://git.example.com/values.git}]
                clusters: [{name: dev, embedded: true}]
                releases:
                  - name: shop
                    namespace: shop
                    chart: {repository: https://charts.example.com/stable/, name: webapp, version: 1.2.0,
                            auth: {username: bot, tokenEnv: CHARTS_TOKEN}}
                    source: values
                """;
        ReleaseSpec.ChartRef ref = parse(fleet).releases().get(0).chart();
        assertThat(ref.kind()).isEqualTo(ReleaseSpec.ChartRef.Kind.REPOSITORY);
        assertThat(ref.repository()).isEqualTo("https://charts.example.com/stable");
        assertThat(ref.auth().tokenEnv()).isEqualTo("CHARTS_TOKEN");
        assertThat(parse(fleet.replace("https://charts.example.com/stable/", "oci://registry.example.com/charts"))
                .releases().get(0).chart().repository()).isEqualTo("oci://registry.example.com/charts");
        assertThat(problems(fleet.replace("https://charts.example.com/stable/", "ftp://charts.example.com")))
                .singleElement().asString().startsWith("fleet.yaml:6: releases[0].chart.repository")
                .contains("must be an https://");
        assertThat(problems(fleet.replace("https://charts", "https://u:p@charts"))).singleElement().asString()
                .contains("chart.repository", "credentials in its user part");
        assertThat(problems(fleet.replace("tokenEnv: CHARTS_TOKEN", "token: inline"))).anySatisfy(p ->
                assertThat(p).contains("chart.auth.token", "unknown key"));
    }

    @Test
    void aRepositoryChartsNameIsAChartNameAndItsVersionHoldsNoPath() {
        String fleet = """
                sources: [{name: values, url: https://git.example.com/values.git}]
                clusters: [{name: dev, embedded: true}]
                releases:
                  - name: shop
                    namespace: shop
                    chart: {repository: oci://registry.example.com/charts, name: webapp, version: 1.2.0}
                    source: values
                """;
        assertThat(parse(fleet.replace("webapp", "my_chart.v2").replace("1.2.0", "1.2.0+build.7")).releases().get(0)
                .chart().name()).isEqualTo("my_chart.v2");
        for (String name : List.of("../../x", "charts/webapp", ".", "..", "web app")) {
            assertThat(problems(fleet.replace("name: webapp", "name: '" + name + "'"))).as(name).containsExactly(
                    "fleet.yaml:6: releases[0].chart.name: '" + name + "' is not a chart name (letters, digits, '-', "
                    + "'_' and '.'; not '.' or '..')");
        }
        for (String version : List.of("1.2.0/../../x", "..", "../1.2.0", "1.2.0/x")) {
            assertThat(problems(fleet.replace("version: 1.2.0", "version: '" + version + "'"))).as(version)
                    .containsExactly("fleet.yaml:6: releases[0].chart.version: '" + version + "' must not contain '/' "
                            + "or '..'");
        }
    }

    @Test
    void credentialFilesResolveAgainstTheFleetsFolderLikeKeyFiles() {
        SourceSpec.GitAuth auth = parse(VALID.replace("tokenEnv: TOKEN", "tokenFile: secrets/token")).sources().get(0)
                .auth();
        assertThat(auth.tokenFile()).isEqualTo(BASE.resolve("secrets/token").toString());
        assertThat(parse(VALID.replace("tokenEnv: TOKEN", "passwordFile: /run/pw")).sources().get(0).auth()
                .passwordFile()).isEqualTo("/run/pw");
    }

    private static final String TENANTS = """
            sources:
              - {name: team-a-values, url: https://git.example.com/a.git}
              - {name: team-b-values, url: https://git.example.com/b.git}
            clusters:
              - {name: dev, inCluster: true, labels: {env: dev}}
              - {name: prod, inCluster: true, labels: {env: prod}}
            tenants:
              - name: team-a
                sources: [{name: team-a-values, paths: ["apps/team-a/**"]}]
                destinations: [{clusters: {matchLabels: {env: prod}}, namespaces: ["team-a", "team-a-*"]}]
                clusterResources: []
                namespacedResourcesDenied: [{group: rbac.authorization.k8s.io, kind: "*"}]
                serviceAccount: {namespace: team-a, name: driftless-deployer}
              - name: team-b
                sources: [{name: team-b-values}, {repository: "https://charts.example.com/**"}]
                destinations: [{namespaces: ["team-b"]}]
                clusterResources: [{group: "", kind: Namespace}]
            releases:
              - name: shop
                tenant: team-a
                namespace: team-a-shop
                chart: {path: apps/team-a/charts/shop}
                source: team-a-values
                values: ["apps/team-a/shop/{cluster}.yaml"]
                clusters: {names: [prod]}
              - name: db
                tenant: team-b
                namespace: team-b
                chart: {repository: https://charts.example.com/stable, name: db, version: 1.0.0}
                source: team-b-values
                values: [db.yaml]
                adopt: true
            """;

    @Test
    void tenantsAreReadAndEachReleaseCarriesItsTenant() {
        Fleet fleet = parse(TENANTS);
        assertThat(fleet.tenants()).extracting(TenantSpec::name).containsExactly("team-a", "team-b");
        ReleaseSpec shop = fleet.releases().get(0);
        TenantSpec a = shop.tenant();
        assertThat(a.name()).isEqualTo("team-a");
        assertThat(a.serviceAccount().username()).isEqualTo("system:serviceaccount:team-a:driftless-deployer");
        ClusterSpec prod = fleet.clusters().get(1);
        ClusterSpec dev = fleet.clusters().get(0);
        assertThat(a.admitsNamespace(prod, "team-a")).isTrue();
        assertThat(a.admitsNamespace(prod, "team-a-shop")).isTrue();
        assertThat(a.admitsNamespace(prod, "team-b")).isFalse();
        assertThat(a.admitsNamespace(dev, "team-a")).as("team-a has no destination on dev").isFalse();
        assertThat(a.admitsPath("team-a-values", "apps/team-a/shop/prod.yaml")).isTrue();
        assertThat(a.admitsPath("team-a-values", "apps/team-b/x.yaml")).isFalse();
        assertThat(a.admitsPath("team-b-values", "apps/team-a/x.yaml")).isFalse();
        assertThat(a.admitsClusterScoped("rbac.authorization.k8s.io", "ClusterRole")).isFalse();
        assertThat(a.deniesNamespaced("rbac.authorization.k8s.io", "RoleBinding")).isTrue();
        assertThat(a.deniesNamespaced("apps", "Deployment")).isFalse();
        assertThat(shop.adopt()).isFalse();
        ReleaseSpec db = fleet.releases().get(1);
        assertThat(db.tenant().serviceAccount()).isNull();
        assertThat(db.tenant().admitsClusterScoped("", "Namespace")).isTrue();
        assertThat(db.adopt()).isTrue();
        assertThat(parse(VALID).releases().get(0).tenant()).isSameAs(TenantSpec.ADMIN);
    }

    @Test
    void aReleaseThatLeavesItsTenantIsRefusedWithItsFileAndLine() {
        assertThat(problems(TENANTS.replace("namespace: team-a-shop", "namespace: kube-system")))
                .containsExactly("fleet.yaml:21: releases[0].namespace: tenant team-a may not write to namespace "
                        + "kube-system of cluster prod (its destinations there: [team-a, team-a-*])");
        assertThat(problems(TENANTS.replace("clusters: {names: [prod]}", "clusters: {names: [dev, prod]}")))
                .containsExactly("fleet.yaml:25: releases[0].clusters: tenant team-a may not write to cluster dev "
                        + "(no destination of the tenant selects it)");
        assertThat(problems(TENANTS.replace("values: [\"apps/team-a/shop/{cluster}.yaml\"]",
                "values: [apps/team-b/secrets.yaml]"))).singleElement().asString()
                .contains("tenant team-a may not read apps/team-b/secrets.yaml of source team-a-values");
        assertThat(problems(TENANTS.replace("chart: {path: apps/team-a/charts/shop}", "chart: {path: charts/shop}")))
                .singleElement().asString().contains("releases[0].chart: tenant team-a may not read charts/shop");
        assertThat(problems(TENANTS.replace("source: team-a-values\n", "source: team-b-values\n")))
                .anySatisfy(p -> assertThat(p).contains("tenant team-a may not read"));
        assertThat(problems(TENANTS.replace("https://charts.example.com/stable", "https://evil.example.com/c")))
                .singleElement().asString().contains("releases[1].chart.repository: tenant team-b may not render "
                        + "charts from https://evil.example.com/c");
        assertThat(problems(TENANTS.replace("    tenant: team-a\n", ""))).singleElement().asString()
                .contains("releases[0]: the fleet declares tenants: name the release's tenant");
        assertThat(problems(TENANTS.replace("tenant: team-a\n", "tenant: team-c\n"))).singleElement().asString()
                .contains("releases[0].tenant: unknown tenant 'team-c'");
        assertThat(problems(TENANTS.replace("destinations: [{namespaces: [\"team-b\"]}]", "destinations: []")))
                .anySatisfy(p -> assertThat(p).contains("tenants[1].destinations: a tenant needs at least one"));
        assertThat(problems(TENANTS.replace("{group: \"\", kind: Namespace}", "{kind: Namespace}")))
                .anySatisfy(p -> assertThat(p).contains("tenants[1].clusterResources[0].group: is required"));
    }

    @Test
    void refusesTextThatYamlReadsAsAnotherNumberAndAsksToQuoteIt() {
        String fleet = """
                sources:
                  - {name: values, url: https://git.example.com/values.git, ref: 0x1F}
                clusters:
                  - {name: dev, embedded: true, labels: {env: 010}}
                releases:
                  - name: 0777
                    namespace: 1:30
                    chart: {name: prefect-server, version: 0777}
                    source: values
                    clusters: {names: [dev, 0o7, 017], matchLabels: {env: 010}}
                highAvailability: {cluster: dev, shards: 010}
                """;
        assertThat(problems(fleet)).containsExactlyInAnyOrder(
                "fleet.yaml:2: sources[0].ref: expected a string, found 0x1F, which YAML reads as the number 31; "
                        + "quote it to mean the text",
                "fleet.yaml:4: clusters[0].labels.env: expected a string, found 010, which YAML reads as the number 8; "
                        + "quote it to mean the text",
                "fleet.yaml:6: releases[0].name: expected a string, found 0777, which YAML reads as the number 511; "
                        + "quote it to mean the text",
                "fleet.yaml:7: releases[0].namespace: expected a string, found 1:30, which YAML reads as the number "
                        + "90; quote it to mean the text",
                "fleet.yaml:8: releases[0].chart.version: expected a string, found 0777, which YAML reads as the "
                        + "number 511; quote it to mean the text",
                "fleet.yaml:10: releases[0].clusters.names[2]: expected a string, found 017, which YAML reads as the "
                        + "number 15; quote it to mean the text",
                "fleet.yaml:10: releases[0].clusters.names: unknown cluster '0o7'",
                "fleet.yaml:10: releases[0].clusters.matchLabels.env: expected a string, found 010, which YAML reads "
                        + "as the number 8; quote it to mean the text",
                "fleet.yaml:11: highAvailability.shards: found 010, which YAML reads as the number 8; write the "
                        + "number in decimal");
        Fleet quoted = parse(fleet.replace("0x1F", "'0x1F'").replace("010", "'010'").replace("0777", "'0777'")
                .replace("1:30", "'1-30'").replace(", 0o7, 017", "").replace("shards: '010'", "shards: 10"));
        assertThat(quoted.sources().get(0).ref()).isEqualTo("0x1F");
        assertThat(quoted.releases().get(0).name()).isEqualTo("0777");
        assertThat(quoted.releases().get(0).chart().version()).isEqualTo("0777");
        assertThat(quoted.clusters().get(0).labels()).containsEntry("env", "010");
        assertThat(quoted.highAvailability().shards()).isEqualTo(10);
        assertThat(parse(VALID.replace("name: prefect\n", "name: 1\n")).releases().get(0).name())
                .as("a decimal reads back as written").isEqualTo("1");
    }

    @Test
    void clusterLabelsAreKubernetesLabelKeysAndValues() {
        String fleet = """
                sources: [{name: values, url: https://git.example.com/values.git}]
                clusters:
                  - name: dev
                    embedded: true
                    labels:
                      env: ../prod
                      Bad Key: x
                      example.com/tier: front
                      -leading: y
                      empty: ""
                      a/b/c: z
                      long: %s
                      ok: yes
                releases:
                  - name: prefect
                    namespace: prefect
                    chart: {name: prefect-server, version: 2026.8.18172642}
                    source: values
                    clusters: {matchLabels: {"region/": eu, tier: "front end"}}
                """.formatted("x".repeat(64));
        assertThat(problems(fleet)).containsExactlyInAnyOrder(
                "fleet.yaml:6: clusters[0].labels.env: '../prod' is not a Kubernetes label value (at most 63 "
                        + "letters, digits, '-', '_' or '.', starting and ending with a letter or digit; or empty)",
                "fleet.yaml:7: clusters[0].labels.Bad Key: 'Bad Key' is not a Kubernetes label key (an optional "
                        + "DNS subdomain and '/', then at most 63 letters, digits, '-', '_' or '.', starting and "
                        + "ending with a letter or digit)",
                "fleet.yaml:9: clusters[0].labels.-leading: '-leading' is not a Kubernetes label key (an optional "
                        + "DNS subdomain and '/', then at most 63 letters, digits, '-', '_' or '.', starting and "
                        + "ending with a letter or digit)",
                "fleet.yaml:11: clusters[0].labels.a/b/c: 'a/b/c' is not a Kubernetes label key (an optional "
                        + "DNS subdomain and '/', then at most 63 letters, digits, '-', '_' or '.', starting and "
                        + "ending with a letter or digit)",
                "fleet.yaml:12: clusters[0].labels.long: '" + "x".repeat(64) + "' is not a Kubernetes label value "
                        + "(at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit; "
                        + "or empty)",
                "fleet.yaml:13: clusters[0].labels.ok: expected a string, found the boolean true; quote it to mean "
                        + "the text",
                "fleet.yaml:19: releases[0].clusters.matchLabels.region/: 'region/' is not a Kubernetes label key "
                        + "(an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' or '.', "
                        + "starting and ending with a letter or digit)",
                "fleet.yaml:19: releases[0].clusters.matchLabels.tier: 'front end' is not a Kubernetes label value "
                        + "(at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit; "
                        + "or empty)");
        Fleet fine = parse(VALID.replace("labels: {env: dev}", "labels: {env: dev, example.com/tier: front, "
                + "empty: \"\", x_y.z: A-1}"));
        assertThat(fine.clusters().get(0).labels()).containsEntry("example.com/tier", "front").containsEntry("empty", "")
                .containsEntry("x_y.z", "A-1");
    }

    private static final String DELIVERY = """
            sources: [{name: values, url: https://git.example.com/values.git}]
            clusters:
              - {name: dev, embedded: true, labels: {env: dev}}
              - {name: prod, embedded: true, labels: {env: prod}}
              - {name: lab, embedded: true, labels: {env: lab}}
            releases:
              - name: db
                namespace: db
                chart: {manifests: db}
                source: values
                clusters: {names: [dev, prod]}
                dependsOn: [{release: app}]
              - name: app
                namespace: app
                chart: {manifests: app}
                source: values
                dependsOn: [{release: db}, {release: cache}, {release: db, cluster: lab}, {release: db, cluster: mars}]
                rollout:
                  waves:
                    - {name: canary, clusters: {matchLabels: {env: dev}}, maxParallel: 0%}
                    - {name: prod, clusters: {names: [prod, dev]}, maxParallel: 25%}
                    - {name: prod, clusters: {names: [prod]}, maxParallel: 3}
                  healthyFor: 2m
                  onDegraded: ignore
            syncWindows:
              - {kind: deny, schedule: "0 17 * * 8", duration: 64h, timeZone: Europe/Atlantis, releases: [nope]}
              - {kind: sometimes, schedule: "0 9 * * 1-4", clusters: {names: [mars]}}
            """;

    @Test
    void deliveryProblemsAreNamedAtTheirLine() {
        assertThat(problems(DELIVERY)).containsExactlyInAnyOrder(
                "fleet.yaml:20: releases[1].rollout.waves[0].maxParallel: expected a number of targets or a share "
                        + "from 1% to 100%, found '0%'",
                "fleet.yaml:22: releases[1].rollout.waves[2].name: duplicate name 'prod'",
                "fleet.yaml:24: releases[1].rollout.onDegraded: expected halt or continue, found 'ignore'",
                "fleet.yaml:26: syncWindows[0].schedule: '0 17 * * 8' is not a cron schedule (minute hour "
                        + "day-of-month month day-of-week, e.g. \"0 17 * * 5\"): Value 8 not in range [0, 7]",
                "fleet.yaml:26: syncWindows[0].timeZone: 'Europe/Atlantis' is not a time zone (e.g. Europe/Berlin "
                        + "or UTC)",
                "fleet.yaml:27: syncWindows[1].kind: expected allow or deny, found 'sometimes'",
                "fleet.yaml:27: syncWindows[1].duration: is required, e.g. 8h",
                "fleet.yaml:17: releases[1].dependsOn[0].release: 'db' does not run on cluster lab, which 'app' "
                        + "selects; name the cluster it runs on (cluster: NAME) or \"*\"",
                "fleet.yaml:17: releases[1].dependsOn[1].release: unknown release 'cache'; declared: [db, app]",
                "fleet.yaml:17: releases[1].dependsOn[2].cluster: 'db' does not run on cluster lab",
                "fleet.yaml:17: releases[1].dependsOn[3].cluster: unknown cluster 'mars'",
                "fleet.yaml:19: releases[1].rollout.waves: cluster dev, which the release selects, is in more than "
                        + "one wave [canary, prod]; each of its clusters must be in exactly one",
                "fleet.yaml:19: releases[1].rollout.waves: cluster prod, which the release selects, is in more than "
                        + "one wave [prod, prod]; each of its clusters must be in exactly one",
                "fleet.yaml:19: releases[1].rollout.waves: cluster lab, which the release selects, is in no wave; "
                        + "each of its clusters must be in exactly one",
                "fleet.yaml:12: releases[0].dependsOn[0].release: a dependency cycle: db -> app -> db",
                "fleet.yaml:26: syncWindows[0].releases: unknown release 'nope'",
                "fleet.yaml:27: syncWindows[1].clusters: unknown cluster 'mars'");
    }

    @Test
    void aValidDeliveryIsReadAsWritten() {
        Fleet fleet = parse("""
                sources: [{name: values, url: https://git.example.com/values.git}]
                clusters:
                  - {name: dev, embedded: true, labels: {env: dev}}
                  - {name: prod, embedded: true, labels: {env: prod}}
                releases:
                  - name: db
                    namespace: db
                    chart: {manifests: db}
                    source: values
                  - name: app
                    namespace: app
                    chart: {manifests: app}
                    source: values
                    dependsOn: [{release: db}, {release: db, cluster: "*"}]
                    rollout:
                      waves:
                        - {name: canary, clusters: {matchLabels: {env: dev}}}
                        - {name: prod, clusters: {matchLabels: {env: prod}}, maxParallel: 25%}
                      healthyFor: 2m
                syncWindows:
                  - {kind: deny, schedule: "0 17 * * 5", duration: 64h, timeZone: Europe/Berlin, manualSync: true,
                     clusters: {matchLabels: {env: prod}}}
                """);
        Delivery app = fleet.releases().get(1).delivery();
        assertThat(app.dependsOn()).extracting(Delivery.Dependency::release, Delivery.Dependency::cluster)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("db", null),
                        org.assertj.core.groups.Tuple.tuple("db", "*"));
        assertThat(app.waves()).extracting(Delivery.Wave::name).containsExactly("canary", "prod");
        assertThat(app.waves().get(1).limit(8)).isEqualTo(2);
        assertThat(app.waves().get(1).limit(3)).as("at least one").isEqualTo(1);
        assertThat(app.waves().get(0).limit(5)).as("no maxParallel: the whole wave").isEqualTo(5);
        assertThat(app.healthyFor()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(app.onDegraded()).isEqualTo(Delivery.OnDegraded.HALT);
        assertThat(fleet.releases().get(0).delivery()).isEqualTo(Delivery.NONE);
        SyncWindow w = fleet.syncWindows().get(0);
        assertThat(w.kind()).isEqualTo(SyncWindow.Kind.DENY);
        assertThat(w.timeZone()).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
        assertThat(w.manualSync()).isTrue();
        assertThat(w.appliesTo("app", fleet.clusters().get(1))).isTrue();
        assertThat(w.appliesTo("app", fleet.clusters().get(0))).isFalse();
    }
}
