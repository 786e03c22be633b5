package io.driftless.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code driftless sync CLUSTER/RELEASE [--dry-run] [--wait]}: fetch the target's source and sync it now. */
@Command(name = "sync", mixinStandardHelpOptions = true, description = {"Fetch a target's source and sync it now "
        + "(needs credentials).", "Exit: 0 synced, 1 the sync failed or was refused, 2 an error."})
public final class SyncCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CLUSTER/RELEASE", description = "The target.")
    String target;
    @Option(names = "--dry-run", description = "Compare and report only; write nothing.")
    boolean dryRun;
    @Option(names = "--wait", description = "When the service answers before the sync ends, wait for it "
            + "(at most --timeout).")
    boolean wait;
    @Option(names = "--timeout", defaultValue = "300",
            description = "Seconds --wait waits (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;
    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ServiceClient client = options.client();
        String id = TargetName.check(target);
        String before = client.get("/api/v1/targets/" + id).path("lastSync").asText("");
        JsonNode answer = client.post("/api/v1/targets/" + id + "/sync" + (dryRun ? "?dryRun=true" : ""));
        if (!answer.has("syncState")) { // 202: the sync goes on in the service
            if (!wait) {
                spec.commandLine().getErr().println("driftless: " + answer.path("status").asText());
                return 0;
            }
            Instant until = Instant.now().plus(Duration.ofSeconds(timeoutSeconds));
            do {
                if (Instant.now().isAfter(until)) {
                    throw new CliException("the sync of " + id + " did not end within " + timeoutSeconds + " s", 2);
                }
                spec.commandLine().getErr().print(".");
                spec.commandLine().getErr().flush();
                Thread.sleep(1000);
                answer = client.get("/api/v1/targets/" + id);
            } while (answer.path("lastSync").asText("").equals(before));
            spec.commandLine().getErr().println();
        }
        Output.print(spec.commandLine().getOut(), options.output, answer, GetCommand.TARGET_COLUMNS);
        String state = answer.path("syncState").asText();
        return state.equals("Failed") || state.equals("Refused") ? 1 : 0;
    }
}
