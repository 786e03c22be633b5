package io.driftless.cli;

import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the running service is, how to prove who is asking, and how to print what it answers. */
final class ClientOptions {

    @Option(names = "--server", defaultValue = "${env:DRIFTLESS_SERVER:-http://127.0.0.1:8080}",
            description = "Driftless's URL (default: $DRIFTLESS_SERVER or ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token-file", description = "File with the API credentials (user:password or a token); "
            + "default: $DRIFTLESS_TOKEN.")
    Path tokenFile;

    @Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    Output.Format output;

    @Option(names = "--insecure-http", description = "Send the credentials over plain http to a host other than "
            + "this machine (anyone on the network between can read them); refused without it.")
    boolean insecureHttp;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    ServiceClient client() {
        return new ServiceClient(server, ServiceClient.credentials(tokenFile, command.commandLine().getErr()),
                insecureHttp);
    }
}
