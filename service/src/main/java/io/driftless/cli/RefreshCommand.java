package io.driftless.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code driftless refresh SOURCE}: fetch a source now instead of at its next poll. */
@Command(name = "refresh", mixinStandardHelpOptions = true, description = "Fetch a source now (its targets sync "
        + "when its commit changed).")
public final class RefreshCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SOURCE", description = "The source's name.")
    String source;
    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var answer = options.client().post("/api/v1/sources/" + java.net.URLEncoder.encode(source,
                java.nio.charset.StandardCharsets.UTF_8) + "/refresh");
        Output.print(spec.commandLine().getOut(), options.output, answer, List.of(
                new Output.Column("SOURCE", "/source"), new Output.Column("STATUS", "/status")));
        return 0;
    }
}
