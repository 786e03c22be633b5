package io.driftless.app;

import picocli.CommandLine.Option;

/** Options shared by the commands that run the service. */
public final class ServiceOptions {

    @Option(names = "--http-host", defaultValue = "${env:DRIFTLESS_HTTP_HOST:-127.0.0.1}",
            description = "HTTP listen address; 0.0.0.0 in a container (default: $DRIFTLESS_HTTP_HOST or 127.0.0.1).")
    public String httpHost;

    @Option(names = "--http-port", defaultValue = "${env:DRIFTLESS_HTTP_PORT:-8080}",
            description = "HTTP port (default: $DRIFTLESS_HTTP_PORT or 8080).")
    int httpPort;

    @Option(names = "--parallelism", defaultValue = "4", description = "Targets synced at once per cluster, and Git fetches at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--api-auth-file", description = "File holding the credentials of the mutating HTTP endpoints: "
            + "user:password (HTTP basic) or a bearer token. Default: the DRIFTLESS_API_AUTH environment variable; "
            + "without either, those endpoints are disabled.")
    java.nio.file.Path apiAuthFile;

    @Option(names = "--log-level", description = "trace, debug, info, warn or error (default: info; warn for the demo).")
    public String logLevel;

    /** The service settings these options describe; IllegalArgumentException names an unreadable file. */
    public DriftlessService.Settings settings(java.nio.file.Path stateDir, String host) {
        java.util.Map<String, String> env = System.getenv();
        if (apiAuthFile == null) {
            return new DriftlessService.Settings(stateDir, host, httpPort, parallelism, env);
        }
        try {
            return new DriftlessService.Settings(stateDir, host, httpPort, parallelism, env,
                    io.driftless.api.ApiCredentials.of(java.nio.file.Files.readString(apiAuthFile)));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read --api-auth-file " + apiAuthFile + ": "
                    + e.getClass().getSimpleName());
        }
    }
}
