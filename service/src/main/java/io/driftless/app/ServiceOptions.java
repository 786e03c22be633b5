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

    @Option(names = "--api-users", description = "File of API users, one per line: NAME ROLE HASH (ROLE viewer, "
            + "operator or admin; HASH from driftless hash-password).")
    java.nio.file.Path apiUsers;

    @Option(names = "--anonymous-read", description = "Let anyone who reaches the HTTP port read the API (GET); "
            + "by default reads need a viewer's credentials.")
    boolean anonymousRead;

    @Option(names = "--tls-cert", description = "Serve HTTPS with this PEM certificate (chain); with --tls-key.")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", description = "The PEM private key of --tls-cert.")
    java.nio.file.Path tlsKey;

    @Option(names = "--helm-timeout", defaultValue = "20",
            description = "Seconds one Helm render may take before its renderer process is killed (default: ${DEFAULT-VALUE}).")
    int helmTimeout;

    @Option(names = "--helm-memory", defaultValue = "512",
            description = "MiB a Helm renderer process may allocate beyond its start-up needs (default: ${DEFAULT-VALUE}).")
    int helmMemory;

    @Option(names = "--helm-processes", defaultValue = "2",
            description = "Helm renderer processes, so renders at once (default: ${DEFAULT-VALUE}).")
    int helmProcesses;

    @Option(names = "--allow-kubeconfig-exec", description = "Let kubeconfig files run credential commands (exec "
            + "plugins, such as aws or gke-gcloud-auth-plugin) and auth providers; refused by default, since a "
            + "kubeconfig a fleet names could run anything as this process.")
    boolean allowKubeconfigExec;

    @Option(names = "--log-level", description = "trace, debug, info, warn or error (default: info; warn for the demo).")
    public String logLevel;

    /**
     * The service settings these options describe; IllegalArgumentException names an unreadable file.
     *
     * @param anonymousReadByDefault whether reads are open without {@code --anonymous-read} (the demo)
     */
    public DriftlessService.Settings settings(java.nio.file.Path stateDir, String host, boolean anonymousReadByDefault) {
        java.util.Map<String, String> env = System.getenv();
        String admin = env.get("DRIFTLESS_API_AUTH");
        if (apiAuthFile != null) {
            try {
                admin = java.nio.file.Files.readString(apiAuthFile);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read --api-auth-file " + apiAuthFile + ": "
                        + e.getClass().getSimpleName());
            }
        }
        io.driftless.api.ApiCredentials credentials = io.driftless.api.ApiCredentials.of(admin)
                .withAnonymousRead(anonymousRead || anonymousReadByDefault);
        if (apiUsers != null) {
            credentials = credentials.withUsers(io.driftless.api.ApiCredentials.readUsers(apiUsers));
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("give both --tls-cert and --tls-key, or neither");
        }
        for (java.nio.file.Path f : java.util.Arrays.asList(tlsCert, tlsKey)) {
            if (f != null && !java.nio.file.Files.isReadable(f)) {
                throw new IllegalArgumentException("cannot read " + f);
            }
        }
        if (helmTimeout < 1 || helmMemory < 64 || helmProcesses < 1) {
            throw new IllegalArgumentException("--helm-timeout must be at least 1, --helm-memory at least 64 and "
                    + "--helm-processes at least 1");
        }
        return new DriftlessService.Settings(stateDir, host, httpPort, parallelism, env, credentials,
                tlsCert == null ? null : new DriftlessService.Settings.Tls(tlsCert, tlsKey),
                new io.driftless.render.helm.HelmSandbox.Limits(java.time.Duration.ofSeconds(helmTimeout), helmMemory,
                        io.driftless.render.helm.HelmSandbox.Limits.DEFAULT.maxOutput(), helmProcesses),
                allowKubeconfigExec);
    }
}
