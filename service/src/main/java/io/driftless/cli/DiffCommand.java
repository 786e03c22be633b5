package io.driftless.cli;

import io.driftless.config.TargetId;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code driftless diff [CLUSTER/RELEASE]}: what differs between Git (the source's last fetched commit) and the
 * cluster, changing nothing. Exits like {@code kubectl diff}: 0 no drift, 1 drift, 2 an error.
 */
@Command(name = "diff", mixinStandardHelpOptions = true, description = {"What differs between Git and the cluster, "
        + "for one target or all, changing nothing.", "Exit: 0 no drift, 1 drift, 2 an error (a failed render, an "
        + "unreachable cluster)."})
public final class DiffCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLUSTER/RELEASE", arity = "0..1", description = "One target (default: all).")
    String target;
    @picocli.CommandLine.Option(names = "--revision", paramLabel = "REF", description = "Compare what a branch, tag, "
            + "commit or pull-request ref would apply (a preview: needs an operator's credentials) instead of the "
            + "last fetched commit.")
    String revision;
    @picocli.CommandLine.Option(names = "--fleet", paramLabel = "FILE", description = "Compare straight against the "
            + "clusters of a fleet file (its sources fetched now, its kubeconfigs used), without a running service.")
    java.nio.file.Path fleetFile;
    @picocli.CommandLine.Option(names = "--object", paramLabel = "KIND/NAME", description = "One object of the "
            + "target (KIND/NAME, or KIND/NAMESPACE/NAME where the name is not enough): its differing fields with "
            + "their last writers; -o yaml or json adds its desired and live manifests (secrets redacted).")
    String object;
    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;
    /** With --revision against a service: the rollout that would take the ref, per release. */
    private final ArrayNode plans = ServiceClient.JSON.createArrayNode();

    @Override
    public Integer call() throws java.io.IOException {
        if (object != null) {
            return oneObject();
        }
        ArrayNode answers = fleetFile != null ? fromFleet() : fromService();
        report(answers);
        int code = 0;
        for (JsonNode a : answers) {
            String result = a.path("result").asText();
            if (result.equals("Failed") || result.equals("Refused")) {
                return 2;
            }
            if (result.equals("OutOfSync") || a.path("outOfSync").asLong() > 0) {
                code = 1;
            }
        }
        return code;
    }

    /** {@code --object}: one object of one target, from the service. */
    private int oneObject() {
        if (target == null || fleetFile != null || revision != null) {
            throw new CliException("--object needs CLUSTER/RELEASE and a service (not --fleet or --revision)", 2);
        }
        String[] parts = object.split("/");
        if (parts.length < 2 || parts.length > 3) {
            throw new CliException("--object takes KIND/NAME or KIND/NAMESPACE/NAME, not " + object, 2);
        }
        String base = "/api/v1/targets/" + TargetName.check(target) + "/objects";
        ServiceClient client = options.client();
        List<JsonNode> matches = new ArrayList<>();
        for (JsonNode o : client.get(base).path("objects")) {
            if (o.path("kind").asText().equalsIgnoreCase(parts[0]) && o.path("name").asText()
                    .equals(parts[parts.length - 1]) && (parts.length == 2 || parts[1].equals(o.path("namespace")
                    .asText()))) {
                matches.add(o);
            }
        }
        if (matches.size() != 1) {
            throw new CliException(target + " has " + (matches.isEmpty() ? "no object " + object : matches.size()
                    + " objects " + object + "; name its namespace: KIND/NAMESPACE/NAME"), 2);
        }
        JsonNode m = matches.get(0);
        JsonNode one = client.get(base + "/" + (m.path("group").asText().isEmpty() ? "core" : m.path("group")
                .asText()) + "/" + m.path("kind").asText() + "/" + m.path("namespace").asText("_") + "/"
                + m.path("name").asText()).path("objects").get(0);
        PrintWriter out = spec.commandLine().getOut();
        if (options.output == Output.Format.table) {
            out.printf("%s %s%s%n", one.path("object").asText(), one.path("state").asText(),
                    one.hasNonNull("reason") ? ": " + one.path("reason").asText() : "");
            for (JsonNode d : one.path("drift")) {
                out.printf("  %s: live %s, desired %s%s%n", d.path("path").asText(), d.path("live"),
                        d.path("desired"), d.hasNonNull("lastWriter") ? "; last written by "
                                + d.path("lastWriter").asText() : "");
            }
            out.flush();
        } else {
            Output.print(out, options.output, one, List.of());
        }
        return one.path("state").asText().equals("Synced") ? 0 : 1;
    }

    /**
     * What the fleet file's targets would change, compared here: its sources fetched (at {@code --revision} when
     * given), each target rendered, its cluster read; nothing written.
     */
    private ArrayNode fromFleet() throws java.io.IOException {
        LocalFleet local;
        try {
            local = new LocalFleet(fleetFile, null);
        } catch (io.driftless.config.ConfigException e) {
            e.problems().forEach(p -> spec.commandLine().getErr().println(p));
            throw new CliException("the fleet file is invalid", 2);
        }
        ArrayNode answers = ServiceClient.JSON.createArrayNode();
        try (local; var clusters = new io.driftless.cluster.ClusterConnections(local.fleet.clusters());
             var metrics = new io.driftless.telemetry.Metrics()) {
            var syncer = new io.driftless.reconcile.TargetSyncer(local.charts,
                    io.driftless.cluster.KubeTargetCluster.forTargets(clusters),
                    new io.driftless.status.StatusBoard(local.fleet.targets()), metrics, java.time.Clock.systemUTC(),
                    notice -> { });
            for (io.driftless.config.Target t : local.fleet.targets()) {
                if (target != null && !t.id().equals(TargetName.check(target))) {
                    continue;
                }
                var p = io.driftless.api.Views.PreviewOf.of(syncer.preview(t, local.snapshot(t.release().source(),
                        revision)));
                answers.add(answer(t.id(), p.revision(), p.result().name(), p.outOfSync(),
                        ServiceClient.JSON.valueToTree(p.changes()), p.error()));
            }
        } catch (io.driftless.source.SourceException e) {
            throw new CliException(e.getMessage(), 2);
        }
        if (target != null && answers.isEmpty()) {
            throw new CliException("the fleet has no target " + target, 2);
        }
        return answers;
    }

    private ArrayNode fromService() {
        ServiceClient client = options.client();
        List<String> targets = new ArrayList<>();
        if (target != null) {
            targets.add(TargetName.check(target));
        } else {
            client.get("/api/v1/targets").forEach(t -> targets.add(t.path("cluster").asText() + "/"
                    + t.path("release").asText()));
        }
        ArrayNode answers = ServiceClient.JSON.createArrayNode();
        if (revision == null) {
            targets.forEach(t -> answers.add(client.get("/api/v1/targets/" + t + "/diff")));
        } else {
            java.util.Set<String> sources = new java.util.LinkedHashSet<>();
            targets.forEach(t -> sources.add(client.get("/api/v1/targets/" + t).path("source").asText()));
            for (String source : sources) {
                JsonNode preview = client.post("/api/v1/preview", ServiceClient.JSON.createObjectNode()
                        .put("ref", revision).put("source", source));
                preview.path("rollouts").forEach(plans::add);
                for (JsonNode p : preview.path("targets")) {
                    String id = TargetId.of(p.path("cluster").asText(), p.path("release").asText());
                    if (targets.contains(id)) {
                        answers.add(answer(id, p.path("revision").asText(), p.path("result").asText(),
                                p.path("outOfSync").asLong(), p.path("changes"), p.path("error").asText(null)));
                    }
                }
            }
        }
        return answers;
    }

    /** A target's comparison, in the shape of the service's diff answer. */
    private static JsonNode answer(String target, String revision, String result, long outOfSync, JsonNode drift,
                                   String error) {
        var answer = ServiceClient.JSON.createObjectNode().put("target", target).put("revision", revision)
                .put("result", result).put("outOfSync", outOfSync);
        answer.set("drift", drift);
        if (error != null) {
            answer.put("error", error);
        }
        return answer;
    }

    private void report(ArrayNode answers) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.output == Output.Format.table) {
            Output.print(out, options.output, answers, List.of(new Output.Column("TARGET", "/target"),
                    new Output.Column("RESULT", "/result"), new Output.Column("DRIFT", "/outOfSync"),
                    new Output.Column("REVISION", "/revision"), new Output.Column("ERROR", "/error")));
            for (JsonNode a : answers) {
                for (JsonNode d : a.path("drift")) {
                    out.printf("%s %s %s%s%n", a.path("target").asText(), d.path("object").asText(),
                            d.path("change").asText(), d.hasNonNull("path") ? " " + d.path("path").asText() + ": "
                                    + d.path("live") + " -> " + d.path("desired") : "");
                }
            }
            plans.forEach(plan -> printPlan(out, plan));
            out.flush();
        } else {
            Output.print(out, options.output, target != null && answers.size() == 1 ? answers.get(0) : answers,
                    List.of());
        }
    }

    /**
     * One release's rollout plan, a line per wave: {@code rollout of app at 1a2b3c4d5e6f: canary (1 at once):
     * dev/app; prod (2 at once): prod-1/app [window: in a deny window until ...]}.
     */
    private static void printPlan(PrintWriter out, JsonNode plan) {
        out.printf("rollout of %s at %s%s%s:%n", plan.path("release").asText(), plan.path("commit").asText()
                .substring(0, 12), plan.path("waves").size() > 1 ? ", each wave Healthy for " + plan.path("healthyFor")
                .asText() + " before the next" : "", plan.path("dependsOn").isEmpty() ? ""
                : ", after " + String.join(", ", ServiceClient.JSON.convertValue(plan.path("dependsOn"),
                        String[].class)));
        for (JsonNode wave : plan.path("waves")) {
            List<String> targets = new ArrayList<>();
            wave.path("targets").forEach(t -> targets.add(t.path("target").asText() + (t.has("gate")
                    ? " [" + t.path("gate").asText() + ": " + t.path("reason").asText() + "]" : "")));
            out.printf("  %s (%d at once): %s%n", wave.path("name").asText(), wave.path("atOnce").asInt(),
                    String.join(", ", targets));
        }
    }
}
