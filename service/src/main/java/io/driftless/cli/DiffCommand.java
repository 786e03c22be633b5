package io.driftless.cli;

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
    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
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
                for (JsonNode p : client.post("/api/v1/preview", ServiceClient.JSON.createObjectNode()
                        .put("ref", revision).put("source", source)).path("targets")) {
                    String id = p.path("cluster").asText() + "/" + p.path("release").asText();
                    if (targets.contains(id)) {
                        var answer = ServiceClient.JSON.createObjectNode().put("target", id)
                                .put("revision", p.path("revision").asText()).put("result", p.path("result").asText())
                                .put("outOfSync", p.path("outOfSync").asLong());
                        answer.set("drift", p.path("changes"));
                        if (p.hasNonNull("error")) {
                            answer.put("error", p.path("error").asText());
                        }
                        answers.add(answer);
                    }
                }
            }
        }
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
            out.flush();
        } else {
            Output.print(out, options.output, target != null ? answers.get(0) : answers, List.of());
        }
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
}
