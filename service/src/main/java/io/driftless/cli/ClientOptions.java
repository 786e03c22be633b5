package io.driftless.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

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

    ServiceClient client() {
        return new ServiceClient(server, ServiceClient.credentials(tokenFile));
    }
}
