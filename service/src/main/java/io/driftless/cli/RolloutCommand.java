package io.driftless.cli;

import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code driftless rollout status|resume|abort RELEASE}: where a release's rollout stands, and an operator's say. */
@Command(name = "rollout", mixinStandardHelpOptions = true, description = "Show, resume or abort a release's "
        + "rollout of its newest commit (waves, each target's state, what holds it).")
public final class RolloutCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "status, resume (past a Degraded or failing "
            + "target) or abort (targets not reached keep what they have until a newer commit).")
    Action action;
    @Parameters(index = "1", paramLabel = "RELEASE", description = "The release.")
    String release;
    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;

    enum Action { status, resume, abort }

    @Override
    public Integer call() {
        if (!release.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new CliException("'" + release + "' is not a release name", 2);
        }
        String path = "/api/v1/releases/" + release + "/rollout";
        JsonNode answer = action == Action.status ? options.client().get(path)
                : options.client().post(path + "/" + action);
        if (options.output != Output.Format.table) {
            Output.print(spec.commandLine().getOut(), options.output, answer, List.of());
            return 0;
        }
        spec.commandLine().getOut().println("release " + answer.path("release").asText() + ": "
                + answer.path("state").asText() + (answer.has("commit") ? " at commit "
                + answer.path("commit").asText().substring(0, 12) : "")
                + (answer.path("resumed").asBoolean() ? " (resumed)" : ""));
        ArrayNode rows = ServiceClient.JSON.createArrayNode();
        for (JsonNode wave : answer.path("waves")) {
            for (JsonNode target : wave.path("targets")) {
                rows.add(((ObjectNode) target.deepCopy()).put("wave", wave.path("name").asText()));
            }
        }
        Output.print(spec.commandLine().getOut(), options.output, rows, List.of(new Output.Column("WAVE", "/wave"),
                new Output.Column("TARGET", "/target"), new Output.Column("SYNC", "/syncState"),
                new Output.Column("HEALTH", "/health"), new Output.Column("WAITING", "/waiting")));
        return 0;
    }
}
