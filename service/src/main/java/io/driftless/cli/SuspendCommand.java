package io.driftless.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code driftless suspend|resume CLUSTER/RELEASE}: stop (or start again) syncing and healing a target. */
public final class SuspendCommand {

    private SuspendCommand() {
    }

    abstract static class Toggle implements Callable<Integer> {
        @Parameters(paramLabel = "CLUSTER/RELEASE", description = "The target.")
        String target;
        @Mixin
        ClientOptions options;
        @Spec
        CommandSpec spec;

        abstract String verb();

        @Override
        public Integer call() {
            var answer = options.client().post("/api/v1/targets/" + TargetName.check(target) + "/" + verb());
            Output.print(spec.commandLine().getOut(), options.output, answer, java.util.List.of(
                    new Output.Column("CLUSTER", "/cluster"), new Output.Column("RELEASE", "/release"),
                    new Output.Column("SUSPENDED", "/suspended"), new Output.Column("SYNC", "/syncState")));
            return 0;
        }
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true, description = "Stop syncing and healing a target "
            + "(kept across restarts) until it is resumed; a sync asked for is refused meanwhile.")
    public static final class Suspend extends Toggle {
        @Override
        String verb() {
            return "suspend";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Sync and heal a suspended target "
            + "again (from its next poll or change).")
    public static final class Resume extends Toggle {
        @Override
        String verb() {
            return "resume";
        }
    }
}
