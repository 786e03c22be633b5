package io.driftless.app;

import picocli.CommandLine.Option;

/** Options shared by the commands that run the service. */
final class ServiceOptions {

    @Option(names = "--http-host", defaultValue = "127.0.0.1", description = "HTTP listen address (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--parallelism", defaultValue = "4", description = "Targets synced at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--log-level", description = "trace, debug, info, warn or error (default: info; warn for the demo).")
    String logLevel;
}
