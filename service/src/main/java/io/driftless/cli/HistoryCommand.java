package io.driftless.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code driftless history CLUSTER/RELEASE}: the target's recent syncs, newest first. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "A target's recent syncs: when, which "
        + "commit, result, what changed.")
public final class HistoryCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLUSTER/RELEASE", description = "The target.")
    String target;
    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var answer = options.client().get("/api/v1/targets/" + TargetName.check(target)).path("history");
        Output.print(spec.commandLine().getOut(), options.output, answer, List.of(new Output.Column("AT", "/at"),
                new Output.Column("REVISION", "/revision"), new Output.Column("RESULT", "/result"),
                new Output.Column("SYNC", "/syncState"), new Output.Column("SUMMARY", "/summary"),
                new Output.Column("ERROR", "/error")));
        return 0;
    }
}
