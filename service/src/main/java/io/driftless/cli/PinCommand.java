package io.driftless.cli;

import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code driftless rollback CLUSTER/RELEASE|RELEASE --to REVISION} and {@code driftless unpin ...}: hold a target
 * (or every target of a release) at an earlier commit it synced, with automation left on, and let it go again.
 */
public final class PinCommand {

    private PinCommand() {
    }

    abstract static class Pinning implements Callable<Integer> {
        @Parameters(paramLabel = "CLUSTER/RELEASE|RELEASE", description = "A target, or a release (all its targets).")
        String what;
        @Mixin
        ClientOptions options;
        @Spec
        CommandSpec spec;

        /** The path of the release's or the target's resource. */
        String scope() {
            if (what != null && what.contains("/")) {
                return "/api/v1/targets/" + TargetName.check(what);
            }
            if (what == null || !what.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new CliException("'" + what + "' is neither a target (CLUSTER/RELEASE) nor a release name", 2);
            }
            return "/api/v1/releases/" + what;
        }

        void print(JsonNode answer) {
            Output.print(spec.commandLine().getOut(), options.output, answer, List.of(
                    new Output.Column("CLUSTER", "/cluster"), new Output.Column("RELEASE", "/release"),
                    new Output.Column("PINNED", "/pin/revision"), new Output.Column("UNTIL-NEWER", "/pin/untilNewer"),
                    new Output.Column("REVISION", "/revision"), new Output.Column("SYNC", "/syncState")));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Pin a target (or every target of a "
            + "release) to an earlier commit it synced: it is synced and healed to that commit, everything else "
            + "keeps syncing, until 'driftless unpin' (or, with --until-newer, the next new commit).")
    public static final class Rollback extends Pinning {
        @Option(names = "--to", required = true, paramLabel = "REVISION",
                description = "A commit the target synced (from 'driftless history'; 7 or more hex digits).")
        String revision;
        @Option(names = "--until-newer", description = "Lift the pin when the source has a commit newer than "
                + "it has now (the fix), instead of waiting for 'driftless unpin'.")
        boolean untilNewer;

        @Override
        public Integer call() {
            var body = ServiceClient.JSON.createObjectNode().put("revision", revision).put("untilNewer", untilNewer);
            print(options.client().post(scope() + "/rollback", body));
            return 0;
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true, description = "Lift a rollback's pin: the target (or "
            + "every target of the release) syncs its source's newest commit again.")
    public static final class Unpin extends Pinning {
        @Override
        public Integer call() {
            print(options.client().post(scope() + "/unpin"));
            return 0;
        }
    }
}
